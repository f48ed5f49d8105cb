"""What becomes due, as rows: preparation rounds, summaries, openings, reminders, next cycles.

Why a low module of its own: starting a session, opening a stage, closing a session and
agreeing an action all put work on the agenda, and the handlers that do the work later also
plan the next step. Planning lives here, below all of them, so nothing plans by importing a
handler (and no handler module needs another). The handlers themselves are listed in one
explicit table (bot/services/due_work.py) given to the processor (common/due.py).

Every row has a dedupe key, so planning is idempotent: a retry, a double click or a second
clock process never plans the same thing twice.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.runtime.deps import Deps
from bot.services.common.calendar import send_invites
from bot.services.common.policy import Policy
from bot.services.common.store import PREP_STAGE, Loaded
from bot.services.common.worktime import next_nudge_moment, zone
from flows import engine as fe
from storage.models import ConversationSession, DueItem, Person, Workspace


def policy_of(workspace: Workspace) -> Policy:
    return Policy.from_settings(workspace.settings)


def add_due(s: Session, kind: str, due_at: datetime, *, dedupe_key: str, session_id: int | None = None,
            participant_id: int | None = None, action_id: int | None = None, payload: dict | None = None) -> None:
    """Insert a due row once (the dedupe key makes planning itself idempotent)."""
    if s.scalar(select(DueItem.id).where(DueItem.dedupe_key == dedupe_key)) is not None:
        return
    item = DueItem(kind=kind, due_at=due_at, dedupe_key=dedupe_key, session_id=session_id,
                   participant_id=participant_id, action_id=action_id, payload=payload or {})
    try:
        with s.begin_nested():
            s.add(item)
            s.flush()
    except IntegrityError:  # planned concurrently by another process
        pass


def nudge_moment(deps: Deps, workspace: Workspace, person: Person | None, after: datetime) -> datetime:
    """The first moment at or after `after` when this person may be nudged (their zone, working hours)."""
    return next_nudge_moment(after, zone(person.tz if person else None, deps.settings.timezone),
                             policy_of(workspace).hours)


def plan_scheduled_session(s: Session, deps: Deps, session: ConversationSession, workspace: Workspace) -> None:
    """A scheduled session gets its prep round, prep summary and opening as due rows."""
    policy = policy_of(workspace)
    now = deps.now()
    at = session.scheduled_at
    add_due(s, "prep_round", max(now, at - policy.prep_lead), dedupe_key=f"prep_round:{session.id}",
            session_id=session.id)
    if at - policy.prep_summary_lead > now:
        add_due(s, "prep_summary", at - policy.prep_summary_lead, dedupe_key=f"prep_summary:{session.id}",
                session_id=session.id)
    add_due(s, "session_open", at, dedupe_key=f"session_open:{session.id}", session_id=session.id)
    send_invites(s, deps, session)  # the moment in everyone's calendar (.ics by DM)


def schedule_stage_reminders(s: Session, deps: Deps, loaded: Loaded, stage_id: str) -> None:
    """When a stage opens, each person it waits for gets a first reminder after the cadence."""
    if loaded.flow.stage(stage_id).kind != "questions":
        return
    policy = policy_of(loaded.workspace)
    now = deps.now()
    waiting = fe.missing_answers(loaded.flow, loaded.state, stage_id)
    opened = loaded.state.stages[stage_id].opened_at or now
    for user_id, participant in loaded.participants.items():
        if user_id not in waiting:
            continue
        person = s.get(Person, participant.person_id)
        due = nudge_moment(deps, loaded.workspace, person, now + policy.nudge_every)
        add_due(s, "reminder", due,
                dedupe_key=f"reminder:{stage_id}:{loaded.session.id}:{participant.id}:{opened.isoformat()}",
                session_id=loaded.session.id, participant_id=participant.id, payload={"target": stage_id})


def end_preparation(s: Session, session_id: int) -> None:
    """The session began: reminders to prepare are no longer due."""
    for reminder in s.scalars(select(DueItem).where(DueItem.session_id == session_id, DueItem.kind == "reminder",
                                                    DueItem.status == "pending")):
        if (reminder.payload or {}).get("target") == PREP_STAGE:
            reminder.status = "cancelled"


def cancel_session_work(s: Session, session_id: int) -> None:
    """Nothing more becomes due for this session (stopped series, cancelled session)."""
    s.execute(update(DueItem).where(DueItem.session_id == session_id, DueItem.status == "pending")
              .values(status="cancelled"))


def schedule_next_cycle(s: Session, deps: Deps, session: ConversationSession) -> None:
    """A closed session of a series: its next session is created by the clock, right away."""
    if session.series_id is not None:
        add_due(s, "next_cycle", deps.now(), dedupe_key=f"next_cycle:{session.id}", session_id=session.id)
