"""Button clicks of a running conversation and of the Home tab.

Each listener acknowledges at once, parses the payload into plain values (bot/slack/inbound.py),
calls one service and shows its answer privately (bot/slack/listeners/respond.py). Buttons that
open a modal ask the service for the view and open it while the trigger id is valid (3 s).
"""

from __future__ import annotations

from collections.abc import Callable

from slack_bolt import Ack, App

from bot.runtime.deps import Deps
from bot.services.commands import start_view
from bot.services.conversation import steering
from bot.services.conversation.agreed_actions import action_view
from bot.services.conversation.answering import answer_view
from bot.services.conversation.home import publish_home
from bot.services.data.commands import data_subcommand
from bot.slack.blocks.stage import parse_stage_ref
from bot.slack.ids import Action, small_int
from bot.slack.inbound import action_id, button_value
from bot.slack.listeners.respond import Responder

CONTROL_ACTIONS = {
    Action.STAGE_ADVANCE: "advance",
    Action.STAGE_EXTEND: "extend",
    Action.STAGE_SKIP: "skip",
    Action.STAGE_REOPEN: "reopen",
    Action.SESSION_CLOSE: "close",
}

StageView = Callable[[Deps, str, str, int | None, str], dict]


def register(app: App, deps: Deps) -> None:
    def stage_modal(build: StageView):
        def listener(ack: Ack, body: dict, client) -> None:
            ack()
            me = Responder(deps, body, client)
            ref = parse_stage_ref(button_value(body)) or (None, "")
            view = me.run(lambda: build(deps, me.team, me.user, *ref), "opening a stage modal")
            if view is not None:
                me.open(view)

        return listener

    app.action(Action.ANSWER_OPEN)(stage_modal(answer_view))
    app.action(Action.ACTION_ADD)(stage_modal(action_view))

    def control(ack: Ack, body: dict, client) -> None:
        ack()
        me = Responder(deps, body, client)
        session_id, stage_id = parse_stage_ref(button_value(body)) or (None, "")
        op = CONTROL_ACTIONS.get(action_id(body), "")
        note = me.run(lambda: steering.control(deps, me.team, me.user, session_id, stage_id, op), "a control")
        if note:
            me.tell(note)

    for control_action in CONTROL_ACTIONS:
        app.action(control_action)(control)

    @app.action(Action.HOME_START)
    def home_start(ack: Ack, body: dict, client) -> None:
        ack()
        me = Responder(deps, body, client)
        view = me.run(lambda: start_view(deps, me.team, me.user), "opening the start modal")
        if view is not None:
            me.open(view)

    @app.action(Action.START_FLOW)
    def start_flow(ack: Ack, body: dict, client) -> None:
        """'Start an evaluation' (and similar offers): the start modal with that flow chosen."""
        ack()
        me = Responder(deps, body, client)
        flow_id = button_value(body) or None
        view = me.run(lambda: start_view(deps, me.team, me.user, flow_id=flow_id), "opening the start modal")
        if view is not None:
            me.open(view)

    @app.action(Action.HOME_MORE)
    def home_more(ack: Ack, body: dict, client) -> None:
        ack()
        me = Responder(deps, body, client)
        me.run(lambda: publish_home(deps, me.team, me.user, page=small_int(button_value(body)) or 20),
               "the Home tab")

    @app.action(Action.HOME_IMPORT)
    def home_import(ack: Ack, body: dict, client) -> None:
        """The Home tab's import button: how to share a file (coordinators) or why not."""
        ack()
        me = Responder(deps, body, client)
        text = me.run(lambda: data_subcommand(deps, me.team, me.user, "", ""), "the import help")
        if text:
            me.tell(text)
