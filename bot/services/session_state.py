"""Load a session from the database into the pure engine's state, and save it back.

Why this seam: the engine (flows/engine.py) knows nothing of SQL. The turn boundary is
explicit: load state → run one engine step → save state and the outbox rows it causes,
all in one unit of work.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from flows import Flow, FlowRegistry
from flows import engine as fe
from storage.models import Answer, ConversationSession, Participant, Person, SessionStage, Workspace


class SessionGone(Exception):
    """The session does not exist in this workspace (stale button, or another team)."""


@dataclass
class Loaded:
    session: ConversationSession
    workspace: Workspace
    flow: Flow
    state: fe.SessionState
    participants: dict[str, Participant]  # slack user id -> participant
    stages: dict[str, SessionStage]  # stage id -> row

    def number_of(self, stage_id: str) -> int:
        return self.flow.stage_ids.index(stage_id) + 1 if stage_id in self.flow.stage_ids else 0


def load(s: Session, registry: FlowRegistry, session_id: int, team_id: str, *, lock: bool = False) -> Loaded:
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
    from bot.logs import session_id as log_session

    log_session.set(str(session.id))
    flow = registry.get(session.flow_id, session.flow_version)
    participants = {
        person.slack_user_id: participant
        for participant, person in s.execute(
            select(Participant, Person)
            .join(Person, Person.id == Participant.person_id)
            .where(Participant.session_id == session.id)
        ).all()
    }
    by_id = {p.id: uid for uid, p in participants.items()}
    answers = {
        (a.stage_id, a.question_id, by_id[a.participant_id]): a.value
        for a in s.scalars(select(Answer).where(Answer.session_id == session.id, Answer.stage_id != "prep"))
        if a.participant_id in by_id
    }
    data = {k: v for k, v in (session.state or {}).items() if not k.startswith("_")}
    data["answers"] = [[st, q, p, v] for (st, q, p, v) in ((*k, v) for k, v in answers.items())]
    state = fe.SessionState.from_dict(data)
    stages = {st.stage_id: st for st in s.scalars(select(SessionStage).where(SessionStage.session_id == session.id))}
    return Loaded(session, workspace, flow, state, participants, stages)


def state_without_answers(state: fe.SessionState) -> dict:
    """JSON for sessions.state: answers live in their own table (unique per person/question)."""
    data = state.to_dict()
    data.pop("answers", None)
    return data


def save(s: Session, loaded: Loaded, state: fe.SessionState) -> None:
    """Write the engine state back: session columns and one row per stage."""
    session = loaded.session
    # Keys starting with "_" are the bot's own bookkeeping (e.g. which stages were posted).
    extra = {k: v for k, v in (session.state or {}).items() if k.startswith("_")}
    session.state = {**state_without_answers(state), **extra}
    session.current_stage_id = state.current_stage_id
    session.status = state.status
    for stage_id, stage_state in state.stages.items():
        row = loaded.stages.get(stage_id)
        if row is None:
            row = SessionStage(session_id=session.id, stage_id=stage_id)
            s.add(row)
            loaded.stages[stage_id] = row
        row.status = stage_state.status
        row.opened_at = stage_state.opened_at
        row.closed_at = stage_state.closed_at
        row.deadline = stage_state.deadline
    loaded.state = state
    s.flush()
