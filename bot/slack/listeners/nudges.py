"""Buttons and modals of the preparation round, reminders and action follow-up.

Same rules as elsewhere: ack within 3 s, open modals in the ack path (trigger ids live
3 s), commit prep answers before acknowledging their submission, refuse politely.
"""

from __future__ import annotations

import json
import logging
from datetime import date

from slack_bolt import Ack, App

from bot.i18n import t
from bot.logs import log_failure
from bot.runtime.deps import Deps
from bot.services import commands as command_service
from bot.services import followup, notify, prep
from bot.services.refusal import Refusal
from bot.slack.ids import Action, View, small_int

log = logging.getLogger(__name__)


def _who(body: dict) -> tuple[str, str]:
    team = (body.get("team") or {}).get("id") or (body.get("user") or {}).get("team_id") or ""
    return team, (body.get("user") or {}).get("id", "")


def _number(body: dict) -> int | None:
    acts = body.get("actions") or [{}]
    value = acts[0].get("value") if isinstance(acts[0], dict) else None
    return small_int(value)


def _reply(respond, client, body: dict, text: str) -> None:
    """Answer privately: ephemeral via response_url, else a DM (buttons in DMs have one too)."""
    try:
        if body.get("response_url"):
            respond(text=text, response_type="ephemeral", replace_original=False)
        else:
            client.chat_postMessage(channel=_who(body)[1], text=text)
    except Exception:
        log.info("could not deliver a private reply")


def _meta(view: dict) -> dict:
    try:
        data = json.loads(view.get("private_metadata") or "{}")
    except (TypeError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _element(view: dict, block_id: str) -> dict:
    """One input's element from a submitted view, or {} when anything on the way is not an object."""
    state = view.get("state") if isinstance(view.get("state"), dict) else {}
    values = state.get("values") if isinstance(state.get("values"), dict) else {}
    block = values.get(block_id) if isinstance(values.get(block_id), dict) else {}
    element = block.get("value")
    return element if isinstance(element, dict) else {}


def _values(view: dict) -> dict[str, str]:
    out = {}
    for block_id, inputs in ((view.get("state") or {}).get("values") or {}).items():
        element = (inputs or {}).get("value") if isinstance(inputs, dict) else None
        if isinstance(element, dict) and block_id.startswith("q:") and isinstance(element.get("value"), str | None):
            out[block_id[2:]] = element.get("value") or ""
    return out


def register(app: App, deps: Deps) -> None:
    def simple(fn_name: str):
        def listener(ack: Ack, body: dict, client, respond) -> None:
            ack()
            team, user = _who(body)
            number = _number(body)
            lang = command_service.user_language(deps, team, user)
            if number is None:
                _reply(respond, client, body, t(lang, "errors.stale"))
                return
            try:
                text = {"snooze": prep.snooze, "decline": prep.decline, "done": followup.done,
                        "postpone": followup.postpone}[fn_name](deps, team, user, number)
            except Refusal as refusal:
                text = refusal.message
            _reply(respond, client, body, text)
            deps.notify()
        return listener

    app.action(Action.REMIND_SNOOZE)(simple("snooze"))
    app.action(Action.REMIND_DECLINE)(simple("decline"))
    app.action(Action.ACTION_DONE)(simple("done"))
    app.action(Action.ACTION_POSTPONE)(simple("postpone"))

    def modal(builder):
        def listener(ack: Ack, body: dict, client, respond) -> None:
            ack()
            team, user = _who(body)
            number = _number(body)
            lang = command_service.user_language(deps, team, user)
            try:
                if number is None:
                    raise Refusal(t(lang, "errors.stale"))
                view = builder(deps, team, user, number)
            except Refusal as refusal:
                _reply(respond, client, body, refusal.message)
                return
            client.views_open(trigger_id=body.get("trigger_id", ""), view=view)
        return listener

    app.action(Action.PREP_OPEN)(modal(prep.prep_modal))
    app.action(Action.REMIND_ABSENT)(modal(prep.absent_modal))
    app.action(Action.ACTION_COMMENT)(modal(_comment_modal))

    @app.action(Action.START_FLOW)
    def start_flow(ack: Ack, body: dict, client, respond) -> None:
        ack()
        team, user = _who(body)
        flow_id = ((body.get("actions") or [{}])[0] or {}).get("value") or None
        refusal = command_service.open_start_modal(deps, client, team, user, body.get("trigger_id", ""),
                                                   flow_id=flow_id if isinstance(flow_id, str) else None)
        if refusal:
            _reply(respond, client, body, refusal)

    @app.view(View.PREP)
    def on_prep(ack: Ack, body: dict, view: dict, client) -> None:
        team, user = _who(body)
        lang = command_service.user_language(deps, team, user)
        session_id = small_int(_meta(view).get("session"))
        try:
            if session_id is None:
                raise Refusal(t(lang, "errors.stale"))
            text = prep.submit_prep(deps, team, user, session_id, _values(view))
        except Refusal as refusal:
            ack(response_action="errors", errors={_first(view): refusal.message[:150]})
            return
        except Exception:
            log_failure(log, "saving preparation failed")
            ack(response_action="errors", errors={_first(view): t(lang, "errors.save_failed")[:150]})
            return
        ack()
        notify.dm(deps, team, user, text)

    @app.view(View.ABSENT)
    def on_absent(ack: Ack, body: dict, view: dict, client) -> None:
        team, user = _who(body)
        lang = command_service.user_language(deps, team, user)
        raw = _element(view, "until")
        session_id = small_int(_meta(view).get("session"))
        try:
            until = date.fromisoformat(str(raw.get("selected_date") or ""))
            if session_id is None:
                raise Refusal(t(lang, "errors.stale"))
            text = prep.set_absent(deps, team, user, session_id, until)
        except (ValueError, TypeError):
            ack(response_action="errors", errors={"until": t(lang, "errors.bad_date")})
            return
        except Refusal as refusal:
            ack(response_action="errors", errors={"until": refusal.message[:150]})
            return
        ack()
        notify.dm(deps, team, user, text)

    @app.view(View.ACTION_COMMENT)
    def on_comment(ack: Ack, body: dict, view: dict, client) -> None:
        team, user = _who(body)
        action_id = small_int(_meta(view).get("action"))
        values = _values(view)
        lang = command_service.user_language(deps, team, user)
        try:
            if action_id is None:
                raise Refusal(t(lang, "errors.stale"))
            text = followup.comment(deps, team, user, action_id, values.get("comment", ""))
        except Refusal as refusal:
            ack(response_action="errors", errors={"q:comment": refusal.message[:150]})
            return
        except Exception:
            log_failure(log, "saving a comment failed")
            ack(response_action="errors", errors={"q:comment": t(lang, "errors.save_failed")[:150]})
            return
        ack()
        notify.dm(deps, team, user, text)


def _comment_modal(deps: Deps, team: str, user: str, action_id: int) -> dict:
    from bot.slack.blocks.kit import MODAL_TITLE_MAX, clip, plain

    lang = command_service.user_language(deps, team, user)
    with deps.db.unit_of_work() as s:
        followup._owned(s, deps, team, user, action_id)
    return {"type": "modal", "callback_id": View.ACTION_COMMENT.value,
            "title": plain(clip(t(lang, "followup.comment_title"), MODAL_TITLE_MAX), MODAL_TITLE_MAX),
            "submit": plain(clip(t(lang, "prep.submit"), MODAL_TITLE_MAX), MODAL_TITLE_MAX),
            "private_metadata": json.dumps({"action": action_id}),
            "blocks": [{"type": "input", "block_id": "q:comment", "label": plain(t(lang, "followup.comment_label")),
                        "element": {"type": "plain_text_input", "action_id": "value", "multiline": True,
                                    "max_length": 2000}}]}


def _first(view: dict) -> str:
    blocks = view.get("blocks")
    for block in blocks if isinstance(blocks, list) else []:
        if isinstance(block, dict) and block.get("type") == "input":
            return block.get("block_id", "q")
    return "q"
