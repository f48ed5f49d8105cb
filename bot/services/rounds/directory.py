"""Who the people in a round file are: Slack user ids checked, e-mail addresses looked up.

Why paced: a round of nine outcomes may name 45 people by e-mail, and users.lookupByEmail is a
Tier 3 method (about 50 a minute per workspace). The lookups draw from the same pacer as the
outbox sender (bot/slack/pacing.py), so a big file waits its turn instead of tripping a 429;
a 429 that comes anyway is waited out once (Retry-After). Every call goes through the one
client seam (`deps.tokens.client`), so SLACK_API_URL and per-workspace tokens hold.

A user who does not exist, is deactivated or is a bot resolves to None: the file is refused.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable

from slack_sdk.errors import SlackApiError

from bot.runtime.deps import Deps

log = logging.getLogger(__name__)
LOOKUP = "users.lookupByEmail"
INFO = "users.info"
MAX_WAIT = 30.0  # seconds one lookup may wait for its turn before the file is answered honestly


class LookupFailed(Exception):
    """Slack could not be asked (network, or still rate limited): the coordinator hears it, nothing is created."""


def _paced(deps: Deps, team_id: str, method: str, call: Callable[[], dict]) -> dict | None:
    """One Web API call at a moment the pacer allows; None when Slack says the user is unknown."""
    pacer = deps.sender.pacer if deps.sender is not None else None
    deadline = time.monotonic() + MAX_WAIT
    for attempt in range(2):
        while pacer is not None and (wait := pacer.reserve(team_id, method, "")) > 0:
            if time.monotonic() + wait > deadline:
                raise LookupFailed(method)
            time.sleep(min(wait, 1.0))
        try:
            return call()
        except SlackApiError as exc:
            error = exc.response.get("error") if exc.response is not None else ""
            if error in ("users_not_found", "user_not_found", "invalid_email"):
                return None
            status = getattr(exc.response, "status_code", 0)
            if status == 429 and attempt == 0:
                retry = float(exc.response.headers.get("Retry-After", "1") or 1)
                if pacer is not None:
                    pacer.penalise(team_id, method, "", retry)
                continue
            log.info("%s failed: %s", method, error)
            raise LookupFailed(method) from exc
        except Exception as exc:  # network
            log.info("%s unreachable: %s", method, type(exc).__name__)
            raise LookupFailed(method) from exc
    raise LookupFailed(method)


def _person(user: dict | None) -> str | None:
    if not user or user.get("deleted") or user.get("is_bot"):
        return None
    return user.get("id")


def resolve_people(deps: Deps, team_id: str, who: Iterable[str]) -> dict[str, str | None]:
    """Each distinct Slack user id or e-mail address → the user id, or None when Slack knows nobody."""
    client = deps.tokens.client(team_id)
    out: dict[str, str | None] = {}
    for item in dict.fromkeys(who):
        if "@" in item:
            answer = _paced(deps, team_id, LOOKUP, lambda item=item: client.users_lookupByEmail(email=item))
        else:
            answer = _paced(deps, team_id, INFO, lambda item=item: client.users_info(user=item))
        out[item] = _person(answer.get("user") if answer is not None else None)
    return out
