"""Buttons and modals of the preparation round, reminders and action follow-up.

Same rules as elsewhere: acknowledge within 3 s, open modals while the trigger id is valid,
commit prep answers before acknowledging their submission, refuse politely. Confirmations
after a saved modal are queued by the service in the same transaction (a DM through the
outbox), so they arrive even when Slack is briefly away.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from slack_bolt import Ack, App

from bot.i18n import t
from bot.runtime.deps import Deps
from bot.services.common.caller import language
from bot.services.common.refusal import Refusal
from bot.services.cycle import followup
from bot.services.preparation import prep
from bot.slack.ids import Action, View, small_int
from bot.slack.inbound import button_value, inputs, metadata, question_values, who
from bot.slack.listeners.respond import Responder, submit

Numbered = Callable[[Deps, str, str, int | None], str]


def register(app: App, deps: Deps) -> None:
    def simple(service: Numbered, what: str):
        def listener(ack: Ack, body: dict, client) -> None:
            ack()
            me = Responder(deps, body, client)
            text = me.run(lambda: service(deps, me.team, me.user, small_int(button_value(body))), what)
            if text:
                me.tell(text)
        return listener

    app.action(Action.REMIND_SNOOZE)(simple(prep.snooze, "a snooze"))
    app.action(Action.REMIND_DECLINE)(simple(prep.decline, "declining"))
    app.action(Action.ACTION_DONE)(simple(followup.done, "marking an action done"))
    app.action(Action.ACTION_POSTPONE)(simple(followup.postpone, "postponing an action"))

    def modal(build: Callable[[Deps, str, str, int | None], dict], what: str):
        def listener(ack: Ack, body: dict, client) -> None:
            ack()
            me = Responder(deps, body, client)
            view = me.run(lambda: build(deps, me.team, me.user, small_int(button_value(body))), what)
            if view is not None:
                me.open(view)
        return listener

    app.action(Action.PREP_OPEN)(modal(prep.prep_view, "opening the preparation"))
    app.action(Action.REMIND_ABSENT)(modal(prep.absent_view, "opening 'away until'"))
    app.action(Action.ACTION_COMMENT)(modal(followup.comment_view, "opening a comment"))

    @app.view(View.PREP)
    def on_prep(ack: Ack, body: dict, view: dict) -> None:
        team, user = who(body)
        session_id = small_int(metadata(view).get("session"))
        submit(ack, deps, body, view, lambda: prep.submit_prep(deps, team, user, session_id, question_values(view),
                                                               confirm=True),
               "saving preparation failed")

    @app.view(View.ABSENT)
    def on_absent(ack: Ack, body: dict, view: dict) -> None:
        team, user = who(body)
        session_id = small_int(metadata(view).get("session"))

        def work():
            try:
                until = date.fromisoformat(str(inputs(view).get("until", {}).get("selected_date") or ""))
            except ValueError:
                raise Refusal(t(language(deps, team, user), "errors.bad_date")) from None
            return prep.set_absent(deps, team, user, session_id, until, confirm=True)

        submit(ack, deps, body, view, work, "saving 'away until' failed")

    @app.view(View.ACTION_COMMENT)
    def on_comment(ack: Ack, body: dict, view: dict) -> None:
        team, user = who(body)
        action_id = small_int(metadata(view).get("action"))
        text = question_values(view).get("comment", "")
        submit(ack, deps, body, view, lambda: followup.comment(deps, team, user, action_id, text, confirm=True),
               "saving a comment failed")
