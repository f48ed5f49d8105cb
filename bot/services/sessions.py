"""Use cases of a running conversation: answer, advance, extend, skip, reopen, close.

Each function is one unit of work: authorise, load, run one engine step, save, enqueue
the messages it causes. Errors a person can cause come back as `Refusal` (a translated,
polite sentence), never as an exception reaching Slack.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select

from bot.i18n import t
from bot.runtime.deps import Deps
from bot.services import messages
from bot.services.people import ensure_person, ensure_workspace, is_coordinator, language_of
from bot.services.refusal import Refusal, refusal_for
from bot.services.session_state import Loaded, SessionGone, load, save
from flows import engine as fe
from storage.models import Answer
from storage.outbox import enqueue

log = logging.getLogger(__name__)


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
    from bot.slack.blocks.kit import actions, button, context, section
    from bot.slack.blocks.stage import stage_ref
    from bot.slack.ids import Action

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
