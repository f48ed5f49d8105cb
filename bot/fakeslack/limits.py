"""Slack's Web API rate limits as data, and a limiter that enforces them on the fake.

Why token buckets: Slack describes its limits as "N per minute, short bursts tolerated".
A bucket of `burst` tokens refilled at `per_minute / 60` tokens per second models exactly
that, so a bot that paces itself passes and a bot that fires a loop of calls does not.

Time comes from `time.monotonic()` multiplied by `time_scale`: with `time_scale=10` a
one-minute window passes in six real seconds, which keeps limit tests fast.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import Literal

Scope = Literal["method", "channel"]


@dataclass(frozen=True)
class Limit:
    """One bucket: `per_minute` sustained calls, at most `burst` back to back.

    `scope` says what one bucket is shared by: all calls of a method in a workspace
    ("method") or the calls of a method to one channel in a workspace ("channel").
    """

    name: str
    per_minute: float
    burst: int
    scope: Scope = "method"

    @property
    def per_second(self) -> float:
        return self.per_minute / 60.0


TIER_2 = Limit("Tier 2", per_minute=20, burst=5)
TIER_3 = Limit("Tier 3", per_minute=50, burst=10)
TIER_4 = Limit("Tier 4", per_minute=100, burst=20)
AUTH_TEST = Limit("auth.test", per_minute=600, burst=100)
POST_PER_CHANNEL = Limit("chat.postMessage per channel", per_minute=60, burst=3, scope="channel")
POST_WORKSPACE = Limit("chat.postMessage per workspace", per_minute=250, burst=250)

# Method name patterns (fnmatch, first match wins) -> the buckets a call draws from.
# Methods that match no pattern are not limited by the fake.
LIMITS: tuple[tuple[str, tuple[Limit, ...]], ...] = (
    ("chat.postMessage", (POST_PER_CHANNEL, POST_WORKSPACE)),
    ("chat.update", (TIER_3,)),
    ("chat.delete", (TIER_3,)),
    ("chat.unfurl", (TIER_3,)),
    ("chat.getPermalink", (TIER_4,)),
    ("chat.postEphemeral", (TIER_4,)),
    ("chat.scheduleMessage", (TIER_3,)),
    ("conversations.open", (TIER_3,)),
    ("conversations.info", (TIER_3,)),
    ("conversations.members", (TIER_3,)),
    ("conversations.history", (TIER_3,)),
    ("views.*", (TIER_4,)),
    ("users.info", (TIER_4,)),
    ("users.lookupByEmail", (TIER_3,)),
    ("users.list", (TIER_2,)),
    ("team.info", (TIER_3,)),
    ("files.*", (TIER_4,)),
    ("auth.test", (AUTH_TEST,)),
)


def limits_for(method: str) -> tuple[Limit, ...]:
    """The buckets `method` draws from (empty when the fake does not limit it)."""
    for pattern, limits in LIMITS:
        if fnmatchcase(method, pattern):
            return limits
    return ()


@dataclass
class Verdict:
    """Outcome of one call: allowed, or which limit it broke and how long to wait (real seconds)."""

    allowed: bool
    limit: Limit | None = None
    retry_after: int = 0
    message: str = ""


class RateLimiter:
    """Thread-safe token buckets keyed by (team, method, limit, channel)."""

    def __init__(self, time_scale: float = 1.0, clock: Callable[[], float] = time.monotonic) -> None:
        if time_scale <= 0:
            raise ValueError("time_scale must be positive")
        self.time_scale = time_scale
        self._clock = clock
        self._lock = threading.Lock()
        # key -> (tokens, last refill time in scaled seconds)
        self._buckets: dict[tuple[str, str, str, str], tuple[float, float]] = {}

    def now(self) -> float:
        """Scaled time: real monotonic seconds times `time_scale`."""
        return self._clock() * self.time_scale

    def check(self, team: str | None, method: str, channel: str | None = None) -> Verdict:
        """Take one token from every bucket of `method`, or report the first one that is empty.

        A refused call takes no token from any bucket, like a call Slack turned away.
        """
        limits = limits_for(method)
        if not limits:
            return Verdict(True)
        now = self.now()
        with self._lock:
            states = []
            for limit in limits:
                key = (team or "-", method, limit.name, (channel or "-") if limit.scope == "channel" else "")
                tokens, last = self._buckets.get(key, (float(limit.burst), now))
                tokens = min(float(limit.burst), tokens + (now - last) * limit.per_second)
                if tokens < 1.0:
                    wait_scaled = (1.0 - tokens) / limit.per_second
                    retry_after = max(1, math.ceil(wait_scaled / self.time_scale))
                    where = f" in channel {channel}" if limit.scope == "channel" else ""
                    message = (
                        f"{method} by team {team}{where}: exceeded {limit.name} "
                        f"({limit.per_minute:g}/min, burst {limit.burst}); retry after {retry_after}s"
                    )
                    # Store the refill so time keeps being accounted for.
                    self._buckets[key] = (tokens, now)
                    return Verdict(False, limit, retry_after, message)
                states.append((key, tokens))
            for key, tokens in states:
                self._buckets[key] = (tokens - 1.0, now)
        return Verdict(True)

    def reset(self) -> None:
        """Forget all buckets (every method starts with a full burst again)."""
        with self._lock:
            self._buckets.clear()
