"""A participant's answers to a stage: the form with their own answers, saving, their private copy.

Why the answer is committed before Slack hears 'ok': the modal closes only for what is stored;
if storing fails the person sees the error inside the modal, never silence. Each person sees
and edits only their own answers until the stage closes.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from bot.i18n import t
from bot.runtime.deps import Deps
from bot.services.common.caller import Caller, asking
from bot.services.common.store import Loaded
from bot.services.conversation.thread import outgoing, post_open_answer
from bot.services.conversation.turn import settle, turn
from bot.slack.blocks.kit import actions, button, context, section
from bot.slack.blocks.stage import answer_modal, stage_ref
from bot.slack.ids import Action
from flows import engine as fe
from flows.outcome_focus import needs_outcome_nudge
from storage.models import Answer, Outcome


def answer_view(deps: Deps, team_id: str, user_id: str, session_id: int | None, stage_id: str) -> dict:
    """The answer modal with this person's own current answers only (or a polite refusal)."""
    with asking(deps, team_id, user_id, write=False) as me:
        loaded = _answerable(me, session_id, stage_id)
        own = loaded.state.answers_of(user_id, stage_id)
        outcome = me.s.get(Outcome, loaded.session.outcome_id)
        return answer_modal(me.lang, session_id=loaded.session.id, stage=loaded.flow.stage(stage_id),
                            outcome=outcome.name if outcome else "", theme=loaded.state.theme, current=own)


def _answerable(me: Caller, session_id: int | None, stage_id: str, *, lock: bool = False) -> Loaded:
    loaded = me.session(session_id, lock=lock)
    if me.user_id not in loaded.participants:
        raise me.refusal("errors.not_participant")
    if loaded.state.status == "closed":
        raise me.refusal("errors.session_closed")
    if not loaded.flow.has_stage(stage_id):
        raise me.refusal("errors.unknown_stage")
    stage_state = loaded.state.stages.get(stage_id)
    if stage_state is None or stage_state.status != "open":
        raise me.refusal("errors.stage_not_open")
    role = loaded.state.participants[me.user_id]
    if not loaded.flow.stage(stage_id).answered_by(role):
        raise me.refusal("errors.role_not_allowed")
    return loaded


@dataclass(frozen=True)
class AnswerResult:
    saved: bool
    errors: dict[str, str] | None = None
    nudge: bool = False


def submit_answers(deps: Deps, team_id: str, user_id: str, session_id: int | None, stage_id: str,
                   values: dict[str, str]) -> AnswerResult:
    """Store a participant's answers (new or edited); committed before Slack hears 'ok'."""
    with asking(deps, team_id, user_id) as me:
        loaded = _answerable(me, session_id, stage_id, lock=True)
        stage = loaded.flow.stage(stage_id)
        errors: dict[str, str] = {}
        recorded: list = []

        def record(flow, original):
            """All of the person's answers to this stage, or none when one of them is invalid."""
            now = deps.now()
            state = original
            for question in stage.questions:
                value = values.get(question.id)
                if value is None or (not value and not question.required):
                    continue
                try:
                    state, events = fe.record_answer(flow, state, user_id, stage_id, question.id, value, now)
                except fe.InvalidAnswer as exc:
                    errors[f"q:{question.id}"] = me.text(f"errors.{exc.code}") if exc.code \
                        else me.text("errors.invalid_answer")
                    continue
                recorded.extend(events)
            if errors:
                return original, []
            return state, recorded[:1]  # one progress update, however many questions changed

        events = turn(me.s, deps, loaded, record, lang=me.lang)
        if errors:
            return AnswerResult(saved=False, errors=errors)
        _store_answers(me, loaded, stage_id)
        settle(me.s, deps, loaded)
        nudge = _needs_nudge(stage, values, me.lang)
        _send_private_copy(me, loaded, stage, values, nudge)
        if loaded.state.visibility == "open" and events:
            post_open_answer(me.s, loaded, user_id, stage, values)
    return AnswerResult(saved=True, nudge=nudge)


def _store_answers(me: Caller, loaded: Loaded, stage_id: str) -> None:
    """The person's answers of this stage as rows (unique per session, stage, question, person)."""
    participant = loaded.participants[me.user_id]
    rows = {a.question_id: a for a in me.s.scalars(select(Answer).where(
        Answer.session_id == loaded.session.id, Answer.stage_id == stage_id, Answer.participant_id == participant.id))}
    for question_id, value in loaded.state.answers_of(me.user_id, stage_id).items():
        row = rows.get(question_id)
        if row is None:
            me.s.add(Answer(session_id=loaded.session.id, stage_id=stage_id, question_id=question_id,
                            participant_id=participant.id, value=value))
        elif row.value != value:
            row.value = value


def _needs_nudge(stage, values: dict[str, str], lang: str) -> bool:
    """The private outcome-focus hint: only where the flow asks for results for residents."""
    if not (stage.shows_data or any(q.outcome_focus for q in stage.questions)):
        return False
    return any(needs_outcome_nudge(values.get(q.id, ""), lang) for q in stage.questions if q.outcome_focus)


def _send_private_copy(me: Caller, loaded: Loaded, stage, values: dict[str, str], nudge: bool) -> None:
    """A DM with the person's own answers and an edit button: their copy, visible only to them."""
    lang = me.lang
    lines = []
    for q in stage.questions:
        if values.get(q.id):
            label = q.label.get(lang).replace("{theme}", loaded.state.theme or "…")
            lines.append(f"*{label}*\n{fe.render_value(q, values[q.id], lang)}")
    saved = t(lang, "answer.saved", stage=stage.title.get(lang))
    blocks = [section(saved), context(t(lang, "answer.your_copy"))]
    blocks += [section(line) for line in lines[:40]]
    if nudge:
        blocks.append(section(":bulb: " + t(lang, "answer.outcome_nudge")))
    blocks.append(actions(button(t(lang, "answer.edit"), Action.ANSWER_OPEN, stage_ref(loaded.session.id, stage.id)),
                          block_id="own_answer"))
    outgoing(me.s, loaded).to_person(me.user_id, saved, blocks)
