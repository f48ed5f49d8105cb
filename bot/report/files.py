"""Writing the report's files (HTML, Markdown and chart images) into a folder."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from bot.report.build import build_report
from bot.report.html import render_html
from bot.report.markdown import render_markdown
from flows import FlowRegistry
from storage import Database

# ---- files ---------------------------------------------------------------------------------------


def write_report(db: Database, registry: FlowRegistry, session_id: int, out_dir: Path, *,
                 lang: str | None = None, timezone: str | None = None,
                 channel_name: Callable[[str, str], str] | None = None,
                 now: datetime | None = None) -> tuple[Path, Path]:
    """Write verslag-<id>.html and verslag-<id>.md (plus the chart PNGs the Markdown links to).

    `channel_name` and `now` as in build_report: the demo passes its Slack stand-in and its clock."""
    report = build_report(db, registry, session_id, lang=lang, timezone=timezone, channel_name=channel_name,
                          now=now)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    links = []
    for index, chart in enumerate(report.data.charts if report.data else [], start=1):
        name = f"verslag-{session_id}-grafiek-{index}.png"
        (out_dir / name).write_bytes(chart.png)
        links.append(name)
    html_path = out_dir / f"verslag-{session_id}.html"
    md_path = out_dir / f"verslag-{session_id}.md"
    html_path.write_text(render_html(report), encoding="utf-8")
    md_path.write_text(render_markdown(report, image_links=links), encoding="utf-8")
    return html_path, md_path


