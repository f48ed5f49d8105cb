"""The outside world of the kwaliteitsgesprek bot: Slack (Bolt), HTTP, scheduler and CLI.

`bot` uses `flows` (what a conversation is) and `storage` (what is remembered);
neither of those imports anything from here.
"""

__version__ = "0.1.0"
