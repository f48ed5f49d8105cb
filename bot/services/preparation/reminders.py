"""Reminders to prepare or to answer an open stage, and the overview for the coordinator.

Why the cap and the overview: nudging works until it annoys. After the workspace's cap each
person gets no more reminders; the coordinator gets one overview of who is still missing
(counts only when the session is anonymous) and decides what to do. Nudges only go out on
working days within working hours in the person's own time zone.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from bot.i18n import t
from bot.runtime.deps import Deps
from bot.services.common.agenda import nudge_moment, policy_of
from bot.services.common.people import ensure_person, language_of
from bot.services.common.store import PREP_STAGE, load
from bot.services.common.worktime import zone
from bot.services.preparation.rounds import has_prepared, participants_of, session_context
from bot.slack.blocks.kit import section
from bot.slack.blocks.preparation import reminder_blocks
from bot.slack.markup import mentions
from bot.slack.outgoing import Outgoing
from flows import engine as fe
from storage.models import ConversationSession, DueItem, Outcome, Participant, Person, Workspace
from storage.outbox import already_queued


def still_waiting(s: Session, deps: Deps, session: ConversationSession, workspace: Workspace,
                  participant: Participant, person: Person, target: str) -> bool:
    """Whether this person still has to prepare (target 'prep') or to answer the target stage."""
    if target == PREP_STAGE:
        return session.status == "scheduled" and not has_prepared(s, session.id, participant.id)
    if session.status != "running":
        return False
    loaded = load(s, deps.flows, session.id, workspace.team_id)
    stage_state = loaded.state.stages.get(target)
    if stage_state is None or stage_state.status != "open":
        return False
    return person.slack_user_id in fe.missing_answers(loaded.flow, loaded.state, target)


def hold_until(deps: Deps, workspace: Workspace, participant: Participant, person: Person) -> datetime:
    """Not before the person is back (away until) or their snooze ends."""
    hold = deps.now()
    tz = zone(person.tz, deps.settings.timezone)
    if participant.absent_until is not None:
        back = datetime.combine(participant.absent_until + timedelta(days=1), policy_of(workspace).hours.start,
                                tzinfo=tz)
        hold = max(hold, back)
    if participant.snoozed_until is not None:
        hold = max(hold, participant.snoozed_until)
    return hold


def reminder(s: Session, deps: Deps, item: DueItem) -> None:
    """Nudge once if still needed and allowed now; otherwise move the row to the next allowed moment."""
    found = session_context(s, item.session_id)
    participant = s.get(Participant, item.participant_id) if item.participant_id else None
    if found is None or participant is None or participant.status != "active":
        return
    session, workspace, outcome = found
    person = s.get(Person, participant.person_id)
    ensure_person(s, deps, workspace, person.slack_user_id)  # their own time zone, refreshed daily
    target = (item.payload or {}).get("target", PREP_STAGE)
    if not still_waiting(s, deps, session, workspace, participant, person, target):
        return
    policy = policy_of(workspace)
    now = deps.now()
    allowed = nudge_moment(deps, workspace, person, hold_until(deps, workspace, participant, person))
    if allowed > now:
        item.due_at = allowed  # not now: weekend, night, holiday, snoozed or away
        return
    sent = (item.payload or {}).get("sent", 0)
    if sent >= policy.max_nudges:
        coordinator_overview(s, deps, session, workspace, outcome, target, policy.max_nudges)
        return
    lang = language_of(person, deps)
    if target == PREP_STAGE:
        text = t(lang, "remind.prep", outcome=outcome.name)
    else:
        flow = deps.flows.get(session.flow_id, session.flow_version)
        text = t(lang, "remind.stage", outcome=outcome.name, stage=flow.stage(target).title.get(lang))
    blocks = reminder_blocks(lang, text, session.id, None if target == PREP_STAGE else target)
    Outgoing(s, workspace.id).to_person(person.slack_user_id, text, blocks, dedupe=f"nudge:{item.id}:{sent + 1}")
    participant.nudges_sent += 1
    item.payload = {**(item.payload or {}), "sent": sent + 1}
    item.due_at = nudge_moment(deps, workspace, person, now + policy.nudge_every)


def coordinator_overview(s: Session, deps: Deps, session: ConversationSession, workspace: Workspace,
                         outcome: Outcome, target: str, cap: int) -> None:
    """After the cap: one overview to the coordinator of who is still missing (counts if anonymous)."""
    key = f"overview:{session.id}:{target}"
    if not session.created_by or already_queued(s, key):
        return
    coordinator = ensure_person(s, deps, workspace, session.created_by, fetch=False)
    lang = language_of(coordinator, deps)
    missing: list[str] = []
    expected = 0
    for participant, person in participants_of(s, session.id):
        if participant.status != "active" or participant.role == "coordinator":
            continue
        expected += 1
        if still_waiting(s, deps, session, workspace, participant, person, target):
            missing.append(person.slack_user_id)
    if target == PREP_STAGE:
        what = t(lang, "remind.what_prep")
    else:
        stage = deps.flows.get(session.flow_id, session.flow_version).stage(target)
        what = t(lang, "remind.what_stage", stage=stage.title.get(lang))
    if session.visibility == "anonymous":
        body = t(lang, "remind.overview_count", cap=cap, count=len(missing), expected=expected)
    else:
        body = t(lang, "remind.overview_names", cap=cap, names=mentions(missing) or "–")
    head = t(lang, "remind.overview_header", outcome=outcome.name, what=what)
    Outgoing(s, workspace.id).to_person(session.created_by, head, [section(head), section(body)], dedupe=key)
