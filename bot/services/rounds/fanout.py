"""The preparation round of a round: one DM per person per conversation, one combined reminder.

Why per person and not per session: someone who is in three of the nine conversations must not
get three reminders on the same morning. The round's preparation goes out per person (at an
allowed moment in their own time zone): one preparation DM for each conversation they are in,
then ONE reminder that lists every conversation they still have to prepare, counted once
against the workspace's nudge cap. After the cap the round's coordinator gets one overview.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.i18n import t
from bot.runtime.deps import Deps
from bot.services.common.agenda import add_due, nudge_moment, policy_of
from bot.services.common.people import ensure_person, language_of
from bot.services.common.store import PREP_STAGE
from bot.services.preparation.reminders import hold_until
from bot.services.preparation.rounds import prep_invite
from bot.slack.blocks.rounds import combined_reminder_blocks
from bot.slack.markup import mentions
from bot.slack.outgoing import Outgoing
from storage.models import (
    Answer,
    ConversationSession,
    DueItem,
    Outcome,
    Participant,
    Person,
    Round,
    RoundSession,
    SessionPlan,
    Workspace,
)


def preparing(s: Session, round_id: int, person_id: int | None = None) -> list[tuple]:
    """(session, participant, outcome, person) for the round's planned, not cancelled sessions."""
    query = (
        select(ConversationSession, Participant, Outcome, Person)
        .join(RoundSession, RoundSession.session_id == ConversationSession.id)
        .join(Participant, Participant.session_id == ConversationSession.id)
        .join(Person, Person.id == Participant.person_id)
        .join(Outcome, Outcome.id == ConversationSession.outcome_id)
        .outerjoin(SessionPlan, SessionPlan.session_id == ConversationSession.id)
        .where(RoundSession.round_id == round_id, ConversationSession.status == "scheduled",
               Participant.status == "active", SessionPlan.cancelled_at.is_(None))
        .order_by(ConversationSession.id, Participant.id)
    )
    if person_id is not None:
        query = query.where(Participant.person_id == person_id)
    return [tuple(row) for row in s.execute(query).all()]


def prepared_participants(s: Session, participant_ids: list[int]) -> set[int]:
    """Which of these participants answered any preparation question (one statement)."""
    if not participant_ids:
        return set()
    return set(s.scalars(select(Answer.participant_id).where(
        Answer.stage_id == PREP_STAGE, Answer.participant_id.in_(participant_ids)).distinct()))


def round_prep(s: Session, deps: Deps, item: DueItem) -> None:
    """The round's preparation begins: each person gets their own due row at their own moment."""
    rnd = s.get(Round, (item.payload or {}).get("round"))
    if rnd is None:
        return
    workspace = s.get(Workspace, rnd.workspace_id)
    seen: set[int] = set()
    for _session, _participant, _outcome, person in preparing(s, rnd.id):
        if person.id in seen:
            continue
        seen.add(person.id)
        ensure_person(s, deps, workspace, person.slack_user_id)  # their time zone, refreshed daily
        add_due(s, "round_prep_dm", nudge_moment(deps, workspace, person, deps.now()),
                dedupe_key=f"round_prep_dm:{rnd.id}:{person.id}", payload={"round": rnd.id, "person": person.id})


def _addressed(s: Session, item: DueItem) -> tuple[Round, Person, Workspace] | None:
    """The round and the person a per-person due row is about (None when either is gone)."""
    payload = item.payload or {}
    rnd, person = s.get(Round, payload.get("round")), s.get(Person, payload.get("person"))
    if rnd is None or person is None:
        return None
    return rnd, person, s.get(Workspace, rnd.workspace_id)


def round_prep_dm(s: Session, deps: Deps, item: DueItem) -> None:
    """One preparation DM per conversation this person is in, then one reminder for all of them."""
    found = _addressed(s, item)
    if found is None:
        return
    rnd, person, workspace = found
    rows = preparing(s, rnd.id, person.id)
    for session, participant, outcome, _person in rows:
        text, blocks = prep_invite(s, deps, session, outcome, person, participant)
        Outgoing(s, workspace.id).to_person(person.slack_user_id, text, blocks,
                                            dedupe=f"prep_dm:{session.id}:{participant.id}")
    if rows:
        plan_round_reminder(s, deps, workspace, rnd.id, person)


def plan_round_reminder(s: Session, deps: Deps, workspace: Workspace, round_id: int, person: Person) -> None:
    first = nudge_moment(deps, workspace, person, deps.now() + policy_of(workspace).nudge_every)
    add_due(s, "round_reminder", first, dedupe_key=f"round_reminder:{round_id}:{person.id}",
            payload={"round": round_id, "person": person.id, "sent": 0})


def round_reminder(s: Session, deps: Deps, item: DueItem) -> None:
    """Still something to prepare? One reminder listing every such conversation, within the cap."""
    found = _addressed(s, item)
    if found is None:
        return
    rnd, person, workspace = found
    payload = item.payload or {}
    now = deps.now()
    rows = [r for r in preparing(s, rnd.id, person.id) if r[0].scheduled_at is None or r[0].scheduled_at > now]
    done = prepared_participants(s, [participant.id for _s, participant, _o, _p in rows])
    waiting = [r for r in rows if r[1].id not in done]
    if not waiting:
        return
    ensure_person(s, deps, workspace, person.slack_user_id)
    hold = max(hold_until(deps, workspace, participant, person) for _s, participant, _o, _p in waiting)
    allowed = nudge_moment(deps, workspace, person, hold)
    if allowed > now:
        item.due_at = allowed
        return
    policy = policy_of(workspace)
    sent = int(payload.get("sent", 0))
    if sent >= policy.max_nudges:
        round_overview_to_coordinator(s, deps, rnd, workspace, policy.max_nudges)
        return
    lang = language_of(person, deps)
    text = t(lang, "rounds.remind.combined", count=len(waiting))
    items = [(session.id, outcome.name) for session, _p, outcome, _person in waiting]
    Outgoing(s, workspace.id).to_person(person.slack_user_id, text, combined_reminder_blocks(lang, text, items),
                                        dedupe=f"round_nudge:{item.id}:{sent + 1}")
    for _session, participant, _o, _p in waiting:
        participant.nudges_sent += 1
    item.payload = {**payload, "sent": sent + 1}
    item.due_at = nudge_moment(deps, workspace, person, now + policy.nudge_every)


def round_overview_to_coordinator(s: Session, deps: Deps, rnd: Round, workspace: Workspace, cap: int) -> None:
    """After the cap: one message to the round's coordinator with who has not prepared, per conversation."""
    if not rnd.created_by:
        return
    coordinator = ensure_person(s, deps, workspace, rnd.created_by, fetch=False)
    lang = language_of(coordinator, deps)
    rows = preparing(s, rnd.id)
    done = prepared_participants(s, [participant.id for _s, participant, _o, _p in rows])
    lines: dict[int, tuple[ConversationSession, Outcome, list[str]]] = {}
    for session, participant, outcome, person in rows:
        if participant.role == "coordinator":
            continue
        entry = lines.setdefault(session.id, (session, outcome, []))
        if participant.id not in done:
            entry[2].append(person.slack_user_id)
    body = []
    for session, outcome, missing in lines.values():
        if missing:
            who = str(len(missing)) if session.visibility == "anonymous" else mentions(missing)
            body.append(t(lang, "rounds.remind.overview_line", outcome=outcome.name, names=who))
    if not body:
        return
    head = t(lang, "rounds.remind.overview_header", round=rnd.name, cap=cap)
    Outgoing(s, workspace.id).to_person(rnd.created_by, head, combined_reminder_blocks(lang, head, [], body),
                                        dedupe=f"round_overview:{rnd.id}:prep")
