"""Dates, periods, numbers, percentages, plurals and Slack date tokens as Dutch and English
readers write them, with Babel (CLDR) doing the locale work.

Why Babel and not strftime / f-strings: the hand-written versions printed "2026-Q2",
"1,23457e+06", "09-03-2027" in English and "1 verhalen". Babel knows "9 maart 2027",
"2e kwartaal 2026", "1.234.567" and the plural rules of both languages; the catalogue
(bot/locales) only says which words to use.

Choices (the main developer may revisit them, the tests pin them):

* English is written as British English (`en_GB`): "9 March 2027", 24-hour times, because the
  readers are Dutch organisations who read day-month order.
* Percentages are rounded half up to whole numbers, and a *difference* between two percentages
  is computed from the two rounded, shown percentages: 38% against 63% is "−25 %-punt", never
  the "−26" that the unrounded figures would give. A difference of zero reads "gelijk" /
  "unchanged", not "+0".
* Small counts that are suppressed for privacy never read "<5": next to percentages that reads
  as "<5%", and in Slack mrkdwn a bare "<" starts a link. A suppressed count reads
  "minder dan 5" ("fewer than 5"), with its noun where the sentence has none
  ("minder dan 5 deelnemers"); a suppressed percentage or mean reads "te weinig om te tonen".
* Numbers never use scientific notation; a minus sign is U+2212 (screen readers say "min").
* Times in Slack messages are date tokens: Slack shows each reader the time in their own zone;
  the fallback (old clients, notifications) is the Babel text in the zone we were given.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from zoneinfo import ZoneInfo

from babel import Locale
from babel import dates as babel_dates
from babel import numbers as babel_numbers

from bot.i18n import DEFAULT_LANGUAGE, catalogue, normalise_language, t
from bot.slack.markup import date_token

DEFAULT_TIMEZONE = "Europe/Amsterdam"
MINUS = "\u2212"
PLUS = "+"
_LOCALES = {"nl": "nl_NL", "en": "en_GB"}
_PERIOD = re.compile(r"(\d{4})(?:-(Q[1-4]|H[12]|\d{2}))?")
SLACK_DATE_TOKEN = "{date_long_pretty} {time}"


@cache
def locale_of(lang: str | None) -> Locale:
    """The Babel locale for one of the bot's languages (unknown languages get Dutch)."""
    return Locale.parse(_LOCALES[normalise_language(lang)])


def _zone(tz: str | ZoneInfo | None) -> ZoneInfo:
    if isinstance(tz, ZoneInfo):
        return tz
    try:
        return ZoneInfo(tz or DEFAULT_TIMEZONE)
    except (ValueError, KeyError):  # a malformed or unknown name from settings: the default, not a crash
        return ZoneInfo(DEFAULT_TIMEZONE)


def _aware(value: datetime) -> datetime:
    """The bot stores instants in UTC; a naive value from an old row is read as UTC."""
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


# ---- dates and times -------------------------------------------------------------------------------


def format_date(value: date | datetime, lang: str | None, tz: str | ZoneInfo | None = None) -> str:
    """"9 maart 2027" / "9 March 2027". A datetime is first put in `tz` (default Amsterdam);
    a date (a due date, a calendar day) is shown as it is: it has no time zone."""
    if isinstance(value, datetime):
        value = _aware(value).astimezone(_zone(tz)).date()
    return babel_dates.format_date(value, "long", locale=locale_of(lang))


def format_time(value: datetime, lang: str | None, tz: str | ZoneInfo | None = None) -> str:
    """"14:30" in the given zone."""
    return babel_dates.format_time(_aware(value), "short", tzinfo=_zone(tz), locale=locale_of(lang))


def format_datetime(value: datetime, lang: str | None, tz: str | ZoneInfo | None = None) -> str:
    """"9 maart 2027, 14:30" / "9 March 2027, 14:30": long date and short time joined the way
    the locale joins them (CLDR's date-time pattern), in `tz`."""
    locale = locale_of(lang)
    joiner = str(babel_dates.get_datetime_format("long", locale=locale)).replace("'", "")
    return joiner.replace("{1}", format_date(value, lang, tz)).replace("{0}", format_time(value, lang, tz))


def slack_date(value: datetime, lang: str | None, tz: str | ZoneInfo | None = None, *,
               token: str = SLACK_DATE_TOKEN) -> str:
    """A Slack date token (`<!date^UNIX^{date_long_pretty} {time}|fallback>`), marked as the bot's
    own markup by `bot.slack.markup.date_token` so that it leaves live and everything around it
    is escaped once; a raw token written here would be shown as text.

    Slack renders the token in each reader's own time zone (and says "today"/"tomorrow"); the
    fallback, for clients that cannot, is the Babel text in `tz`. Only live in mrkdwn text: in
    plain_text (headers, buttons, modal titles) `markup.plain()` shows the fallback instead."""
    aware = _aware(value)
    return date_token(aware, format_datetime(aware, lang, tz), token)


def format_period(period: str, lang: str | None) -> str:
    """A data period as people write it: "2026-Q2" → "2e kwartaal 2026" / "Q2 2026",
    "2026-H1" → "1e halfjaar 2026" / "H1 2026", "2026-03" → "maart 2026", "2026" → "2026".
    Anything else (a period from an older import) is shown as it is."""
    match = _PERIOD.fullmatch((period or "").strip())
    if match is None:
        return period
    year, part = int(match.group(1)), match.group(2)
    locale = locale_of(lang)
    if part is None:
        return str(year)
    if part[0] == "Q":
        first_month = (int(part[1]) - 1) * 3 + 1
        pattern = t(lang, "format.quarter_pattern")
        return babel_dates.format_date(date(year, first_month, 1), pattern, locale=locale)
    if part[0] == "H":
        return t(lang, "format.half_year", half=part[1], year=year)
    month = int(part)
    if not 1 <= month <= 12:
        return period
    return babel_dates.format_skeleton("yMMMM", date(year, month, 1), locale=locale)


# ---- numbers -----------------------------------------------------------------------------------------


def _decimal(value: float | int | Decimal) -> Decimal:
    """Decimal from the shortest repr of a float, so 2.675 rounds as people expect (2.68)."""
    return value if isinstance(value, Decimal) else Decimal(repr(value) if isinstance(value, float) else value)


def round_half_up(value: float | int | Decimal, decimals: int = 0) -> Decimal:
    """School rounding (0.5 goes up, −0.5 goes to −1), the rounding people check by hand."""
    return _decimal(value).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def format_number(value: float | int | Decimal, lang: str | None, decimals: int | None = None) -> str:
    """"1.234,5" / "1,234.5"; `decimals` fixes the number of decimals (rounded half up), None
    shows up to three and drops trailing zeros. Never scientific notation: 1234567 → "1.234.567"."""
    if decimals is None:
        number, pattern = _decimal(value), "#,##0.###"
    else:
        number = round_half_up(value, decimals)
        pattern = "#,##0" + ("." + "0" * decimals if decimals > 0 else "")
    return babel_numbers.format_decimal(number, format=pattern, locale=locale_of(lang))


def format_percent(percent: float | int | Decimal, lang: str | None, decimals: int = 0) -> str:
    """38.4 (percent, not a fraction) → "38%", rounded half up to a whole percent; with
    `decimals=1` → "38,4%" (public health figures are estimates with one decimal)."""
    rounded = round_half_up(percent, decimals)
    if decimals <= 0:
        return babel_numbers.format_percent(rounded / 100, locale=locale_of(lang))
    pattern = "#,##0." + "0" * decimals + "%"
    return babel_numbers.format_percent(rounded / 100, format=pattern, locale=locale_of(lang))


def format_signed(value: float | int | Decimal, lang: str | None, decimals: int = 0) -> str:
    """A change: "+12", "−3", "+0,4"; zero after rounding reads "gelijk" / "unchanged"."""
    rounded = round_half_up(value, decimals)
    if rounded == 0:
        return t(lang, "format.unchanged")
    sign = PLUS if rounded > 0 else MINUS
    return sign + format_number(abs(rounded), lang, decimals)


def pp_points(now_percent: float, before_percent: float) -> int:
    """The difference in percentage points between two percentages *as they are shown* (rounded)."""
    return int(round_half_up(now_percent) - round_half_up(before_percent))


def format_pp_change(points: float | int | Decimal, lang: str | None) -> str:
    """"+12 %-punt" / "−1 percentage point"; zero reads "gelijk" / "unchanged"."""
    rounded = int(round_half_up(points))
    if rounded == 0:
        return t(lang, "format.unchanged")
    return plural(lang, "format.pp_change", abs(rounded), sign=PLUS if rounded > 0 else MINUS)


def pp_difference(now_percent: float, before_percent: float, lang: str | None) -> str:
    """How two shown percentages differ: 37.6% vs 63.4% are shown as 38% and 63%, so "−25 %-punt"."""
    return format_pp_change(pp_points(now_percent, before_percent), lang)


def format_suppressed(threshold: int, lang: str | None, unit: str | None = None) -> str:
    """A count hidden for privacy: "minder dan 5", or with a unit key from the catalogue
    ("units.participants") "minder dan 5 deelnemers". See the module docstring for why not "<5"."""
    amount = plural(lang, unit, threshold) if unit else format_number(threshold, lang)
    return t(lang, "format.fewer_than", amount=amount)


# ---- plurals -----------------------------------------------------------------------------------------


def plural_key(lang: str | None, key: str, count: float | int) -> str:
    """The catalogue key of the form Babel's plural rule picks for `count` (e.g. "units.stories.one").

    The catalogue holds a plural text as a map of CLDR categories ("one", "other", ...); a missing
    category falls back to "other"."""
    lang = normalise_language(lang)
    form = locale_of(lang).plural_form(abs(count))
    texts = catalogue(lang)
    if f"{key}.{form}" in texts:
        return f"{key}.{form}"
    if f"{key}.other" in texts or f"{key}.other" in catalogue(DEFAULT_LANGUAGE):
        return f"{key}.other"
    raise KeyError(f"no plural text for {key!r}")


def plural(lang: str | None, key: str, count: float | int, **params: object) -> str:
    """"1 verhaal" / "2 verhalen": the catalogue's form for `count`, with `{count}` written as a
    number of that language (1.234 / 1,234) and any other placeholders filled in."""
    return t(lang, plural_key(lang, key, count), count=format_number(count, lang), **params)
