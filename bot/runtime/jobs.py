"""Module-level job functions for APScheduler (pickled by reference, so no arguments)."""

from __future__ import annotations

import logging
import threading

from bot.runtime.deps import Deps

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
        from bot.services.due import process_due_items

        handled = process_due_items(_deps)
        _deps.notify()
        return handled


def retention() -> int:
    """Daily: remove raw answers of sessions closed longer ago than each workspace's retention period."""
    if _deps is None:
        log.warning("retention ran before the scheduler was bound")
        return 0
    from bot.services.privacy import apply_retention

    return apply_retention(_deps)
