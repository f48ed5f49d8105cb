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


def bind(deps: Deps) -> None:
    global _deps
    _deps = deps


def process_due() -> int:
    """Claim and process everything that is due now; returns how many items were handled."""
    if _deps is None:
        log.warning("process_due ran before the scheduler was bound")
        return 0
    with _lock:
        handled = due_work.process_due(_deps)
        _deps.notify()
        return handled


def retention() -> int:
    """Daily: remove raw answers of sessions closed longer ago than each workspace's retention period."""
    if _deps is None:
        log.warning("retention ran before the scheduler was bound")
        return 0
    return apply_retention(_deps)
