"""A shape check for what arrives at /slack/events, before Bolt builds its context.

Why: Bolt reads ids such as `team.id`, `user.team_id` or `enterprise` while building the
request context, before any middleware runs; a float or a list there raises, and the
request would end as a 500. Slack never sends such bodies, so they are refused with 400.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qs

ID_MAX = 32  # Slack ids (T…, U…, C…, E…, A…) are about 11 characters; our columns hold 32
TEXT_MAX = 255
_TOP_IDS = ("team_id", "user_id", "api_app_id", "enterprise_id", "channel_id")
_TOP_STRINGS = ("type", "command", "text", "trigger_id", "response_url", "token", "event_id", "challenge",
                "user_name", "team_domain")


def parse(raw: bytes, content_type: str) -> Any:
    """The body as Bolt will see it: JSON, or form fields (with `payload` decoded)."""
    text = raw.decode("utf-8")
    if "application/json" in (content_type or ""):
        return json.loads(text)
    fields = {k: v[0] for k, v in parse_qs(text, keep_blank_values=True).items()}
    if "payload" in fields:
        return json.loads(fields["payload"])
    return fields


def _str_or_none(value: Any, limit: int = ID_MAX) -> bool:
    return value is None or (isinstance(value, str) and len(value) <= limit)


def _dict_or_none(value: Any) -> bool:
    return value is None or isinstance(value, dict)


def _id_holder(value: Any, *keys: str) -> bool:
    """None, or a dict whose listed keys are short strings (or absent)."""
    if value is None:
        return True
    return isinstance(value, dict) and all(_str_or_none(value.get(k)) for k in keys)


def malformed(body: Any) -> str | None:
    """The first reason this body cannot be from Slack, or None when its shape is plausible."""
    if not isinstance(body, dict):
        return "not an object"
    for key in _TOP_IDS:
        if key in body and not _str_or_none(body[key]):
            return key
    for key in _TOP_STRINGS:
        if key in body and not _str_or_none(body[key], 40_000 if key == "text" else TEXT_MAX):
            return key
    if not _id_holder(body.get("team"), "id", "enterprise_id"):
        return "team"
    if not _id_holder(body.get("user"), "id", "team_id"):
        return "user"
    if not _id_holder(body.get("enterprise"), "id") and not _str_or_none(body.get("enterprise")):
        return "enterprise"
    if not _id_holder(body.get("channel"), "id"):
        return "channel"
    if not _dict_or_none(body.get("container")) or not _dict_or_none(body.get("message")):
        return "container"
    if "authorizations" in body and not (isinstance(body["authorizations"], list) and all(
            isinstance(a, dict) and all(_str_or_none(a.get(k)) for k in ("team_id", "user_id", "enterprise_id"))
            and all(isinstance(a.get(k, False), bool) for k in ("is_bot", "is_enterprise_install"))
            for a in body["authorizations"])):
        return "authorizations"
    install = body.get("is_enterprise_install", False)
    if isinstance(install, str):  # slash commands are form-encoded: "true" / "false"
        install = {"true": True, "false": False}.get(install.lower(), install)
    if not isinstance(install, bool) or (install and not body.get("enterprise") and not body.get("enterprise_id")):
        return "is_enterprise_install"
    if "event" in body and not isinstance(body["event"], dict):
        return "event"
    kind = body.get("type")
    if kind == "event_callback":
        event = body.get("event")
        if not isinstance(event, dict) or not _str_or_none(event.get("type")):
            return "event"
        for key in ("user", "channel"):
            if key in event and not _str_or_none(event[key]):
                return f"event.{key}"
        for key in ("channel_type", "subtype", "ts", "text", "tab"):
            if key in event and not _str_or_none(event[key], 40_000):
                return f"event.{key}"
    if kind == "block_actions":
        acts = body.get("actions")
        if not isinstance(acts, list) or not all(
                isinstance(a, dict) and isinstance(a.get("action_id"), str) and len(a["action_id"]) <= TEXT_MAX
                and _str_or_none(a.get("block_id"), TEXT_MAX)
                and _str_or_none(a.get("value"), 2000) for a in acts):
            return "actions"
    if kind in ("block_actions", "view_submission", "view_closed", "block_suggestion") \
            and not isinstance(body.get("user"), dict):
        return "user"
    if kind in ("view_submission", "view_closed") or "view" in body:
        view = body.get("view")
        if kind in ("view_submission", "view_closed") and not isinstance(view, dict):
            return "view"
        if isinstance(view, dict):
            if not _str_or_none(view.get("id")):
                return "view.id"
            for key in ("callback_id", "hash", "type"):
                if not _str_or_none(view.get(key), TEXT_MAX):
                    return f"view.{key}"
            if not _str_or_none(view.get("private_metadata"), 3000):
                return "view.private_metadata"
            state = view.get("state")
            if state is not None:
                values = state.get("values") if isinstance(state, dict) else None
                if not isinstance(values, dict) or not all(
                        isinstance(v, dict) and all(isinstance(e, dict) for e in v.values()) for v in values.values()):
                    return "view.state"
        elif view is not None or "view" in body:  # Bolt's logging reads view.type of any body with a view
            return "view"
    return None
