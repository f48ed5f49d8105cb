"""The HTTP face: the WSGI app (Slack's endpoint, OAuth pages, health) and the server that runs it."""
