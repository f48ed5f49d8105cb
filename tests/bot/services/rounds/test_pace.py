"""The pace of a session: minutes live, working days otherwise, handed to the engine as a deadline."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from bot.services.common.pace import Pace, add_working_days, apply_pace, deadline_text, extended, pace_of
from bot.slack.markup import finalise
from flows import FlowRegistry
from flows import engine as fe

AMS = ZoneInfo("Europe/Amsterdam")


def test_working_days_skip_weekends_and_dutch_holidays():
    friday = datetime(2027, 3, 5, 15, 0, tzinfo=AMS)
    assert add_working_days(friday, 2, AMS) == datetime(2027, 3, 9, 15, 0, tzinfo=AMS)
    before_kings_day = datetime(2027, 4, 26, 10, 0, tzinfo=AMS)  # Monday; Tuesday 27 April is Koningsdag
    assert add_working_days(before_kings_day, 1, AMS) == datetime(2027, 4, 28, 10, 0, tzinfo=AMS)
    late = datetime(2027, 3, 1, 22, 0, tzinfo=AMS)  # kept within working hours
    assert add_working_days(late, 1, AMS) == datetime(2027, 3, 2, 17, 0, tzinfo=AMS)


def test_a_stored_pace_is_read_within_bounds():
    assert pace_of(None, 10, None) is None
    assert pace_of("live", None, None) == Pace("live", 10, 2) and pace_of("live", -5, None).minutes == 1
    assert pace_of("async", None, 99) == Pace("async", 10, 30)


def test_opened_stages_get_the_pace_deadline_through_the_engine():
    flow = FlowRegistry.load().get("duiding")
    now = datetime(2027, 3, 1, 13, 0, tzinfo=UTC)
    state, events = fe.start_session(flow, {"U1": "sociaal_werker", "U2": "beleidsmedewerker"}, now)
    paced = apply_pace(flow, state, events, Pace("live", 10), now, AMS)
    assert paced.stages["opening"].deadline == datetime(2027, 3, 1, 13, 10, tzinfo=UTC)
    assert apply_pace(flow, state, [], Pace("live", 10), now, AMS) is state  # nothing opened, nothing changes
    later = extended(Pace("live", 10), paced.stages["opening"].deadline, now, 5, AMS)
    assert later == datetime(2027, 3, 1, 13, 15, tzinfo=UTC)


def test_a_live_deadline_reads_as_minutes_left_and_time_up():
    deadline = datetime(2027, 3, 1, 13, 10, tzinfo=UTC)
    left = finalise({"text": deadline_text("nl", Pace("live"), deadline, datetime(2027, 3, 1, 13, 2, tzinfo=UTC),
                                           AMS)})["text"]
    assert left.startswith("nog 8 min (tot <!date^") and "|14:10>" in left
    up = deadline_text("en", Pace("live"), deadline, deadline, AMS)
    assert up.startswith("time is up")
