"""`python -m bot migrate && python -m bot run` as an operator starts it: HTTP mode and Socket Mode."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from bot.fakeslack import FakeSlack, SlackSender
from tests.harness import BOT_TOKEN, SIGNING_SECRET, TEAM

APP_TOKEN = "xapp-1-A0FAKE-demo"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _env(slack: FakeSlack, database_url: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "BOT_", "DATABASE_URL", "PORT"))}
    env.update(SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_SIGNING_SECRET=SIGNING_SECRET, SLACK_API_URL=slack.url,
               DATABASE_URL=database_url, **extra)
    return env


def _wait_health(port: int, timeout: float = 30) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                return json.loads(r.read())
        except OSError:
            time.sleep(0.1)
    raise AssertionError("the bot did not come up")


@pytest.fixture
def slack():
    with FakeSlack(time_scale=20) as fake:
        fake.add_team(TEAM, token=BOT_TOKEN, bot_user_id="UBOT")
        fake.add_user("U1", name="Anna", team=TEAM)
        yield fake


@pytest.mark.slow
def test_migrate_then_run_serves_http_with_waitress(slack, database_url, tmp_path):
    port = _free_port()
    env = _env(slack, database_url, PORT=str(port))
    migrate = subprocess.run([sys.executable, "-m", "bot", "migrate"], env=env, cwd=tmp_path, capture_output=True,
                             text=True, timeout=60)
    assert migrate.returncode == 0, migrate.stderr
    proc = subprocess.Popen([sys.executable, "-m", "bot", "run"], env=env, cwd=tmp_path,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        assert _wait_health(port)["database"] == "ok"
        sender = SlackSender(f"http://127.0.0.1:{port}", SIGNING_SECRET, TEAM, api=slack)
        started = time.monotonic()
        reply = sender.command("help", user="U1")
        assert reply.status == 200 and time.monotonic() - started < 3
        assert "/gesprek start" in reply.body
        assert reply.headers.get("Server") == "waitress"  # the production server answered, not wsgiref
        assert sender.url_verification("abc123").body.count("abc123") == 1
        assert sender.raw("x=1", {"X-Slack-Signature": "v0=00", "X-Slack-Request-Timestamp": "1"}).status == 401
        assert sender.raw("{broken", sign_with=SIGNING_SECRET).status < 500
        sender.event({"type": "app_home_opened", "user": "U1", "channel": "DU1", "tab": "home"})
        deadline = time.monotonic() + 10
        while not slack.views_published("U1") and time.monotonic() < deadline:
            time.sleep(0.05)
        assert slack.views_published("U1"), "views.publish after app_home_opened"
        assert _wait_health(port)["database"] == "ok"  # still up after the malformed body
    finally:
        proc.terminate()
        proc.wait(30)
    assert proc.returncode == 0  # SIGTERM is a clean stop
    assert "Traceback" not in proc.stderr.read()


@pytest.mark.slow
def test_run_in_socket_mode(slack, database_url, tmp_path):
    port = _free_port()
    env = _env(slack, database_url, PORT=str(port), SLACK_APP_TOKEN=APP_TOKEN)
    migrate = subprocess.run([sys.executable, "-m", "bot", "migrate"], env=env, cwd=tmp_path, capture_output=True,
                             text=True, timeout=60)
    assert migrate.returncode == 0, migrate.stderr
    proc = subprocess.Popen([sys.executable, "-m", "bot", "run"], env=env, cwd=tmp_path,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        assert slack.wait_socket_connected(30), "the bot did not open a Socket Mode connection"
        envelope = slack.socket_send("slash_commands", {
            "command": "/gesprek", "text": "help", "team_id": TEAM, "user_id": "U1", "channel_id": "C1",
            "api_app_id": "A0FAKEAPP", "response_url": slack.new_response_url(), "trigger_id": "trig-socket",
        }, accepts_response_payload=True)
        ack = slack.wait_socket_ack(envelope, 10)
        assert ack is not None
        assert "/gesprek start" in json.dumps(ack.get("payload") or {})
        assert _wait_health(port)["database"] == "ok"  # health stays on PORT in Socket Mode
    finally:
        proc.terminate()
        proc.wait(30)
    assert proc.returncode == 0
