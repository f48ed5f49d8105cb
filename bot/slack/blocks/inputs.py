"""Building blocks for modals: an input, an option, the modal itself, and reading a submission.

Why one small module: the round, people, planning and internal-preparation modals are many
small forms; each would otherwise repeat the same dictionaries (and the same clipping to
Slack's limits: 24 characters for a title, 75 for an option).
"""

from __future__ import annotations

import json
from datetime import date, time

from bot.slack.blocks.kit import MODAL_TITLE_MAX, clip, plain
from bot.slack.markup import clean_input


def input_block(block_id: str, label: str, element: dict, *, optional: bool = False,
                hint: str | None = None) -> dict:
    block = {"type": "input", "block_id": block_id, "label": plain(label, 2000),
             "element": {"action_id": "value", **element}, "optional": optional}
    if hint:
        block["hint"] = plain(hint, 2000)
    return block


def option(text: str, value: str) -> dict:
    return {"text": plain(text, 75), "value": value}


def select(options: list[dict], initial: str | None = None) -> dict:
    element: dict = {"type": "static_select", "options": options[:100]}
    chosen = next((o for o in options if o["value"] == initial), None)
    if chosen is not None:
        element["initial_option"] = chosen
    return element


def text_input(*, initial: str | None = None, max_length: int = 200, multiline: bool = False) -> dict:
    element: dict = {"type": "plain_text_input", "max_length": max_length, "multiline": multiline}
    if initial:
        element["initial_value"] = initial[:max_length]
    return element


def modal(callback_id: str, title: str, submit: str, close: str, blocks: list[dict], metadata: dict) -> dict:
    return {
        "type": "modal", "callback_id": callback_id,
        "title": plain(clip(title, MODAL_TITLE_MAX), MODAL_TITLE_MAX),
        "submit": plain(clip(submit, MODAL_TITLE_MAX), MODAL_TITLE_MAX),
        "close": plain(clip(close, MODAL_TITLE_MAX), MODAL_TITLE_MAX),
        "private_metadata": json.dumps(metadata), "blocks": blocks[:100],
    }


# ---- reading a submission (view.state.values) --------------------------------------------------


def element(values: dict, block_id: str) -> dict:
    block = values.get(block_id) if isinstance(values, dict) else None
    found = block.get("value") if isinstance(block, dict) else None
    return found if isinstance(found, dict) else {}


def text_of(values: dict, block_id: str) -> str:
    value = element(values, block_id).get("value")
    return clean_input(value).strip() if isinstance(value, str) else ""


def chosen(values: dict, block_id: str) -> str:
    picked = element(values, block_id).get("selected_option")
    value = picked.get("value") if isinstance(picked, dict) else None
    return value if isinstance(value, str) and len(value) <= 64 else ""


def chosen_many(values: dict, block_id: str) -> list[str]:
    picked = element(values, block_id).get("selected_options")
    return [o["value"] for o in picked if isinstance(o, dict) and isinstance(o.get("value"), str)] \
        if isinstance(picked, list) else []


def users_of(values: dict, block_id: str) -> list[str]:
    users = element(values, block_id).get("selected_users")
    return [u for u in users if isinstance(u, str) and 0 < len(u) <= 32] if isinstance(users, list) else []


def channel_of(values: dict, block_id: str) -> str:
    value = element(values, block_id).get("selected_conversation")
    return value if isinstance(value, str) and len(value) <= 32 else ""


def date_of(values: dict, block_id: str) -> date | None:
    """A picked date; ValueError when Slack sent something that is not one."""
    raw = element(values, block_id).get("selected_date")
    return date.fromisoformat(raw) if isinstance(raw, str) and raw else None


def time_of(values: dict, block_id: str) -> time | None:
    raw = element(values, block_id).get("selected_time")
    return time.fromisoformat(raw) if isinstance(raw, str) and raw else None


def number_of(values: dict, block_id: str) -> int | None:
    raw = text_of(values, block_id) or str(element(values, block_id).get("value") or "")
    return int(raw) if raw.isascii() and raw.isdecimal() and len(raw) <= 4 else None
