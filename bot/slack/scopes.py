"""Bot scopes requested at install; manifest.yml must list exactly these (a test checks).

channels:history / groups:history are read-only and used for one thing: after a crash the
outbox checks whether a message already arrived (by its metadata) before sending it again.
links:read / links:write: a report link pasted in Slack gets a preview (link_shared, chat.unfurl).
users:read.email resolves the e-mail addresses in a round file (users.lookupByEmail); mpim:write
opens the group DM in which one party holds its internal preparation.
"""

BOT_SCOPES = [
    "app_mentions:read",
    "channels:history",
    "channels:read",
    "chat:write",
    "commands",
    "files:read",
    "files:write",
    "groups:history",
    "groups:read",
    "im:history",
    "im:read",
    "im:write",
    "links:read",
    "links:write",
    "mpim:write",
    "users:read",
    "users:read.email",
]
