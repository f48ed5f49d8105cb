"""A stage as a Slack message (intro, questions, progress, buttons) and its answer modal.

Buttons carry `session_id:stage_id` as value: stable ids, never positions, so a click on
an old message still refers to the right stage (or gets a polite 'stale' answer).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from bot.i18n import t
from bot.slack.blocks.kit import (
    MODAL_TITLE_MAX,
    actions,
    button,
    clip,
    context,
    divider,
    header,
    plain,
    section,
)
from bot.slack.ids import QUESTION_BLOCK, Action, View, small_int
from bot.slack.markup import mentions


@dataclass(frozen=True)
class Progress:
    answered: tuple[str, ...] = ()  # slack user ids (empty when anonymous)
    missing: tuple[str, ...] = ()
    answered_count: int = 0
    expected_count: int = 0
    anonymous: bool = False


@dataclass(frozen=True)
class StageView:
    session_id: int
    number: int
    stage: Any  # flows.model.Stage
    status: str  # open | closed | skipped | pending
    progress: Progress = field(default_factory=Progress)
    visibility: str = "hidden"
    theme: str | None = None
    deadline_text: str | None = None
    paced: bool = False  # live or over days: more time is chosen in a modal, not a fixed day


def _fmt(text: str, theme: str | None) -> str:
    return text.replace("{theme}", theme or "…")


def stage_ref(session_id: int, stage_id: str) -> str:
    return f"{session_id}:{stage_id}"


def parse_stage_ref(value: str) -> tuple[int, str] | None:
    sid, _, stage_id = (value or "").partition(":")
    number = small_int(sid)
    if number is None or not stage_id or len(stage_id) > 64:
        return None
    return number, stage_id


def progress_line(lang: str, progress: Progress) -> str:
    if progress.anonymous or not (progress.answered or progress.missing):
        return t(lang, "session.progress_count", answered=progress.answered_count,
                 expected=progress.expected_count)
    parts = []
    if progress.answered:
        parts.append(t(lang, "session.progress_named", names=mentions(progress.answered)))
    if progress.missing:
        parts.append(t(lang, "session.progress_missing", names=mentions(progress.missing)))
    return " · ".join(parts)


def stage_blocks(lang: str, view: StageView) -> list[dict]:
    stage = view.stage
    ref = stage_ref(view.session_id, stage.id)
    blocks: list[dict] = [
        header(t(lang, "session.stage_header", number=view.number, title=stage.title.get(lang))),
        section(_fmt(stage.intro.get(lang), view.theme)),
    ]
    if stage.questions:
        lines = [f"{i}. {_fmt(q.label.get(lang), view.theme)}" for i, q in enumerate(stage.questions, 1)]
        blocks.append(section("\n".join(lines)))
    if view.status == "open":
        notes = [progress_line(lang, view.progress)]
        if view.visibility == "hidden":
            notes.append(t(lang, "session.hidden_note"))
        elif view.visibility == "anonymous":
            notes.append(t(lang, "session.anonymous_note"))
        if view.deadline_text:
            notes.append(t(lang, "session.deadline", date=view.deadline_text))
        blocks.append(context(*notes))
        first = (button(t(lang, "session.add_action"), Action.ACTION_ADD, ref, style="primary")
                 if stage.kind == "actions"
                 else button(t(lang, "session.answer_button"), Action.ANSWER_OPEN, ref, style="primary"))
        blocks.append(actions(first, block_id="participant"))
        blocks.append(actions(
            button(t(lang, "session.advance"), Action.STAGE_ADVANCE, ref),
            (button(t(lang, "rounds.pace.extend_button"), Action.STAGE_EXTEND_BY, ref) if view.paced
             else button(t(lang, "session.extend"), Action.STAGE_EXTEND, ref)),
            button(t(lang, "session.skip"), Action.STAGE_SKIP, ref),
            button(t(lang, "session.close"), Action.SESSION_CLOSE, ref, style="danger"),
            block_id="coordinator",
        ))
    else:
        key = "session.stage_skipped" if view.status == "skipped" else "session.stage_closed"
        blocks.append(context(t(lang, key), progress_line(lang, view.progress)))
        blocks.append(actions(button(t(lang, "session.reopen"), Action.STAGE_REOPEN, ref), block_id="coordinator"))
    return blocks


def stage_text(lang: str, view: StageView) -> str:
    """Notification fallback text (shown in notifications and screen readers)."""
    return t(lang, "session.stage_header", number=view.number, title=view.stage.title.get(lang))


def _question_element(lang: str, q: Any, current: str | None) -> dict:
    if q.kind == "text":
        element: dict[str, Any] = {"type": "plain_text_input", "action_id": "value", "multiline": True,
                                   "max_length": 3000}
        if current:
            element["initial_value"] = current[:3000]
        return element
    if q.kind == "scale":
        options = [{"text": plain(str(n)), "value": str(n)} for n in range(q.scale_min, q.scale_max + 1)]
        element = {"type": "radio_buttons", "action_id": "value", "options": options[:10]}
        chosen = [o for o in options if o["value"] == current]
        if chosen:
            element["initial_option"] = chosen[0]
        return element
    options = [{"text": plain(o.label.get(lang), 75), "value": o.id} for o in q.options]
    if q.kind == "single":
        element = {"type": "radio_buttons", "action_id": "value", "options": options[:10]}
        chosen = [o for o in options if o["value"] == current]
        if chosen:
            element["initial_option"] = chosen[0]
        return element
    element = {"type": "checkboxes", "action_id": "value", "options": options[:10]}
    picked = set((current or "").split(",")) if current else set()
    initial = [o for o in options if o["value"] in picked]
    if initial:
        element["initial_options"] = initial
    return element


def answer_modal(lang: str, *, session_id: int, stage: Any, outcome: str, theme: str | None,
                 current: dict[str, str]) -> dict:
    blocks: list[dict] = [
        section(f"*{clip(outcome, 200)}* · {stage.title.get(lang)}"),
        context(_fmt(stage.intro.get(lang), theme)),
        divider(),
    ]
    for q in stage.questions:
        block: dict[str, Any] = {
            "type": "input",
            "block_id": QUESTION_BLOCK.format(question_id=q.id),
            "label": plain(_fmt(q.label.get(lang), theme), 2000),
            "element": _question_element(lang, q, current.get(q.id)),
            "optional": not q.required,
        }
        if q.hint is not None:
            block["hint"] = plain(_fmt(q.hint.get(lang), theme), 2000)
        blocks.append(block)
    return {
        "type": "modal",
        "callback_id": View.ANSWER.value,
        "title": plain(clip(t(lang, "answer.title"), MODAL_TITLE_MAX), MODAL_TITLE_MAX),
        "submit": plain(clip(t(lang, "answer.submit"), MODAL_TITLE_MAX), MODAL_TITLE_MAX),
        "close": plain(clip(t(lang, "start.cancel"), MODAL_TITLE_MAX), MODAL_TITLE_MAX),
        "private_metadata": json.dumps({"session": session_id, "stage": stage.id}),
        "blocks": blocks[:100],
    }


def answer_values(state_values: dict) -> dict[str, str]:
    """Modal state → {question_id: value} (multi choice as comma-joined option ids)."""
    from bot.slack.ids import QUESTION_RE

    out: dict[str, str] = {}
    for block_id, inputs in (state_values or {}).items():
        match = QUESTION_RE.match(block_id)
        if not match or not isinstance(inputs, dict):
            continue
        element = inputs.get("value") or {}
        if not isinstance(element, dict):
            continue
        if element.get("type") == "checkboxes":
            value = ",".join(o.get("value", "") for o in element.get("selected_options") or [])
        elif "selected_option" in element:
            value = (element.get("selected_option") or {}).get("value") or ""
        else:
            value = element.get("value") or ""
        if isinstance(value, str):
            out[match["question_id"]] = value.strip()
    return out
