"""The report as one self-contained, printable HTML page (inline CSS, embedded charts)."""

from __future__ import annotations

import base64
import html

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
from bot.report.model import ActionItem, Chart, Contribution, QuestionAnswers, Report, RoleGroup, StageReport
from bot.report.texts import SECTION_IDS, _text
from bot.texts.formatting import format_number, plural

# ---- HTML ----------------------------------------------------------------------------------------

_CSS = """
:root { --ink: #1f2933; --muted: #5b6770; --accent: #1f5f8b; --line: #d5dde3; --soft: #f3f6f8; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--ink); background: #fff;
       font: 16px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 52rem; margin: 0 auto; padding: 2rem 1.25rem 4rem; }
header h1 { margin: 0 0 .25rem; font-size: 1.7rem; color: var(--accent); }
header p { margin: 0; color: var(--muted); }
nav { margin: 1.25rem 0; padding: .75rem 1rem; background: var(--soft); border-radius: 6px; }
nav ol { margin: .25rem 0 0; padding-left: 1.25rem; columns: 2; }
nav a { color: var(--accent); }
h2 { margin: 2.25rem 0 .75rem; padding-bottom: .2rem; font-size: 1.3rem; border-bottom: 2px solid var(--accent); }
h3 { margin: 1.5rem 0 .5rem; font-size: 1.1rem; }
h4 { margin: 1rem 0 .35rem; font-size: 1rem; font-weight: 600; }
.lead { font-size: 1.15rem; font-weight: 600; margin: 0 0 .5rem; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; margin: .5rem 0; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; }
.note { color: var(--muted); font-style: italic; }
.role { margin: .25rem 0 .75rem; padding-left: .8rem; border-left: 3px solid var(--line); }
.role-name { margin: 0 0 .15rem; font-size: .8rem; letter-spacing: .04em; text-transform: uppercase;
             color: var(--muted); }
.role ul { margin: 0; padding-left: 1.1rem; }
.author { font-weight: 600; }
.text, blockquote, td { white-space: pre-line; }
table { width: 100%; border-collapse: collapse; margin: .5rem 0 1rem; }
th, td { padding: .4rem .5rem; text-align: left; vertical-align: top; border-bottom: 1px solid var(--line); }
th { font-size: .85rem; color: var(--muted); font-weight: 600; }
figure { margin: 1rem 0; }
figure img { display: block; max-width: 100%; height: auto; border: 1px solid var(--line); }
figcaption { margin-top: .3rem; font-size: .85rem; color: var(--muted); }
blockquote { margin: .5rem 0; padding: .4rem .9rem; background: var(--soft); border-left: 3px solid var(--accent); }
.status-done { color: #2f7d32; font-weight: 600; }
td.date { white-space: nowrap; }
.where { display: block; margin-top: .2rem; font-size: .85rem; font-style: normal; color: var(--muted); }
.source { font-size: .85rem; color: var(--muted); }
header .when { font-size: .95rem; }
footer { margin-top: 3rem; font-size: .85rem; color: var(--muted); }
@page { size: A4; margin: 16mm 15mm; }
@media print {
  body { font-size: 10.5pt; }
  main { max-width: none; padding: 0; }
  nav { display: none; }
  a { color: inherit; text-decoration: none; }
  h2, h3, h4 { break-after: avoid; page-break-after: avoid; }
  figure, tr, .role, blockquote, dl.facts { break-inside: avoid; page-break-inside: avoid; }
  figure img { border: none; }
}
"""


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _section(section_id: str, heading: str, body: str) -> str:
    return f'<section id="{section_id}">\n<h2>{_e(heading)}</h2>\n{body}\n</section>'


def _note(text: str) -> str:
    return f'<p class="note">{_e(text)}</p>'


def _html_author(entry: Contribution) -> str:
    return f'<span class="author">{_e(entry.author)}</span>: ' if entry.author else ""


def _html_groups(groups: list[RoleGroup]) -> str:
    parts = []
    for group in groups:
        items = "".join(f"<li>{_html_author(entry)}<span class=\"text\">{_e(entry.text)}</span></li>"
                        for entry in group.entries)
        parts.append(f'<div class="role" data-role="{_e(group.role)}"><p class="role-name">{_e(group.label)}</p>'
                     f"<ul>{items}</ul></div>")
    return "\n".join(parts)


def _html_questions(questions: list[QuestionAnswers]) -> str:
    return "\n".join(
        f'<div class="question" data-question="{_e(q.question_id)}"><h4>{_e(q.label)}</h4>\n{_html_groups(q.groups)}</div>'
        for q in questions if q.groups
    )


def _html_stage(stage: StageReport, lang: str, *, level: int = 3) -> str:
    note = _stage_note(stage, lang)
    body = _note(note) if note else _html_questions(stage.questions)
    return (f'<div class="stage" id="stage-{_e(stage.stage_id)}">'
            f"<h{level}>{_e(_stage_heading(stage))}</h{level}>\n{body}</div>")


def _html_outcome(report: Report) -> str:
    facts = "".join(f"<dt>{_e(k)}</dt><dd>{_e(v)}</dd>" for k, v in _facts(report))
    description = f"<p>{_e(report.outcome_description)}</p>" if report.outcome_description else ""
    return f'<p class="lead">{_e(report.outcome)}</p>{description}<dl class="facts">{facts}</dl>'


def _html_participants(report: Report) -> str:
    lang = report.lang
    if not report.participants:
        return _note(_text(lang, "no_participants"))
    intro = _note(_text(lang, "anonymous_participants")) if report.anonymous else ""
    rows = "".join(
        f"<dt>{_e(group.label)}</dt><dd>{_e(', '.join(group.names) if group.names else _count_text(group.count, lang))}</dd>"
        for group in report.participants
    )
    return f'{intro}<dl class="facts">{rows}</dl>'


def _img_src(chart: Chart) -> str:
    return "data:image/png;base64," + base64.b64encode(chart.png).decode("ascii")


def _html_data(report: Report) -> str:
    lang, data = report.lang, report.data
    if data is None:
        return _note(_text(lang, "no_data"))
    period = _period_text(data, lang)
    parts = [f"<p>{_e(period)}</p>"]
    if data.headlines:
        rows = "".join(f"<tr><td>{_e(h.label)}</td><td>{_e(h.value)}</td><td>{_e(h.change or '–')}</td></tr>"
                       for h in data.headlines)
        parts.append(f"<table><thead><tr><th>{_e(_text(lang, 'figure'))}</th><th>{_e(_text(lang, 'value'))}</th>"
                     f"<th>{_e(_text(lang, 'change'))}</th></tr></thead><tbody>{rows}</tbody></table>")
    for chart in data.charts:
        parts.append(f'<figure><img src="{_img_src(chart)}" alt="{_e(chart.alt)}">'
                     f"<figcaption>{_e(chart.caption)}</figcaption></figure>")
    if data.notable:
        items = "".join(f"<li>{_e(line)}</li>" for line in data.notable)
        parts.append(f"<h3>{_e(_text(lang, 'notable'))}</h3><ul>{items}</ul>")
    if data.stories:
        parts.append(f"<h3>{_e(_text(lang, 'stories'))}</h3>" + "".join(
            f"<blockquote>{_e(story.text)}"
            + (f'<span class="where">{_e(story.where)}</span>' if story.where else "") + "</blockquote>"
            for story in data.stories))
    if data.potential_note:
        parts.append(f'<p class="source">{_e(data.potential_note)}</p>')
    parts.append(f'<p class="source">{_e(source_caption(data.sources, lang))}</p>')
    return "\n".join(parts)


def _html_actions(actions: list[ActionItem], lang: str, empty: str) -> str:
    if not actions:
        return _note(empty)
    head = "".join(f"<th>{_e(_text(lang, key))}</th>" for key in ("action", "owner", "due", "indicator", "status"))
    rows = "".join(
        f"<tr><td>{_e(a.what)}</td><td>{_e(_owner_text(a))}</td><td class=\"date\">{_e(_fmt_date(a.due, lang))}</td>"
        f"<td>{_e(_indicator_text(a, lang))}</td><td class=\"status-{_e(a.status)}\">{_e(a.status_label)}</td></tr>"
        for a in actions
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"


def _html_paragraphs(lines: list[str], empty: str) -> str:
    return "".join(f'<p class="text">{_e(line)}</p>' for line in lines) if lines else _note(empty)


def _html_comparison(report: Report) -> str:
    lang, previous = report.lang, report.previous
    if previous is None:
        return _note(_text(lang, "no_previous"))
    when = _fmt_datetime(previous.when, report) or _text(lang, "unknown")
    parts = [f"<p>{_e(_text(lang, 'previous_date', date=when))}</p>",
             f"<h3>{_e(_text(lang, 'previous_conclusion'))}</h3>",
             _html_paragraphs(previous.conclusion, _text(lang, "no_conclusion")),
             f"<h3>{_e(_text(lang, 'previous_actions'))}</h3>"]
    if previous.actions:
        parts.append(f"<p>{_e(plural(lang, 'report.previous_done', len(previous.actions), done=format_number(previous.done, lang)))}</p>")
    parts.append(_html_actions(previous.actions, lang, _text(lang, "no_actions")))
    return "\n".join(parts)


def render_html(report: Report) -> str:
    """One self-contained, printable page: inline CSS, charts as data: URIs, every user text escaped."""
    lang = report.lang
    stages = "\n".join(_html_stage(stage, lang) for stage in report.stages) or _note(_text(lang, "no_stages"))
    sections = {
        "outcome": _html_outcome(report),
        "participants": _html_participants(report),
        "data": _html_data(report),
        "preparation": _html_questions(report.preparation) or _note(_text(lang, "no_preparation")),
        "stages": stages,
        "conclusion": _html_paragraphs(report.conclusion, _text(lang, "no_conclusion")),
        "actions": _html_actions(report.actions, lang, _text(lang, "no_actions")),
        "evaluation": (_html_questions(report.evaluation.questions) or _note(_stage_note(report.evaluation, lang) or ""))
        if report.evaluation else _note(_text(lang, "no_evaluation")),
        "comparison": _html_comparison(report),
    }
    toc = "".join(f'<li><a href="#{sid}">{_e(_text(lang, sid))}</a></li>' for sid in SECTION_IDS)
    body = "\n".join(_section(sid, _text(lang, sid), sections[sid]) for sid in SECTION_IDS)
    generated = _fmt_datetime(report.generated_at, report) or ""
    title = f"{_text(lang, 'title')}: {report.outcome}"
    moment = _fmt_datetime(report.closed_at or report.started_at or report.scheduled_at, report)
    when = f'<p class="when">{_e(moment)} · {_e(report.channel)}</p>' if moment else ""
    return (
        f'<!DOCTYPE html>\n<html lang="{_e(lang)}">\n<head>\n<meta charset="utf-8">\n'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">\n<title>{_e(title)}</title>\n'
        f"<style>{_CSS}</style>\n</head>\n<body>\n<main>\n"
        f"<header><h1>{_e(_text(lang, 'title'))}</h1><p>{_e(report.outcome)} · {_e(report.flow_title)}</p>{when}"
        "</header>\n"
        f'<nav aria-label="{_e(_text(lang, "contents"))}"><strong>{_e(_text(lang, "contents"))}</strong><ol>{toc}</ol></nav>\n'
        f"{body}\n<footer>{_e(_text(lang, 'generated', date=generated))}</footer>\n</main>\n</body>\n</html>\n"
    )


