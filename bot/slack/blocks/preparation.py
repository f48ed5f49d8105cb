"""Block Kit for the preparation round and the nudges that keep people going.

Pure functions from plain values to blocks: the services decide what to say to whom, these
decide how it looks. Every nudge offers the same three ways out (later, away until, not
taking part), so nobody is pushed without a choice.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from bot.i18n import t
from bot.slack.blocks.kit import (
    MODAL_TITLE_MAX,
    actions,
    button,
    clip,
    context,
    header,
    plain,
    section,
    split_text,
)
from bot.slack.ids import Action, View
from bot.slack.markup import channel


@dataclass(frozen=True)
class PrepInvite:
    """What one person's preparation message says."""

    session_id: int
    outcome: str
    flow_title: str
    purpose: str | None
    when: str  # formatted in the person's own zone, or "" when not planned yet
    channel_id: str
    carried: tuple[str, ...] = ()  # agreed actions of last time, asked about first
    questions: tuple[str, ...] = ()


def choice_buttons(lang: str, session_id: int) -> list[dict]:
    """Later / away until / not taking part: the choices every nudge offers."""
    return [button(t(lang, "remind.snooze"), Action.REMIND_SNOOZE, str(session_id)),
            button(t(lang, "remind.absent"), Action.REMIND_ABSENT, str(session_id)),
            button(t(lang, "remind.decline"), Action.REMIND_DECLINE, str(session_id))]


def prep_invite_blocks(lang: str, invite: PrepInvite) -> tuple[str, list[dict]]:
    """The notification text and blocks of a preparation DM."""
    title = t(lang, "prep.header", outcome=invite.outcome)
    blocks: list[dict] = [header(title)]
    if invite.purpose:
        blocks.append(section(invite.purpose))
    where = channel(invite.channel_id)
    blocks.append(context(t(lang, "prep.when", flow=invite.flow_title, date=invite.when, channel=where)
                          if invite.when else t(lang, "prep.when_unscheduled", flow=invite.flow_title,
                                                channel=where)))
    if invite.carried:
        blocks.append(section("\n".join([t(lang, "prep.actions_first"), *(f"• {w}" for w in invite.carried[:15])])))
    if invite.questions:
        lines = [t(lang, "prep.your_questions"), *(f"{i}. {q}" for i, q in enumerate(invite.questions, 1))]
        blocks.append(section("\n".join(lines)))
    blocks.append(actions(button(t(lang, "prep.button"), Action.PREP_OPEN, str(invite.session_id), style="primary"),
                          *choice_buttons(lang, invite.session_id), block_id="prep"))
    return title, blocks


def reminder_blocks(lang: str, text: str, session_id: int, stage_id: str | None) -> list[dict]:
    """A nudge to prepare (stage_id None) or to answer an open stage."""
    if stage_id is None:
        first = button(t(lang, "prep.button"), Action.PREP_OPEN, str(session_id), style="primary")
    else:
        first = button(t(lang, "session.answer_button"), Action.ANSWER_OPEN, f"{session_id}:{stage_id}",
                       style="primary")
    return [section(text), actions(first, *choice_buttons(lang, session_id), block_id="reminder")]


def text_sections(text: str) -> list[dict]:
    """Long text as as many sections as Slack needs."""
    return [section(chunk) for chunk in split_text(text)]


@dataclass(frozen=True)
class PrepField:
    """One text field of the preparation modal (a question, or last time's action)."""

    block_id: str
    label: str
    current: str | None = None
    hint: str | None = None
    optional: bool = False


def _text_input(field: PrepField) -> dict:
    element = {"type": "plain_text_input", "action_id": "value", "multiline": True, "max_length": 3000}
    if field.current:
        element["initial_value"] = field.current[:3000]
    block = {"type": "input", "block_id": f"q:{field.block_id}", "label": plain(field.label, 2000),
             "element": element, "optional": field.optional}
    if field.hint:
        block["hint"] = plain(field.hint, 2000)
    return block


def prep_modal(lang: str, session_id: int, outcome: str, purpose: str | None, fields: list[PrepField]) -> dict:
    """The preparation questions for one person, prefilled with what they wrote before."""
    blocks: list[dict] = [section(f"*{clip(outcome, 200)}*")]
    if purpose:
        blocks.append(context(clip(purpose, 2000)))
    blocks += [_text_input(f) for f in fields]
    return {
        "type": "modal", "callback_id": View.PREP.value,
        "title": plain(clip(t(lang, "prep.title"), MODAL_TITLE_MAX), MODAL_TITLE_MAX),
        "submit": plain(clip(t(lang, "prep.submit"), MODAL_TITLE_MAX), MODAL_TITLE_MAX),
        "close": plain(clip(t(lang, "start.cancel"), MODAL_TITLE_MAX), MODAL_TITLE_MAX),
        "private_metadata": json.dumps({"session": session_id}), "blocks": blocks[:100],
    }


def absent_modal(lang: str, session_id: int, initial: str) -> dict:
    """'Away until': a date after which nudges may come again."""
    return {
        "type": "modal", "callback_id": View.ABSENT.value,
        "title": plain(clip(t(lang, "remind.absent_title"), MODAL_TITLE_MAX), MODAL_TITLE_MAX),
        "submit": plain(clip(t(lang, "prep.submit"), MODAL_TITLE_MAX), MODAL_TITLE_MAX),
        "private_metadata": json.dumps({"session": session_id}),
        "blocks": [{"type": "input", "block_id": "until", "label": plain(t(lang, "remind.absent_until")),
                    "element": {"type": "datepicker", "action_id": "value", "initial_date": initial}}],
    }
