"""Issue 6, "Must show": a fan-out to 200 participants while Slack answers 429 with Retry-After and
intermittent 5xx on every method. Every message arrives exactly once, in order per channel, and
the bot's pace never exceeds a Slack limit (the fake never has to refuse a call on its own).

Why a fixed clock for the due work: prep DMs are only sent on working days within working
hours; a fixed Wednesday 10:00 Europe/Amsterdam makes the fan-out happen on any day the suite
runs. The sender keeps real time, because Retry-After and backoff are real seconds.

Why time scaling: Slack's limits (1 message per second per channel, tiers per minute) would make
this test take minutes. The fake Slack runs its limits `SCALE` times faster and the bot paces
`SCALE` times faster (`rate_scale`), so the ratios, and therefore what is being tested, are the same.
"""

from __future__ import annotations

import base64
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.fakeslack import FakeSlack, Reply
from bot.services.common.agenda import add_due
from bot.services.due_work import process_due as process_due_items
from storage import Database
from storage.migrate import upgrade
from storage.models import ConversationSession, OutboxMessage, Outcome, Participant, Person, Workspace
from storage.outbox import enqueue, session_thread
from tests.harness import BOT_TOKEN, TEAM, RunningBot, running_bot

SCALE = 50.0  # FakeSlack(time_scale=...) and running_bot(rate_scale=...) must match
SESSIONS = 50
PER_SESSION = 4
CHANNELS = tuple(f"C0FAN{i}" for i in range(5))  # 10 sessions share each channel
RATE_LIMIT_EVERY = 41
NUMBERED = 5  # numbered messages per channel, for order
FIXED_NOW = datetime(2026, 3, 11, 10, 0, tzinfo=ZoneInfo("Europe/Amsterdam")).astimezone(UTC)  # a Wednesday
FAULTY_METHODS = ("chat.postMessage", "conversations.open", "users.info", "views.publish", "files.info",
                  "files.getUploadURLExternal", "files.completeUploadExternal")
USERS = tuple(f"UF{i:03d}" for i in range(SESSIONS * PER_SESSION))
HOME_USERS = USERS[::4]  # one Home view per session: enough to meet views.publish's faults


def faults(count: int, start: int = 1) -> list[Reply]:
    """A repeating mix for one method: every 41st call 429 (Retry-After: 1), every 7th and 11th call a
    500/502/503 without JSON, all other calls handled normally by the fake (limits included).
    `start` shifts the pattern, so a method called only a few times meets both faults early.

    Why every 41st for the 429: Retry-After is at least one real second and rightly pauses the
    whole method for the workspace; more often would only make the test slower, not stricter.
    """
    replies = []
    for n in range(start, start + count):
        if n % RATE_LIMIT_EVERY == 0:
            replies.append(Reply.rate_limited(retry_after=1))
        elif n % 7 == 0 or n % 11 == 0:
            replies.append(Reply.server_error((500, 502, 503)[n % 3]))
        else:
            replies.append(Reply.slow(0))  # passthrough: a normal answer
    return replies


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    with FakeSlack(enforce_limits=True, time_scale=SCALE) as slack:
        slack.add_team(TEAM, token=BOT_TOKEN, bot_user_id="UBOT", name="Gemeente Test")
        for user in USERS:
            slack.add_user(user, name=f"persoon {user}", team=TEAM)
        yield slack


@pytest.fixture
def fanout_bot(fake: FakeSlack, database_url: str) -> Iterator[RunningBot]:
    with running_bot(fake.url, database_url, rate_scale=SCALE) as running:
        running.runtime.deps.clock = lambda: FIXED_NOW
        yield running


def _seed(database_url: str) -> dict[int, str]:
    """50 scheduled sessions of 4 participants, 10 per channel, each with its thread, prep round due.

    Every tenth person's profile is a day old, so the prep round asks users.info (faults included).
    Returns session id -> channel.
    """
    from flows import FlowRegistry

    upgrade(database_url)
    db = Database(database_url)
    flow = FlowRegistry.load().get("duiding")
    channels: dict[int, str] = {}
    try:
        with db.unit_of_work() as s:
            workspace = Workspace(team_id=TEAM, language="nl", coordinator_ids=[], settings={})
            s.add(workspace)
            s.flush()
            outcome = Outcome(workspace_id=workspace.id, name="Minder eenzame ouderen")
            s.add(outcome)
            s.flush()
            for index in range(SESSIONS):
                users = {USERS[index * PER_SESSION + k]: ("sociaal_werker" if k % 2 else "beleidsmedewerker")
                         for k in range(PER_SESSION)}
                session = ConversationSession(
                    workspace_id=workspace.id, outcome_id=outcome.id, flow_id=flow.id, flow_version=flow.version,
                    channel_id=CHANNELS[index % len(CHANNELS)], language="nl", visibility="hidden",
                    status="scheduled", scheduled_at=FIXED_NOW + timedelta(days=7), created_by=USERS[0],
                    thread_ts=f"1700000000.{index:06d}")
                s.add(session)
                s.flush()
                channels[session.id] = session.channel_id
                for user, role in users.items():
                    stale = int(user[2:]) % 10 == 0
                    person = Person(workspace_id=workspace.id, slack_user_id=user, tz="Europe/Amsterdam",
                                    tz_checked_at=FIXED_NOW - timedelta(days=2 if stale else 0))
                    s.add(person)
                    s.flush()
                    s.add(Participant(session_id=session.id, person_id=person.id, role=role))
                add_due(s, "prep_round", FIXED_NOW - timedelta(minutes=1), dedupe_key=f"prep_round:{session.id}",
                        session_id=session.id)
    finally:
        db.dispose()
    return channels


def _enqueue_sequences(bot: RunningBot, channels: dict[int, str]) -> None:
    """After the prep DMs: numbered messages per channel (in a session thread), a second DM per
    participant, a Home view per session and a file per channel after its numbered messages."""
    first_session = {}
    for session_id, channel in sorted(channels.items()):
        first_session.setdefault(channel, session_id)
    with bot.db.unit_of_work() as s:
        workspace_id = s.scalar(select(Workspace.id).where(Workspace.team_id == TEAM))
        for n in range(1, NUMBERED + 1):
            for channel in CHANNELS:
                enqueue(s, method="chat.postMessage", channel_key=channel, workspace_id=workspace_id,
                        payload={"channel": channel, "thread_ts": session_thread(first_session[channel]),
                                 "text": f"reeks {channel} #{n}"})
        for channel in CHANNELS:
            enqueue(s, method="files.upload_v2", channel_key=channel, workspace_id=workspace_id,
                    payload={"channel": channel, "filename": f"{channel}.txt", "title": f"bestand {channel}",
                             "content_b64": base64.b64encode(channel.encode()).decode("ascii")})
        for user in USERS:
            enqueue(s, method="chat.postMessage", channel_key=user, workspace_id=workspace_id,
                    payload={"channel": user, "text": f"tweede bericht voor {user}"})
        for user in HOME_USERS:
            enqueue(s, method="views.publish", channel_key=f"home:{user}", workspace_id=workspace_id,
                    payload={"user_id": user, "view": {"type": "home", "blocks": [
                        {"type": "section", "text": {"type": "mrkdwn", "text": f"Home van {user}"}}]}})


def _peak_per_channel(fake: FakeSlack, window: float) -> tuple[str, int]:
    """The most chat.postMessage calls Slack accepted for one channel within `window` real seconds."""
    times: dict[str, list[float]] = {}
    for call in fake.calls_to("chat.postMessage"):
        if call.ok:
            times.setdefault(str(call.response.get("channel")), []).append(call.at)
    peak = ("", 0)
    for channel, moments in times.items():
        moments.sort()
        start = 0
        for end in range(len(moments)):
            while moments[end] - moments[start] > window:
                start += 1
            if end - start + 1 > peak[1]:
                peak = (channel, end - start + 1)
    return peak


@pytest.mark.slow
def test_fanout_to_200_under_429_and_5xx_delivers_each_message_once_in_order(
        fake: FakeSlack, fanout_bot: RunningBot, database_url: str) -> None:
    bot = fanout_bot
    channels = _seed(database_url)
    for method in FAULTY_METHODS:
        # files.* are called a few times only: start their pattern just before a 5xx, 5xx and a 429
        fake.script(method, *faults(3000, start=26 if method.startswith("files.") else 1))

    started = time.monotonic()
    handled = process_due_items(bot.runtime.deps)
    _enqueue_sequences(bot, channels)
    bot.runtime.sender.drain_until_idle(timeout=120)
    elapsed = time.monotonic() - started

    calls = {m: len(fake.calls_to(m)) for m in ("chat.postMessage", "views.publish", "users.info",
                                                 "files.getUploadURLExternal", "files.completeUploadExternal")}
    refused = {m: sum(1 for c in fake.calls_to(m) if c.status == 429) for m in calls}
    failed_5xx = {m: sum(1 for c in fake.calls_to(m) if c.status >= 500) for m in calls}
    peak_channel, peak = _peak_per_channel(fake, window=1.0)
    print(f"fan-out: {handled} due items, delivered in {elapsed:.1f}s; calls {calls}; 429s {refused}; "
          f"5xx {failed_5xx}; busiest channel {peak_channel} took {peak} messages in one real second")

    # each participant's prep DM and second DM exactly once, in that order
    for user in USERS:
        texts = [m.get("text", "") for m in fake.messages("D" + user)]
        prep = [i for i, text in enumerate(texts) if "Voorbereiding" in text]
        second = [i for i, text in enumerate(texts) if text == f"tweede bericht voor {user}"]
        assert len(prep) == 1 and len(second) == 1, f"{user} got {texts}"
        assert prep[0] < second[0], f"{user}: the second DM overtook the prep DM: {texts}"
    # numbered messages once each, in order, in the thread they were meant for
    for channel in CHANNELS:
        numbered = [m for m in fake.messages(channel) if m.get("text", "").startswith("reeks ")]
        assert [m["text"] for m in numbered] == [f"reeks {channel} #{n}" for n in range(1, NUMBERED + 1)]
        assert all(m.get("thread_ts") for m in numbered)
    # one file per channel, one Home view per person
    assert sorted(u["channel_id"] for u in fake.uploads) == sorted(CHANNELS)
    for user in USERS:
        assert len(fake.views_published(user)) == (user in HOME_USERS), user
    # the faults really happened, on the busy methods (files are few: a fault there is not guaranteed)
    for method in ("chat.postMessage", "views.publish", "users.info"):
        assert refused[method] + failed_5xx[method] > 0, f"no faults were injected into {method}"
    assert sum(refused.values()) + sum(failed_5xx.values()) > 100
    # the bot never broke a limit: the fake never had to refuse a call on its own
    assert fake.violations == [], fake.violations[:10]
    assert peak <= 3 + SCALE, f"{peak_channel}: {peak} messages within one real second"
    with bot.db.reader() as s:
        left = s.execute(select(OutboxMessage.status, OutboxMessage.method, OutboxMessage.error)
                         .where(OutboxMessage.status != "sent")).all()
    assert left == [], left[:10]
    # 40-60 s (SQLite alone 40 s): ~8 s of due work, the rest is Retry-After (paused for the
    # whole method) and 5xx backoff. A generous bound, so a loaded CI machine does not fail it.
    assert elapsed < 90, f"the fan-out took {elapsed:.1f}s"
