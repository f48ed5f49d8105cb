"""Client-side pacing that stays under Slack's published rate limits.

Why our own pacer instead of sleeping on 429s: Slack answers 429 only *after* a limit
is broken, and slack_sdk's retry handler sleeps in the caller's thread. Pacing per
method tier and per channel keeps a fan-out at the ceiling without tripping it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

# Requests per minute, a little under Slack's tier numbers to leave room for other callers.
TIER_PER_MINUTE = {2: 18.0, 3: 45.0, 4: 90.0}
METHOD_TIER = {
    "chat.update": 3,
    "chat.delete": 3,
    "chat.unfurl": 3,
    "conversations.open": 3,
    "chat.scheduleMessage": 3,
    "chat.postEphemeral": 4,
    "views.publish": 4,
    "views.update": 4,
    "views.open": 4,
    "views.push": 4,
    "users.info": 4,
    "users.lookupByEmail": 3,
    "files.getUploadURLExternal": 4,
    "files.completeUploadExternal": 4,
    "files.upload_v2": 4,
}
# chat.postMessage: about one per second per channel; workspace-wide several hundred a minute.
POST_PER_CHANNEL_PER_SECOND = 1.0
POST_WORKSPACE_PER_MINUTE = 250.0
# Slack counts the workspace cap per minute, so a fresh minute may be used at once; keep 50
# of the 250 for listeners that post directly (confirmations, modals' follow-ups).
POST_WORKSPACE_BURST = 200.0


@dataclass
class TokenBucket:
    rate_per_second: float
    capacity: float
    tokens: float
    updated: float

    def _refill(self, now: float) -> None:
        self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.rate_per_second)
        self.updated = now

    def wait_time(self, now: float) -> float:
        self._refill(now)
        return 0.0 if self.tokens >= 1.0 else (1.0 - self.tokens) / self.rate_per_second

    def take(self, now: float) -> None:
        self._refill(now)
        self.tokens -= 1.0


class Pacer:
    """Decides whether a call may go now; `reserve` returns 0 (go) or seconds to wait."""

    def __init__(self, clock: Callable[[], float] = time.monotonic, *, scale: float = 1.0) -> None:
        self._clock = clock
        self._scale = scale  # >1 speeds limits up (tests against a scaled fake)
        self._buckets: dict[tuple, TokenBucket] = {}
        self._lock = threading.Lock()

    def _bucket(self, key: tuple, per_second: float, capacity: float) -> TokenBucket:
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = TokenBucket(per_second * self._scale, capacity, capacity, self._clock())
            self._buckets[key] = bucket
        return bucket

    def _buckets_for(self, team: str, method: str, channel: str) -> list[TokenBucket]:
        if method == "chat.postMessage":
            return [
                self._bucket(("post", team, channel), POST_PER_CHANNEL_PER_SECOND, 1.0),
                self._bucket(("post-ws", team), POST_WORKSPACE_PER_MINUTE / 60.0, POST_WORKSPACE_BURST),
            ]
        tier = METHOD_TIER.get(method, 3)
        per_second = TIER_PER_MINUTE[tier] / 60.0
        return [self._bucket(("tier", team, method), per_second, max(1.0, per_second * 5))]

    def reserve(self, team: str, method: str, channel: str) -> float:
        """0.0 and a token taken when the call may go now, else the seconds to wait (nothing taken)."""
        with self._lock:
            now = self._clock()
            buckets = self._buckets_for(team, method, channel)
            wait = max(b.wait_time(now) for b in buckets)
            if wait > 0:
                return wait
            for bucket in buckets:
                bucket.take(now)
            return 0.0

    def penalise(self, team: str, method: str, channel: str, seconds: float) -> None:
        """After a 429: empty the buckets so nothing else goes before Retry-After has passed."""
        with self._lock:
            now = self._clock()
            for bucket in self._buckets_for(team, method, channel):
                bucket.tokens = -seconds * bucket.rate_per_second
                bucket.updated = now
