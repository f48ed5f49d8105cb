"""Series rules ("every quarter, first Tuesday at 14:00 Europe/Amsterdam") and their next date.

Why APScheduler's CronTrigger: it already computes "1st tue" of a month in a zoneinfo time
zone, DST included; we only translate a friendly rule into its fields.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger
from babel.dates import get_day_names

from bot.i18n import t
from bot.texts.formatting import locale_of

EVERY_MONTHS = {"maand": 1, "kwartaal": 3, "halfjaar": 6, "jaar": 12}
_NTH = {1: "1st", 2: "2nd", 3: "3rd", 4: "4th", 5: "last"}
_DOW = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def rule_from_first(first: datetime, every: str) -> dict:
    """The rule that repeats `first` (e.g. the 1st Tuesday of a month at 14:00) every period."""
    if every not in EVERY_MONTHS:
        raise ValueError(every)
    nth = min((first.day - 1) // 7 + 1, 5)
    return {"every": every, "start_month": first.month, "nth": nth, "weekday": first.weekday(),
            "time": first.strftime("%H:%M")}


def trigger_for(rule: dict, tz: str) -> CronTrigger:
    step = EVERY_MONTHS[rule["every"]]
    months = sorted({(rule["start_month"] - 1 + i * step) % 12 + 1 for i in range(12 // step)})
    hour, minute = (int(x) for x in rule["time"].split(":"))
    return CronTrigger(month=",".join(str(m) for m in months),
                       day=f"{_NTH[rule['nth']]} {_DOW[rule['weekday']]}",
                       hour=hour, minute=minute, timezone=ZoneInfo(tz))


def next_after(rule: dict, tz: str, after: datetime) -> datetime:
    """The first date of the series strictly after `after` (aware)."""
    return trigger_for(rule, tz).get_next_fire_time(None, after + timedelta(seconds=1))


def describe(rule: dict, lang: str) -> str:
    """"elk kwartaal, eerste dinsdag om 14:00" / "every quarter, first Tuesday at 14:00": the
    words from the catalogue (section `recurrence`), the day's name from Babel (CLDR)."""
    day = get_day_names("wide", locale=locale_of(lang))[rule["weekday"]]
    return t(lang, "recurrence.rule", every=t(lang, f"recurrence.every_{rule['every']}"),
             nth=t(lang, f"recurrence.nth_{rule['nth']}"), day=day, time=rule["time"])
