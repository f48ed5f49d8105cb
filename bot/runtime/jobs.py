"""Module-level job functions for APScheduler (pickled by reference, so no arguments)."""

from __future__ import annotations

import logging
import threading

from bot.runtime.deps import Deps
from bot.services import due_work
from bot.services.privacy.retention import apply_retention

log = logging.getLogger(__name__)
_deps: Deps | None = None
_lock = threading.Lock()
_stopping = threading.Event()
PASS_LIMIT = 500  # items per tick; the rest waits for the next tick


def bind(deps: Deps) -> None:
    global _deps
    _deps = deps
    _stopping.clear()


def request_stop() -> None:
    """On SIGTERM: let the item being handled finish, claim no further ones."""
    _stopping.set()


def process_due() -> int:
    """Claim and process everything that is due now; returns how many items were handled."""
    if _deps is None:
        log.warning("process_due ran before the scheduler was bound")
        return 0
    with _lock:
        handled = 0
        # One claim per call, so a stop request is honoured between items, never inside one.
        while handled < PASS_LIMIT and not _stopping.is_set():
            if not due_work.process_due(_deps, limit=1):
                break
            handled += 1
        _deps.notify()
        return handled


def retention() -> int:
    """Daily: remove raw answers of sessions closed longer ago than each workspace's retention period."""
    if _deps is None:
        log.warning("retention ran before the scheduler was bound")
        return 0
    return apply_retention(_deps)
