"""The outbox protocol: rows written inside the caller's unit of work, references resolved at send time.

Why: the state change and the message it causes commit together or not at all; the sender
(bot/slack/sender.py) delivers later, paced and retried. A payload may hold references that
can only be filled in when sending (the thread of a session, the ts of a stage message),
because those ts values exist only once an earlier message was delivered. And a delivered
message may have an effect on our own rows (store the ts of a session's root message).

Both halves of that protocol live here, typed, so the writer and the sender cannot disagree:
`ThreadOf` / `StageMessageOf` placeholders with `resolve()`, and `StoreThreadTs` /
`StoreStageTs` effects with `apply_on_sent()`. A message that is updated once its work is done
(a "bezig met…" progress message) is named by its own outbox row: `outbox_ts(row id)` resolves to
the ts that row was delivered with, and to `Abandoned` when that row could never be delivered.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from storage.models import ConversationSession, OutboxMessage, SessionStage

SESSION_THREAD = "$session_thread"
STAGE_TS = "$stage_ts"
OUTBOX_TS = "$outbox_ts"


class Unresolved(Exception):
    """A placeholder's target (thread or stage message) has not been delivered yet."""


class Abandoned(Exception):
    """A placeholder's target failed for good: the row waiting for it can never be sent."""


# ---- placeholders (filled in when sending) -------------------------------------------------------


def session_thread(session_id: int) -> dict[str, int]:
    """Placeholder for `thread_ts`: the session's root message."""
    return {SESSION_THREAD: session_id}


def stage_ts(session_stage_id: int) -> dict[str, int]:
    """Placeholder for `ts`: a stage's message (for chat.update)."""
    return {STAGE_TS: session_stage_id}


def outbox_ts(outbox_id: int) -> dict[str, int]:
    """Placeholder for `ts`: the message that outbox row `outbox_id` posts (for chat.update)."""
    return {OUTBOX_TS: outbox_id}


def _outbox_ts(s: Session, outbox_id: int) -> str:
    row = s.execute(select(OutboxMessage.status, OutboxMessage.result_ts)
                    .where(OutboxMessage.id == outbox_id)).first()
    if row is None or row.status == "failed":
        raise Abandoned()
    if row.status != "sent" or not row.result_ts:
        raise Unresolved()
    return row.result_ts


def resolve(s: Session, value: Any) -> Any:
    """The payload with every placeholder replaced by the ts delivered earlier; Unresolved if not yet,
    Abandoned if never."""
    if isinstance(value, dict):
        if len(value) == 1 and OUTBOX_TS in value:
            return _outbox_ts(s, value[OUTBOX_TS])
        if len(value) == 1 and SESSION_THREAD in value:
            ts = s.scalar(select(ConversationSession.thread_ts)
                          .where(ConversationSession.id == value[SESSION_THREAD]))
            if not ts:
                raise Unresolved()
            return ts
        if len(value) == 1 and STAGE_TS in value:
            ts = s.scalar(select(SessionStage.message_ts).where(SessionStage.id == value[STAGE_TS]))
            if not ts:
                raise Unresolved()
            return ts
        return {k: resolve(s, v) for k, v in value.items()}
    if isinstance(value, list):
        return [resolve(s, v) for v in value]
    return value


# ---- effects of a delivered message --------------------------------------------------------------


@dataclass(frozen=True)
class StoreThreadTs:
    """The delivered message is a session's root: its ts becomes the session's thread."""

    session_id: int

    def encode(self) -> str:
        return f"session_root:{self.session_id}"


@dataclass(frozen=True)
class StoreStageTs:
    """The delivered message shows a stage: its ts is where later updates go."""

    session_stage_id: int

    def encode(self) -> str:
        return f"stage_msg:{self.session_stage_id}"


OnSent = StoreThreadTs | StoreStageTs


def decode_on_sent(text: str | None) -> OnSent | None:
    kind, _, ident = (text or "").partition(":")
    if not ident.isdigit():
        return None
    if kind == "session_root":
        return StoreThreadTs(int(ident))
    if kind == "stage_msg":
        return StoreStageTs(int(ident))
    return None


def apply_on_sent(s: Session, encoded: str | None, ts: str) -> None:
    effect = decode_on_sent(encoded)
    if isinstance(effect, StoreThreadTs):
        session = s.get(ConversationSession, effect.session_id)
        if session is not None and not session.thread_ts:
            session.thread_ts = ts
    elif isinstance(effect, StoreStageTs):
        stage = s.get(SessionStage, effect.session_stage_id)
        if stage is not None:
            stage.message_ts = ts


# ---- writing rows ----------------------------------------------------------------------------------


def enqueue(
    session: Session,
    *,
    method: str,
    payload: dict[str, Any],
    channel_key: str,
    workspace_id: int | None,
    dedupe_key: str | None = None,
    on_sent: OnSent | None = None,
) -> OutboxMessage | None:
    """Add one call to the outbox; with a dedupe_key an identical second call is a no-op.

    Returns the row, or None when the dedupe_key was already used. The bot writes through
    bot/slack/outgoing.py, which prepares the payload (escaping, chunking) first.
    """
    row = OutboxMessage(workspace_id=workspace_id, method=method, payload=payload, channel_key=channel_key,
                        dedupe_key=dedupe_key, on_sent=on_sent.encode() if on_sent is not None else None)
    if dedupe_key is None:
        session.add(row)
        return row
    if session.scalar(select(OutboxMessage.id).where(OutboxMessage.dedupe_key == dedupe_key)) is not None:
        return None
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError:
        return None
    return row


def already_queued(session: Session, dedupe_key: str) -> bool:
    return session.scalar(select(OutboxMessage.id).where(OutboxMessage.dedupe_key == dedupe_key)) is not None


def backlog(session: Session) -> dict[str, int]:
    """Counts per status, for /healthz and logs."""
    rows = session.execute(select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)).all()
    return {status: count for status, count in rows}
