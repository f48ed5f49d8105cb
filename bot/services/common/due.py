"""Processing of due work: claim a due row, hand it to its kind's handler, mark it done.

Why the handlers are passed in as a table: the processor must not know the use cases (that
made a cycle and a registry filled by import side effects); bot/services/due_work.py lists
them explicitly. Rows are claimed one per transaction, on PostgreSQL with SKIP LOCKED, so a
duplicate trigger or a second clock process never handles a row twice, and every message a
handler causes commits together with the row's new status.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.runtime.deps import Deps
from storage.models import DueItem

log = logging.getLogger(__name__)
Handler = Callable[[Session, Deps, DueItem], None]


def process_due_items(deps: Deps, handlers: Mapping[str, Handler], *, limit: int = 500) -> int:
    """Handle due rows, one transaction each; returns how many were handled."""
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
            handler = handlers.get(item.kind)
            if handler is None:
                log.warning("no handler for due item kind %s", item.kind)
                item.status = "cancelled"
            else:
                handler(s, deps, item)
                if item.status == "pending" and item.due_at <= now:  # handlers may reschedule
                    item.status = "done"
                    item.done_at = now
            handled += 1
    return handled
