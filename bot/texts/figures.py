"""A summary figure (storage.summaries.Figure) as text, the same in Slack, chart and report.

Why here and not `Figure.text`: storage does not know the bot's languages or catalogue (it
may not import bot/), and every renderer wrote figures its own way. `Figure.text` stays as the
plain fallback of storage's own dict output; everything people read goes through this function.

Privacy: only `Figure.value` of a figure that is shown is ever formatted; a suppressed figure has
no value (storage drops it) and reads "minder dan 5" (a count) or "te weinig om te tonen" (a
percentage, mean or change), never a bare "<5" that reads like "<5%".
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.i18n import t
from bot.texts.formatting import (
    format_number,
    format_percent,
    format_pp_change,
    format_signed,
    format_suppressed,
)

if TYPE_CHECKING:  # only the type: the report must not load pandas for a session without data
    from storage.summaries import Figure

MISSING = "–"


def figure_text(fig: Figure, lang: str | None, *, unit: str | None = None) -> str:
    """"1.234", "38%", "7,4", "+12", "−25 %-punt", "gelijk", "minder dan 5 (deelnemers)".

    `unit` is a plural key of the catalogue ("units.participants") for a count that is read on its
    own, e.g. a chart label; in a sentence that already names the unit, leave it out."""
    if fig.suppressed:
        if fig.kind == "count":
            return format_suppressed(fig.threshold, lang, unit)
        return t(lang, "format.too_few")
    if fig.value is None:
        return MISSING
    value = fig.value
    if fig.kind == "count":
        return format_number(value, lang, 0)
    if fig.kind == "percent":
        return format_percent(value, lang)
    if fig.kind == "mean":
        return format_number(value, lang, 1)
    if fig.kind == "delta_count":
        return format_signed(value, lang, 0)
    if fig.kind == "delta_pp":
        return format_pp_change(value, lang)
    return format_signed(value, lang, 1)  # delta_mean
