"""What becomes due around a session: prep round, reminders, prep summary, opening, next cycle.

Why due rows in our own tables: APScheduler only triggers `process_due`; what must happen
lives in `due_items`, claimed one row per transaction. Every message a handler causes is
written to the outbox in that same transaction with a dedupe key, so a restart, a
duplicate trigger or a second clock process never sends anything twice.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.i18n import t
from bot.runtime.deps import Deps
from bot.services.due import handler
from bot.services.people import ensure_person, language_of
from bot.services.policy import Policy
from bot.services.worktime import next_nudge_moment, zone
from bot.slack.blocks.kit import actions, button, context, escape, header, section, split_text
from bot.slack.ids import Action as Act
from flows import engine as fe
from flows.roles import ROLE_ORDER
from storage.models import (
    Action,
    Answer,
    ConversationSession,
    DueItem,
    Outcome,
    Participant,
    Person,
    Workspace,
)
from storage.outbox import enqueue, session_thread

log = logging.getLogger(__name__)

PREP_STAGE = "prep"


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


def _context(s: Session, session_id: int):
    session = s.get(ConversationSession, session_id)
    if session is None:
        return None
    workspace = s.get(Workspace, session.workspace_id)
    outcome = s.get(Outcome, session.outcome_id)
    return session, workspace, outcome


def _participants(s: Session, session_id: int) -> list[tuple[Participant, Person]]:
    return list(s.execute(select(Participant, Person).join(Person, Person.id == Participant.person_id)
                          .where(Participant.session_id == session_id).order_by(Participant.id)).all())


def _fmt_when(deps: Deps, when: datetime | None, tz_name: str | None = None) -> str:
    if when is None:
        return ""
    return when.astimezone(zone(tz_name, deps.settings.timezone)).strftime("%d-%m-%Y %H:%M")


def _dm(s: Session, workspace: Workspace, user_id: str, text: str, blocks: list[dict], dedupe_key: str) -> None:
    enqueue(s, method="chat.postMessage", payload={"channel": user_id, "text": text, "blocks": blocks[:50]},
            channel_key=user_id, workspace_id=workspace.id, dedupe_key=dedupe_key)


def carried_actions(s: Session, session_id: int) -> list[Action]:
    return list(s.scalars(select(Action).where(Action.session_id == session_id, Action.carried_from_id.is_not(None))
                          .order_by(Action.id)))


# ---- preparation round --------------------------------------------------------------------


@handler("prep_round")
def prep_round(s: Session, deps: Deps, item: DueItem) -> None:
    """Fan out: one prep DM per participant, each at an allowed moment in their own time zone."""
    found = _context(s, item.session_id)
    if found is None or found[0].status == "closed":
        return
    session, workspace, _outcome = found
    policy = policy_of(workspace)
    now = deps.now()
    for participant, person in _participants(s, session.id):
        if participant.status != "active":
            continue
        ensure_person(s, deps, workspace, person.slack_user_id)  # time zone from users.info (daily refresh)
        when = next_nudge_moment(now, zone(person.tz, deps.settings.timezone), policy.hours)
        add_due(s, "prep_dm", when, dedupe_key=f"prep_dm:{session.id}:{participant.id}",
                session_id=session.id, participant_id=participant.id)


def prep_blocks(s: Session, deps: Deps, session: ConversationSession, outcome: Outcome, person: Person,
                participant: Participant) -> tuple[str, list[dict]]:
    lang = language_of(person, deps)
    flow = deps.flows.get(session.flow_id, session.flow_version)
    theme = session.theme or "…"
    blocks: list[dict] = [header(t(lang, "prep.header", outcome=outcome.name))]
    if flow.preparation is not None:
        blocks.append(section(flow.preparation.purpose.get(lang).replace("{theme}", theme)))
    when = _fmt_when(deps, session.scheduled_at, person.tz)
    blocks.append(context(t(lang, "prep.when", flow=flow.title.get(lang), date=when, channel=session.channel_id)
                          if when else t(lang, "prep.when_unscheduled", flow=flow.title.get(lang),
                                         channel=session.channel_id)))
    carried = carried_actions(s, session.id)
    if carried:
        lines = [t(lang, "prep.actions_first")] + [f"• {escape(a.what)}" for a in carried[:15]]
        blocks.append(section("\n".join(lines)))
    questions = flow.preparation.questions_for(participant.role) if flow.preparation else ()
    if questions:
        lines = [t(lang, "prep.your_questions")] + [
            f"{i}. {q.label.get(lang).replace('{theme}', theme)}" for i, q in enumerate(questions, 1)]
        blocks.append(section("\n".join(lines)))
    blocks.append(actions(
        button(t(lang, "prep.button"), Act.PREP_OPEN, str(session.id), style="primary"),
        button(t(lang, "remind.snooze"), Act.REMIND_SNOOZE, str(session.id)),
        button(t(lang, "remind.absent"), Act.REMIND_ABSENT, str(session.id)),
        button(t(lang, "remind.decline"), Act.REMIND_DECLINE, str(session.id)),
        block_id="prep"))
    return t(lang, "prep.header", outcome=outcome.name), blocks


@handler("prep_dm")
def prep_dm(s: Session, deps: Deps, item: DueItem) -> None:
    found = _context(s, item.session_id)
    participant = s.get(Participant, item.participant_id) if item.participant_id else None
    if found is None or participant is None or participant.status != "active" or found[0].status == "closed":
        return
    session, workspace, outcome = found
    person = s.get(Person, participant.person_id)
    text, blocks = prep_blocks(s, deps, session, outcome, person, participant)
    _dm(s, workspace, person.slack_user_id, text, blocks, dedupe_key=f"prep_dm:{session.id}:{participant.id}")
    policy = policy_of(workspace)
    first = next_nudge_moment(deps.now() + policy.nudge_every, zone(person.tz, deps.settings.timezone), policy.hours)
    if session.scheduled_at is None or first < session.scheduled_at:
        add_due(s, "reminder", first, dedupe_key=f"reminder:prep:{session.id}:{participant.id}",
                session_id=session.id, participant_id=participant.id, payload={"target": PREP_STAGE})


def has_prepared(s: Session, session_id: int, participant_id: int) -> bool:
    return s.scalar(select(Answer.id).where(Answer.session_id == session_id, Answer.stage_id == PREP_STAGE,
                                            Answer.participant_id == participant_id).limit(1)) is not None


@handler("prep_summary")
def prep_summary(s: Session, deps: Deps, item: DueItem) -> None:
    """In the session's thread: who prepared, the main points by role, open actions from last time."""
    found = _context(s, item.session_id)
    if found is None or found[0].status == "closed":
        return
    session, workspace, _outcome = found
    lang = session.language
    anonymous = session.visibility == "anonymous"
    flow = deps.flows.get(session.flow_id, session.flow_version)
    people = [(p, person) for p, person in _participants(s, session.id) if p.status == "active"]
    prepared = [(p, person) for p, person in people if has_prepared(s, session.id, p.id)]
    lines = [f"*{t(lang, 'prep.summary_header', date=_fmt_when(deps, session.scheduled_at))}*"]
    if anonymous:
        lines.append(t(lang, "prep.prepared_count", count=len(prepared), expected=len(people)))
    else:
        lines.append(t(lang, "prep.prepared", names=", ".join(f"<@{person.slack_user_id}>" for _p, person in prepared)
                       or "–"))
        missing = [person for p, person in people if (p, person) not in prepared]
        if missing:
            lines.append(t(lang, "prep.not_prepared", names=", ".join(f"<@{m.slack_user_id}>" for m in missing)))
    blocks = [section(chunk) for chunk in split_text("\n".join(lines))]
    questions = {q.id: q for q in (flow.preparation.questions if flow.preparation else ())}
    by_role: dict[str, list[str]] = {}
    rows = s.execute(select(Answer, Participant, Person).join(Participant, Participant.id == Answer.participant_id)
                     .join(Person, Person.id == Participant.person_id)
                     .where(Answer.session_id == session.id, Answer.stage_id == PREP_STAGE)
                     .order_by(Answer.question_id, Answer.id)).all()
    for answer, participant, person in rows:
        q = questions.get(answer.question_id)
        label = q.label.get(lang).replace("{theme}", session.theme or "…") if q else answer.question_id
        author = "" if anonymous else f"<@{person.slack_user_id}>: "
        text = answer.value if len(answer.value) <= 400 else answer.value[:399] + "…"
        by_role.setdefault(participant.role, []).append(f"• _{escape(label)}_ {author}{escape(text)}")
    if not rows:
        blocks.append(context(t(lang, "prep.no_answers")))
    for role in ROLE_ORDER:
        if role in by_role:
            body = t(lang, "prep.points", role=t(lang, f"roles.{role}")) + "\n" + "\n".join(by_role[role])
            blocks.extend(section(chunk) for chunk in split_text(body))
    carried = carried_actions(s, session.id)
    open_lines = [f"• {escape(a.what)} – {t(lang, f'parties.{a.owner_party}')}" for a in carried if a.status == "open"]
    blocks.append(section(t(lang, "prep.open_actions") + "\n" + ("\n".join(open_lines)
                                                                 or t(lang, "prep.no_open_actions"))))
    for start in range(0, len(blocks), 50):
        enqueue(s, method="chat.postMessage",
                payload={"channel": session.channel_id, "thread_ts": session_thread(session.id),
                         "text": t(lang, "prep.summary_header", date=_fmt_when(deps, session.scheduled_at)),
                         "blocks": blocks[start:start + 50], "_report_to": session.created_by},
                channel_key=session.channel_id, workspace_id=workspace.id,
                dedupe_key=f"prep_summary:{session.id}:{start}")


# ---- opening a scheduled session ----------------------------------------------------------


@handler("session_open")
def session_open(s: Session, deps: Deps, item: DueItem) -> None:
    from bot.services import messages
    from bot.services.session_state import load, save

    found = _context(s, item.session_id)
    if found is None or found[0].status != "scheduled":
        return
    session, workspace, _outcome = found
    loaded = load(s, deps.flows, session.id, workspace.team_id, lock=True)
    state, events = fe.open_session(loaded.flow, loaded.state, deps.now())
    session.started_at = deps.now()
    save(s, loaded, state)
    enqueue(s, method="chat.postMessage",
            payload={"channel": session.channel_id, "thread_ts": session_thread(session.id),
                     "text": t(session.language, "prep.opened"), "_report_to": session.created_by},
            channel_key=session.channel_id, workspace_id=workspace.id, dedupe_key=f"opened:{session.id}")
    messages.emit(s, loaded, events, deps)
    for reminder in s.scalars(select(DueItem).where(DueItem.session_id == session.id, DueItem.kind == "reminder",
                                                    DueItem.status == "pending")):
        if (reminder.payload or {}).get("target") == PREP_STAGE:
            reminder.status = "cancelled"  # the session began: preparation is over


# ---- reminders ----------------------------------------------------------------------------


def schedule_stage_reminders(s: Session, deps: Deps, loaded, stage_id: str) -> None:
    """When a stage opens, each person it waits for gets a first reminder after the cadence."""
    stage = loaded.flow.stage(stage_id)
    if stage.kind != "questions":
        return
    policy = policy_of(loaded.workspace)
    now = deps.now()
    waiting = fe.missing_answers(loaded.flow, loaded.state, stage_id)
    for user_id, participant in loaded.participants.items():
        if user_id not in waiting or participant.status != "active":
            continue
        person = s.get(Person, participant.person_id)
        due = next_nudge_moment(now + policy.nudge_every, zone(person.tz, deps.settings.timezone), policy.hours)
        opened = loaded.state.stages[stage_id].opened_at or now
        add_due(s, "reminder", due,
                dedupe_key=f"reminder:{stage_id}:{loaded.session.id}:{participant.id}:{opened.isoformat()}",
                session_id=loaded.session.id, participant_id=participant.id, payload={"target": stage_id})


def _still_waiting(s: Session, deps: Deps, session: ConversationSession, workspace: Workspace,
                   participant: Participant, person: Person, target: str) -> bool:
    if target == PREP_STAGE:
        return session.status == "scheduled" and not has_prepared(s, session.id, participant.id)
    if session.status != "running":
        return False
    from bot.services.session_state import load

    loaded = load(s, deps.flows, session.id, workspace.team_id)
    stage_state = loaded.state.stages.get(target)
    if stage_state is None or stage_state.status != "open":
        return False
    return person.slack_user_id in fe.missing_answers(loaded.flow, loaded.state, target)


@handler("reminder")
def reminder(s: Session, deps: Deps, item: DueItem) -> None:
    """Nudge once if still needed and allowed now; otherwise move the row to the next allowed moment."""
    found = _context(s, item.session_id)
    participant = s.get(Participant, item.participant_id) if item.participant_id else None
    if found is None or participant is None or participant.status != "active":
        return
    session, workspace, outcome = found
    person = s.get(Person, participant.person_id)
    ensure_person(s, deps, workspace, person.slack_user_id)  # their own time zone, refreshed daily
    target = (item.payload or {}).get("target", PREP_STAGE)
    if not _still_waiting(s, deps, session, workspace, participant, person, target):
        return
    policy = policy_of(workspace)
    now = deps.now()
    tz = zone(person.tz, deps.settings.timezone)
    hold = now
    if participant.absent_until is not None:
        hold = max(hold, datetime.combine(participant.absent_until + timedelta(days=1), policy.hours.start, tzinfo=tz))
    if participant.snoozed_until is not None:
        hold = max(hold, participant.snoozed_until)
    allowed = next_nudge_moment(hold, tz, policy.hours)
    if allowed > now:
        item.due_at = allowed  # not now: weekend, night, holiday, snoozed or away
        return
    sent = (item.payload or {}).get("sent", 0)
    if sent >= policy.max_nudges:
        _coordinator_overview(s, deps, session, workspace, outcome, target, policy.max_nudges)
        return
    lang = language_of(person, deps)
    if target == PREP_STAGE:
        text = t(lang, "remind.prep", outcome=outcome.name)
        first = button(t(lang, "prep.button"), Act.PREP_OPEN, str(session.id), style="primary")
    else:
        flow = deps.flows.get(session.flow_id, session.flow_version)
        text = t(lang, "remind.stage", outcome=outcome.name, stage=flow.stage(target).title.get(lang))
        first = button(t(lang, "session.answer_button"), Act.ANSWER_OPEN, f"{session.id}:{target}", style="primary")
    blocks = [section(text), actions(
        first,
        button(t(lang, "remind.snooze"), Act.REMIND_SNOOZE, str(session.id)),
        button(t(lang, "remind.absent"), Act.REMIND_ABSENT, str(session.id)),
        button(t(lang, "remind.decline"), Act.REMIND_DECLINE, str(session.id)),
        block_id="reminder")]
    _dm(s, workspace, person.slack_user_id, text, blocks, dedupe_key=f"nudge:{item.id}:{sent + 1}")
    participant.nudges_sent += 1
    item.payload = {**(item.payload or {}), "sent": sent + 1}
    item.due_at = next_nudge_moment(now + policy.nudge_every, tz, policy.hours)


def _coordinator_overview(s: Session, deps: Deps, session: ConversationSession, workspace: Workspace,
                          outcome: Outcome, target: str, cap: int) -> None:
    """After the cap: one overview to the coordinator of who is still missing (counts if anonymous)."""
    key = f"overview:{session.id}:{target}"
    if s.scalar(select(DueItem.id).where(DueItem.dedupe_key == key)) is not None:
        return
    add_due(s, "noop", deps.now(), dedupe_key=key, session_id=session.id)  # marks the overview as sent
    coordinator = s.scalar(select(Person).where(Person.workspace_id == workspace.id,
                                                Person.slack_user_id == session.created_by))
    lang = language_of(coordinator, deps)
    missing: list[str] = []
    expected = 0
    for participant, person in _participants(s, session.id):
        if participant.status != "active" or participant.role == "coordinator":
            continue
        expected += 1
        if _still_waiting(s, deps, session, workspace, participant, person, target):
            missing.append(person.slack_user_id)
    if target == PREP_STAGE:
        what = t(lang, "remind.what_prep")
    else:
        what = t(lang, "remind.what_stage", stage=deps.flows.get(session.flow_id, session.flow_version)
                 .stage(target).title.get(lang))
    if session.visibility == "anonymous":
        body = t(lang, "remind.overview_count", cap=cap, count=len(missing), expected=expected)
    else:
        body = t(lang, "remind.overview_names", cap=cap, names=", ".join(f"<@{u}>" for u in missing) or "–")
    head = t(lang, "remind.overview_header", outcome=escape(outcome.name), what=what)
    _dm(s, workspace, session.created_by, head, [section(head), section(body)], dedupe_key=key)


@handler("noop")
def noop(s: Session, deps: Deps, item: DueItem) -> None:  # noqa: ARG001 - marker rows
    """Marker rows (e.g. 'overview sent') have nothing to do."""
