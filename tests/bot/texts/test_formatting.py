"""Dutch and English as people write them: dates, periods, numbers, changes, plurals, date tokens.

Tables of (input, Dutch, English): each row is a case a reader would notice if it were wrong.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.slack.markup import finalise, has_live_markup, plain
from bot.texts.formatting import (
    format_date,
    format_datetime,
    format_number,
    format_percent,
    format_period,
    format_pp_change,
    format_signed,
    format_suppressed,
    plural,
    pp_difference,
    pp_points,
    slack_date,
)

AMS = ZoneInfo("Europe/Amsterdam")


@pytest.mark.parametrize(("value", "nl", "en"), [
    (date(2027, 3, 9), "9 maart 2027", "9 March 2027"),
    (date(2026, 12, 31), "31 december 2026", "31 December 2026"),
    # An instant late on 30 June in UTC is already 1 July in Amsterdam.
    (datetime(2026, 6, 30, 23, 30, tzinfo=UTC), "1 juli 2026", "1 July 2026"),
])
def test_dates_are_written_out_with_the_month_name(value, nl, en):
    assert format_date(value, "nl", AMS) == nl
    assert format_date(value, "en", AMS) == en


@pytest.mark.parametrize(("value", "nl", "en"), [
    (datetime(2027, 3, 9, 13, 30, tzinfo=UTC), "9 maart 2027, 14:30", "9 March 2027, 14:30"),  # winter: UTC+1
    (datetime(2026, 7, 1, 7, 5, tzinfo=UTC), "1 juli 2026, 09:05", "1 July 2026, 09:05"),  # summer: UTC+2
    (datetime(2026, 7, 1, 7, 5), "1 juli 2026, 09:05", "1 July 2026, 09:05"),  # naive values are UTC
])
def test_date_and_time_are_shown_in_the_given_zone(value, nl, en):
    assert format_datetime(value, "nl", AMS) == nl
    assert format_datetime(value, "en", "Europe/Amsterdam") == en


@pytest.mark.parametrize(("period", "nl", "en"), [
    ("2026-Q2", "2e kwartaal 2026", "Q2 2026"),
    ("2026-Q4", "4e kwartaal 2026", "Q4 2026"),
    ("2026-H1", "1e halfjaar 2026", "H1 2026"),
    ("2026-H2", "2e halfjaar 2026", "H2 2026"),
    ("2026-03", "maart 2026", "March 2026"),
    ("2026-12", "december 2026", "December 2026"),
    ("2026", "2026", "2026"),
    ("2026-13", "2026-13", "2026-13"),  # not a period we know: shown as it is, never a crash
    ("najaar", "najaar", "najaar"),
])
def test_periods_are_written_as_people_say_them(period, nl, en):
    assert format_period(period, "nl") == nl
    assert format_period(period, "en") == en


@pytest.mark.parametrize(("value", "decimals", "nl", "en"), [
    (1234.5, None, "1.234,5", "1,234.5"),
    (1234567, None, "1.234.567", "1,234,567"),
    (1234567.0, 0, "1.234.567", "1,234,567"),  # the float that printed as 1,23457e+06
    (1e15, 0, "1.000.000.000.000.000", "1,000,000,000,000,000"),  # never scientific notation
    (7.25, 1, "7,3", "7.3"),  # half up, as people round by hand
    (2.675, 2, "2,68", "2.68"),  # not 2,67 from the binary float
    (0.5, 0, "1", "1"),
    (120.0, None, "120", "120"),
])
def test_numbers_use_the_language_separators(value, decimals, nl, en):
    assert format_number(value, "nl", decimals) == nl
    assert format_number(value, "en", decimals) == en


@pytest.mark.parametrize(("percent", "decimals", "nl", "en"), [
    (38.4, 0, "38%", "38%"),
    (38.5, 0, "39%", "39%"),
    (12.35, 1, "12,4%", "12.4%"),
    (100, 0, "100%", "100%"),
])
def test_percentages(percent, decimals, nl, en):
    assert format_percent(percent, "nl", decimals) == nl
    assert format_percent(percent, "en", decimals) == en


@pytest.mark.parametrize(("now", "before", "points", "nl", "en"), [
    (37.6, 63.4, -25, "−25 %-punt", "−25 percentage points"),  # shown 38% and 63%; raw −25.8 would say −26
    (50.4, 49.6, 0, "gelijk", "unchanged"),  # shown 50% and 50%: no "+1", no "+0"
    (50.5, 49.4, 2, "+2 %-punt", "+2 percentage points"),  # shown 51% and 49%
    (51.0, 50.0, 1, "+1 %-punt", "+1 percentage point"),
])
def test_a_point_difference_is_computed_from_the_shown_percentages(now, before, points, nl, en):
    assert pp_points(now, before) == points
    assert pp_difference(now, before, "nl") == nl
    assert pp_difference(now, before, "en") == en
    assert format_pp_change(points, "nl") == nl


@pytest.mark.parametrize(("value", "decimals", "nl", "en"), [
    (28, 0, "+28", "+28"),
    (-3, 0, "−3", "−3"),
    (0, 0, "gelijk", "unchanged"),
    (0.04, 1, "gelijk", "unchanged"),  # rounds to 0,0
    (0.25, 1, "+0,3", "+0.3"),
    (-1234, 0, "−1.234", "−1,234"),
])
def test_signed_changes_and_unchanged(value, decimals, nl, en):
    assert format_signed(value, "nl", decimals) == nl
    assert format_signed(value, "en", decimals) == en


@pytest.mark.parametrize(("unit", "nl", "en"), [
    (None, "minder dan 5", "fewer than 5"),
    ("units.participants", "minder dan 5 deelnemers", "fewer than 5 participants"),
])
def test_a_suppressed_count_never_reads_like_a_percentage(unit, nl, en):
    assert format_suppressed(5, "nl", unit) == nl
    assert format_suppressed(5, "en", unit) == en
    assert "<" not in nl + en and "%" not in nl + en


@pytest.mark.parametrize(("key", "count", "nl", "en"), [
    ("units.stories", 1, "1 verhaal", "1 story"),
    ("units.stories", 2, "2 verhalen", "2 stories"),
    ("units.stories", 0, "0 verhalen", "0 stories"),
    ("units.actions", 1, "1 actie", "1 action"),
    ("units.actions", 3, "3 acties", "3 actions"),
    ("units.rows", 1234, "1.234 rijen", "1,234 rows"),
    ("units.people", 1, "1 persoon", "1 person"),
    ("units.participants", 21, "21 deelnemers", "21 participants"),  # English "21st" is ordinal, not plural
])
def test_plurals_follow_the_language_rules(key, count, nl, en):
    assert plural("nl", key, count) == nl
    assert plural("en", key, count) == en


def test_a_whole_sentence_can_depend_on_the_count():
    one = plural("nl", "series.next_created", 1, date="9 maart 2027")
    three = plural("nl", "series.next_created", 3, date="9 maart 2027")
    assert "1 open actie gaat mee" in one and "3 open acties gaan mee" in three
    assert "1 open action carries over" in plural("en", "series.next_created", 1, date="9 March 2027")


def test_an_unknown_plural_key_fails_loudly():
    with pytest.raises(KeyError):
        plural("nl", "units.nothing_like_this", 2)


def _sent(text: str) -> str:
    """A mrkdwn text as it leaves the bot (bot/slack/markup.finalise, run by Outgoing)."""
    return finalise({"text": text})["text"]


@pytest.mark.parametrize(("lang", "fallback"), [("nl", "9 maart 2027, 14:30"), ("en", "9 March 2027, 14:30")])
def test_slack_date_token_carries_the_instant_and_a_local_fallback(lang, fallback):
    moment = datetime(2027, 3, 9, 13, 30, tzinfo=UTC)
    token = slack_date(moment, lang, AMS)
    assert _sent(token) == f"<!date^{int(moment.timestamp())}^{{date_long_pretty}} {{time}}|{fallback}>"
    # The same instant stored as 14:30 Amsterdam time gives the same token.
    assert _sent(slack_date(moment.astimezone(AMS), lang, AMS)) == _sent(token)


def test_slack_date_fallback_in_another_zone():
    moment = datetime(2027, 3, 9, 13, 30, tzinfo=UTC)
    assert _sent(slack_date(moment, "en", "America/New_York")).endswith("|9 March 2027, 08:30>")  # EST: US summer time starts 14 March


def test_a_slack_date_is_the_bots_own_markup_and_the_text_around_it_is_escaped_once():
    """The token is marked (bot/slack/markup.py): it stays live where text a person typed is escaped."""
    moment = datetime(2027, 3, 9, 13, 30, tzinfo=UTC)
    sent = _sent(f"<!channel> & co: {slack_date(moment, 'nl', AMS)}")
    assert sent.startswith("&lt;!channel&gt; &amp; co: <!date^")
    assert not has_live_markup(_sent("<!date^1^{time}|nep>"))  # a token someone typed stays text


def test_in_plain_text_a_slack_date_shows_its_fallback():
    """Headers, buttons and modal titles are plain_text: Slack would show a token literally."""
    moment = datetime(2027, 3, 9, 13, 30, tzinfo=UTC)
    assert plain(slack_date(moment, "en", AMS)) == "9 March 2027, 14:30"
    block = finalise({"blocks": [{"type": "header", "text": {"type": "plain_text", "text": slack_date(moment, "nl", AMS)}}]})
    assert block["blocks"][0]["text"]["text"] == "9 maart 2027, 14:30"


def test_unknown_language_and_zone_fall_back_to_dutch_and_amsterdam():
    assert format_date(date(2027, 3, 9), "fr") == "9 maart 2027"
    assert format_datetime(datetime(2027, 3, 9, 13, 30, tzinfo=UTC), "nl", "Mars/Olympus") == "9 maart 2027, 14:30"
