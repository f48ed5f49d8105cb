"""Plain records the fake keeps: recorded calls, teams, users, channels, files, views.

Kept apart from the server so tests can build and compare them without HTTP.
"""

from __future__ import annotations

import itertools
import random
import string
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo


@dataclass
class Call:
    """One request to the Web API, as the fake saw and answered it."""

    method: str
    params: dict[str, Any]
    token: str | None
    team: str | None
    at: float
    status: int = 200
    response: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.status == 200 and bool(self.response.get("ok"))


@dataclass
class Team:
    id: str
    name: str
    bot_user_id: str
    bot_id: str
    app_id: str
    domain: str
    tokens: set[str] = field(default_factory=set)


@dataclass
class User:
    id: str
    team: str
    name: str
    real_name: str
    tz: str = "Europe/Amsterdam"
    locale: str = "en-US"
    is_admin: bool = False
    is_owner: bool = False
    is_bot: bool = False
    deleted: bool = False
    email: str | None = None

    def to_api(self, now: datetime | None = None) -> dict[str, Any]:
        """The `users.info` shape; tz_offset follows DST at the current instant like Slack's does."""
        zone = ZoneInfo(self.tz)
        local = (now or datetime.now(zone)).astimezone(zone)
        offset = local.utcoffset()
        return {
            "id": self.id,
            "team_id": self.team,
            "name": self.name,
            "real_name": self.real_name,
            "deleted": self.deleted,
            "tz": self.tz,
            "tz_label": local.tzname() or self.tz,
            "tz_offset": int(offset.total_seconds()) if offset is not None else 0,
            "is_admin": self.is_admin,
            "is_owner": self.is_owner,
            "is_primary_owner": self.is_owner,
            "is_restricted": False,
            "is_ultra_restricted": False,
            "is_bot": self.is_bot,
            "is_app_user": False,
            "locale": self.locale,
            "updated": int(time.time()),
            "profile": {
                "real_name": self.real_name,
                "display_name": self.name,
                "real_name_normalized": self.real_name,
                "display_name_normalized": self.name,
                "email": self.email or f"{self.name.lower().replace(' ', '.')}@example.org",
                "team": self.team,
            },
        }


@dataclass
class Channel:
    id: str
    team: str
    name: str
    members: list[str] = field(default_factory=list)
    is_private: bool = False
    is_im: bool = False
    user: str | None = None  # the other member of a DM

    def to_api(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.id,
            "created": 1700000000,
            "is_archived": False,
            "context_team_id": self.team,
        }
        if self.is_im:
            data.update(
                {"is_im": True, "is_channel": False, "is_group": False, "user": self.user, "is_open": True}
            )
        else:
            data.update(
                {
                    "name": self.name,
                    "name_normalized": self.name,
                    "is_channel": not self.is_private,
                    "is_group": self.is_private,
                    "is_im": False,
                    "is_private": self.is_private,
                    "is_member": True,
                    "num_members": len(self.members),
                }
            )
        return data


class Ids:
    """Unique, Slack-looking identifiers and message timestamps.

    Timestamps stay close to the wall clock (bots compare them with "now") but strictly
    increase, because Slack's ts is the message's primary key within a channel.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counter = itertools.count(1)
        self._last_us = 0

    def make(self, prefix: str, length: int = 10) -> str:
        with self._lock:
            n = next(self._counter)
        alphabet = string.ascii_uppercase + string.digits
        tail = "".join(random.choices(alphabet, k=max(0, length - 4)))
        return f"{prefix}{n:04d}{tail}"

    def ts(self) -> str:
        with self._lock:
            now_us = int(time.time() * 1_000_000)
            self._last_us = max(now_us, self._last_us + 100)
            us = self._last_us
        return f"{us // 1_000_000}.{us % 1_000_000:06d}"
