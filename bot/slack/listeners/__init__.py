"""Listener families, one `register(app, deps)` each (commands, events, actions, views).

`EVENTS` and `COMMANDS` are what we listen to; a test holds them against manifest.yml.
"""

from __future__ import annotations

from slack_bolt import App

from bot.runtime.deps import Deps
from bot.slack.listeners import actions, commands, events, nudges, reports, rounds, views

EVENTS = events.EVENTS
COMMANDS = commands.COMMANDS


def register_all(app: App, deps: Deps) -> None:
    commands.register(app, deps)
    events.register(app, deps)
    actions.register(app, deps)
    views.register(app, deps)
    nudges.register(app, deps)
    reports.register(app, deps)
    rounds.register(app, deps)
