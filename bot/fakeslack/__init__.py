"""A loopback stand-in for Slack (Web API, response_url, files, OAuth, Socket Mode).

Why in the bot package: `python -m bot demo` runs the real bot against it without a Slack
account, and every test drives the bot through it. It binds to 127.0.0.1 only.

Usage: `with FakeSlack() as slack: WebClient(base_url=slack.url, token=...)`. See
server.FakeSlack for the full API and signing.SlackSender for sending signed requests
to the bot as Slack would.
"""

from .elsewhere import OtherHost
from .limits import LIMITS, Limit, RateLimiter
from .models import Call
from .replies import Reply
from .server import FakeSlack
from .signing import Response, SlackSender, sign

__all__ = ["LIMITS", "Call", "FakeSlack", "Limit", "OtherHost", "RateLimiter", "Reply", "Response", "SlackSender",
           "sign"]
