"""Load a session from its rows into the pure engine's state, and save the engine's state back.

Why this seam: the engine (flows/) knows nothing of SQL, and the session's state is stored
once: lifecycle in the session's columns, each stage in a session_stages row, who takes part
in participants (declined people are `absent`, removed people `removed`: nobody waits for
either), what was
said in answers. The engine's state is built from those on every load and written back to
them on save; the bot's own bookkeeping (a stage's message ts, whether it was posted) sits in
the same stage rows, beside the engine's facts and never inside them.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.logs import session_id as log_session
from bot.services.common.pace import Pace, pace_of
from flows import Flow, FlowRegistry
from flows import engine as fe
from storage.models import (
    Answer,
    ConversationSession,
    Participant,
    Person,
    SessionPlan,
    SessionStage,
    Workspace,
)

PREP_STAGE = "prep"  # answers of the preparation round are stored under this stage id


class SessionGone(Exception):
    """The session does not exist in this workspace (stale button, or another team)."""


@dataclass
class Loaded:
    session: ConversationSession
    workspace: Workspace
    flow: Flow
    state: fe.SessionState
    participants: dict[str, Participant]  # slack user id -> participant
    stages: dict[str, SessionStage]  # stage id -> row (only stages that ever moved have one)
    pace: Pace | None = None  # live minutes or working days per stage (session_plans), else the flow's own

    def number_of(self, stage_id: str) -> int:
        return self.flow.stage_ids.index(stage_id) + 1 if stage_id in self.flow.stage_ids else 0

    @property
    def anonymous(self) -> bool:
        return self.state.visibility == "anonymous"

    @property
    def lang(self) -> str:
        return self.session.language


def load(s: Session, registry: FlowRegistry, session_id: int, team_id: str, *, lock: bool = False) -> Loaded:
    """The session with its engine state; `lock` serialises concurrent turns on PostgreSQL."""
    query = (
        select(ConversationSession, Workspace)
        .join(Workspace, Workspace.id == ConversationSession.workspace_id)
        .where(ConversationSession.id == session_id, Workspace.team_id == team_id)
    )
    if lock and s.bind is not None and s.bind.dialect.name == "postgresql":
        query = query.with_for_update(of=ConversationSession)
    row = s.execute(query).first()
    if row is None:
        raise SessionGone(session_id)
    session, workspace = row
    log_session.set(str(session.id))
    return build(s, registry, session, workspace)


def build(s: Session, registry: FlowRegistry, session: ConversationSession, workspace: Workspace) -> Loaded:
    """The engine's state from the session's rows (no lock; see `load`)."""
    flow = registry.get(session.flow_id, session.flow_version)
    participants = {
        person.slack_user_id: participant
        for participant, person in s.execute(
            select(Participant, Person).join(Person, Person.id == Participant.person_id)
            .where(Participant.session_id == session.id).order_by(Participant.id)
        ).all()
    }
    by_id = {p.id: uid for uid, p in participants.items()}
    answers = {
        (a.stage_id, a.question_id, by_id[a.participant_id]): a.value
        for a in s.scalars(select(Answer).where(Answer.session_id == session.id, Answer.stage_id != PREP_STAGE)
                           .order_by(Answer.id))
        if a.participant_id in by_id
    }
    rows = {st.stage_id: st for st in s.scalars(select(SessionStage).where(SessionStage.session_id == session.id))}
    stages = {
        stage_id: (fe.StageState(row.status, row.opened_at, row.closed_at, row.deadline) if (row := rows.get(stage_id))
                   else fe.StageState())
        for stage_id in flow.stage_ids
    }
    state = fe.SessionState(
        flow_id=flow.id, flow_version=flow.version,
        participants={uid: p.role for uid, p in participants.items()},
        stages=stages, status=session.status, current_stage_id=session.current_stage_id, answers=answers,
        visibility=session.visibility, theme=session.theme, started_at=session.started_at,
        closed_at=session.closed_at,
        absent=frozenset(uid for uid, p in participants.items() if p.status == "declined"),
        removed=frozenset(uid for uid, p in participants.items() if p.status == "removed"),
    )
    plan = s.get(SessionPlan, session.id)
    pace = pace_of(plan.pace, plan.stage_minutes, plan.stage_days) if plan is not None else None
    return Loaded(session, workspace, flow, state, participants, rows, pace)


def save(s: Session, loaded: Loaded, state: fe.SessionState) -> None:
    """Write the engine's state back: the session's lifecycle columns and one row per stage that moved."""
    session = loaded.session
    session.status = state.status
    session.current_stage_id = state.current_stage_id
    session.started_at = state.started_at or session.started_at
    session.closed_at = state.closed_at or session.closed_at
    for stage_id, stage_state in state.stages.items():
        row = loaded.stages.get(stage_id)
        if row is None:
            if stage_state == fe.StageState():
                continue
            row = SessionStage(session_id=session.id, stage_id=stage_id, posted=False)
            s.add(row)
            loaded.stages[stage_id] = row
        row.status = stage_state.status
        row.opened_at = stage_state.opened_at
        row.closed_at = stage_state.closed_at
        row.deadline = stage_state.deadline
    loaded.state = state
    s.flush()
