"""What appears in a session's thread: stage messages and their progress, reveals, open answers,
the closing summary, and the figures where a data stage opens.

Why here and not in listeners: the same engine events come from a coordinator's click, from a
deadline passing in the scheduler and from the demo; they must produce the same messages. Every
message leaves through bot/slack/outgoing.py.
"""

from __future__ import annotations

import logging

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.i18n import t
from bot.logs import log_failure
from bot.runtime.deps import Deps
from bot.services.common.agenda import schedule_stage_reminders
from bot.services.common.pace import deadline_text as pace_text
from bot.services.common.store import Loaded
from bot.services.common.worktime import zone
from bot.services.data.figures import post_context_figures, post_data_summary
from bot.slack.blocks.kit import actions, button, section, split_text
from bot.slack.blocks.reveal import reveal_blocks, reveal_text, summary_blocks
from bot.slack.blocks.stage import Progress, StageView, stage_blocks, stage_text
from bot.slack.ids import Action as SlackAction
from bot.slack.markup import mention
from bot.slack.outgoing import Outgoing
from bot.texts.formatting import format_date, slack_date
from flows import engine as fe
from storage.models import Action, Outcome, Person

log = logging.getLogger(__name__)


def outgoing(s: Session, loaded: Loaded) -> Outgoing:
    """The way out for a session: failures are reported to the coordinator who started it."""
    return Outgoing(s, loaded.workspace.id, report_to=loaded.session.created_by, lang=loaded.lang)


def progress_of(loaded: Loaded, stage_id: str) -> Progress:
    """Who answered and who is awaited: the engine's answer (absent people and coordinators are
    not awaited), names only when the session is not anonymous."""
    expected = fe.eligible(loaded.flow, loaded.state, stage_id)
    missing = fe.missing_answers(loaded.flow, loaded.state, stage_id)
    answered = [u for u in expected if u not in missing]
    anonymous = loaded.anonymous
    return Progress(
        answered=() if anonymous else tuple(sorted(answered)),
        missing=() if anonymous else tuple(sorted(missing)),
        answered_count=len(answered),
        expected_count=len(expected),
        anonymous=anonymous,
    )


def stage_view(loaded: Loaded, stage_id: str, deps: Deps | None = None) -> StageView:
    stage_state = loaded.state.stages[stage_id]
    # A date token (each reader sees their own zone); the fallback is in the bot's default zone.
    deadline_text = slack_date(stage_state.deadline, loaded.lang) if stage_state.deadline else None
    if loaded.pace is not None and stage_state.deadline is not None:
        tz = deps.settings.tz if deps is not None else zone(None)
        deadline_text = pace_text(loaded.lang, loaded.pace, stage_state.deadline, deps.now() if deps else None, tz)
    return StageView(
        session_id=loaded.session.id,
        number=loaded.number_of(stage_id),
        stage=loaded.flow.stage(stage_id),
        status=stage_state.status,
        progress=progress_of(loaded, stage_id),
        visibility=loaded.state.visibility,
        theme=loaded.state.theme,
        deadline_text=deadline_text,
        paced=loaded.pace is not None,
    )


def post_stage(s: Session, loaded: Loaded, stage_id: str, deps: Deps | None = None) -> None:
    view = stage_view(loaded, stage_id, deps)
    row = loaded.stages[stage_id]
    outgoing(s, loaded).stage_message(loaded.session, row, stage_text(loaded.lang, view),
                                      stage_blocks(loaded.lang, view))
    row.posted = True


def update_stage(s: Session, loaded: Loaded, stage_id: str, deps: Deps | None = None) -> None:
    """Refresh a stage message (progress, closed state, time left). Skipped if it was never posted."""
    row = loaded.stages.get(stage_id)
    if row is None or not row.posted:
        return
    view = stage_view(loaded, stage_id, deps)
    outgoing(s, loaded).update_stage_message(loaded.session, row, stage_text(loaded.lang, view),
                                             stage_blocks(loaded.lang, view))


def post_reveal(s: Session, loaded: Loaded, stage_id: str) -> None:
    """After a stage closes: everyone's answers together, grouped by role (or without names)."""
    stage = loaded.flow.stage(stage_id)
    if not stage.questions:
        return
    summary = fe.stage_summary(loaded.flow, loaded.state, stage_id, loaded.lang, anonymous=loaded.anonymous)
    outgoing(s, loaded).to_thread(loaded.session, reveal_text(loaded.lang, stage),
                                  reveal_blocks(loaded.lang, stage, summary))


def emit(s: Session, loaded: Loaded, events: list, deps: Deps | None = None) -> None:
    """Messages for a list of engine events, in order (and, with deps, stage reminders)."""
    for event in events:
        if isinstance(event, fe.StageOpened):
            row = loaded.stages[event.stage_id]
            if row.posted:
                update_stage(s, loaded, event.stage_id, deps)
            else:
                post_stage(s, loaded, event.stage_id, deps)
                if loaded.flow.stage(event.stage_id).shows_data:
                    post_figures(s, loaded, deps)
            if deps is not None:
                schedule_stage_reminders(s, deps, loaded, event.stage_id)
        elif isinstance(event, fe.StageClosed | fe.StageSkipped):
            update_stage(s, loaded, event.stage_id, deps)
            if isinstance(event, fe.StageClosed) and loaded.state.visibility != "open":
                post_reveal(s, loaded, event.stage_id)
        elif isinstance(event, fe.StageExtended | fe.StageReopened | fe.StagePaused | fe.AnswerRecorded):
            update_stage(s, loaded, event.stage_id, deps)


def post_open_answer(s: Session, loaded: Loaded, user_id: str, stage, values: dict[str, str]) -> None:
    """Open sessions show each answer in the thread as soon as it is given."""
    lang = loaded.lang
    lines = [f"*{mention(user_id)}* · {stage.title.get(lang)}"]
    for question in stage.questions:
        if values.get(question.id):
            label = question.label.get(lang).replace("{theme}", loaded.state.theme or "…")
            lines.append(f"_{label}_\n{fe.render_value(question, values[question.id], lang)}")
    blocks = [section(chunk) for chunk in split_text("\n".join(lines))]
    outgoing(s, loaded).to_thread(loaded.session, t(lang, "session.reveal_header", title=stage.title.get(lang)),
                                  blocks)


def action_lines(s: Session, loaded: Loaded, lang: str) -> list[str]:
    """Agreed actions of the session as summary lines (owner party, person, due date)."""
    lines = []
    rows = s.execute(
        select(Action, Person).outerjoin(Person, Person.id == Action.owner_person_id)
        .where(Action.session_id == loaded.session.id).order_by(Action.id)
    ).all()
    for action, person in rows:
        owner = f", {mention(person.slack_user_id)}" if person is not None else ""
        due = f", {format_date(action.due_date, lang)}" if action.due_date else ""
        lines.append(t(lang, "session.action_line", what=action.what,
                       party=t(lang, f"parties.{action.owner_party}"), owner=owner, due=due))
    return lines


def post_session_summary(s: Session, loaded: Loaded, closed_by: str) -> None:
    """The closing summary in the thread: every stage by role, conclusion, agreed actions."""
    lang = loaded.lang
    summary = fe.session_summary(loaded.flow, loaded.state, lang, anonymous=loaded.anonymous)
    outcome = s.get(Outcome, loaded.session.outcome_id)
    name = outcome.name if outcome else ""
    if summary.conclusion and not loaded.session.conclusion:
        loaded.session.conclusion = "\n".join(summary.conclusion)[:4000]
    blocks = summary_blocks(lang, name, summary, action_lines(s, loaded, lang), closed_by)
    blocks.append(actions(button(t(lang, "session.report_button"), SlackAction.REPORT_MAKE,
                                 str(loaded.session.id)), block_id="report"))
    outgoing(s, loaded).to_thread(loaded.session, t(lang, "session.summary_header", outcome=name), blocks)


def post_figures(s: Session, loaded: Loaded, deps: Deps | None) -> None:
    """The outcome's figures and chart in the thread, where the flow's data stage opens; for flows
    without data (zonder-data) public context figures on the theme instead. Figures are a help,
    never a reason to lose the stage itself: a failure is logged and the stage goes on."""
    try:
        with s.begin_nested():
            if loaded.flow.uses_data:
                post_data_summary(s, deps, loaded.workspace.id, loaded.session.outcome_id, loaded.session.channel_id,
                                  Outgoing.thread_of(loaded.session), loaded.lang,
                                  dedupe_key=f"data:{loaded.session.id}", report_to=loaded.session.created_by)
            else:
                post_context_figures(s, loaded.session, loaded.workspace)
    except Exception:
        log_failure(log, f"figures for session {loaded.session.id} failed")
