"""The overview of a round: per conversation its stage, who is awaited and its open actions, and
for the round how many people prepared and how many conversations are planned, running, closed.

Why one read model for `/gesprek ronde`, the Home tab and the round's reminders: the numbers a
coordinator sees must be the same wherever they look. Who is awaited is the engine's answer
(`fe.eligible` / `fe.missing_answers`) for a running conversation, and "has not prepared yet"
for a planned one. Names are only for coordinators, and never in an anonymous conversation.

This module stands on common/ and storage only (the Home tab in conversation/ reads it).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.runtime.deps import Deps
from bot.services.common.store import PREP_STAGE, build
from bot.services.common.worktime import format_when
from flows import engine as fe
from storage.models import (
    Action,
    Answer,
    ConversationSession,
    InternalPreparation,
    Outcome,
    Participant,
    Person,
    Round,
    RoundSession,
    SessionPlan,
    Workspace,
)


@dataclass(frozen=True)
class InternalLine:
    session_id: int
    party: str
    status: str
    stage: str
    shared: bool


@dataclass(frozen=True)
class ConversationLine:
    session_id: int
    outcome: str
    flow: str
    status: str  # planned | unplanned | cancelled | running | closed
    when: str = ""
    stage: str = ""
    stage_number: int = 0
    stage_count: int = 0
    answered: int = 0  # running: answers to the current stage; planned: people who prepared
    expected: int = 0
    missing: tuple[str, ...] = ()  # Slack user ids, only for coordinators and never when anonymous
    open_actions: int = 0
    pace: str | None = None
    minutes: int | None = None
    internal: tuple[InternalLine, ...] = ()


@dataclass
class RoundOverview:
    round_id: int
    name: str
    when: str
    coordinator: bool
    lines: list[ConversationLine] = field(default_factory=list)
    prepared: int = 0
    people: int = 0

    def count(self, status: str) -> int:
        if status == "planned":
            return sum(1 for line in self.lines if line.status in ("planned", "unplanned"))
        return sum(1 for line in self.lines if line.status == status)


def rounds_for(s: Session, workspace: Workspace, person: Person, coordinator: bool, limit: int = 5) -> list[Round]:
    """The newest rounds this person may look at: every round for coordinators, else their own."""
    query = select(Round).where(Round.workspace_id == workspace.id)
    if not coordinator:
        query = query.where(Round.id.in_(
            select(RoundSession.round_id).join(Participant, Participant.session_id == RoundSession.session_id)
            .where(Participant.person_id == person.id)))
    return list(s.scalars(query.order_by(Round.id.desc()).limit(limit)))


def _prepared(s: Session, session_id: int) -> set[int]:
    return set(s.scalars(select(Answer.participant_id).where(
        Answer.session_id == session_id, Answer.stage_id == PREP_STAGE).distinct()))


def _open_actions(s: Session, session_ids: list[int]) -> dict[int, int]:
    rows = s.execute(select(Action.session_id, func.count()).where(
        Action.session_id.in_(session_ids), Action.status == "open").group_by(Action.session_id)).all()
    return {session_id: count for session_id, count in rows}


def _status(session: ConversationSession, plan: SessionPlan | None) -> str:
    if session.status in ("running", "closed"):
        return session.status
    if plan is not None and plan.cancelled_at is not None:
        return "cancelled"
    return "planned" if session.scheduled_at else "unplanned"


def conversation_line(s: Session, deps: Deps, session: ConversationSession, workspace: Workspace, *,
                      names: bool, lang: str, actions: int = 0) -> ConversationLine:
    """One conversation as the overview shows it (names of who is awaited only when `names`)."""
    loaded = build(s, deps.flows, session, workspace)
    plan = s.get(SessionPlan, session.id)
    outcome = s.get(Outcome, session.outcome_id)
    status = _status(session, plan)
    names = names and not loaded.anonymous
    base = dict(session_id=session.id, outcome=outcome.name if outcome else "", flow=loaded.flow.title.get(lang),
                status=status, when=format_when(deps, session.scheduled_at), open_actions=actions,
                pace=plan.pace if plan else None, minutes=plan.stage_minutes if plan else None,
                stage_count=len(loaded.flow.stage_ids))
    stage_id = loaded.state.current_stage_id
    if status == "running" and stage_id:
        expected = fe.eligible(loaded.flow, loaded.state, stage_id)
        missing = fe.missing_answers(loaded.flow, loaded.state, stage_id)
        return ConversationLine(**base, stage=loaded.flow.stage(stage_id).title.get(lang),
                                stage_number=loaded.number_of(stage_id), answered=len(expected) - len(missing),
                                expected=len(expected), missing=tuple(sorted(missing)) if names else ())
    if status in ("planned", "unplanned", "cancelled"):
        done = _prepared(s, session.id)
        people = [(uid, p) for uid, p in loaded.participants.items()
                  if p.status == "active" and p.role != "coordinator"]
        waiting = tuple(sorted(uid for uid, p in people if p.id not in done))
        return ConversationLine(**base, answered=len(people) - len(waiting), expected=len(people),
                                missing=waiting if names else ())
    return ConversationLine(**base)


def _internal_lines(s: Session, deps: Deps, workspace: Workspace, joint_id: int, viewer: Person,
                    coordinator: bool, lang: str) -> tuple[InternalLine, ...]:
    found = []
    for internal, session in s.execute(select(InternalPreparation, ConversationSession)
                                       .join(ConversationSession,
                                             ConversationSession.id == InternalPreparation.session_id)
                                       .where(InternalPreparation.joint_session_id == joint_id)).all():
        member = s.scalar(select(Participant.id).where(Participant.session_id == session.id,
                                                       Participant.person_id == viewer.id))
        if not coordinator and member is None:
            continue  # only its own party sees an internal preparation
        loaded = build(s, deps.flows, session, workspace)
        stage = loaded.state.current_stage_id
        found.append(InternalLine(session.id, internal.party, session.status,
                                  loaded.flow.stage(stage).title.get(lang) if stage else "",
                                  internal.shared is not None))
    return tuple(found)


def round_overview(s: Session, deps: Deps, rnd: Round, viewer: Person, *, coordinator: bool,
                   lang: str) -> RoundOverview:
    workspace = s.get(Workspace, rnd.workspace_id)
    sessions = list(s.scalars(select(ConversationSession).join(RoundSession, RoundSession.session_id
                                                               == ConversationSession.id)
                              .where(RoundSession.round_id == rnd.id).order_by(ConversationSession.id)))
    actions = _open_actions(s, [x.id for x in sessions])
    overview = RoundOverview(rnd.id, rnd.name, format_when(deps, rnd.scheduled_at), coordinator)
    for session in sessions:
        line = conversation_line(s, deps, session, workspace, names=coordinator, lang=lang,
                                 actions=actions.get(session.id, 0))
        internal = _internal_lines(s, deps, workspace, session.id, viewer, coordinator, lang)
        overview.lines.append(replace(line, internal=internal))
        people = [p for p in s.scalars(select(Participant).where(Participant.session_id == session.id))
                  if p.status == "active" and p.role != "coordinator"]
        done = _prepared(s, session.id)
        overview.people += len(people)
        overview.prepared += sum(1 for p in people if p.id in done)
    return overview
