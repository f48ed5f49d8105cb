"""Plain values out of what Slack sends: who clicked, which button value, a modal's metadata
and inputs, a slash command. The one place listeners read payloads.

Why one helper: every listener used to pick `team.id`, `user.id`, `actions[0].value` and
`view.state.values` apart by hand, each with its own idea of what a missing or odd field
means. Here an odd field is an empty value, and typed text is cleaned exactly once
(bot/slack/markup.py: NUL bytes, bidirectional overrides, Slack's escaping of command text).
"""

from __future__ import annotations

import json
from typing import Any

from bot.slack.ids import QUESTION_RE
from bot.slack.markup import clean_input


def _dict(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def who(body: dict) -> tuple[str, str]:
    """(team id, user id) of whoever sent this interaction."""
    user = _dict(body.get("user"))
    team = _dict(body.get("team")).get("id") or user.get("team_id") or body.get("team_id") or ""
    uid = user.get("id") or body.get("user_id") or ""
    return (team if isinstance(team, str) else ""), (uid if isinstance(uid, str) else "")


def button_value(body: dict) -> str:
    """The value of the clicked button (or '' when there is none)."""
    acts = body.get("actions")
    first = acts[0] if isinstance(acts, list) and acts and isinstance(acts[0], dict) else {}
    value = first.get("value")
    return value if isinstance(value, str) else ""


def action_id(body: dict) -> str:
    acts = body.get("actions")
    first = acts[0] if isinstance(acts, list) and acts and isinstance(acts[0], dict) else {}
    value = first.get("action_id")
    return value if isinstance(value, str) else ""


def metadata(view: dict) -> dict:
    """A modal's private_metadata as a dict ({} when absent or not ours)."""
    try:
        data = json.loads(view.get("private_metadata") or "{}")
    except (TypeError, ValueError):
        return {}
    return _dict(data)


def inputs(view: dict) -> dict[str, dict]:
    """block_id → the submitted element state, for blocks whose shape is what Slack sends."""
    values = _dict(_dict(view.get("state")).get("values"))
    out: dict[str, dict] = {}
    for block_id, block in values.items():
        element = _dict(block).get("value")
        if isinstance(block_id, str) and isinstance(element, dict):
            out[block_id] = element
    return out


def element_value(element: dict) -> str:
    """One input's value as text: typed text, a picked option id, picked option ids joined by commas."""
    if isinstance(element.get("selected_options"), list):
        picked = [_dict(o).get("value") for o in element["selected_options"]]
        return ",".join(v for v in picked if isinstance(v, str))
    if "selected_option" in element:
        value = _dict(element.get("selected_option")).get("value")
    elif "selected_date" in element:
        value = element.get("selected_date")
    else:
        value = element.get("value")
    return clean_input(value).strip() if isinstance(value, str) else ""


def question_values(view: dict) -> dict[str, str]:
    """Answers in a modal whose inputs are named `q:<question id>`: {question id: value}."""
    out: dict[str, str] = {}
    for block_id, element in inputs(view).items():
        match = QUESTION_RE.match(block_id)
        if match:
            out[match["question_id"]] = element_value(element)
    return out


def first_input(view: dict, default: str = "q") -> str:
    """The block id of a modal's first input: where a refusal is shown."""
    blocks = view.get("blocks")
    for block in blocks if isinstance(blocks, list) else []:
        if isinstance(block, dict) and block.get("type") == "input" and isinstance(block.get("block_id"), str):
            return block["block_id"]
    return default


def command_text(command: dict) -> tuple[str, str]:
    """(decoded, raw) text of a slash command; Slack escapes it (`should_escape: true`)."""
    raw = command.get("text") if isinstance(command.get("text"), str) else ""
    return clean_input(raw, slack_escaped=True).strip(), raw
