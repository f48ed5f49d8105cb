"""The report as PDF and spreadsheet: what a council member or a manager opens without help.

The PDF is read back with poppler's `pdftotext` (what a person would copy out of it), the
workbook with openpyxl (what Excel would show in each cell).
"""

from __future__ import annotations

import io
import shutil
import subprocess
from datetime import date

import pytest
from openpyxl import load_workbook

from bot.report import build_report
from bot.report.formats import FORMATS
from bot.report.pdf import render_pdf
from bot.report.xlsx import render_xlsx
from flows import FlowRegistry
from storage.models import Answer
from tests.bot.report import NAMES, build_sessions


@pytest.fixture(scope="module")
def registry() -> FlowRegistry:
    return FlowRegistry.load()


def pdf_text(pdf: bytes, tmp_path, *pages: str) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext not found (apt-get install -y poppler-utils)")
    path = tmp_path / "verslag.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", *pages, "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True, timeout=60).stdout


def test_the_pdfs_first_page_holds_the_conclusion_and_a_page_number(db, registry, tmp_path):
    built = build_sessions(db, registry=registry, data=True)
    report = build_report(db, registry, built.session_id)
    assert report.conclusion, "the session has a conclusion to look for"
    pdf = render_pdf(report)
    first = pdf_text(pdf, tmp_path, "-f", "1", "-l", "1")
    for line in report.conclusion:
        assert " ".join(line.split()[:2]) in first
    pages = int(subprocess.run(["pdfinfo", str(tmp_path / "verslag.pdf")], capture_output=True, text=True,
                               check=True).stdout.split("Pages:")[1].split()[0])
    assert pages > 1 and f"Pagina 1 van {pages}" in first
    info = subprocess.run(["pdfinfo", str(tmp_path / "verslag.pdf")], capture_output=True, text=True).stdout
    assert "595.276 x 841.89 pts (A4)" in info
    everything = pdf_text(pdf, tmp_path)
    assert "Buurtcirkels starten in Haven-Noord" in everything and f"Pagina {pages} van {pages}" in everything


def test_markup_people_typed_is_printed_as_text_in_the_pdf(db, registry, tmp_path):
    built = build_sessions(db, registry=registry)
    report = build_report(db, registry, built.session_id)
    report.conclusion = ['<img src="http://127.0.0.1:9/x.png"> <link rel=stylesheet href="file:///etc/passwd">']
    text = pdf_text(render_pdf(report), tmp_path, "-f", "1", "-l", "1")
    assert '<img src="http://127.0.0.1:9/x.png">' in text  # shown as the text it is


def test_the_workbook_has_named_sheets_with_answers_actions_and_figures(db, registry):
    built = build_sessions(db, registry=registry, data=True)
    report = build_report(db, registry, built.session_id)
    book = load_workbook(io.BytesIO(render_xlsx(report)))
    assert book.sheetnames == ["Antwoorden", "Acties", "Cijfers"]  # no themes or votes in this session
    answers = [[c.value for c in row] for row in book["Antwoorden"].iter_rows()]
    assert answers[0] == ["Fase", "Vraag", "Rol", "Persoon", "Antwoord"]
    tokens = {token for row in answers[1:] for token in built.answers if f"Antwoord {token}" in str(row[4])}
    assert tokens == set(built.answers)  # every answer has its row
    named = {row[3] for row in answers[1:]}
    assert {"Fatima el Amrani", "Joost de Vries"} <= named
    actions = list(book["Acties"].iter_rows(values_only=True))
    assert actions[1][0] == "Buurtcirkels starten in Haven-Noord" and actions[1][3].date() == date(2026, 6, 30)
    assert actions[1][5] == 120
    figures = [row for row in book["Cijfers"].iter_rows(values_only=True)]
    assert ("Periode", "2026-Q1", "2025-Q4") in figures
    assert any("ontmoeting.csv" in str(row[1]) for row in figures)


def test_an_anonymous_workbook_has_no_person_column_and_no_names(db, registry):
    built = build_sessions(db, registry=registry, visibility="anonymous")
    book = load_workbook(io.BytesIO(render_xlsx(build_report(db, registry, built.session_id))))
    assert [c.value for c in book["Antwoorden"][1]] == ["Fase", "Vraag", "Rol", "Antwoord"]
    cells = " ".join(str(c) for sheet in book for row in sheet.iter_rows(values_only=True) for c in row)
    assert not [name for name in NAMES if name in cells]


def test_typed_formulas_stay_text_in_the_workbook(db, registry):
    built = build_sessions(db, registry=registry)
    hostile = '=HYPERLINK("https://evil.example","klik")'
    with db.unit_of_work() as s:
        answer = s.query(Answer).filter(Answer.stage_id == "prep").first()
        answer.value = hostile
    book = load_workbook(io.BytesIO(render_xlsx(build_report(db, registry, built.session_id))))
    cells = [c for row in book["Antwoorden"].iter_rows() for c in row if c.value == hostile]
    assert cells and all(c.data_type == "s" for c in cells)


def test_every_format_renders_the_same_report(db, registry):
    built = build_sessions(db, registry=registry)
    report = build_report(db, registry, built.session_id)
    outputs = {name: fmt.render(report) for name, fmt in FORMATS.items()}
    assert outputs["pdf"].startswith(b"%PDF") and outputs["xlsx"].startswith(b"PK")
    for name in ("html", "md"):
        assert "Buurtcirkels starten in Haven-Noord" in outputs[name].decode("utf-8"), name
