"""Retention (AVG/GDPR): raw answers of closed sessions are removed after the workspace's period.

Why counts stay: a later look-back needs how many took part and how much was said per phase,
not anyone's words. The conclusion, the actions and the participants' roles stay: they are
the group's agreements, not raw answers.
"""

from __future__ import annotations

import logging
from collections import Counter
from datetime import date, datetime

from sqlalchemy import Text, cast, delete, exists, func, select, update
from sqlalchemy.orm import Session

from bot.runtime.deps import Deps
from bot.services.privacy.erasure import REMOVED_PAYLOAD
from storage.models import Answer, ConversationSession, OutboxMessage, Participant, Workspace

log = logging.getLogger(__name__)


def retention_months(workspace: Workspace) -> int | None:
    """The workspace's retention period in months, or None to keep answers (absent or invalid)."""
    value = (workspace.settings or {}).get("retention_months")
    if value is None or isinstance(value, bool):
        return None
    try:
        months = int(value)
    except (TypeError, ValueError):
        log.warning("workspace %s: retention_months is not a number; keeping answers", workspace.id)
        return None
    return months if months >= 1 else None


def months_before(moment: datetime, months: int) -> datetime:
    """`moment` minus whole calendar months, clamping the day (31 March - 1 month = 28/29 Feb)."""
    index = moment.year * 12 + (moment.month - 1) - months
    year, month = divmod(index, 12)
    month += 1
    next_month = date(year + (month // 12), month % 12 + 1, 1)
    last_day = (next_month - date(year, month, 1)).days
    return moment.replace(year=year, month=month, day=min(moment.day, last_day))


def trim_session(s: Session, session: ConversationSession, now: datetime) -> bool:
    """Replace a closed session's raw answers by counts; False when there was nothing to trim.

    Why counts per stage and per role: they are what a later look-back needs (how many took
    part, how much was said per phase) without anyone's words. The conclusion, the actions and
    the participants (their roles) stay: they are the group's agreements, not raw answers.
    """
    per_stage = dict(s.execute(select(Answer.stage_id, func.count()).where(Answer.session_id == session.id)
                               .group_by(Answer.stage_id)).all())
    if not per_stage:
        return False
    per_role = dict(s.execute(select(Participant.role, func.count()).where(Participant.session_id == session.id)
                              .group_by(Participant.role)).all())
    previous = session.retained or {}
    answers_per_stage = Counter(previous.get("answers_per_stage") or {})
    answers_per_stage.update(per_stage)  # a second trim (answers added later) adds up, never forgets
    s.execute(delete(Answer).where(Answer.session_id == session.id).execution_options(synchronize_session=False))
    session.retained = {
        "answers_per_stage": dict(sorted(answers_per_stage.items())),
        "participants_per_role": dict(sorted(per_role.items())) or previous.get("participants_per_role") or {},
        "removed_at": now.isoformat(),
    }
    return True


def apply_retention(deps: Deps) -> int:
    """Remove raw answers of sessions closed longer ago than each workspace's retention period.

    One unit of work per session, so one bad session never holds back the rest and locks stay
    short. Running it again finds no answers left to trim and changes nothing. Copies of sent
    messages older than the period are emptied too: otherwise the outbox would keep the words
    the retention period promises to forget. Returns how many sessions were trimmed.
    """
    now = deps.now()
    with deps.db.reader() as s:
        workspaces = [(w.id, retention_months(w)) for w in s.scalars(select(Workspace))]
    trimmed = 0
    for workspace_id, months in workspaces:
        if months is None:
            continue
        cutoff = months_before(now, months)
        with deps.db.reader() as s:
            session_ids = list(s.scalars(
                select(ConversationSession.id).where(
                    ConversationSession.workspace_id == workspace_id,
                    ConversationSession.status == "closed",
                    ConversationSession.closed_at.is_not(None),
                    ConversationSession.closed_at < cutoff,
                    exists().where(Answer.session_id == ConversationSession.id),
                ).order_by(ConversationSession.id)))
        for session_id in session_ids:
            with deps.db.unit_of_work() as s:
                query = select(ConversationSession).where(ConversationSession.id == session_id)
                if deps.db.is_postgres:
                    query = query.with_for_update()
                session = s.scalar(query)
                if session is None or session.status != "closed" or session.closed_at is None \
                        or session.closed_at >= cutoff:
                    continue
                if trim_session(s, session, now):
                    trimmed += 1
        with deps.db.unit_of_work() as s:
            s.execute(update(OutboxMessage).where(
                OutboxMessage.workspace_id == workspace_id,
                OutboxMessage.status.in_(("sent", "failed")),
                OutboxMessage.created_at < cutoff,
                cast(OutboxMessage.payload, Text).not_like('%"_removed"%'),
            ).values(payload=dict(REMOVED_PAYLOAD)).execution_options(synchronize_session=False))
    if trimmed:
        log.info("retention: removed the raw answers of %s closed sessions", trimmed)
    return trimmed
