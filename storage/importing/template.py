"""The documented template for outcome data and for stories, as CSV and XLSX.

Why a template at all: most problems on import are headers nobody recognises. With the
template an office starts from headers the bot knows (Dutch, as people type them) and two
example rows that show the period format, a group and a decimal comma. The CSV is written
the way Dutch Excel writes it (semicolons, decimal comma, UTF-8 with BOM) so that double-
clicking it opens cleanly in Excel, and the importer reads it back unchanged.
"""

from __future__ import annotations

import io
from pathlib import Path

TEMPLATE_HEADERS: list[str] = [
    "periode", "activiteit", "wijk", "bereik", "potentieel bereik", "doelen gesteld", "doelen behaald",
    "respondenten", "tevredenheid", "tevreden",
]
TEMPLATE_ROWS: list[list[object]] = [
    ["2026-Q1", "Huiskamer voor ouderen", "Centrum", 42, 310, 30, 21, 25, 7.8, 22],
    ["2026-Q1", "Huiskamer voor ouderen", "Noord", 18, 145, 12, 7, 10, 7.1, 8],
]
STORY_HEADERS: list[str] = ["periode", "activiteit", "wijk", "verhaal"]
STORY_ROWS: list[list[object]] = [
    ["2026-Q1", "Huiskamer voor ouderen", "Centrum",
     "Een bezoeker vertelde dat ze sinds de huiskamer weer vaker de deur uit gaat."],
    ["2026-Q1", "Huiskamer voor ouderen", "Noord",
     "De vrijwilligers merken dat nieuwe bezoekers vooral via de huisarts komen."],
]


def _csv_cell(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.1f}".replace(".", ",")
    text = str(value)
    if any(ch in text for ch in ';"\n'):
        return '"' + text.replace('"', '""') + '"'
    return text


def template_csv(stories: bool = False) -> bytes:
    """The template as a Dutch-Excel CSV: ';' separated, decimal comma, UTF-8 with BOM."""
    headers, rows = (STORY_HEADERS, STORY_ROWS) if stories else (TEMPLATE_HEADERS, TEMPLATE_ROWS)
    lines = [";".join(headers)] + [";".join(_csv_cell(v) for v in row) for row in rows]
    return ("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8")


def template_xlsx(stories: bool = False) -> bytes:
    """The template as an XLSX workbook with one sheet, bold headers and sensible widths."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    headers, rows = (STORY_HEADERS, STORY_ROWS) if stories else (TEMPLATE_HEADERS, TEMPLATE_ROWS)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "verhalen" if stories else "uitkomsten"
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for index, header in enumerate(headers, start=1):
        width = max(len(header), *(len(str(r[index - 1])) for r in rows)) + 2
        sheet.column_dimensions[sheet.cell(row=1, column=index).column_letter].width = min(width, 60)
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def write_templates(folder: str | Path) -> list[Path]:
    """Write uitkomsten-sjabloon.csv/.xlsx and verhalen-sjabloon.csv/.xlsx into `folder`."""
    target = Path(folder)
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for stories, stem in ((False, "uitkomsten-sjabloon"), (True, "verhalen-sjabloon")):
        for suffix, payload in ((".csv", template_csv(stories)), (".xlsx", template_xlsx(stories))):
            path = target / f"{stem}{suffix}"
            path.write_bytes(payload)
            written.append(path)
    return written
