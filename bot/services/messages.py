"""Turn engine events into outbox rows: stage messages, progress updates, reveals, summaries.

Why here and not in listeners: the same events come from a coordinator's click, from a
deadline passing in the scheduler and from the demo; they must produce the same messages.
"""

from __future__ import annotations

import logging

from sqlalchemy.orm import Session

from bot.i18n import t
from bot.logs import log_failure
from bot.services.session_state import Loaded
from bot.slack.blocks.kit import MESSAGE_BLOCKS_MAX, escape
from bot.slack.blocks.reveal import reveal_blocks, reveal_text, summary_blocks
from bot.slack.blocks.stage import Progress, StageView, stage_blocks, stage_text
from flows import engine as fe
from storage.outbox import enqueue, session_thread, stage_ts


def progress_of(loaded: Loaded, stage_id: str) -> Progress:
    stage = loaded.flow.stage(stage_id)
    eligible = [
        uid for uid, role in loaded.state.participants.items()
        if (stage.roles is None or role in stage.roles) and loaded.participants[uid].status == "active"
    ]
    missing = fe.missing_answers(loaded.flow, loaded.state, stage_id) & set(eligible)
    answered = [u for u in eligible if u not in missing]
    anonymous = loaded.state.visibility == "anonymous"
    return Progress(
        answered=() if anonymous else tuple(sorted(answered)),
        missing=() if anonymous else tuple(sorted(missing)),
        answered_count=len(answered),
        expected_count=len(eligible),
        anonymous=anonymous,
    )


def stage_view(loaded: Loaded, stage_id: str) -> StageView:
    stage_state = loaded.state.stages[stage_id]
    return StageView(
        session_id=loaded.session.id,
        number=loaded.number_of(stage_id),
        stage=loaded.flow.stage(stage_id),
        status=stage_state.status,
        progress=progress_of(loaded, stage_id),
        visibility=loaded.state.visibility,
        theme=loaded.state.theme,
        deadline_text=stage_state.deadline.strftime("%d-%m-%Y %H:%M") if stage_state.deadline else None,
    )


def _meta(loaded: Loaded) -> dict:
    return {"_report_to": loaded.session.created_by, "_lang": loaded.session.language}


def post_stage(s: Session, loaded: Loaded, stage_id: str) -> None:
    lang = loaded.session.language
    view = stage_view(loaded, stage_id)
    row = loaded.stages[stage_id]
    s.flush()
    enqueue(
        s,
        method="chat.postMessage",
        payload={
            "channel": loaded.session.channel_id,
            "thread_ts": session_thread(loaded.session.id),
            "text": stage_text(lang, view),
            "blocks": stage_blocks(lang, view),
            **_meta(loaded),
        },
        channel_key=loaded.session.channel_id,
        workspace_id=loaded.workspace.id,
        on_sent=f"stage_msg:{row.id}",
    )


def update_stage(s: Session, loaded: Loaded, stage_id: str) -> None:
    """Refresh a stage message (progress, closed state). Skipped if it was never posted."""
    lang = loaded.session.language
    row = loaded.stages.get(stage_id)
    if row is None:
        return
    s.flush()
    view = stage_view(loaded, stage_id)
    enqueue(
        s,
        method="chat.update",
        payload={
            "channel": loaded.session.channel_id,
            "ts": stage_ts(row.id),
            "text": stage_text(lang, view),
            "blocks": stage_blocks(lang, view),
            **_meta(loaded),
        },
        channel_key=loaded.session.channel_id,
        workspace_id=loaded.workspace.id,
    )


def post_reveal(s: Session, loaded: Loaded, stage_id: str) -> None:
    """After a stage closes: everyone's answers together, grouped by role (or without names)."""
    lang = loaded.session.language
    stage = loaded.flow.stage(stage_id)
    if not stage.questions:
        return
    summary = fe.stage_summary(loaded.flow, loaded.state, stage_id, lang,
                               anonymous=loaded.state.visibility == "anonymous")
    blocks = reveal_blocks(lang, stage, summary)
    for start in range(0, len(blocks), MESSAGE_BLOCKS_MAX):
        enqueue(
            s,
            method="chat.postMessage",
            payload={
                "channel": loaded.session.channel_id,
                "thread_ts": session_thread(loaded.session.id),
                "text": reveal_text(lang, stage),
                "blocks": blocks[start : start + MESSAGE_BLOCKS_MAX],
                **_meta(loaded),
            },
            channel_key=loaded.session.channel_id,
            workspace_id=loaded.workspace.id,
        )


def emit(s: Session, loaded: Loaded, events: list, deps=None) -> None:
    """Outbox rows for a list of engine events, in order (and, with deps, stage reminders)."""
    for event in events:
        name = type(event).__name__
        if name == "StageOpened":
            row = loaded.stages[event.stage_id]
            if row.message_ts or _already_posted(loaded, event.stage_id):
                update_stage(s, loaded, event.stage_id)
            else:
                post_stage(s, loaded, event.stage_id)
                if loaded.flow.stage(event.stage_id).shows_data:
                    _post_data(s, loaded, deps)
            _mark_posted(loaded, event.stage_id)
            if deps is not None:
                from bot.services.planning import schedule_stage_reminders

                schedule_stage_reminders(s, deps, loaded, event.stage_id)
        elif name in ("StageClosed", "StageSkipped"):
            update_stage(s, loaded, event.stage_id)
            if name == "StageClosed" and loaded.state.visibility != "open":
                post_reveal(s, loaded, event.stage_id)
        elif name in ("StageExtended", "StageReopened", "StagePaused", "AnswerRecorded"):
            update_stage(s, loaded, event.stage_id)


def _already_posted(loaded: Loaded, stage_id: str) -> bool:
    return stage_id in (loaded.session.state or {}).get("_posted", [])


def _mark_posted(loaded: Loaded, stage_id: str) -> None:
    posted = list((loaded.session.state or {}).get("_posted", []))
    if stage_id not in posted:
        posted.append(stage_id)
    loaded.session.state = {**(loaded.session.state or {}), "_posted": posted}


def _post_thread(s: Session, loaded: Loaded, text: str, blocks: list[dict]) -> None:
    for start in range(0, max(len(blocks), 1), MESSAGE_BLOCKS_MAX):
        enqueue(
            s,
            method="chat.postMessage",
            payload={
                "channel": loaded.session.channel_id,
                "thread_ts": session_thread(loaded.session.id),
                "text": text,
                "blocks": blocks[start : start + MESSAGE_BLOCKS_MAX],
                **_meta(loaded),
            },
            channel_key=loaded.session.channel_id,
            workspace_id=loaded.workspace.id,
        )


def post_open_answer(s: Session, loaded: Loaded, user_id: str, stage, values: dict[str, str]) -> None:
    """Open sessions show each answer in the thread as soon as it is given."""
    from bot.slack.blocks.kit import section, split_text

    lang = loaded.session.language
    lines = [f"*<@{user_id}>* · {stage.title.get(lang)}"]
    for question in stage.questions:
        if values.get(question.id):
            label = question.label.get(lang).replace("{theme}", loaded.state.theme or "…")
            lines.append(f"_{escape(label)}_\n{escape(fe.render_value(question, values[question.id], lang))}")
    blocks = [section(chunk) for chunk in split_text("\n".join(lines))]
    _post_thread(s, loaded, t(lang, "session.reveal_header", title=stage.title.get(lang)), blocks)


def action_lines(s: Session, loaded: Loaded, lang: str) -> list[str]:
    """Agreed actions of the session as summary lines (owner party, person, due date)."""
    from sqlalchemy import select

    from storage.models import Action, Person

    lines = []
    rows = s.execute(
        select(Action, Person).outerjoin(Person, Person.id == Action.owner_person_id)
        .where(Action.session_id == loaded.session.id).order_by(Action.id)
    ).all()
    for action, person in rows:
        owner = f", <@{person.slack_user_id}>" if person is not None else ""
        due = f", {action.due_date.strftime('%d-%m-%Y')}" if action.due_date else ""
        lines.append(t(lang, "session.action_line", what=escape(action.what),
                       party=t(lang, f"parties.{action.owner_party}"), owner=owner, due=due))
    return lines


def post_session_summary(s: Session, loaded: Loaded, closed_by: str) -> None:
    """The closing summary in the thread: every stage by role, conclusion, agreed actions."""
    from storage.models import Outcome

    lang = loaded.session.language
    anonymous = loaded.state.visibility == "anonymous"
    summary = fe.session_summary(loaded.flow, loaded.state, lang, anonymous=anonymous)
    outcome = s.get(Outcome, loaded.session.outcome_id)
    name = outcome.name if outcome else ""
    if summary.conclusion and not loaded.session.conclusion:
        loaded.session.conclusion = "\n".join(summary.conclusion)[:4000]
    blocks = summary_blocks(lang, escape(name), summary, action_lines(s, loaded, lang), closed_by)
    from bot.slack.blocks.kit import actions, button
    from bot.slack.ids import Action as Act

    blocks.append(actions(button(t(lang, "session.report_button"), Act.REPORT_MAKE, str(loaded.session.id)),
                          block_id="report"))
    _post_thread(s, loaded, t(lang, "session.summary_header", outcome=name), blocks)


def _post_context(s: Session, loaded: Loaded) -> bool:
    """Public figures on the session's theme for the workspace's gemeente (flows without data)."""
    from bot.slack.blocks.context_figures import context_blocks, indicator_for
    from storage.context import health_indicator

    gemeente = (loaded.workspace.settings or {}).get("gemeente")
    found = indicator_for(loaded.state.theme)
    if not gemeente or found is None:
        return False
    indicator, age, nl, en = found
    try:
        rows = health_indicator(str(gemeente), indicator, age, level="Wijk")
    except (KeyError, ValueError):
        return False
    blocks = context_blocks(rows, str(gemeente), (nl, en), age, loaded.session.language)
    if not blocks:
        return False
    enqueue(s, method="chat.postMessage",
            payload={"channel": loaded.session.channel_id, "thread_ts": session_thread(loaded.session.id),
                     "text": blocks[0]["text"]["text"], "blocks": blocks, **_meta(loaded)},
            channel_key=loaded.session.channel_id, workspace_id=loaded.workspace.id,
            dedupe_key=f"context:{loaded.session.id}")
    return True


def _post_data(s: Session, loaded: Loaded, deps) -> None:
    """The outcome's figures and chart in the thread, where the flow's data stage opens;
    for flows without data (zonder-data) public context figures on the theme instead."""
    from bot.services.data import post_data_summary

    if not loaded.flow.uses_data:
        try:
            with s.begin_nested():
                _post_context(s, loaded)
        except Exception:  # context is a help, never a reason to lose the stage itself
            log_failure(logging.getLogger(__name__), f"context figures for session {loaded.session.id} failed")
        return
    try:
        with s.begin_nested():
            post_data_summary(s, deps, loaded.workspace.id, loaded.session.outcome_id, loaded.session.channel_id,
                              session_thread(loaded.session.id), loaded.session.language,
                              dedupe_key=f"data:{loaded.session.id}", report_to=loaded.session.created_by)
    except Exception:  # figures are a help, never a reason to lose the stage itself
        log_failure(logging.getLogger(__name__), f"data summary for session {loaded.session.id} failed")
