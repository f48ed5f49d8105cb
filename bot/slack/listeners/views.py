"""Modal submissions: start a session, answers, actions.

Answers are committed *before* `ack()`: Slack's "saved" only follows what is stored.
If storing fails the person sees the error inside the modal, never silence.
"""

from __future__ import annotations

import json
import logging

from slack_bolt import Ack, App

from bot.i18n import t
from bot.logs import log_failure
from bot.runtime.deps import Deps
from bot.services import commands as command_service
from bot.services import sessions, starting
from bot.services.refusal import Refusal
from bot.slack.blocks.stage import answer_values
from bot.slack.blocks.start_modal import parse_start
from bot.slack.ids import View, small_int

log = logging.getLogger(__name__)


def _who(body: dict) -> tuple[str, str]:
    team = (body.get("team") or {}).get("id") or (body.get("user") or {}).get("team_id") or ""
    return team, (body.get("user") or {}).get("id", "")


def _metadata(view: dict) -> dict:
    try:
        data = json.loads(view.get("private_metadata") or "{}")
    except (TypeError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _first_block(view: dict) -> str:
    blocks = view.get("blocks")
    for block in blocks if isinstance(blocks, list) else []:
        if isinstance(block, dict) and block.get("type") == "input" and block.get("block_id"):
            return block["block_id"]
    return "flow"


def _refuse_in_modal(ack: Ack, view: dict, message: str) -> None:
    ack(response_action="errors", errors={_first_block(view): message[:150]})


def _submit(ack: Ack, view: dict, work, failure: str, language, failure_key: str = "errors.save_failed") -> None:
    """Run a submission's unit of work and answer the modal: closed when stored, the errors
    (or a polite refusal) inside the modal otherwise. Slack hears 'ok' only after the commit."""
    try:
        errors = work()
    except Refusal as refusal:
        _refuse_in_modal(ack, view, refusal.message)
        return
    except Exception:
        log_failure(log, failure)
        _refuse_in_modal(ack, view, t(language(), failure_key))
        return
    if errors:
        ack(response_action="errors", errors=errors)
    else:
        ack()


def register(app: App, deps: Deps) -> None:
    @app.view(View.START)
    def on_start(ack: Ack, body: dict, view: dict) -> None:
        team, user = _who(body)
        lang = command_service.user_language(deps, team, user)
        try:
            state = view.get("state") if isinstance(view.get("state"), dict) else {}
            request = parse_start(state.get("values") if isinstance(state.get("values"), dict) else {})
        except ValueError:  # a date or time that is not one
            _refuse_in_modal(ack, view, t(lang, "errors.bad_date"))
            return
        except (TypeError, KeyError, AttributeError):  # a form Slack would never send
            _refuse_in_modal(ack, view, t(lang, "errors.generic"))
            return
        _submit(ack, view, lambda: starting.start_session(
            deps, team, user, request, request_key=f"start:{view.get('id', '')}").errors,
            "starting a session failed", lambda: lang, failure_key="errors.generic")

    @app.view(View.ANSWER)
    def on_answer(ack: Ack, body: dict, view: dict) -> None:
        # The happy path touches the database once (submit_answers); the language is looked
        # up separately only when there is something to refuse.
        team, user = _who(body)
        meta = _metadata(view)
        session_id, stage_id = small_int(meta.get("session")), meta.get("stage")
        if session_id is None or not isinstance(stage_id, str) or len(stage_id) > 64:
            _refuse_in_modal(ack, view, t(command_service.user_language(deps, team, user), "errors.stale"))
            return
        values = answer_values((view.get("state") or {}).get("values") or {})
        _submit(ack, view, lambda: sessions.submit_answers(deps, team, user, session_id, stage_id, values).errors,
                "saving an answer failed", lambda: command_service.user_language(deps, team, user))

    @app.view(View.ACTION)
    def on_action(ack: Ack, body: dict, view: dict) -> None:
        from bot.services import actions as action_service

        team, user = _who(body)
        _submit(ack, view, lambda: action_service.submit_action(
            deps, team, user, _metadata(view), (view.get("state") or {}).get("values") or {},
            request_key=f"action:{view.get('id', '')}"),
            "saving an action failed", lambda: command_service.user_language(deps, team, user))
