"""Channel names for what people read outside Slack (the report): `#kwaliteit-ouderen`, not `C0KW…`.

Why a cache: a report page may be opened many times and `conversations.info` is Tier 3; a
channel's name changes rarely, so an hour-old name is good enough. Why a fallback to the id:
the report must never fail because Slack is away or the bot left the channel.
"""

from __future__ import annotations

import logging
import threading
import time

from slack_sdk.errors import SlackApiError

from bot.slack.client import TokenSource

log = logging.getLogger(__name__)
TTL_SECONDS = 3600.0
_MAX_ENTRIES = 2000


class ChannelNames:
    """`name(tokens, team, channel)` → "#name" (or the id when Slack cannot tell), cached."""

    def __init__(self, *, ttl: float = TTL_SECONDS, clock=time.monotonic) -> None:
        self.ttl = ttl
        self.clock = clock
        self._cache: dict[tuple[str, str], tuple[float, str]] = {}
        self._lock = threading.Lock()

    def name(self, tokens: TokenSource | None, team_id: str | None, channel_id: str) -> str:
        key = (team_id or "", channel_id)
        now = self.clock()
        with self._lock:
            hit = self._cache.get(key)
        if hit is not None and now - hit[0] < self.ttl:
            return hit[1]
        found = _ask_slack(tokens, team_id, channel_id)
        if found is None:
            return hit[1] if hit is not None else channel_id  # an older name beats the id
        with self._lock:
            if len(self._cache) >= _MAX_ENTRIES:
                self._cache.clear()
            self._cache[key] = (now, found)
        return found



def _ask_slack(tokens: TokenSource | None, team_id: str | None, channel_id: str) -> str | None:
    if tokens is None or not channel_id or not tokens.bot_token(team_id or None):
        return None
    try:
        channel = tokens.client(team_id or None).conversations_info(channel=channel_id).get("channel") or {}
    except SlackApiError as exc:
        log.info("conversations.info failed: %s", exc.response.get("error") if exc.response else exc)
        return None
    except Exception as exc:  # network: the id will do
        log.info("conversations.info unreachable: %s", type(exc).__name__)
        return None
    name = channel.get("name")
    if not name or channel.get("is_im"):
        return None
    return f"#{name}"


CHANNEL_NAMES = ChannelNames()  # one cache per process


def channel_name(tokens: TokenSource | None, team_id: str | None, channel_id: str) -> str:
    """The channel's "#name" for a report, or its id when Slack cannot say."""
    return CHANNEL_NAMES.name(tokens, team_id, channel_id)


def channel_members(tokens: TokenSource | None, team_id: str | None, channel_id: str,
                    limit: int = 1000) -> set[str] | None:
    """Who is in a conversation, or None when Slack cannot say (not a member, a group DM without
    the scope, an outage) or the conversation is larger than `limit`: callers then show less."""
    if tokens is None or not channel_id:
        return None
    members: set[str] = set()
    cursor = None
    try:
        client = tokens.client(team_id or None)
        while True:
            page = client.conversations_members(channel=channel_id, limit=200, cursor=cursor)
            members.update(page.get("members") or [])
            cursor = (page.get("response_metadata") or {}).get("next_cursor")
            if len(members) > limit:
                return None
            if not cursor:
                return members
    except SlackApiError as exc:
        log.info("conversations.members failed: %s", exc.response.get("error") if exc.response else exc)
    except Exception as exc:
        log.info("conversations.members unreachable: %s", type(exc).__name__)
    return None
