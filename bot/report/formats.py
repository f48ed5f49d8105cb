"""Every way the report can be written, one line each: `python -m bot export --format …` and the
report's buttons in Slack read this table.

Why a table: a format is a name, a file extension, a media type and a function from the Report
to bytes; adding one (JSON from the shared sense-making export, a round's report) is one line
here, not a branch in each caller.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bot.report.html import render_html
from bot.report.markdown import render_markdown
from bot.report.model import Report


def _pdf(report: Report) -> bytes:
    from bot.report.pdf import render_pdf  # WeasyPrint is loaded only when a PDF is asked for

    return render_pdf(report)


def _xlsx(report: Report) -> bytes:
    from bot.report.xlsx import render_xlsx

    return render_xlsx(report)


@dataclass(frozen=True)
class Format:
    extension: str
    media_type: str
    render: Callable[[Report], bytes]


FORMATS: dict[str, Format] = {
    "html": Format("html", "text/html; charset=utf-8", lambda report: render_html(report).encode("utf-8")),
    "md": Format("md", "text/markdown; charset=utf-8", lambda report: render_markdown(report).encode("utf-8")),
    "pdf": Format("pdf", "application/pdf", _pdf),
    "xlsx": Format("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", _xlsx),
}


def filename(session_id: int, fmt: str) -> str:
    return f"verslag-{session_id}.{FORMATS[fmt].extension}"
