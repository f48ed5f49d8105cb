"""Nudges only on Dutch working days within working hours, in the person's time zone, DST-correct."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.services.common.worktime import add_working_time, is_working_day, may_nudge, next_nudge_moment

AMS = ZoneInfo("Europe/Amsterdam")


def ams(*args) -> datetime:
    return datetime(*args, tzinfo=AMS)


@pytest.mark.parametrize(
    ("moment", "allowed"),
    [
        (ams(2026, 11, 24, 10, 0), True),   # Tuesday morning
        (ams(2026, 11, 24, 8, 59), False),  # before nine
        (ams(2026, 11, 24, 17, 0), False),  # after five
        (ams(2026, 11, 28, 11, 0), False),  # Saturday
        (ams(2026, 12, 25, 11, 0), False),  # Christmas
        (ams(2027, 4, 27, 11, 0), False),   # King's Day
        (ams(2027, 5, 6, 11, 0), False),    # Ascension Day 2027
        (ams(2027, 5, 17, 11, 0), False),   # Whit Monday 2027
    ],
)
def test_may_nudge(moment, allowed):
    assert may_nudge(moment, AMS) is allowed


def test_friday_evening_moves_to_monday_nine():
    assert next_nudge_moment(ams(2026, 11, 27, 18, 30), AMS) == ams(2026, 11, 30, 9, 0).astimezone(UTC)


def test_christmas_eve_evening_skips_both_christmas_days_and_weekend():
    # 24 Dec 2026 is a Thursday; 25 and 26 are holidays; 26-27 weekend
    assert next_nudge_moment(ams(2026, 12, 24, 20, 0), AMS) == ams(2026, 12, 28, 9, 0).astimezone(UTC)


@pytest.mark.parametrize(("before", "after"), [((2027, 3, 26, 18), (2027, 3, 30, 9)),
                                               ((2026, 10, 23, 18), (2026, 10, 26, 9))])
def test_nine_oclock_local_across_dst_changes_and_easter_monday(before, after):
    moment = next_nudge_moment(ams(*before), AMS)
    assert moment.astimezone(AMS).hour == 9
    assert moment == ams(*after).astimezone(UTC)


def test_other_time_zone_is_respected():
    curacao = ZoneInfo("America/Curacao")
    # 10:00 in Amsterdam is 05:00 on Curaçao: too early there
    assert not may_nudge(ams(2026, 11, 24, 10, 0), curacao)
    nxt = next_nudge_moment(ams(2026, 11, 24, 10, 0), curacao)
    assert nxt.astimezone(curacao).hour == 9 and nxt.astimezone(curacao).day == 24


def test_add_working_time():
    start = ams(2026, 11, 27, 15, 0)  # Friday afternoon
    assert add_working_time(start, timedelta(hours=24), AMS) == ams(2026, 11, 30, 9, 0).astimezone(UTC)


def test_working_day():
    assert is_working_day(ams(2026, 11, 23).date())
    assert not is_working_day(ams(2027, 1, 1).date())


def _settings(language: str = "nl", timezone: str = "Europe/Amsterdam"):
    from types import SimpleNamespace

    return SimpleNamespace(settings=SimpleNamespace(language=language, timezone=timezone))


def test_format_when_is_a_marked_date_token_in_the_given_zone_and_language():
    from bot.services.common.worktime import format_when
    from bot.slack.markup import finalise, plain

    moment = datetime(2027, 3, 9, 13, 30, tzinfo=UTC)
    token = format_when(_settings(), moment, "America/Curacao", "en")
    assert finalise({"text": token})["text"] == (
        f"<!date^{int(moment.timestamp())}^{{date_long_pretty}} {{time}}|9 March 2027, 09:30>")
    # Without a person's zone or language: the workspace's zone and the bot's default language.
    assert plain(format_when(_settings(), moment)) == "9 maart 2027, 14:30"
    assert plain(format_when(_settings("en", "Europe/London"), moment, "Not/AZone")) == "9 March 2027, 13:30"
    assert format_when(_settings(), None) == ""
