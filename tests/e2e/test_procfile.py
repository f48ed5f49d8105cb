"""The Procfile as a platform runs it (honcho, the Python port of Foreman, reads the same file),
against PostgreSQL and the Slack stand-in: release migrates, web answers, clock delivers due work,
and SIGTERM stops web and clock cleanly (exit 0, nothing half-sent, nothing twice)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.fakeslack import FakeSlack, SlackSender
from storage import Database
from storage.models import ConversationSession, OutboxMessage, Outcome, Participant, Person, Workspace
from tests.e2e.test_clock_process import WIDE_HOURS, _working_zone
from tests.harness import BOT_TOKEN, SIGNING_SECRET, TEAM

pytest.importorskip("honcho")
ROOT = Path(__file__).resolve().parents[2]
PEOPLE = ("UPA", "UPB", "UPC")


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _env(slack: FakeSlack, database_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "BOT_", "DATABASE_URL", "PORT",
                                                                     "WEB_", "LOG_"))}
    env.update(SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_SIGNING_SECRET=SIGNING_SECRET, SLACK_API_URL=slack.url,
               DATABASE_URL=database_url, BOT_TICK_SECONDS="0.5", WEB_CONCURRENCY="2", LOG_FORMAT="json",
               SHUTDOWN_GRACE_SECONDS="4", PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    return env


def _honcho(*args: str) -> list[str]:
    return [sys.executable, "-m", "honcho", "--no-colour", "-f", str(ROOT / "Procfile"), "-d", str(ROOT), *args]


def _seed_due_dm(database_url: str) -> str:
    """A prep round due now for three people (in a zone where it is a working day), or, when it is
    a weekend everywhere, a reminder DM the clock's sender must deliver. Returns the text to look for."""
    from bot.services.common.agenda import add_due
    from flows import FlowRegistry
    from flows import engine as fe
    from storage.outbox import enqueue

    tz = _working_zone()
    db = Database(database_url)
    with db.unit_of_work() as s:
        workspace = Workspace(team_id=TEAM, language="nl", coordinator_ids=[], settings=WIDE_HOURS)
        s.add(workspace)
        s.flush()
        if tz is None:
            enqueue(s, method="chat.postMessage", payload={"channel": PEOPLE[0], "text": "Voorbereiding (test)"},
                    channel_key=PEOPLE[0], workspace_id=workspace.id, dedupe_key="procfile:1")
            return "Voorbereiding"
        outcome = Outcome(workspace_id=workspace.id, name="Minder eenzame ouderen")
        s.add(outcome)
        s.flush()
        flow = FlowRegistry.load().get("duiding")
        users = dict.fromkeys(PEOPLE, "sociaal_werker")
        fe.plan_session(flow, users)  # the same validation the bot applies when planning
        session = ConversationSession(
            workspace_id=workspace.id, outcome_id=outcome.id, flow_id=flow.id, flow_version=flow.version,
            channel_id="C0CHAN", language="nl", visibility="hidden", status="scheduled",
            scheduled_at=datetime.now(UTC) + timedelta(days=7), created_by=PEOPLE[0],
            thread_ts="1700000000.000001")
        s.add(session)
        s.flush()
        for user in PEOPLE:
            person = Person(workspace_id=workspace.id, slack_user_id=user, tz=tz, tz_checked_at=datetime.now(UTC))
            s.add(person)
            s.flush()
            s.add(Participant(session_id=session.id, person_id=person.id, role="sociaal_werker"))
        add_due(s, "prep_round", datetime.now(UTC) - timedelta(minutes=1), dedupe_key="prep_round:procfile",
                session_id=session.id)
    db.dispose()
    return "Voorbereiding"


def _health(port: int) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"{}")


def _wait(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            value = predicate()
        except OSError:
            value = None
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"not in time: {what}")


@pytest.mark.slow
@pytest.mark.postgres
def test_procfile_release_web_and_clock_under_honcho(pg_url, tmp_path):
    with FakeSlack(time_scale=20) as slack:
        slack.add_team(TEAM, token=BOT_TOKEN, bot_user_id="UBOT")
        for user in PEOPLE:
            slack.add_user(user, name=user.lower(), team=TEAM)
        env = _env(slack, pg_url)

        release = subprocess.run(_honcho("start", "release"), env=env, cwd=ROOT, capture_output=True,
                                 text=True, timeout=120)
        assert release.returncode == 0, release.stdout + release.stderr
        assert "Database is up to date." in release.stdout and "release.1 stopped (rc=0)" in release.stdout

        needle = _seed_due_dm(pg_url)
        port = _free_port()
        log_path = tmp_path / "honcho.log"
        with open(log_path, "w") as log:
            honcho = subprocess.Popen(_honcho("start", "-p", str(port), "web", "clock"), env=env, cwd=ROOT,
                                      stdout=log, stderr=subprocess.STDOUT)
        try:
            status, body = _wait(lambda: _health(port), 60, "web answers /healthz")
            assert status == 200 and body["database"] == "ok"
            reply = SlackSender(f"http://127.0.0.1:{port}", SIGNING_SECRET, TEAM, api=slack).command("help", user="UPA")
            assert reply.status == 200 and "/gesprek start" in reply.body
            assert reply.headers.get("Server", "").startswith("gunicorn")
            _wait(lambda: any(needle in m.get("text", "") for m in slack.messages(PEOPLE[0])), 60, "the due DM")
        finally:
            honcho.send_signal(signal.SIGTERM)
            try:
                honcho.wait(60)
            except subprocess.TimeoutExpired:
                honcho.kill()
        output = log_path.read_text()

    assert "web.1 stopped (rc=0)" in output, output[-3000:]
    assert "clock.1 stopped (rc=0)" in output, output[-3000:]
    assert "SIGKILL" not in output and "Traceback" not in output
    db = Database(pg_url)
    try:
        with db.reader() as s:
            counts = dict(s.execute(select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)).all())
    finally:
        db.dispose()
    assert "sending" not in counts
    assert sum(1 for m in slack.messages(PEOPLE[0]) if needle in m.get("text", "")) == 1  # delivered once
    access = [line for line in output.splitlines() if "/healthz" in line and "GET" in line]
    assert access and all("?" not in line for line in access)
