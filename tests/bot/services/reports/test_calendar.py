"""Calendar invites: one per person, the same UID for the whole life of a planned session,
a higher SEQUENCE at every change, METHOD:CANCEL when it does not go on."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import select

from bot.config import load_settings
from bot.runtime.deps import Deps
from bot.services.common.calendar import send_cancellation, send_invites
from bot.slack.client import TokenSource
from flows import FlowRegistry
from storage.models import ConversationSession, OutboxMessage, Outcome, Participant, Person, Workspace

NOW = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def deps(db) -> Deps:
    settings = load_settings({"SLACK_BOT_TOKEN": "xoxb-x", "SLACK_SIGNING_SECRET": "s",
                              "BOT_PUBLIC_URL": "https://gesprek.example.org"}, dotenv=False)
    return Deps(settings=settings, db=db, flows=FlowRegistry.load(), tokens=TokenSource(settings), clock=lambda: NOW)


def planned(db, when: datetime) -> int:
    with db.unit_of_work() as s:
        workspace = Workspace(team_id="T0CAL", language="nl", coordinator_ids=[], settings={})
        s.add(workspace)
        s.flush()
        outcome = Outcome(workspace_id=workspace.id, name="Minder eenzame ouderen; samen, dichtbij")
        people = [Person(workspace_id=workspace.id, slack_user_id=uid, display_name=name, language=lang)
                  for uid, name, lang in (("U0COORD", "Carla Coördinator", "nl"), ("U0SW1", "Sam", "en"),
                                          ("U0GONE", "Gijs", "nl"))]
        s.add_all([outcome, *people])
        s.flush()
        session = ConversationSession(workspace_id=workspace.id, outcome_id=outcome.id, flow_id="duiding",
                                      flow_version=2, channel_id="C0KW", language="nl", visibility="hidden",
                                      status="scheduled", scheduled_at=when, created_by="U0COORD")
        s.add(session)
        s.flush()
        for person, role, status in zip(people, ("coordinator", "sociaal_werker", "sociaal_werker"),
                                        ("active", "active", "declined"), strict=True):
            s.add(Participant(session_id=session.id, person_id=person.id, role=role, status=status))
        return session.id


def invites(db) -> list[tuple[str, Calendar, str]]:
    with db.reader() as s:
        rows = s.scalars(select(OutboxMessage).where(OutboxMessage.method == "files.upload_v2")
                         .order_by(OutboxMessage.id)).all()
        return [(r.payload["channel"], Calendar.from_ical(base64.b64decode(r.payload["content_b64"])),
                 r.payload["initial_comment"]) for r in rows]


def event_of(calendar: Calendar):
    return next(iter(calendar.walk("VEVENT")))


def test_planning_moving_and_cancelling_keep_one_entry_in_each_calendar(db, deps):
    when = datetime(2027, 3, 9, 13, 0, tzinfo=UTC)
    session_id = planned(db, when)
    with db.unit_of_work() as s:
        assert send_invites(s, deps, s.get(ConversationSession, session_id)) == 2
    first = invites(db)
    assert [to for to, _, _ in first] == ["U0COORD", "U0SW1"]  # the one who declined gets none
    calendar = first[0][1]
    event = event_of(calendar)
    assert str(calendar["method"]) == "REQUEST" and int(event["sequence"]) == 0
    assert event.decoded("dtstart") == when and event.decoded("dtend") == when + timedelta(hours=2)
    assert str(event["summary"]) == "Kwaliteitsgesprek: Minder eenzame ouderen; samen, dichtbij"
    assert str(event_of(first[1][1])["summary"]).startswith("Quality conversation")  # Sam reads English
    assert event["organizer"].params["cn"] == "Carla Coördinator"
    uid = str(event["uid"])
    assert uid.endswith("@gesprek.example.org")

    moved = when + timedelta(days=7)
    with db.unit_of_work() as s:
        session = s.get(ConversationSession, session_id)
        session.scheduled_at = moved
        send_invites(s, deps, session)
    update = invites(db)[2][1]
    assert str(update["method"]) == "REQUEST" and str(event_of(update)["uid"]) == uid
    assert int(event_of(update)["sequence"]) == 1 and event_of(update).decoded("dtstart") == moved
    assert "verplaatst" in invites(db)[2][2]

    with db.unit_of_work() as s:
        assert send_cancellation(s, deps, s.get(ConversationSession, session_id)) == 2
        assert send_cancellation(s, deps, s.get(ConversationSession, session_id)) == 0  # once is enough
    cancel = invites(db)[4][1]
    assert str(cancel["method"]) == "CANCEL" and str(event_of(cancel)["status"]) == "CANCELLED"
    assert str(event_of(cancel)["uid"]) == uid and int(event_of(cancel)["sequence"]) == 2
    assert len(invites(db)) == 6


def test_a_session_that_was_never_announced_has_nothing_to_cancel(db, deps):
    session_id = planned(db, datetime(2027, 3, 9, 13, 0, tzinfo=UTC))
    with db.unit_of_work() as s:
        assert send_cancellation(s, deps, s.get(ConversationSession, session_id)) == 0
    assert invites(db) == []


def test_the_invites_reach_each_persons_dm_with_the_bot(db, deps):
    """Slack names a DM only by a conversation id: the sender opens it when the file goes out."""
    from bot.fakeslack import FakeSlack
    from bot.slack.pacing import Pacer
    from bot.slack.sender import OutboxSender
    from tests.harness import BOT_TOKEN, settings_for

    session_id = planned(db, datetime(2027, 3, 9, 13, 0, tzinfo=UTC))
    with FakeSlack(time_scale=50) as slack:
        slack.add_team("T0CAL", token=BOT_TOKEN, bot_user_id="UBOT")
        for uid in ("U0COORD", "U0SW1", "U0GONE"):
            slack.add_user(uid, name=uid.lower(), team="T0CAL")
        with db.unit_of_work() as s:
            send_invites(s, deps, s.get(ConversationSession, session_id))
        sender = OutboxSender(db, TokenSource(settings_for(slack.url, "sqlite://"), None), pacer=Pacer(scale=50))
        sender.drain_until_idle(20)
        uploads = slack.uploads
    assert sorted(u["channel_id"] for u in uploads) == ["DU0COORD", "DU0SW1"]
    assert all(u["filename"].endswith(".ics") and b"METHOD:REQUEST" in u["content"] for u in uploads)
    with db.reader() as s:
        assert {r.status for r in s.scalars(select(OutboxMessage))} == {"sent"}
