"""Processing of due work (prep rounds, reminders, summaries, follow-ups, next cycles).

Each kind registers a handler; `process_due_items` claims due rows in a transaction so a
duplicate trigger or a second clock process never handles a row twice.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.runtime.deps import Deps
from storage.models import DueItem

log = logging.getLogger(__name__)
Handler = Callable[[Session, Deps, DueItem], None]
HANDLERS: dict[str, Handler] = {}


def handler(kind: str) -> Callable[[Handler], Handler]:
    def register(fn: Handler) -> Handler:
        HANDLERS[kind] = fn
        return fn

    return register


def _load_handlers() -> None:
    """Handlers register themselves on import; import them all before processing."""
    from bot.services import followup, planning, series  # noqa: F401


def process_due_items(deps: Deps, *, limit: int = 500) -> int:
    """Handle due rows one transaction each; on PostgreSQL rows are claimed with SKIP LOCKED."""
    _load_handlers()
    handled = 0
    now = deps.now()
    while handled < limit:
        with deps.db.unit_of_work() as s:
            query = (
                select(DueItem)
                .where(DueItem.status == "pending", DueItem.due_at <= now)
                .order_by(DueItem.due_at, DueItem.id)
                .limit(1)
            )
            if deps.db.is_postgres:
                query = query.with_for_update(skip_locked=True)
            item = s.scalar(query)
            if item is None:
                break
            fn = HANDLERS.get(item.kind)
            if fn is None:
                log.warning("no handler for due item kind %s", item.kind)
                item.status = "cancelled"
            else:
                fn(s, deps, item)
                if item.status == "pending" and item.due_at <= now:  # handlers may reschedule
                    item.status = "done"
                    item.done_at = now
            handled += 1
    return handled
