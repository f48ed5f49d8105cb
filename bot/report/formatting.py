"""Dates, numbers, owners and headings as the report prints them (shared by HTML and Markdown)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from bot.report.model import ActionItem, Report, StageReport
from bot.report.texts import TEXTS, _catalogue, _text

# ---- formatting helpers --------------------------------------------------------------------------


def _fmt_datetime(value: datetime | None, report: Report) -> str | None:
    if value is None:
        return None
    local = value.astimezone(ZoneInfo(report.timezone))
    return local.strftime("%Y-%m-%d %H:%M" if report.lang == "en" else "%d-%m-%Y %H:%M")


def _fmt_date(value: date | None, lang: str) -> str:
    if value is None:
        return "–"
    return value.strftime("%Y-%m-%d" if lang == "en" else "%d-%m-%Y")


def _fmt_number(value: float, lang: str) -> str:
    text = f"{value:g}"
    return text if lang == "en" else text.replace(".", ",")


def _owner_text(action: ActionItem) -> str:
    return f"{action.party_label}, {action.owner}" if action.owner else action.party_label


def _indicator_text(action: ActionItem, lang: str) -> str:
    parts = [action.indicator or ""]
    if action.target is not None:
        parts.append(_fmt_number(action.target, lang))
    return " → ".join(p for p in parts if p) or "–"


def _status_text(report: Report) -> str:
    return _text(report.lang, f"status_{report.status}") if f"status_{report.status}" in TEXTS["nl"] \
        else report.status


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
    return _text(lang, "count_person") if count == 1 else _text(lang, "count_people", count=count)


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


