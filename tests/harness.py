"""Runs the real bot (Bolt app + WSGI server + outbox sender) against the fake Slack.

Why a real server: Slack talks to us over HTTP with signed bodies; tests must take the
same path (signature check, form/JSON parsing, acknowledgement timing) as production.
"""

from __future__ import annotations

import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from wsgiref.simple_server import make_server

from bot.config import Settings, load_settings
from bot.runtime.build import Runtime, build_runtime
from bot.web.app import WsgiApp
from bot.web.server import _QuietHandler, _ThreadingServer
from storage.migrate import upgrade

SIGNING_SECRET = "test-signing-secret-0123456789"
BOT_TOKEN = "xoxb-test-team-one"
TEAM = "T0000TEST"


@dataclass
class RunningBot:
    runtime: Runtime
    url: str
    settings: Settings

    @property
    def db(self):
        return self.runtime.db

    def drain(self, timeout: float = 20.0) -> None:
        """Deliver everything in the outbox now (tests are deterministic about sending)."""
        self.runtime.sender.drain_until_idle(timeout)


def settings_for(api_url: str, database_url: str, **extra: str) -> Settings:
    env = {
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": api_url,
        "DATABASE_URL": database_url,
        "PORT": "0",
        **extra,
    }
    return load_settings(env)


@contextmanager
def running_bot(api_url: str, database_url: str, *, start_sender: bool = False, rate_scale: float = 50.0,
                **extra: str):
    settings = settings_for(api_url, database_url, **extra)
    upgrade(settings.database_url)
    runtime = build_runtime(settings, start_sender=start_sender, rate_scale=rate_scale)
    server = make_server("127.0.0.1", 0, WsgiApp(runtime), server_class=_ThreadingServer,
                         handler_class=_QuietHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield RunningBot(runtime, f"http://127.0.0.1:{server.server_port}", settings)
    finally:
        server.shutdown()
        server.server_close()
        runtime.sender.stop()
        runtime.db.dispose()


def wait_until(predicate, timeout: float = 5.0, interval: float = 0.02):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError("condition not met in time")
