"""Scripted replies: how a test makes the fake misbehave exactly once (or n times).

Why a queue per method: failures in production come in sequences ("429, then fine") and
the bot's retry logic must be tested against those sequences, in order.
"""

from __future__ import annotations

import http
from dataclasses import dataclass, field, replace
from typing import Any


@dataclass(frozen=True)
class Reply:
    """A canned HTTP answer.

    `body` is a dict (sent as JSON), str/bytes (sent as is) or None. `passthrough=True`
    means "after `delay`, handle the call normally" (see `Reply.slow`).
    """

    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: dict[str, Any] | str | bytes | None = None
    delay: float = 0.0
    passthrough: bool = False

    @classmethod
    def ok(cls, **fields: Any) -> Reply:
        """A successful answer with exactly these fields (bypasses the fake's own logic)."""
        return cls(body={"ok": True, **fields})

    @classmethod
    def error(cls, code: str, **fields: Any) -> Reply:
        """Slack's usual failure: HTTP 200 with `ok: false` and an error code."""
        return cls(body={"ok": False, "error": code, **fields})

    @classmethod
    def rate_limited(cls, retry_after: int = 1) -> Reply:
        """HTTP 429 with Retry-After, as Slack sends it (slack_sdk reads the header as an integer)."""
        return cls(
            status=429,
            headers={"Retry-After": str(int(retry_after))},
            body={"ok": False, "error": "ratelimited"},
        )

    @classmethod
    def server_error(cls, status: int = 500) -> Reply:
        """A 5xx with a non-JSON body, like Slack's load balancers answer during incidents."""
        try:
            phrase = http.HTTPStatus(status).phrase
        except ValueError:
            phrase = "Server Error"
        return cls(status=status, headers={"Content-Type": "text/plain"}, body=f"{status} {phrase}")

    @classmethod
    def slow(cls, seconds: float, then: Reply | None = None) -> Reply:
        """Wait `seconds` (real time) and then answer normally, or with `then`."""
        if then is not None:
            return replace(then, delay=seconds)
        return cls(delay=seconds, passthrough=True)
