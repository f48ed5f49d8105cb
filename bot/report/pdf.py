"""The report as a PDF: the same HTML page, laid out on A4 by WeasyPrint.

Why WeasyPrint and the same HTML: one page to keep right instead of two layouts that drift
apart; WeasyPrint is pure Python on top of Pango (no browser to install on the server) and
understands the CSS paged media rules that give page numbers in the margin.

Why the conclusion lands on page 1: the page puts it first (bot/report/texts.py SECTION_IDS);
the print rules here keep the table of contents off paper so nothing pushes it down.

Why a URL fetcher that only allows `data:` URIs (WeasyPrint's `allowed_protocols`): the page embeds its charts; nothing in a
report may make the server fetch an address, whatever text people typed.
"""

from __future__ import annotations

import re

from bot.i18n import t
from bot.report.html import render_html
from bot.report.model import Report

_PLACEHOLDER = re.compile(r"\{(page|pages)\}")


def _css_counter(text: str) -> str:
    """'Pagina {page} van {pages}' → '"Pagina " counter(page) " van " counter(pages)'."""
    parts, last = [], 0
    for match in _PLACEHOLDER.finditer(text):
        if match.start() > last:
            parts.append('"' + text[last:match.start()].replace('"', "'") + '"')
        parts.append(f"counter({match.group(1)})")
        last = match.end()
    if last < len(text):
        parts.append('"' + text[last:].replace('"', "'") + '"')
    return " ".join(parts)


def _print_css(report: Report) -> str:
    footer = _css_counter(t(report.lang, "reports.page_counter"))
    title = t(report.lang, "reports.title", outcome=report.outcome).replace('"', "'").replace("\\", "")
    return f"""
@page {{ size: A4; margin: 18mm 16mm 20mm;
        @bottom-right {{ content: {footer}; font-size: 8.5pt; color: #5b6770; }}
        @bottom-left {{ content: "{title}"; font-size: 8.5pt; color: #5b6770; }} }}
body {{ font-size: 10.5pt; }}
main {{ max-width: none; padding: 0; }}
nav {{ display: none; }}
"""


def render_pdf(report: Report) -> bytes:
    """The report as PDF bytes (A4, page numbers, conclusion on page 1)."""
    from weasyprint import CSS, HTML
    from weasyprint.urls import URLFetcher

    fetcher = URLFetcher(allowed_protocols=["data"])
    document = HTML(string=render_html(report), url_fetcher=fetcher)
    return document.write_pdf(stylesheets=[CSS(string=_print_css(report))])
