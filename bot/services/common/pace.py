"""How fast a session moves: live (minutes per stage) or over days (working days per stage).

Why a pace beside the flow: the same duiding conversation is held in one afternoon by nine
groups at once, or over two weeks by people who answer between other work. The flow says
what is asked; the pace says how long each stage gets. The deadline it gives is handed to the
engine (`fe.extend`) when a stage opens, so live and asynchronous sessions follow the same
engine rules; the engine itself stays free of clocks and calendars.

Pure functions: no database, no Slack.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.i18n import t
from bot.services.common.worktime import DEFAULT_HOURS, WorkingHours, is_working_day
from bot.slack.markup import date_token
from bot.texts.formatting import format_time, slack_date
from flows import Flow
from flows import engine as fe

LIVE = "live"
ASYNC = "async"
LIVE_MINUTES = 10  # a stage of a live session, unless the coordinator chooses otherwise
ASYNC_DAYS = 2  # working days per stage of an asynchronous session
LIVE_TICK = timedelta(minutes=2)  # how often a live stage's message shows the time left
MAX_MINUTES = 240
MAX_DAYS = 30


@dataclass(frozen=True)
class Pace:
    mode: str  # live | async
    minutes: int = LIVE_MINUTES
    days: int = ASYNC_DAYS

    @property
    def live(self) -> bool:
        return self.mode == LIVE


def pace_of(mode: str | None, minutes: int | None, days: int | None) -> Pace | None:
    """The pace stored for a session, or None when it follows only its flow's own deadlines."""
    if mode not in (LIVE, ASYNC):
        return None
    return Pace(mode, min(max(minutes or LIVE_MINUTES, 1), MAX_MINUTES), min(max(days or ASYNC_DAYS, 1), MAX_DAYS))


def add_working_days(moment: datetime, days: int, tz: ZoneInfo, hours: WorkingHours = DEFAULT_HOURS) -> datetime:
    """`days` working days after `moment`, at the same local time kept within working hours.

    Opened on Friday at 15:00 with two working days: Tuesday 15:00 (a Dutch holiday on the
    Monday makes it Wednesday)."""
    local = moment.astimezone(tz)
    day, counted = local.date(), 0
    while counted < days:
        day += timedelta(days=1)
        if is_working_day(day, hours.country):
            counted += 1
    at = min(max(local.time().replace(tzinfo=None), hours.start), hours.end)
    return datetime.combine(day, at, tzinfo=tz).astimezone(UTC)


def stage_deadline(pace: Pace, now: datetime, tz: ZoneInfo, hours: WorkingHours = DEFAULT_HOURS) -> datetime:
    """When a stage that opens now ends (in UTC, so that equal deadlines compare and key equal)."""
    if pace.live:
        return (now + timedelta(minutes=pace.minutes)).astimezone(UTC)
    return add_working_days(now, pace.days, tz, hours)


def extended(pace: Pace, current: datetime | None, now: datetime, amount: int, tz: ZoneInfo,
             hours: WorkingHours = DEFAULT_HOURS) -> datetime:
    """The deadline `amount` minutes (live) or working days (async) after the current one (or now)."""
    base = max(current or now, now)
    if pace.live:
        return (base + timedelta(minutes=amount)).astimezone(UTC)
    return add_working_days(base, amount, tz, hours)


def apply_pace(flow: Flow, state: fe.SessionState, events: list, pace: Pace, now: datetime, tz: ZoneInfo,
               hours: WorkingHours = DEFAULT_HOURS) -> fe.SessionState:
    """Every stage these events opened gets the pace's deadline, through the engine.

    A stage whose flow already gives a later deadline keeps it (the engine never shortens one).
    """
    for event in events:
        if not isinstance(event, fe.StageOpened | fe.StageReopened):
            continue
        try:
            state, _ = fe.extend(flow, state, event.stage_id, stage_deadline(pace, now, tz, hours))
        except fe.TransitionError:
            continue
    return state


def next_tick(pace: Pace, deadline: datetime, now: datetime) -> datetime:
    """When a paced stage's timer looks again: every few minutes while live, else at the deadline."""
    return min(deadline, now + LIVE_TICK) if pace.live and now < deadline else deadline


def minutes_left(deadline: datetime, now: datetime) -> int:
    return max(0, math.ceil((deadline - now).total_seconds() / 60))


def deadline_text(lang: str, pace: Pace, deadline: datetime, now: datetime | None, tz: ZoneInfo) -> str:
    """What a stage message says about its time: 'nog 8 min (tot 14:32)', 'tijd is om', or a date."""
    if not pace.live:
        return slack_date(deadline, lang, tz)
    until = date_token(deadline, format_time(deadline, lang, tz), "{time}")
    if now is None:
        return t(lang, "rounds.pace.until", time=until)
    left = minutes_left(deadline, now)
    if left <= 0:
        return t(lang, "rounds.pace.time_up", time=until)
    return t(lang, "rounds.pace.left", minutes=left, time=until)
