"""When the bot may nudge a person: working days, working hours, their own time zone.

Why a module of its own: "never on a weekend, at night or on a public holiday" is a promise
to every participant. It must hold across daylight-saving changes and Dutch holidays
(King's Day, Ascension, Whit Monday...), so it is computed with zoneinfo and the `holidays`
package in one pure function that tests can pin down.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

from bot.texts.formatting import slack_date


@dataclass(frozen=True)
class WorkingHours:
    start: time = time(9, 0)
    end: time = time(17, 0)
    country: str = "NL"


DEFAULT_HOURS = WorkingHours()


@lru_cache(maxsize=64)
def _holidays(country: str, year: int) -> holidays.HolidayBase:
    return holidays.country_holidays(country, years=year)


def is_holiday(day: date, country: str = "NL") -> bool:
    return day in _holidays(country, day.year)


def is_working_day(day: date, country: str = "NL") -> bool:
    return day.weekday() < 5 and not is_holiday(day, country)


def zone(name: str | None, fallback: str = "Europe/Amsterdam") -> ZoneInfo:
    try:
        return ZoneInfo(name or fallback)
    except (KeyError, ValueError):
        return ZoneInfo(fallback)


def may_nudge(moment: datetime, tz: ZoneInfo, hours: WorkingHours = DEFAULT_HOURS) -> bool:
    """True when `moment` falls on a working day within working hours in the person's zone."""
    local = moment.astimezone(tz)
    return is_working_day(local.date(), hours.country) and hours.start <= local.time() < hours.end


def next_nudge_moment(moment: datetime, tz: ZoneInfo, hours: WorkingHours = DEFAULT_HOURS) -> datetime:
    """The first moment at or after `moment` when a nudge is allowed (aware, in UTC).

    Local wall-clock times are built with zoneinfo, so 09:00 stays 09:00 across DST changes.
    """
    if may_nudge(moment, tz, hours):
        return moment.astimezone(UTC)
    local = moment.astimezone(tz)
    day = local.date()
    if local.time() >= hours.start:
        day += timedelta(days=1)
    for _ in range(60):  # long holiday stretches are at most a few days; 60 is generous
        if is_working_day(day, hours.country):
            return datetime.combine(day, hours.start, tzinfo=tz).astimezone(UTC)
        day += timedelta(days=1)
    raise RuntimeError("no working day found in 60 days")  # pragma: no cover - impossible for NL


def add_working_time(moment: datetime, delta: timedelta, tz: ZoneInfo,
                     hours: WorkingHours = DEFAULT_HOURS) -> datetime:
    """`moment + delta`, then moved forward to the next allowed nudge moment."""
    return next_nudge_moment(moment + delta, tz, hours)


def format_when(deps, when: datetime | None, tz_name: str | None = None, lang: str | None = None) -> str:
    """A moment as a Slack date token: Slack shows every reader the time in their own zone.

    The fallback (notifications, old clients, plain_text) is "9 maart 2027, 14:30" in `tz_name`
    (a person's own zone, else the workspace's) and `lang` (else the workspace default). The
    token is marked as the bot's own markup (bot/slack/markup.py), so it is live in mrkdwn only;
    never put it in a header, button or modal title (plain_text shows the fallback there)."""
    if when is None:
        return ""
    return slack_date(when, lang or deps.settings.language, zone(tz_name, deps.settings.timezone))
