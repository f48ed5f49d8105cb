"""Creating a round in one unit of work: its sessions, participants, first messages and due work.

Why in one go and in bulk: a round of nine outcomes with five people each is 45 places at the
table; created one by one it would cost each person a handful of round trips several times
over. Here people and outcomes are read and written in sets, so the work per person stays
constant however large the round (benchmarks/rounds.py holds it to that).

What becomes due: per session its preparation summary and its opening (the kinds every
planned session has, handled by bot/services/preparation/rounds.py), and for the round one
`round_prep` row. That row fans out to one `round_prep_dm` per person, which sends that
person one preparation DM per conversation and plans ONE combined reminder for all of them.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.runtime.deps import Deps
from bot.services.common.agenda import add_due, policy_of
from bot.services.common.calendar import send_invites
from bot.services.common.people import ensure_person
from bot.services.rounds.checks import RoundPlan
from bot.services.rounds.root import post_root
from flows import engine as fe
from storage.models import ConversationSession, Outcome, Participant, Person, Round, RoundSession, Workspace


def people_by_user(s: Session, deps: Deps, workspace: Workspace, users: Iterable[str]) -> dict[str, Person]:
    """Person rows for these Slack users, created where missing, in two statements."""
    wanted = sorted(set(users))
    found = {p.slack_user_id: p for p in s.scalars(select(Person).where(
        Person.workspace_id == workspace.id, Person.slack_user_id.in_(wanted)))}
    missing = [u for u in wanted if u not in found]
    if missing:
        try:
            with s.begin_nested():
                fresh = [Person(workspace_id=workspace.id, slack_user_id=u) for u in missing]
                s.add_all(fresh)
                s.flush()
            found.update({p.slack_user_id: p for p in fresh})
        except IntegrityError:  # someone clicked at the same moment: take them one by one
            found.update({u: ensure_person(s, deps, workspace, u, fetch=False) for u in missing})
    return found


def outcomes_by_name(s: Session, workspace_id: int, names: Iterable[str]) -> dict[str, Outcome]:
    wanted = sorted(set(names))
    found = {o.name.casefold(): o for o in s.scalars(select(Outcome).where(Outcome.workspace_id == workspace_id))
             if o.name.casefold() in {n.casefold() for n in wanted}}
    fresh = [Outcome(workspace_id=workspace_id, name=n[:200]) for n in wanted if n.casefold() not in found]
    if fresh:
        s.add_all(fresh)
        s.flush()
        found.update({o.name.casefold(): o for o in fresh})
    return found


def create_round(s: Session, deps: Deps, workspace: Workspace, coordinator: str, plan: RoundPlan,
                 request_key: str) -> Round:
    """Every conversation of the round, planned; returns the round (nothing is sent yet, only queued)."""
    rnd = Round(workspace_id=workspace.id, name=plan.name[:200], scheduled_at=plan.moment,
                language=workspace.language or deps.settings.language, created_by=coordinator,
                request_key=request_key)
    s.add(rnd)
    s.flush()
    people = people_by_user(s, deps, workspace, [coordinator, *plan.people])
    outcomes = outcomes_by_name(s, workspace.id, [o.name for o in plan.outcomes])
    sessions: list[tuple[ConversationSession, dict[str, str]]] = []
    for index, item in enumerate(plan.outcomes):
        flow = deps.flows.get(item.flow_id)
        roles = {**item.participants}
        roles.setdefault(coordinator, "coordinator")
        state = fe.plan_session(flow, roles)
        session = ConversationSession(
            workspace_id=workspace.id, outcome_id=outcomes[item.name.casefold()].id, flow_id=flow.id,
            flow_version=flow.version, channel_id=item.channel_id, language=rnd.language,
            visibility=state.visibility, status="scheduled", scheduled_at=item.moment, created_by=coordinator,
            request_key=f"round:{rnd.id}:{index}")
        sessions.append((session, roles))
    s.add_all([session for session, _ in sessions])
    s.flush()
    rows: list = [RoundSession(session_id=session.id, round_id=rnd.id) for session, _ in sessions]
    rows += [Participant(session_id=session.id, person_id=people[user].id, role=role)
             for session, roles in sessions for user, role in roles.items()]
    s.add_all(rows)
    s.flush()
    for session, roles in sessions:
        post_root(s, deps, session, round_name=rnd.name, people=list(roles))
        plan_session_work(s, deps, session, workspace)
    prep_at = plan.moment - policy_of(workspace).prep_lead if plan.moment else deps.now()
    add_due(s, "round_prep", max(deps.now(), prep_at), dedupe_key=f"round_prep:{rnd.id}",
            payload={"round": rnd.id})
    return rnd


def plan_session_work(s: Session, deps: Deps, session: ConversationSession, workspace: Workspace) -> None:
    """A round session's summary of the preparation and its opening (the prep DMs go per person)."""
    if session.scheduled_at is None:
        return
    lead = policy_of(workspace).prep_summary_lead
    if session.scheduled_at - lead > deps.now():
        add_due(s, "prep_summary", session.scheduled_at - lead, dedupe_key=f"prep_summary:{session.id}",
                session_id=session.id)
    add_due(s, "session_open", session.scheduled_at, dedupe_key=f"session_open:{session.id}",
            session_id=session.id)
    send_invites(s, deps, session)  # each participant's calendar (.ics by DM)
