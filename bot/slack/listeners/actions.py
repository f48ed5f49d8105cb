"""Button clicks: answer, coordinator controls, Home tab buttons, actions."""

from __future__ import annotations

import logging

from slack_bolt import Ack, App

from bot.i18n import t
from bot.runtime.deps import Deps
from bot.services import commands as command_service
from bot.services import home, sessions
from bot.services.refusal import Refusal
from bot.slack.blocks.stage import answer_modal, parse_stage_ref
from bot.slack.ids import Action, small_int

log = logging.getLogger(__name__)

CONTROL_ACTIONS = {
    Action.STAGE_ADVANCE: "advance",
    Action.STAGE_EXTEND: "extend",
    Action.STAGE_SKIP: "skip",
    Action.STAGE_REOPEN: "reopen",
    Action.SESSION_CLOSE: "close",
}


def _who(body: dict) -> tuple[str, str]:
    team = (body.get("team") or {}).get("id") or (body.get("user") or {}).get("team_id") or ""
    return team, (body.get("user") or {}).get("id", "")


def _value(body: dict) -> str:
    acts = body.get("actions") or [{}]
    value = acts[0].get("value") if isinstance(acts[0], dict) else None
    return value if isinstance(value, str) else ""


def _tell(respond, body: dict, deps: Deps, client, text: str) -> None:
    """A private reply to the clicker: through response_url when there is one, else a DM."""
    if body.get("response_url"):
        respond(text=text, response_type="ephemeral", replace_original=False)
        return
    team, user = _who(body)
    try:
        client.chat_postMessage(channel=user, text=text)
    except Exception:
        log.info("could not tell a user about a refusal")


def register(app: App, deps: Deps) -> None:
    def stage_modal(build):
        """A button that opens a modal for one stage: parse the stage reference, ask the service
        for the view (or a polite refusal), open it while the trigger id is still valid."""

        def listener(ack: Ack, body: dict, client, respond) -> None:
            ack()
            team, user = _who(body)
            ref = parse_stage_ref(_value(body))
            lang = command_service.user_language(deps, team, user)
            if ref is None:
                _tell(respond, body, deps, client, t(lang, "errors.stale"))
                return
            try:
                view = build(team, user, lang, *ref)
            except Refusal as refusal:
                _tell(respond, body, deps, client, refusal.message)
                return
            client.views_open(trigger_id=body.get("trigger_id", ""), view=view)

        return listener

    def answer_view(team: str, user: str, lang: str, session_id: int, stage_id: str) -> dict:
        from storage.models import Outcome

        loaded, own = sessions.answer_form(deps, team, user, session_id, stage_id)
        with deps.db.reader() as s:
            outcome = s.get(Outcome, loaded.session.outcome_id)
            outcome_name = outcome.name if outcome else ""
        return answer_modal(lang, session_id=session_id, stage=loaded.flow.stage(stage_id), outcome=outcome_name,
                            theme=loaded.state.theme, current=own)

    def action_view(team: str, user: str, _lang: str, session_id: int, stage_id: str) -> dict:
        from bot.services import actions as action_service

        return action_service.action_modal_for(deps, team, user, session_id, stage_id)

    app.action(Action.ANSWER_OPEN)(stage_modal(answer_view))
    app.action(Action.ACTION_ADD)(stage_modal(action_view))

    def _control(ack: Ack, body: dict, client, respond) -> None:
        ack()
        team, user = _who(body)
        action_id = (body.get("actions") or [{}])[0].get("action_id")
        ref = parse_stage_ref(_value(body))
        lang = command_service.user_language(deps, team, user)
        if ref is None or action_id not in CONTROL_ACTIONS:
            _tell(respond, body, deps, client, t(lang, "errors.stale"))
            return
        try:
            note = sessions.control(deps, team, user, ref[0], ref[1], CONTROL_ACTIONS[action_id])
        except Refusal as refusal:
            _tell(respond, body, deps, client, refusal.message)
            return
        if note:
            _tell(respond, body, deps, client, note)

    for action_id in CONTROL_ACTIONS:
        app.action(action_id)(_control)

    @app.action(Action.HOME_START)
    def home_start(ack: Ack, body: dict, client, respond) -> None:
        ack()
        team, user = _who(body)
        refusal = command_service.open_start_modal(deps, client, team, user, body.get("trigger_id", ""))
        if refusal:
            _tell(respond, body, deps, client, refusal)

    @app.action(Action.HOME_MORE)
    def home_more(ack: Ack, body: dict) -> None:
        ack()
        team, user = _who(body)
        value = _value(body)
        home.publish_home(deps, team, user, page=small_int(value) or 20)

    @app.action(Action.HOME_IMPORT)
    def home_import(ack: Ack, body: dict, client, respond) -> None:
        """The Home tab's import button: how to share a file (coordinators) or why not."""
        ack()
        from bot.services.data import data_subcommand

        team, user = _who(body)
        lang = command_service.user_language(deps, team, user)
        _tell(respond, body, deps, client, data_subcommand(deps, {"team_id": team, "user_id": user}, "", lang))

    @app.action(Action.REPORT_MAKE)
    def report_make(ack: Ack, body: dict, client, respond) -> None:
        """The button under a closed session's summary: the report as an HTML file in the thread."""
        ack()
        from bot.services.reports import share_report

        team, user = _who(body)
        value = _value(body)
        lang = command_service.user_language(deps, team, user)
        try:
            share_report(deps, team, user, small_int(value) or -1)
        except Refusal as refusal:
            _tell(respond, body, deps, client, refusal.message)
            return
        _tell(respond, body, deps, client, t(lang, "session.report_coming"))
