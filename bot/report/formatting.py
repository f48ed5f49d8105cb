"""Dates, numbers, owners and headings as the report prints them (shared by HTML and Markdown)."""

from __future__ import annotations

from datetime import date, datetime

from bot.report.model import ActionItem, DataSummary, Report, StageReport
from bot.report.texts import _catalogue, _text, has_text
from bot.texts.formatting import format_date, format_datetime, format_number, format_period, plural

# ---- formatting helpers --------------------------------------------------------------------------


def _fmt_datetime(value: datetime | None, report: Report) -> str | None:
    if value is None:
        return None
    return format_datetime(value, report.lang, report.timezone)


def _fmt_date(value: date | None, lang: str) -> str:
    if value is None:
        return "–"
    return format_date(value, lang)


def _fmt_number(value: float, lang: str) -> str:
    return format_number(value, lang)


def _owner_text(action: ActionItem) -> str:
    return f"{action.party_label}, {action.owner}" if action.owner else action.party_label


def _indicator_text(action: ActionItem, lang: str) -> str:
    parts = [action.indicator or ""]
    if action.target is not None:
        parts.append(_fmt_number(action.target, lang))
    return " → ".join(p for p in parts if p) or "–"


def _status_text(report: Report) -> str:
    return _text(report.lang, f"status_{report.status}") if has_text(f"status_{report.status}") else report.status


def _facts(report: Report) -> list[tuple[str, str]]:
    """The 'about this conversation' lines shared by both renderers (plain text, not yet escaped)."""
    lang = report.lang
    facts = [(_text(lang, "conversation"), report.flow_title)]
    if report.theme:
        facts.append((_text(lang, "theme"), report.theme))
    for key, value in (("scheduled", report.scheduled_at), ("started", report.started_at),
                       ("closed", report.closed_at)):
        shown = _fmt_datetime(value, report)
        if shown:
            facts.append((_text(lang, key), shown))
    facts.append((_text(lang, "channel"), report.channel))
    facts.append((_text(lang, "visibility"),
                  _catalogue(lang, f"visibility.{report.visibility}", report.visibility)))
    facts.append((_text(lang, "status"), _status_text(report)))
    return facts


def _count_text(count: int, lang: str) -> str:
    return plural(lang, "units.people", count)


def _period_text(data: DataSummary, lang: str) -> str:
    """"Periode 2e kwartaal 2026, vergeleken met 1e kwartaal 2026" (HTML and Markdown alike)."""
    if data.previous_period:
        return _text(lang, "period_vs", period=format_period(data.period, lang),
                     previous=format_period(data.previous_period, lang))
    return _text(lang, "period", period=format_period(data.period, lang))


def _stage_heading(stage: StageReport) -> str:
    return f"{stage.number}. {stage.title}" if stage.number else stage.title


def _stage_note(stage: StageReport, lang: str) -> str | None:
    if stage.status == "skipped":
        return _text(lang, "stage_skipped")
    if not stage.revealed:
        return _text(lang, "stage_hidden")
    if stage.count == 0:
        return _text(lang, "no_answers")
    return None


