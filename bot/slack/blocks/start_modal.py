"""The coordinator's 'new conversation' modal and the parsing of its submission."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, time

from bot.i18n import t
from bot.slack.blocks.kit import MODAL_TITLE_MAX, clip, plain
from bot.slack.ids import View, small_int
from bot.slack.markup import clean_input

ROLE_INPUTS = (("participants_sw", "sociaal_werker"), ("participants_bm", "beleidsmedewerker"),
               ("participants_other", "other"), ("coordinators", "coordinator"))


def _input(block_id: str, label: str, element: dict, *, optional: bool = False, hint: str | None = None) -> dict:
    block = {"type": "input", "block_id": block_id, "label": plain(label, 2000), "element": element,
             "optional": optional}
    if hint:
        block["hint"] = plain(hint, 2000)
    return block


def _option(text: str, value: str) -> dict:
    return {"text": plain(text, 75), "value": value}


def start_modal(lang: str, flows: list[tuple[str, str]], outcomes: list[tuple[int, str]],
                channel_id: str | None, flow_id: str | None = None) -> dict:
    """flows: (flow_id, title); outcomes: (id, name) of this workspace, newest first (max 100)."""
    flow_options = [_option(title, fid) for fid, title in flows][:100]
    blocks = [
        _input("flow", t(lang, "start.flow"),
               {"type": "static_select", "action_id": "value", "options": flow_options,
                "initial_option": next((o for o in flow_options if o["value"] == flow_id), flow_options[0])}),
    ]
    if outcomes:
        blocks.append(_input("outcome", t(lang, "start.outcome"),
                             {"type": "static_select", "action_id": "value",
                              "options": [_option(name, str(oid)) for oid, name in outcomes][:100]},
                             optional=True, hint=t(lang, "start.outcome_hint")))
    blocks += [
        _input("outcome_new", t(lang, "start.outcome_new") if outcomes else t(lang, "start.outcome"),
               {"type": "plain_text_input", "action_id": "value", "max_length": 200,
                "placeholder": plain(t(lang, "start.outcome_new_placeholder"), 150)},
               optional=bool(outcomes)),
        _input("channel", t(lang, "start.channel"),
               {"type": "conversations_select", "action_id": "value",
                "filter": {"include": ["public", "private"], "exclude_bot_users": True},
                **({"initial_conversation": channel_id} if channel_id else {})}),
        _input("participants_sw", t(lang, "start.participants_sw"),
               {"type": "multi_users_select", "action_id": "value"}, optional=True),
        _input("participants_bm", t(lang, "start.participants_bm"),
               {"type": "multi_users_select", "action_id": "value"}, optional=True),
        _input("participants_other", t(lang, "start.participants_other"),
               {"type": "multi_users_select", "action_id": "value"}, optional=True),
        _input("coordinators", t(lang, "start.coordinators"),
               {"type": "multi_users_select", "action_id": "value"}, optional=True),
        _input("theme", t(lang, "start.theme"),
               {"type": "plain_text_input", "action_id": "value", "max_length": 200,
                "placeholder": plain(t(lang, "start.theme_placeholder"), 150)}, optional=True),
        _input("date", t(lang, "start.date"), {"type": "datepicker", "action_id": "value"}, optional=True),
        _input("time", t(lang, "start.time"), {"type": "timepicker", "action_id": "value"}, optional=True),
        _input("repeat", t(lang, "series.repeat"),
               {"type": "static_select", "action_id": "value",
                "options": [_option(t(lang, f"series.repeat_{v}"), v)
                            for v in ("none", "maand", "kwartaal", "halfjaar", "jaar")],
                "initial_option": _option(t(lang, "series.repeat_none"), "none")}, optional=True),
        _input("visibility", t(lang, "start.visibility"),
               {"type": "static_select", "action_id": "value",
                "options": [_option(t(lang, f"visibility.{v}"), v) for v in ("hidden", "open", "anonymous")],
                "initial_option": _option(t(lang, "visibility.hidden"), "hidden")}),
    ]
    return {
        "type": "modal",
        "callback_id": View.START.value,
        "title": plain(clip(t(lang, "start.title"), MODAL_TITLE_MAX), MODAL_TITLE_MAX),
        "submit": plain(clip(t(lang, "start.submit"), MODAL_TITLE_MAX), MODAL_TITLE_MAX),
        "close": plain(clip(t(lang, "start.cancel"), MODAL_TITLE_MAX), MODAL_TITLE_MAX),
        "private_metadata": json.dumps({"channel": channel_id or ""}),
        "blocks": blocks,
    }


@dataclass(frozen=True)
class StartRequest:
    """What a coordinator asked for, as plain values (parsed from the modal's state)."""

    flow_id: str
    outcome_id: int | None
    outcome_name: str | None
    channel_id: str
    participants: dict[str, str]  # slack user id -> role
    theme: str | None
    on_date: date | None
    at_time: time | None
    visibility: str
    repeat: str = "none"  # none | maand | kwartaal | halfjaar | jaar


def _value(values: dict, block_id: str) -> dict:
    block = values.get(block_id)
    element = block.get("value") if isinstance(block, dict) else None
    return element if isinstance(element, dict) else {}


def _text(value: object) -> str:
    """Typed text, cleaned once (NUL bytes, bidirectional overrides)."""
    return clean_input(value) if isinstance(value, str) else ""


def _short(value: object, limit: int = 32) -> str:
    return value if isinstance(value, str) and len(value) <= limit else ""


def parse_start(values: dict) -> StartRequest:
    """Turn `view.state.values` into a StartRequest; later roles never override earlier ones."""
    participants: dict[str, str] = {}
    for block_id, role in ROLE_INPUTS:
        users = _value(values, block_id).get("selected_users")
        for user in users if isinstance(users, list) else []:
            if isinstance(user, str) and 0 < len(user) <= 32:  # Slack user ids; anything else is not one
                participants.setdefault(user, role)
    outcome_opt = _value(values, "outcome").get("selected_option")
    raw_date = _text(_value(values, "date").get("selected_date"))
    raw_time = _text(_value(values, "time").get("selected_time"))

    def option(block_id: str, default: str) -> str:
        chosen = _value(values, block_id).get("selected_option")
        return _text(chosen.get("value")) or default if isinstance(chosen, dict) else default

    return StartRequest(
        flow_id=option("flow", ""),
        outcome_id=small_int(outcome_opt.get("value")) if isinstance(outcome_opt, dict) else None,
        outcome_name=(_text(_value(values, "outcome_new").get("value")).strip() or None),
        channel_id=_short(_value(values, "channel").get("selected_conversation")),
        participants=participants,
        theme=(_text(_value(values, "theme").get("value")).strip()[:200] or None),
        on_date=date.fromisoformat(raw_date) if raw_date else None,
        at_time=time.fromisoformat(raw_time) if raw_time else None,
        visibility=v if (v := option("visibility", "hidden")) in ("hidden", "open", "anonymous") else "hidden",
        repeat=option("repeat", "none"),
    )
