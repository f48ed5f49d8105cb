"""The report as a spreadsheet: answers, actions and figures on sheets of their own.

Why a spreadsheet beside the PDF: managers and council staff sort, filter and count (how many
answers per role, which actions are still open); one row per answer, per action and per figure
makes that possible without retyping. Dates are real dates and targets real numbers.

Privacy is the model's (bot/report/build.py): in an anonymous session there is no person
column at all, not an empty one. Text that people typed is always written as text: a cell that
starts with "=" is never turned into a formula (openpyxl would otherwise do exactly that).
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from datetime import date

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from bot.i18n import t
from bot.report.formatting import _stage_heading
from bot.report.model import QuestionAnswers, Report
from bot.report.texts import _text

SHEETS = ("answers", "actions", "figures", "themes", "votes")
_WIDTH_MAX = 80
_TITLE_MAX = 31  # Excel's limit for a sheet name


def sheet_name(lang: str, key: str) -> str:
    return t(lang, f"reports.sheet_{key}")[:_TITLE_MAX]


def _write(ws: Worksheet, rows: Iterable[Sequence[object]], header: Sequence[str], lang: str) -> None:
    """A header row (bold, frozen, filterable), then the rows; strings stay strings."""
    ws.append(list(header))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    widths = [len(h) for h in header]
    for row in rows:
        ws.append(list(row))
        for index, cell in enumerate(ws[ws.max_row]):
            if isinstance(cell.value, str):
                cell.data_type = "s"  # "=SUM(…)" typed by a person is text, never a formula
                cell.alignment = Alignment(wrap_text=True, vertical="top")
            elif isinstance(cell.value, date):
                cell.number_format = "yyyy-mm-dd" if lang == "en" else "dd-mm-yyyy"
            widths[index] = max(widths[index], min(_WIDTH_MAX, max((len(x) for x in str(cell.value or "").split("\n")),
                                                                   default=0)))
    for index, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(index)].width = min(_WIDTH_MAX, width + 2)
    ws.freeze_panes = "A2"
    if ws.max_row > 1:
        ws.auto_filter.ref = ws.dimensions


def _answer_rows(stage: str, questions: list[QuestionAnswers], anonymous: bool) -> list[list[object]]:
    rows = []
    for question in questions:
        for group in question.groups:
            for entry in group.entries:
                person = [] if anonymous else [entry.author or ""]
                rows.append([stage, question.label, group.label, *person, entry.text])
    return rows


def _answers(report: Report) -> list[list[object]]:
    lang = report.lang
    rows = _answer_rows(_text(lang, "preparation"), report.preparation, report.anonymous)
    for stage in report.stages:
        rows += _answer_rows(_stage_heading(stage), stage.questions, report.anonymous)
    if report.evaluation is not None:
        rows += _answer_rows(_text(lang, "evaluation"), report.evaluation.questions, report.anonymous)
    return rows


def _actions(report: Report) -> list[list[object]]:
    return [[a.what, a.party_label, a.owner or "", a.due, a.indicator or "", a.target, a.status_label]
            for a in report.actions]


def _figures(report: Report) -> list[list[object]]:
    data, lang = report.data, report.lang
    if data is None:
        return [[_text(lang, "no_data"), "", ""]]
    rows: list[list[object]] = [[_text(lang, "period_label"), data.period, data.previous_period or ""]]
    rows += [[h.label, h.value, h.change or ""] for h in data.headlines]
    rows += [[_text(lang, "notable"), line, ""] for line in data.notable]
    rows += [[_text(lang, "stories"), story.text, story.where] for story in data.stories]
    if data.potential_note:
        rows.append([_text(lang, "source"), data.potential_note, ""])
    rows += [[_text(lang, "source"), source, ""] for source in data.sources]
    return rows


def render_xlsx(report: Report) -> bytes:
    """The workbook as bytes: Antwoorden, Acties, Cijfers (and Thema's, Stemmen where present)."""
    lang = report.lang
    book = Workbook()
    book.properties.language = lang
    book.properties.title = f"{_text(lang, 'title')}: {report.outcome}"
    answers = book.active
    answers.title = sheet_name(lang, "answers")
    person = [] if report.anonymous else [_text(lang, "person")]
    _write(answers, _answers(report), [_text(lang, "stage"), _text(lang, "question"), _text(lang, "role"), *person,
                                       _text(lang, "answer")], lang)
    _write(book.create_sheet(sheet_name(lang, "actions")), _actions(report),
           [_text(lang, k) for k in ("action", "party", "owner", "due", "indicator_name", "target", "status")], lang)
    _write(book.create_sheet(sheet_name(lang, "figures")), _figures(report),
           [_text(lang, "figure"), _text(lang, "value"), _text(lang, "change")], lang)
    if report.themes:
        _write(book.create_sheet(sheet_name(lang, "themes")),
               [[th.stage, th.label, th.count] for th in report.themes],
               [_text(lang, "stage"), _text(lang, "theme"), _text(lang, "count")], lang)
    if report.votes:
        _write(book.create_sheet(sheet_name(lang, "votes")),
               [[v.stage, v.option, v.votes] for v in report.votes],
               [_text(lang, "stage"), _text(lang, "option"), _text(lang, "votes")], lang)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
