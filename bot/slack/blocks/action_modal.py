"""The 'add action' modal: what, owner party, owner person, due date, indicator and target."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

from bot.i18n import t
from bot.slack.blocks.kit import MODAL_TITLE_MAX, clip, plain
from bot.slack.ids import View
from bot.slack.markup import clean_input

PARTIES = ("gemeente", "aanbieder", "samenwerkingsverband")


def action_modal(lang: str, *, session_id: int, stage_id: str, indicators: list[str]) -> dict:
    def opt(text: str, value: str) -> dict:
        return {"text": plain(text, 75), "value": value}

    blocks = [
        {"type": "input", "block_id": "what", "label": plain(t(lang, "action.what")),
         "element": {"type": "plain_text_input", "action_id": "value", "multiline": True, "max_length": 1000}},
        {"type": "input", "block_id": "party", "label": plain(t(lang, "action.party")),
         "element": {"type": "static_select", "action_id": "value",
                     "options": [opt(t(lang, f"parties.{p}"), p) for p in PARTIES]}},
        {"type": "input", "block_id": "owner", "label": plain(t(lang, "action.owner")), "optional": True,
         "element": {"type": "users_select", "action_id": "value"}},
        {"type": "input", "block_id": "due", "label": plain(t(lang, "action.due")), "optional": True,
         "element": {"type": "datepicker", "action_id": "value"}},
    ]
    if indicators:
        blocks.append({"type": "input", "block_id": "indicator", "label": plain(t(lang, "action.indicator")),
                       "optional": True,
                       "element": {"type": "static_select", "action_id": "value",
                                   "options": [opt(i, i) for i in indicators[:100]]}})
    else:
        blocks.append({"type": "input", "block_id": "indicator", "label": plain(t(lang, "action.indicator")),
                       "optional": True,
                       "element": {"type": "plain_text_input", "action_id": "value", "max_length": 64}})
    blocks.append({"type": "input", "block_id": "target", "label": plain(t(lang, "action.target")),
                   "optional": True,
                   "element": {"type": "number_input", "action_id": "value", "is_decimal_allowed": True}})
    return {
        "type": "modal",
        "callback_id": View.ACTION.value,
        "title": plain(clip(t(lang, "action.title"), MODAL_TITLE_MAX), MODAL_TITLE_MAX),
        "submit": plain(clip(t(lang, "answer.submit"), MODAL_TITLE_MAX), MODAL_TITLE_MAX),
        "close": plain(clip(t(lang, "start.cancel"), MODAL_TITLE_MAX), MODAL_TITLE_MAX),
        "private_metadata": json.dumps({"session": session_id, "stage": stage_id}),
        "blocks": blocks,
    }


@dataclass(frozen=True)
class ActionRequest:
    what: str
    party: str
    owner: str | None
    due: date | None
    indicator: str | None
    target: float | None


def parse_action(values: dict) -> ActionRequest:
    def el(block: str) -> dict:
        holder = values.get(block) if isinstance(values, dict) else None
        item = holder.get("value") if isinstance(holder, dict) else None
        return item if isinstance(item, dict) else {}

    def text(value: object) -> str:
        return clean_input(value) if isinstance(value, str) else ""

    def option(element: dict) -> str:
        chosen = element.get("selected_option")
        return text(chosen.get("value")) if isinstance(chosen, dict) else ""

    raw_due = text(el("due").get("selected_date"))
    raw_target = text(el("target").get("value")).strip()
    indicator = text(el("indicator").get("value")) or option(el("indicator"))
    owner = text(el("owner").get("selected_user")) or None
    return ActionRequest(
        what=text(el("what").get("value")).strip(),
        party=option(el("party")),
        owner=owner if owner and len(owner) <= 32 else None,
        due=date.fromisoformat(raw_due) if raw_due else None,
        indicator=indicator.strip()[:64] or None,
        target=float(raw_target.replace(",", ".")) if raw_target else None,
    )
