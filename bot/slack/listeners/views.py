"""Modal submissions of a conversation: start a session, answers, agreed actions.

Answers are committed *before* Slack hears 'ok': the modal closes only for what is stored. If
storing fails the person sees the error inside the modal, never silence
(bot/slack/listeners/respond.py: `submit`).
"""

from __future__ import annotations

from slack_bolt import Ack, App

from bot.i18n import t
from bot.runtime.deps import Deps
from bot.services.common.caller import language
from bot.services.common.refusal import Refusal
from bot.services.conversation.agreed_actions import submit_action
from bot.services.conversation.answering import submit_answers
from bot.services.conversation.starting import start_session
from bot.slack.blocks.start_modal import parse_start
from bot.slack.ids import View, small_int
from bot.slack.inbound import inputs, metadata, question_values, who
from bot.slack.listeners.respond import submit


def register(app: App, deps: Deps) -> None:
    @app.view(View.START)
    def on_start(ack: Ack, body: dict, view: dict) -> None:
        team, user = who(body)

        def work():
            try:
                state = view.get("state") if isinstance(view.get("state"), dict) else {}
                request = parse_start(state.get("values") if isinstance(state.get("values"), dict) else {})
            except ValueError:  # a date or time that is not one
                raise Refusal(t(language(deps, team, user), "errors.bad_date")) from None
            except (TypeError, KeyError, AttributeError):  # a form Slack would never send
                raise Refusal(t(language(deps, team, user), "errors.generic")) from None
            return start_session(deps, team, user, request, request_key=f"start:{view.get('id', '')}").errors

        submit(ack, deps, body, view, work, "starting a session failed", failure_key="errors.generic")

    @app.view(View.ANSWER)
    def on_answer(ack: Ack, body: dict, view: dict) -> None:
        team, user = who(body)
        meta = metadata(view)
        session_id, stage_id = small_int(meta.get("session")), meta.get("stage")
        if not isinstance(stage_id, str) or len(stage_id) > 64:
            session_id, stage_id = None, ""
        values = question_values(view)
        submit(ack, deps, body, view, lambda: submit_answers(deps, team, user, session_id, stage_id, values).errors,
               "saving an answer failed")

    @app.view(View.ACTION)
    def on_action(ack: Ack, body: dict, view: dict) -> None:
        team, user = who(body)
        submit(ack, deps, body, view, lambda: submit_action(
            deps, team, user, metadata(view), {k: {"value": v} for k, v in inputs(view).items()},
            request_key=f"action:{view.get('id', '')}"), "saving an action failed")
