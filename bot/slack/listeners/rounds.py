"""Buttons and modals of rounds, people coming and going, moving planned sessions, stage time
and internal preparation.

Same rules as every listener: acknowledge at once, parse with bot/slack/inbound.py and the
modal parsers in bot/slack/blocks/, call one service, answer through respond.py. Modal
submissions commit before Slack hears 'ok'; a refusal or field errors stay in the modal.
"""

from __future__ import annotations

from collections.abc import Callable

from slack_bolt import Ack, App

from bot.i18n import t
from bot.runtime.deps import Deps
from bot.services.common.caller import language
from bot.services.common.refusal import Refusal
from bot.services.rounds import internal, moving, people, reminding, timing, viewing
from bot.services.rounds.creating import round_view, submit_round_form
from bot.slack.blocks.internal_prep import parse_internal, parse_share
from bot.slack.blocks.planning import (
    parse_cancel,
    parse_extend,
    parse_people,
    parse_reschedule,
    parse_start_now,
)
from bot.slack.blocks.rounds import SLOTS_DEFAULT, parse_round_form
from bot.slack.ids import Action, View, small_int
from bot.slack.inbound import button_value, metadata, who
from bot.slack.listeners.respond import Responder, submit

Opener = Callable[[Deps, str, str, str], dict]

OPENERS: dict[str, Opener] = {
    Action.SESSION_PEOPLE: lambda deps, team, user, value: people.people_view(deps, team, user, small_int(value)),
    Action.SESSION_START_NOW: lambda deps, team, user, value: moving.moving_view(deps, team, user, small_int(value),
                                                                                 "start"),
    Action.SESSION_RESCHEDULE: lambda deps, team, user, value: moving.moving_view(deps, team, user,
                                                                                  small_int(value), "reschedule"),
    Action.SESSION_CANCEL: lambda deps, team, user, value: moving.moving_view(deps, team, user, small_int(value),
                                                                              "cancel"),
    Action.SESSION_INTERNAL: lambda deps, team, user, value: internal.internal_view(deps, team, user,
                                                                                    small_int(value)),
    Action.INTERNAL_SHARE: lambda deps, team, user, value: internal.share_view(deps, team, user, small_int(value)),
    Action.STAGE_EXTEND_BY: timing.extend_view,
    Action.ROUND_NEW: lambda deps, team, user, value: round_view(deps, team, user, None, SLOTS_DEFAULT),
}
REMINDERS = {Action.SESSION_REMIND: reminding.remind_session, Action.ROUND_REMIND: reminding.remind_round}


def _values(view: dict) -> dict:
    state = view.get("state") if isinstance(view.get("state"), dict) else {}
    values = state.get("values")
    return values if isinstance(values, dict) else {}


def register(app: App, deps: Deps) -> None:
    def opener(build: Opener):
        def listener(ack: Ack, body: dict, client) -> None:
            ack()
            me = Responder(deps, body, client)
            view = me.run(lambda: build(deps, me.team, me.user, button_value(body)), "opening a round modal")
            if view is not None:
                me.open(view)
        return listener

    for action, build in OPENERS.items():
        app.action(action)(opener(build))

    def reminder(service):
        def listener(ack: Ack, body: dict, client) -> None:
            ack()
            me = Responder(deps, body, client)
            answer = me.run(lambda: service(deps, me.team, me.user, button_value(body)), "reminding now")
            if answer:
                me.tell(answer[0], answer[1] or None)
        return listener

    for action, service in REMINDERS.items():
        app.action(action)(reminder(service))

    @app.action(Action.ROUND_REPORT)
    def round_report(ack: Ack, body: dict, client) -> None:
        ack()
        me = Responder(deps, body, client)
        note = me.run(lambda: viewing.share_round_report(deps, me.team, me.user, small_int(button_value(body))),
                      "a round report")
        if note:
            me.tell(note)

    _register_views(app, deps)


def _register_views(app: App, deps: Deps) -> None:
    Work = Callable[[str, str, dict, dict, str], object]

    def modal(callback: str, work: Work, what: str) -> None:
        def listener(ack: Ack, body: dict, view: dict) -> None:
            team, user = who(body)

            def run():
                try:
                    return work(team, user, metadata(view), _values(view), str(view.get("id") or ""))
                except ValueError:  # a date or time Slack would not send
                    raise Refusal(t(language(deps, team, user), "errors.bad_date")) from None
            submit(ack, deps, body, view, run, what, failure_key="errors.generic")
        app.view(callback)(listener)

    def session(meta: dict) -> int | None:
        return small_int(meta.get("session"))

    modal(View.ROUND, lambda team, user, meta, values, view_id: submit_round_form(
        deps, team, user, parse_round_form(values, small_int(meta.get("slots")) or SLOTS_DEFAULT),
        request_key=f"round-modal:{view_id}"), "setting up a round failed")
    modal(View.PEOPLE, lambda team, user, meta, values, _id: people.change_people(
        deps, team, user, session(meta), parse_people(values)), "changing people failed")
    modal(View.START_NOW, lambda team, user, meta, values, _id: moving.start_now(
        deps, team, user, session(meta), parse_start_now(values)), "starting now failed")
    modal(View.RESCHEDULE, lambda team, user, meta, values, _id: moving.reschedule(
        deps, team, user, session(meta), *parse_reschedule(values)), "rescheduling failed")
    modal(View.CANCEL, lambda team, user, meta, values, _id: moving.cancel(
        deps, team, user, session(meta), parse_cancel(values)), "cancelling failed")
    modal(View.EXTEND, lambda team, user, meta, values, _id: timing.extend_by(
        deps, team, user, session(meta), str(meta.get("stage") or "")[:64], parse_extend(values)),
        "extending a stage failed")
    modal(View.INTERNAL, lambda team, user, meta, values, _id: internal.start_internal(
        deps, team, user, session(meta), *parse_internal(values)), "starting an internal preparation failed")
    modal(View.SHARE, lambda team, user, meta, values, _id: internal.share(
        deps, team, user, session(meta), parse_share(values)), "sharing an internal preparation failed")
