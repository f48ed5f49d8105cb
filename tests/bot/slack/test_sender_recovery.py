"""The outbox never loses a message and never sends one twice, even across a crash."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from bot.fakeslack import FakeSlack, Reply
from bot.slack.client import TokenSource
from bot.slack.sender import OUTBOX_EVENT, OutboxSender
from storage.models import OutboxMessage, Workspace
from storage.outbox import enqueue
from tests.harness import BOT_TOKEN, TEAM, settings_for


def _setup(db, slack):
    settings = settings_for(slack.url, "sqlite://")
    with db.unit_of_work() as s:
        workspace = Workspace(team_id=TEAM, language="nl", coordinator_ids=[], settings={})
        s.add(workspace)
        s.flush()
        for i in range(3):
            enqueue(s, method="chat.postMessage", payload={"channel": f"U{i}", "text": f"hallo {i}"},
                    channel_key=f"U{i}", workspace_id=workspace.id)
    from bot.slack.pacing import Pacer

    return OutboxSender(db, TokenSource(settings, None), pacer=Pacer(scale=50))


def _fake():
    fake = FakeSlack(time_scale=50)
    fake.start()
    fake.add_team(TEAM, token=BOT_TOKEN, bot_user_id="UBOT")
    for i in range(3):
        fake.add_user(f"U{i}", name=f"user{i}", team=TEAM)
    return fake


def test_crash_after_delivery_is_not_sent_again(db):
    slack = _fake()
    try:
        sender = _setup(db, slack)
        sender.drain_until_idle(10)
        assert len(slack.calls_to("chat.postMessage")) == 3
        first = slack.calls_to("chat.postMessage")[0].params["metadata"]
        assert first["event_type"] == OUTBOX_EVENT
        # simulate a crash between Slack's answer and our commit: the row is still 'sending'
        with db.unit_of_work() as s:
            row = s.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).first()
            row.status, row.result_ts, row.next_attempt_at = "sending", None, datetime.now(UTC)
        restarted = _setup_existing(db, slack)
        assert restarted.recover() == 1
        restarted.drain_until_idle(10)
        assert len(slack.calls_to("chat.postMessage")) == 3  # not sent twice
        with db.reader() as s:
            assert s.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).first().result_ts
    finally:
        slack.stop()


def test_crash_before_delivery_is_sent_on_restart(db):
    slack = _fake()
    try:
        _setup(db, slack)
        with db.unit_of_work() as s:
            row = s.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).first()
            row.status, row.next_attempt_at = "sending", datetime.now(UTC)
        restarted = _setup_existing(db, slack)
        restarted.drain_until_idle(10)
        texts = sorted(c.params["text"] for c in slack.calls_to("chat.postMessage"))
        assert texts == ["hallo 0", "hallo 1", "hallo 2"]
    finally:
        slack.stop()


def test_outage_delays_but_does_not_drop(db):
    slack = _fake()
    try:
        sender = _setup(db, slack)
        slack.script("chat.postMessage", Reply.server_error(503), Reply.rate_limited(retry_after=1),
                     Reply.server_error(500))
        sender.drain_until_idle(20)
        delivered = [c for c in slack.calls_to("chat.postMessage") if c.status == 200]
        assert sorted(c.params["text"] for c in delivered) == ["hallo 0", "hallo 1", "hallo 2"]
    finally:
        slack.stop()


def test_permanent_error_is_reported_not_retried(db):
    slack = _fake()
    try:
        settings = settings_for(slack.url, "sqlite://")
        with db.unit_of_work() as s:
            workspace = Workspace(team_id=TEAM, language="nl", coordinator_ids=[], settings={})
            s.add(workspace)
            s.flush()
            enqueue(s, method="chat.postMessage", payload={"channel": "CBAD1", "text": "x", "_report_to": "U1"},
                    channel_key="CBAD1", workspace_id=workspace.id)
        sender = OutboxSender(db, TokenSource(settings, None))
        sender.drain_until_idle(10)
        with db.reader() as s:
            statuses = s.scalars(select(OutboxMessage.status).order_by(OutboxMessage.id)).all()
        assert statuses == ["failed", "sent"]
        report = slack.calls_to("chat.postMessage")[-1]
        assert report.params["channel"] == "U1" and "CBAD1" in report.params["text"]
    finally:
        slack.stop()


def _setup_existing(db, slack):
    from bot.slack.pacing import Pacer

    return OutboxSender(db, TokenSource(settings_for(slack.url, "sqlite://"), None), pacer=Pacer(scale=50))
