"""The clock as a real process: killed mid fan-out and restarted, every prep DM arrives once;
on PostgreSQL two clock processes at once still send each DM once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta

import pytest

from bot.fakeslack import FakeSlack, Reply
from storage import Database
from storage.migrate import upgrade
from storage.models import ConversationSession, Outcome, Participant, Person, Workspace
from tests.harness import BOT_TOKEN, SIGNING_SECRET, TEAM

PEOPLE = 50


def _seed(database_url: str, tz: str) -> None:
    """A scheduled session with 50 participants whose prep round is due now."""
    from bot.services.common.agenda import add_due
    from flows import FlowRegistry
    from flows import engine as fe

    upgrade(database_url)
    db = Database(database_url)
    flow = FlowRegistry.load().get("duiding")
    users = {f"UP{i:03d}": "sociaal_werker" if i % 2 else "beleidsmedewerker" for i in range(PEOPLE)}
    with db.unit_of_work() as s:
        workspace = Workspace(team_id=TEAM, language="nl", coordinator_ids=[], settings=WIDE_HOURS)
        s.add(workspace)
        s.flush()
        outcome = Outcome(workspace_id=workspace.id, name="Minder eenzame ouderen")
        s.add(outcome)
        s.flush()
        fe.plan_session(flow, users)  # the same validation the bot applies when planning
        session = ConversationSession(
            workspace_id=workspace.id, outcome_id=outcome.id, flow_id=flow.id, flow_version=flow.version,
            channel_id="C0CHAN", language="nl", visibility="hidden", status="scheduled",
            scheduled_at=datetime.now(UTC) + timedelta(days=7), created_by="UP000", thread_ts="1700000000.000001")
        s.add(session)
        s.flush()
        for user, role in users.items():
            person = Person(workspace_id=workspace.id, slack_user_id=user, tz=tz,
                            tz_checked_at=datetime.now(UTC))
            s.add(person)
            s.flush()
            s.add(Participant(session_id=session.id, person_id=person.id, role=role))
        add_due(s, "prep_round", datetime.now(UTC) - timedelta(minutes=1), dedupe_key="prep_round:1",
                session_id=session.id)
    db.dispose()


def _clock(slack: FakeSlack, database_url: str, cwd) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "BOT_", "DATABASE_URL"))}
    env.update(SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_SIGNING_SECRET=SIGNING_SECRET, SLACK_API_URL=slack.url,
               DATABASE_URL=database_url, BOT_TICK_SECONDS="0.5")
    return subprocess.Popen([sys.executable, "-m", "bot", "clock"], env=env, cwd=cwd,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _prep_dms(slack: FakeSlack) -> dict[str, int]:
    counts = {}
    for i in range(PEOPLE):
        user = f"UP{i:03d}"
        counts[user] = sum(1 for m in slack.messages("D" + user) if "Voorbereiding" in m.get("text", ""))
    return counts


def _wait(predicate, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError("condition not met in time")


WIDE_HOURS = {"work_start": "00:00", "work_end": "23:59"}


def _working_zone() -> str | None:
    """A time zone where it is a working day right now (any hour: the workspace under test
    allows 00:00-23:59), so this real-time test runs on most days of the week."""
    from zoneinfo import ZoneInfo

    from bot.services.common.policy import Policy
    from bot.services.common.worktime import may_nudge

    hours = Policy.from_settings(WIDE_HOURS).hours
    for offset in range(-12, 15):
        name = f"Etc/GMT{'+' if offset <= 0 else '-'}{abs(offset)}"  # POSIX sign: GMT+2 is UTC-2
        if may_nudge(datetime.now(UTC), ZoneInfo(name), hours):
            return name
    return None


@pytest.fixture
def fake():
    with FakeSlack(time_scale=1.0) as slack:
        slack.add_team(TEAM, token=BOT_TOKEN, bot_user_id="UBOT")
        for i in range(PEOPLE):
            slack.add_user(f"UP{i:03d}", name=f"persoon {i}", team=TEAM)
        yield slack


@pytest.mark.slow
def test_killed_mid_fanout_then_restarted_sends_each_dm_once(fake, database_url, tmp_path):
    tz = _working_zone()
    if tz is None:
        pytest.skip("weekend or holiday in every time zone right now: prep DMs wait for a working day")
    _seed(database_url, tz)
    fake.script("chat.postMessage", *[Reply.slow(0.15)] * PEOPLE)  # a slow Slack: the fan-out takes seconds
    first = _clock(fake, database_url, tmp_path)
    try:
        _wait(lambda: sum(_prep_dms(fake).values()) >= 12, 60)
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait(10)
    delivered_at_kill = sum(_prep_dms(fake).values())
    assert 0 < delivered_at_kill < PEOPLE
    second = _clock(fake, database_url, tmp_path)
    try:
        _wait(lambda: all(_prep_dms(fake).values()), 90)
        time.sleep(2)  # give a duplicate every chance to show up
    finally:
        second.send_signal(signal.SIGTERM)
        second.wait(10)
    assert set(_prep_dms(fake).values()) == {1}


@pytest.mark.slow
@pytest.mark.postgres
def test_two_clock_processes_on_postgres_send_each_dm_once(fake, pg_url, tmp_path):
    tz = _working_zone()
    if tz is None:
        pytest.skip("weekend or holiday in every time zone right now: prep DMs wait for a working day")
    _seed(pg_url, tz)
    fake.script("chat.postMessage", *[Reply.slow(0.05)] * PEOPLE)
    clocks = [_clock(fake, pg_url, tmp_path) for _ in range(2)]
    try:
        _wait(lambda: all(_prep_dms(fake).values()), 90)
        time.sleep(2)
    finally:
        for proc in clocks:
            proc.send_signal(signal.SIGTERM)
        for proc in clocks:
            proc.wait(10)
    assert set(_prep_dms(fake).values()) == {1}


def _seed_outbox(database_url: str, count: int) -> None:
    """`count` DMs waiting in the outbox, as a fan-out leaves them for the clock's sender."""
    from storage.outbox import enqueue

    upgrade(database_url)
    db = Database(database_url)
    with db.unit_of_work() as s:
        workspace = Workspace(team_id=TEAM, language="nl", coordinator_ids=[], settings=WIDE_HOURS)
        s.add(workspace)
        s.flush()
        for i in range(count):
            user = f"UP{i:03d}"
            enqueue(s, method="chat.postMessage", payload={"channel": user, "text": f"Herinnering {i}"},
                    channel_key=user, workspace_id=workspace.id, dedupe_key=f"sigterm:{i}")
    db.dispose()


def _outbox_statuses(database_url: str) -> dict[str, int]:
    from sqlalchemy import func, select

    from storage.models import OutboxMessage

    db = Database(database_url)
    try:
        with db.reader() as s:
            rows = s.execute(select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)).all()
    finally:
        db.dispose()
    return {status: count for status, count in rows}


def _reminders(slack: FakeSlack, count: int) -> list[int]:
    return [sum(1 for m in slack.messages(f"UP{i:03d}") if m.get("text", "").startswith("Herinnering"))
            for i in range(count)]


@pytest.mark.slow
def test_sigterm_lets_the_clock_finish_the_message_it_is_sending_and_exit_0(fake, database_url, tmp_path):
    count = 12
    _seed_outbox(database_url, count)
    fake.script("chat.postMessage", *[Reply.slow(0.6)] * count)  # each send is in flight for a while
    first = _clock(fake, database_url, tmp_path)
    try:
        _wait(lambda: sum(_reminders(fake, count)) >= 2, 60)
        first.send_signal(signal.SIGTERM)  # a send is in flight right now
        assert first.wait(30) == 0
    finally:
        if first.poll() is None:
            first.kill()
    statuses = _outbox_statuses(database_url)
    assert "sending" not in statuses  # finished or never claimed, nothing half-sent
    assert statuses.get("sent", 0) == sum(_reminders(fake, count)) < count
    second = _clock(fake, database_url, tmp_path)
    try:
        _wait(lambda: all(_reminders(fake, count)), 60)
        time.sleep(1)
        second.send_signal(signal.SIGTERM)
        assert second.wait(30) == 0
    finally:
        if second.poll() is None:
            second.kill()
    assert _reminders(fake, count) == [1] * count  # none lost, none twice
    assert _outbox_statuses(database_url) == {"sent": count}
