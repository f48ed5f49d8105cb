"""The report as Markdown, with the same content as the HTML page."""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

from bot.report.figures import source_caption
from bot.report.formatting import (
    _count_text,
    _facts,
    _fmt_date,
    _fmt_datetime,
    _indicator_text,
    _owner_text,
    _period_text,
    _stage_heading,
    _stage_note,
)
from bot.report.html import _img_src
from bot.report.model import ActionItem, QuestionAnswers, Report, RoleGroup, StageReport
from bot.report.texts import SECTION_IDS, _text
from bot.texts.formatting import format_number, plural

# ---- Markdown ------------------------------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~])")
_MD_LINE_START = re.compile(r"^(\s*)([#>+-]|\d+\.)")


def _md(value: object, indent: str = "", *, line_start: bool = True) -> str:
    """User text safe for Markdown: HTML escaped (Markdown passes raw HTML through), markup
    characters backslashed, and line breaks kept inside the list item or paragraph.

    `line_start=False` for text after a prefix ('### ', a table cell) where '1.' or '+' is harmless;
    continuation lines always start a line, so they are always escaped.
    """
    text = _MD_SPECIAL.sub(r"\\\1", html.escape(str(value), quote=False))
    lines = [line.strip() for line in text.splitlines() if line.strip()] or [""]
    lines = [line if index == 0 and not line_start else _MD_LINE_START.sub(r"\1\\\2", line)
             for index, line in enumerate(lines)]
    return ("  \n" + indent).join(lines)


def _md_cell(value: object) -> str:
    return "<br>".join(_md(value, line_start=False).split("  \n"))


def _md_groups(groups: list[RoleGroup]) -> list[str]:
    lines = []
    for group in groups:
        lines.append(f"- **{_md(group.label)}**")
        for entry in group.entries:
            author = f"**{_md(entry.author)}**: " if entry.author else ""
            lines.append(f"    - {author}{_md(entry.text, '      ')}")
    return lines


def _md_questions(questions: list[QuestionAnswers]) -> list[str]:
    lines: list[str] = []
    for q in questions:
        if q.groups:
            lines += [f"#### {_md(q.label, line_start=False)}", "", *_md_groups(q.groups), ""]
    return lines


def _md_stage(stage: StageReport, lang: str) -> list[str]:
    note = _stage_note(stage, lang)
    return [f"### {_md(_stage_heading(stage), line_start=False)}", "", *([f"_{note}_", ""] if note else _md_questions(stage.questions))]


def _md_actions(actions: list[ActionItem], lang: str, empty: str) -> list[str]:
    if not actions:
        return [f"_{empty}_", ""]
    head = [_text(lang, key) for key in ("action", "owner", "due", "indicator", "status")]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for a in actions:
        cells = [a.what, _owner_text(a), _fmt_date(a.due, lang), _indicator_text(a, lang), a.status_label]
        lines.append("| " + " | ".join(_md_cell(c) for c in cells) + " |")
    return [*lines, ""]


def _md_paragraphs(lines: list[str], empty: str) -> list[str]:
    if not lines:
        return [f"_{empty}_", ""]
    out: list[str] = []
    for line in lines:
        out += [_md(line), ""]
    return out


def _md_data(report: Report, image_links: Sequence[str] | None) -> list[str]:
    lang, data = report.lang, report.data
    if data is None:
        return [f"_{_text(lang, 'no_data')}_", ""]
    period = _period_text(data, lang)
    lines = [_md(period), ""]
    if data.headlines:
        lines += [f"| {_text(lang, 'figure')} | {_text(lang, 'value')} | {_text(lang, 'change')} |", "|---|---|---|"]
        lines += [f"| {_md_cell(h.label)} | {_md_cell(h.value)} | {_md_cell(h.change or '–')} |" for h in data.headlines]
        lines.append("")
    for index, chart in enumerate(data.charts):
        target = image_links[index] if image_links and index < len(image_links) else _img_src(chart)
        lines += [f"![{_md(chart.alt)}]({target})", "", f"_{_md(chart.caption)}_", ""]
    if data.notable:
        lines += [f"### {_text(lang, 'notable')}", "", *[f"- {_md(n)}" for n in data.notable], ""]
    if data.stories:
        lines += [f"### {_text(lang, 'stories')}", ""]
        for story in data.stories:
            lines += ["> " + _md(story.text, "> ") + (f"  \n> — _{_md(story.where, line_start=False)}_"
                                                      if story.where else ""), ""]
    if data.potential_note:
        lines += [f"_{_md(data.potential_note)}_", ""]
    lines += [f"_{_md(source_caption(data.sources, lang))}_", ""]
    return lines


def _md_participants(report: Report) -> list[str]:
    lang = report.lang
    if not report.participants:
        return [f"_{_text(lang, 'no_participants')}_", ""]
    lines = [f"_{_text(lang, 'anonymous_participants')}_", ""] if report.anonymous else []
    for group in report.participants:
        who = ", ".join(_md(n) for n in group.names) if group.names else _count_text(group.count, lang)
        lines.append(f"- **{_md(group.label)}**: {who}")
    return [*lines, ""]


def _md_comparison(report: Report) -> list[str]:
    lang, previous = report.lang, report.previous
    if previous is None:
        return [f"_{_text(lang, 'no_previous')}_", ""]
    when = _fmt_datetime(previous.when, report) or _text(lang, "unknown")
    lines = [_md(_text(lang, "previous_date", date=when)), "", f"### {_text(lang, 'previous_conclusion')}", "",
             *_md_paragraphs(previous.conclusion, _text(lang, "no_conclusion")),
             f"### {_text(lang, 'previous_actions')}", ""]
    if previous.actions:
        lines += [plural(lang, "report.previous_done", len(previous.actions), done=format_number(previous.done, lang)), ""]
    return lines + _md_actions(previous.actions, lang, _text(lang, "no_actions"))


def _md_outcome(report: Report) -> list[str]:
    lines = [f"**{_md(report.outcome)}**", ""]
    if report.outcome_description:
        lines += [_md(report.outcome_description), ""]
    return [*lines, *[f"- {_md(k)}: {_md(v)}" for k, v in _facts(report)], ""]


def _md_stages(report: Report) -> list[str]:
    lines: list[str] = []
    for stage in report.stages:
        lines += _md_stage(stage, report.lang)
    return lines or [f"_{_text(report.lang, 'no_stages')}_", ""]


def _md_evaluation(report: Report) -> list[str]:
    if report.evaluation is None:
        return [f"_{_text(report.lang, 'no_evaluation')}_", ""]
    note = _stage_note(report.evaluation, report.lang)
    return [f"_{note}_", ""] if note else _md_questions(report.evaluation.questions)


def render_markdown(report: Report, *, image_links: Sequence[str] | None = None) -> str:
    """The same content as Markdown, in the same order as the page. Charts link to `image_links`
    (files next to the report) when given, else they are embedded as data: URIs so the text
    stays self-contained."""
    lang = report.lang
    sections = {
        "conclusion": lambda: _md_paragraphs(report.conclusion, _text(lang, "no_conclusion")),
        "actions": lambda: _md_actions(report.actions, lang, _text(lang, "no_actions")),
        "data": lambda: _md_data(report, image_links),
        "comparison": lambda: _md_comparison(report),
        "outcome": lambda: _md_outcome(report),
        "participants": lambda: _md_participants(report),
        "preparation": lambda: _md_questions(report.preparation) or [f"_{_text(lang, 'no_preparation')}_", ""],
        "stages": lambda: _md_stages(report),
        "evaluation": lambda: _md_evaluation(report),
    }
    out = [f"# {_text(lang, 'title')}: {_md(report.outcome, line_start=False)}", ""]
    for section_id in SECTION_IDS:
        out += [f"## {_text(lang, section_id)}", "", *sections[section_id]()]
    out += ["---", "", f"_{_text(lang, 'generated', date=_fmt_datetime(report.generated_at, report) or '')}_", ""]
    return "\n".join(out)
