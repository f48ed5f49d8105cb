"""Write outbound Slack calls into the outbox, inside the caller's unit of work.

Why: the state change and the message it causes commit together or not at all; the
sender (bot/slack/sender.py) delivers later, paced and retried. A payload may hold references
resolved at send time (the thread of a session, the ts of a stage message), because those
ts values exist only once the earlier message has been delivered.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from storage.models import OutboxMessage

SESSION_THREAD = "$session_thread"
STAGE_TS = "$stage_ts"


def session_thread(session_id: int) -> dict[str, int]:
    """Placeholder for `thread_ts`: the session's root message, filled in when sending."""
    return {SESSION_THREAD: session_id}


def stage_ts(session_stage_id: int) -> dict[str, int]:
    """Placeholder for `ts`: a stage's message, filled in when sending (for chat.update)."""
    return {STAGE_TS: session_stage_id}


def enqueue(
    session: Session,
    *,
    method: str,
    payload: dict[str, Any],
    channel_key: str,
    workspace_id: int | None,
    dedupe_key: str | None = None,
    on_sent: str | None = None,
) -> OutboxMessage | None:
    """Add one call to the outbox; with a dedupe_key an identical second call is a no-op.

    Returns the row, or None when the dedupe_key was already used.
    """
    if dedupe_key is not None:
        existing = session.scalar(select(OutboxMessage.id).where(OutboxMessage.dedupe_key == dedupe_key))
        if existing is not None:
            return None
        row = OutboxMessage(
            workspace_id=workspace_id,
            method=method,
            payload=payload,
            channel_key=channel_key,
            dedupe_key=dedupe_key,
            on_sent=on_sent,
        )
        try:
            with session.begin_nested():
                session.add(row)
                session.flush()
        except IntegrityError:
            return None
        return row
    row = OutboxMessage(
        workspace_id=workspace_id, method=method, payload=payload, channel_key=channel_key, on_sent=on_sent
    )
    session.add(row)
    return row


def backlog(session: Session) -> dict[str, int]:
    """Counts per status, for /healthz and logs."""
    rows = session.execute(select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)).all()
    return {status: count for status, count in rows}
