"""Wires settings, database, flows, Bolt app, outbox sender and scheduler into one process.

Why one builder: `run`, `web` (gunicorn), `clock` and the demo must assemble the same
pieces the same way, and tests must be able to build the real thing against a fake Slack.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from slack_bolt import App
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore

from bot.config import Settings
from bot.runtime.deps import Deps
from bot.slack.client import TokenSource
from bot.slack.sender import OutboxSender
from flows import FlowRegistry
from storage import Database

log = logging.getLogger(__name__)


@dataclass
class Runtime:
    deps: Deps
    app: App | None
    sender: OutboxSender

    @property
    def db(self) -> Database:
        return self.deps.db


def build_runtime(settings: Settings, *, with_app: bool = True, start_sender: bool = True,
                  rate_scale: float = 1.0) -> Runtime:
    """`rate_scale` > 1 paces faster, for the demo and tests against a time-scaled fake Slack."""
    db = Database(settings.database_url)
    installation_store = (
        SQLAlchemyInstallationStore(client_id=settings.client_id, engine=db.engine) if settings.oauth else None
    )
    tokens = TokenSource(settings, installation_store)
    extra = [Path(settings.flows_dir)] if settings.flows_dir else []
    registry = FlowRegistry.load(extra)
    for problem in getattr(registry, "problems", []):
        log.warning("flow file skipped: %s", problem)
    deps = Deps(settings=settings, db=db, flows=registry, tokens=tokens)
    from bot.slack.pacing import Pacer

    sender = OutboxSender(db, tokens, pacer=Pacer(scale=rate_scale))
    deps.sender = sender
    app = None
    if with_app:
        from bot.slack.app import build_app

        app = build_app(deps)
    if start_sender:
        sender.start()
    return Runtime(deps=deps, app=app, sender=sender)
