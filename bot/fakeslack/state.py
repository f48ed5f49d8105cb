"""Everything the fake remembers, behind one lock.

Why one re-entrant lock for all of it: requests arrive on many server threads and
tests read snapshots from the main thread; the data is small, so coarse locking is
simpler than being clever and cannot deadlock.
"""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from .limits import RateLimiter
from .models import Call, Channel, Ids, Team, User
from .replies import Reply


@dataclass
class StoredFile:
    """A file the bot can read (files.info, download) — added by a test or uploaded by the bot."""

    id: str
    team: str
    name: str
    title: str
    filetype: str
    content: bytes
    meta: dict[str, Any] = field(default_factory=dict)


@dataclass
class PendingUpload:
    """Step 1/2 of files_upload_v2: an upload URL was handed out, bytes may have arrived."""

    id: str
    team: str
    filename: str
    length: int
    content: bytes | None = None
    alt_txt: str | None = None  # files.getUploadURLExternal's description for screen readers


class State:
    """Mutable data of one FakeSlack instance (see FakeSlack for the public view of it)."""

    def __init__(
        self,
        *,
        enforce_limits: bool,
        time_scale: float,
        client_id: str,
        client_secret: str,
        app_id: str,
        app_token: str | None,
    ) -> None:
        self.lock = threading.RLock()
        self.ids = Ids()
        self.limiter = RateLimiter(time_scale)
        self.enforce_limits = enforce_limits
        self.client_id = client_id
        self.client_secret = client_secret
        self.app_id = app_id
        self.app_token = app_token
        self.base = ""  # "http://127.0.0.1:PORT", set when the server starts

        self.teams: dict[str, Team] = {}
        self.tokens: dict[str, str] = {}  # bot token -> team id
        self.revoked: set[str] = set()
        self.users: dict[str, User] = {}
        self.channels: dict[tuple[str, str], Channel] = {}
        self.messages: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self.ephemerals: list[dict[str, Any]] = []
        self.unfurls: list[dict[str, Any]] = []
        self.views: dict[str, dict[str, Any]] = {}
        self.home_views: dict[str, list[dict[str, Any]]] = {}
        self.files: dict[str, StoredFile] = {}
        self.pending_uploads: dict[str, PendingUpload] = {}
        self.uploads: list[dict[str, Any]] = []
        self.oauth_codes: dict[str, dict[str, Any]] = {}
        self.triggers: dict[str, float] = {}  # trigger id -> real monotonic issue time
        self.used_triggers: set[str] = set()
        self.response_urls: dict[str, int] = {}  # path -> times used
        self.responses: list[dict[str, Any]] = []
        self.downloads: list[dict[str, Any]] = []
        self.file_redirects: dict[str, tuple[int, str, int | None]] = {}  # file id -> status, Location, times left
        self.calls: list[Call] = []
        self.scripts: dict[str, deque[Reply]] = {}
        self.violations: list[str] = []

    # -- lookups used by the handlers -------------------------------------------------------

    def team_for_token(self, token: str | None) -> Team | None:
        with self.lock:
            if token is None or token in self.revoked:
                return None
            team_id = self.tokens.get(token)
            return self.teams.get(team_id) if team_id else None

    def default_team(self) -> str:
        with self.lock:
            if not self.teams:
                raise ValueError("add_team() first")
            return next(iter(self.teams))

    def dm_channel(self, team: str, user: str) -> Channel:
        """The bot's DM with `user` (created on first use, like conversations.open)."""
        with self.lock:
            key = (team, "D" + user)
            channel = self.channels.get(key)
            if channel is None:
                team_obj = self.teams[team]
                channel = Channel(
                    id="D" + user,
                    team=team,
                    name=user,
                    members=[user, team_obj.bot_user_id],
                    is_im=True,
                    user=user,
                )
                self.channels[key] = channel
            return channel

    def channel(self, team: str, channel_id: str) -> Channel | None:
        """A known channel, or an implicit public one for any other plausible id.

        Why implicit channels: most bot tests do not care about channel setup, only that
        ids starting with "CBAD" fail the way a deleted/unknown channel does.
        """
        with self.lock:
            if not channel_id or channel_id.startswith("CBAD"):
                return None
            if channel_id.startswith("U") or channel_id.startswith("W"):
                return self.dm_channel(team, channel_id)
            found = self.channels.get((team, channel_id))
            if found is not None:
                return found
            if channel_id.startswith("D") and len(channel_id) > 1:
                return self.dm_channel(team, channel_id[1:])
            if channel_id[0] in "CG":
                members = [u.id for u in self.users.values() if u.team == team and not u.deleted]
                return Channel(
                    id=channel_id,
                    team=team,
                    name=f"channel-{channel_id.lower()}",
                    members=members,
                    is_private=channel_id.startswith("G"),
                )
            return None
