"""Use cases of a running conversation: start, answer, advance, extend, skip, reopen, close.

Each function is one unit of work: authorise, load, run one engine step, save, enqueue
the messages it causes. Errors a person can cause come back as `Refusal` (a translated,
polite sentence), never as an exception reaching Slack.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from bot.blocks.start_modal import StartRequest
from bot.deps import Deps
from bot.i18n import t
from bot.services import messages
from bot.services.people import ensure_person, ensure_workspace, is_coordinator, language_of
from bot.services.planning import plan_scheduled_session
from bot.services.recurrence import EVERY_MONTHS
from bot.services.session_state import Loaded, SessionGone, load, save
from flows import engine as fe
from storage.models import Answer, ConversationSession, Outcome, Participant
from storage.outbox import enqueue

log = logging.getLogger(__name__)


@dataclass
class Refusal(Exception):
    """A polite 'no' for the person who clicked, in their language."""

    message: str


def refusal_for(lang: str, error: Exception) -> Refusal:
    code = getattr(error, "code", None)
    key = f"errors.{code}" if code else "errors.generic"
    try:
        return Refusal(t(lang, key))
    except KeyError:
        return Refusal(t(lang, "errors.generic"))


# ---- start ---------------------------------------------------------------------------

@dataclass(frozen=True)
class StartResult:
    session_id: int | None = None
    errors: dict[str, str] | None = None  # block_id -> message, for the modal


def start_session(deps: Deps, team_id: str, user_id: str, request: StartRequest, request_key: str) -> StartResult:
    """Create a session from the start modal. A second submit of the same modal is a no-op."""
    with deps.db.unit_of_work() as s:
        workspace = ensure_workspace(s, team_id, language=deps.settings.language)
        coordinator = ensure_person(s, deps, workspace, user_id)
        lang = language_of(coordinator, deps)
        if not is_coordinator(s, workspace, coordinator):
            raise Refusal(t(lang, "errors.not_coordinator"))
        existing = s.scalar(select(ConversationSession.id).where(ConversationSession.request_key == request_key))
        if existing is not None:
            return StartResult(session_id=existing)
        errors = _validate_start(deps, lang, request)
        if errors:
            return StartResult(errors=errors)
        flow = deps.flows.get(request.flow_id)
        outcome = _outcome(s, workspace.id, request)
        participants = dict(request.participants)
        participants.setdefault(user_id, "coordinator")
        now = deps.now()
        scheduled_at = _scheduled_at(request, deps)
        later = scheduled_at is not None and scheduled_at > now + SCHEDULE_MARGIN
        try:
            if later:
                state = fe.plan_session(flow, participants, theme=request.theme,
                                        visibility=request.visibility or None)
                events: list = []
            else:
                state, events = fe.start_session(flow, participants, now, theme=request.theme,
                                                 visibility=request.visibility or None)
        except fe.TransitionError as exc:
            raise refusal_for(lang, exc) from exc
        session = ConversationSession(
            workspace_id=workspace.id,
            outcome_id=outcome.id,
            flow_id=flow.id,
            flow_version=flow.version,
            channel_id=request.channel_id,
            theme=request.theme,
            language=workspace.language or deps.settings.language,
            visibility=state.visibility,
            status=state.status,
            scheduled_at=scheduled_at,
            started_at=None if later else now,
            created_by=user_id,
            request_key=request_key,
            state={},
        )
        s.add(session)
        try:
            with s.begin_nested():
                s.flush()
        except IntegrityError:  # a concurrent double submit won the race
            s.expunge(session)
            return StartResult(
                session_id=s.scalar(
                    select(ConversationSession.id).where(ConversationSession.request_key == request_key)
                )
            )
        people = {}
        for uid, role in participants.items():
            person = coordinator if uid == user_id else ensure_person(s, deps, workspace, uid, fetch=False)
            people[uid] = Participant(session_id=session.id, person_id=person.id, role=role)
            s.add(people[uid])
        s.flush()
        if request.repeat in EVERY_MONTHS:
            session.series_id = _create_series(s, deps, workspace, session, outcome, participants,
                                               request.repeat).id
        loaded = Loaded(session, workspace, flow, state, people, {})
        save(s, loaded, state)
        if later:
            post_scheduled_root(s, deps, session, workspace)
            plan_scheduled_session(s, deps, session, workspace)
        else:
            _post_root(s, loaded, outcome.name, user_id)
            messages.emit(s, loaded, events, deps)
        session_id = session.id
    deps.notify()
    return StartResult(session_id=session_id)


SCHEDULE_MARGIN = timedelta(minutes=15)  # "today at 14:00" chosen at 13:50 just starts now


def _create_series(s, deps: Deps, workspace, session: ConversationSession, outcome: Outcome,
                   participants: dict[str, str], every: str):
    from bot.services.recurrence import rule_from_first
    from storage.models import Series

    first = (session.scheduled_at or deps.now()).astimezone(deps.settings.tz)
    series = Series(workspace_id=workspace.id, outcome_id=outcome.id, flow_id=session.flow_id,
                    channel_id=session.channel_id, rule=rule_from_first(first, every),
                    timezone=deps.settings.timezone, status="active", created_by=session.created_by,
                    participants=[{"user": u, "role": r} for u, r in participants.items()])
    s.add(series)
    s.flush()
    return series


def post_scheduled_root(s, deps: Deps, session: ConversationSession, workspace) -> None:
    """The thread for a planned session: when, who, and that preparation will follow."""
    from bot.blocks.kit import header, section
    from bot.services.planning import _fmt_when, policy_of

    lang = session.language
    outcome = s.get(Outcome, session.outcome_id)
    flow = deps.flows.get(session.flow_id, session.flow_version)
    participants = s.scalars(select(Participant).where(Participant.session_id == session.id)).all()
    if session.visibility == "anonymous":
        names = str(len(participants))
    else:
        from storage.models import Person

        names = ", ".join(f"<@{s.get(Person, p.person_id).slack_user_id}>" for p in participants)
    prep_at = max(deps.now(), session.scheduled_at - policy_of(workspace).prep_lead)
    text = t(lang, "prep.scheduled_root", flow=flow.title.get(lang), date=_fmt_when(deps, session.scheduled_at),
             coordinator=session.created_by, participants=names, prep_date=_fmt_when(deps, prep_at))
    enqueue(s, method="chat.postMessage",
            payload={"channel": session.channel_id, "text": t(lang, "session.header", outcome=outcome.name),
                     "blocks": [header(t(lang, "session.header", outcome=outcome.name)), section(text)],
                     "_report_to": session.created_by, "_lang": lang},
            channel_key=session.channel_id, workspace_id=workspace.id, on_sent=f"session_root:{session.id}",
            dedupe_key=f"root:{session.id}")


def _validate_start(deps: Deps, lang: str, request: StartRequest) -> dict[str, str]:
    errors: dict[str, str] = {}
    try:
        flow = deps.flows.get(request.flow_id)
    except Exception:
        errors["flow"] = t(lang, "errors.unknown_flow")
        return errors
    if request.outcome_id is None and not request.outcome_name:
        errors["outcome_new"] = t(lang, "start.need_outcome")
    if flow.needs_theme and not request.theme:
        errors["theme"] = t(lang, "start.need_theme")
    if not request.participants:
        errors["participants_sw"] = t(lang, "errors.no_participants")
    if not request.channel_id:
        errors["channel"] = t(lang, "errors.field_required")
    return errors


def _outcome(s, workspace_id: int, request: StartRequest) -> Outcome:
    if request.outcome_id is not None:
        outcome = s.get(Outcome, request.outcome_id)
        if outcome is not None and outcome.workspace_id == workspace_id:
            return outcome
    name = (request.outcome_name or "").strip()[:200]
    outcome = s.scalar(select(Outcome).where(Outcome.workspace_id == workspace_id, Outcome.name == name))
    if outcome is None:
        outcome = Outcome(workspace_id=workspace_id, name=name)
        s.add(outcome)
        s.flush()
    return outcome


def _scheduled_at(request: StartRequest, deps: Deps) -> datetime | None:
    if request.on_date is None:
        return None
    at = request.at_time or datetime.min.time().replace(hour=14)
    return datetime.combine(request.on_date, at, tzinfo=ZoneInfo(deps.settings.timezone))


def _post_root(s, loaded: Loaded, outcome_name: str, coordinator: str) -> None:
    from bot.blocks.kit import context, header, section

    lang = loaded.session.language
    flow_title = loaded.flow.title.get(lang)
    if loaded.state.visibility == "anonymous":
        names = t(lang, "status.missing_count", missing=len(loaded.participants), expected=len(loaded.participants))
        names = str(len(loaded.participants))
    else:
        names = ", ".join(f"<@{u}>" for u in loaded.participants)
    blocks = [
        header(t(lang, "session.header", outcome=outcome_name)),
        section(t(lang, "session.intro", flow=flow_title, coordinator=coordinator, participants=names)),
    ]
    if loaded.state.theme:
        blocks.append(context(t(lang, "session.theme", theme=loaded.state.theme)))
    enqueue(
        s,
        method="chat.postMessage",
        payload={
            "channel": loaded.session.channel_id,
            "text": t(lang, "session.header", outcome=outcome_name),
            "blocks": blocks,
            "_report_to": coordinator,
            "_lang": lang,
        },
        channel_key=loaded.session.channel_id,
        workspace_id=loaded.workspace.id,
        on_sent=f"session_root:{loaded.session.id}",
    )


# ---- answers -------------------------------------------------------------------------

def answer_form(deps: Deps, team_id: str, user_id: str, session_id: int, stage_id: str) -> tuple[Loaded, dict[str, str]]:
    """What the answer modal needs: the stage and this person's own current answers only."""
    with deps.db.reader() as s:
        workspace = ensure_workspace(s, team_id)
        person = ensure_person(s, deps, workspace, user_id, fetch=False)
        lang = language_of(person, deps)
        try:
            loaded = load(s, deps.flows, session_id, team_id)
        except SessionGone:
            raise Refusal(t(lang, "errors.stale")) from None
        if user_id not in loaded.participants:
            raise Refusal(t(lang, "errors.not_participant"))
        if loaded.state.status == "closed":
            raise Refusal(t(lang, "errors.session_closed"))
        stage_state = loaded.state.stages.get(stage_id)
        if stage_state is None or stage_state.status != "open":
            raise Refusal(t(lang, "errors.stage_not_open"))
        stage = loaded.flow.stage(stage_id)
        role = loaded.state.participants[user_id]
        if stage.roles is not None and role not in stage.roles:
            raise Refusal(t(lang, "errors.role_not_allowed"))
        own = {q: v for (st, q, p), v in loaded.state.answers.items() if st == stage_id and p == user_id}
        s.expunge_all()
        return loaded, own


@dataclass(frozen=True)
class AnswerResult:
    saved: bool
    errors: dict[str, str] | None = None
    nudge: bool = False


def submit_answers(deps: Deps, team_id: str, user_id: str, session_id: int, stage_id: str,
                   values: dict[str, str]) -> AnswerResult:
    """Store a participant's answers (new or edited); committed before Slack hears 'ok'."""
    from flows.outcome_focus import needs_outcome_nudge

    with deps.db.unit_of_work() as s:
        workspace = ensure_workspace(s, team_id)
        person = ensure_person(s, deps, workspace, user_id, fetch=False)
        lang = language_of(person, deps)
        try:
            loaded = load(s, deps.flows, session_id, team_id, lock=True)
        except SessionGone:
            raise Refusal(t(lang, "errors.stale")) from None
        stage = loaded.flow.stage(stage_id) if stage_id in loaded.flow.stage_ids else None
        if stage is None:
            raise Refusal(t(lang, "errors.unknown_stage"))
        state = loaded.state
        all_events: list = []
        errors: dict[str, str] = {}
        now = deps.now()
        for question in stage.questions:
            if question.id not in values:
                continue
            value = values[question.id]
            if not value and not question.required:
                continue
            try:
                state, events = fe.record_answer(loaded.flow, state, user_id, stage_id, question.id, value, now)
            except fe.InvalidAnswer as exc:
                errors[f"q:{question.id}"] = t(lang, f"errors.{exc.code}") if exc.code else t(lang, "errors.invalid_answer")
                continue
            except fe.TransitionError as exc:
                raise refusal_for(lang, exc) from exc
            all_events.extend(events)
        if errors:
            s.rollback()
            return AnswerResult(saved=False, errors=errors)
        participant = loaded.participants[user_id]
        for (st, q, p), value in state.answers.items():
            if st == stage_id and p == user_id:
                _upsert_answer(s, session_id, stage_id, q, participant.id, value)
        save(s, loaded, state)
        tick_state, tick_events = fe.tick(loaded.flow, state, now)
        if tick_events:
            save(s, loaded, tick_state)
        messages.emit(s, loaded, [e for e in all_events if type(e).__name__ == "AnswerRecorded"][:1] + tick_events,
                      deps)
        nudge = stage.shows_data or any(q.outcome_focus for q in stage.questions)
        nudge = nudge and any(
            needs_outcome_nudge(values.get(q.id, ""), lang) for q in stage.questions if q.outcome_focus
        )
        _send_private_copy(s, loaded, user_id, stage, values, lang, nudge)
        if loaded.state.visibility == "open":
            messages.post_open_answer(s, loaded, user_id, stage, values)
    deps.notify()
    return AnswerResult(saved=True, nudge=nudge)


def _upsert_answer(s, session_id: int, stage_id: str, question_id: str, participant_id: int, value: str) -> None:
    row = s.scalar(select(Answer).where(
        Answer.session_id == session_id, Answer.stage_id == stage_id,
        Answer.question_id == question_id, Answer.participant_id == participant_id,
    ))
    if row is None:
        s.add(Answer(session_id=session_id, stage_id=stage_id, question_id=question_id,
                     participant_id=participant_id, value=value))
    elif row.value != value:
        row.value = value


def _send_private_copy(s, loaded: Loaded, user_id: str, stage, values: dict[str, str], lang: str,
                       nudge: bool) -> None:
    """A DM with the person's own answers and an edit button: their copy, visible only to them."""
    from bot.blocks.kit import actions, button, context, section
    from bot.blocks.stage import stage_ref
    from bot.ids import Action

    lines = []
    for q in stage.questions:
        if values.get(q.id):
            lines.append(f"*{q.label.get(lang).replace('{theme}', loaded.state.theme or '…')}*\n"
                         f"{fe.render_value(q, values[q.id], lang)}")
    blocks = [section(t(lang, "answer.saved", stage=stage.title.get(lang))),
              context(t(lang, "answer.your_copy"))]
    blocks += [section(line) for line in lines[:40]]
    if nudge:
        blocks.append(section(":bulb: " + t(lang, "answer.outcome_nudge")))
    blocks.append(actions(button(t(lang, "answer.edit"), Action.ANSWER_OPEN,
                                 stage_ref(loaded.session.id, stage.id)), block_id="own_answer"))
    enqueue(s, method="chat.postMessage",
            payload={"channel": user_id, "text": t(lang, "answer.saved", stage=stage.title.get(lang)),
                     "blocks": blocks[:50]},
            channel_key=user_id, workspace_id=loaded.workspace.id)


# ---- coordinator controls --------------------------------------------------------------

CONTROL_OPS = ("advance", "extend", "skip", "reopen", "close")


def control(deps: Deps, team_id: str, user_id: str, session_id: int, stage_id: str, op: str) -> str | None:
    """A coordinator's button. Returns an optional note for the clicker; raises Refusal."""
    with deps.db.unit_of_work() as s:
        workspace = ensure_workspace(s, team_id)
        person = ensure_person(s, deps, workspace, user_id)
        lang = language_of(person, deps)
        try:
            loaded = load(s, deps.flows, session_id, team_id, lock=True)
        except SessionGone:
            raise Refusal(t(lang, "errors.stale")) from None
        if not is_coordinator(s, workspace, person, loaded.session):
            raise Refusal(t(lang, "errors.not_coordinator"))
        now = deps.now()
        flow, state = loaded.flow, loaded.state
        try:
            if op == "advance":
                if state.current_stage_id != stage_id:
                    raise Refusal(t(lang, "errors.stale"))
                state, events = fe.advance(flow, state, now)
            elif op == "extend":
                current = state.stages[stage_id].deadline or now
                state, events = fe.extend(flow, state, stage_id, max(current, now) + timedelta(days=1))
            elif op == "skip":
                state, events = fe.skip(flow, state, stage_id, now)
            elif op == "reopen":
                state, events = fe.reopen(flow, state, stage_id, now)
            elif op == "close":
                state, events = fe.close_session(flow, state, now)
            else:
                raise Refusal(t(lang, "errors.stale"))
        except fe.TransitionError as exc:
            raise refusal_for(lang, exc) from exc
        save(s, loaded, state)
        messages.emit(s, loaded, events, deps)
        if op == "close":
            from bot.services.series import schedule_next_cycle

            loaded.session.closed_at = now
            messages.post_session_summary(s, loaded, user_id)
            schedule_next_cycle(s, deps, loaded.session)
    deps.notify()
    return None


def tick_session(deps: Deps, session_id: int, team_id: str) -> int:
    """Deadline/all-answered auto-advance for one session (called by the scheduler)."""
    with deps.db.unit_of_work() as s:
        try:
            loaded = load(s, deps.flows, session_id, team_id, lock=True)
        except SessionGone:
            return 0
        state, events = fe.tick(loaded.flow, loaded.state, deps.now())
        if events:
            save(s, loaded, state)
            messages.emit(s, loaded, events, deps)
    if events:
        deps.notify()
    return len(events)
