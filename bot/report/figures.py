"""The figures part of the report: the same summary, sources and chart as Slack shows in the thread.

Why optional: outcome figures may not have been imported yet (or the summary code, which needs
pandas, may not be installed in a slimmed-down deployment); the report then says so instead of
failing, because the conversation itself is worth reporting without figures.
"""

from __future__ import annotations

import importlib
import logging
import re
from collections.abc import Sequence

from sqlalchemy import select

from bot.i18n import t
from bot.report.model import Chart, DataSummary, Headline, StoryItem
from bot.report.texts import _text
from bot.texts.figures import figure_text
from storage import Database
from storage.models import Outcome, OutcomeRow, Workspace

log = logging.getLogger(__name__)


# ---- data summary (optional) ---------------------------------------------------------------------


def data_summary(db: Database, outcome_id: int, lang: str) -> DataSummary | None:
    """Headline figures, sources and charts, computed exactly as Slack shows them in the thread.

    Why Slack's own summary (bot.services.data.figures): the council must read the same figures
    with the same sources as the people in the conversation: the imported file and its import
    date, and the CBS table behind the potential reach ("7% van 6.265 mogelijke deelnemers").
    Any failure here is logged and ends in "no data summary": the conversation is still reported.
    Without any imported rows there is nothing to summarise, so the (heavy) summary code is not loaded.
    """
    with db.reader() as s:
        if s.scalar(select(OutcomeRow.id).where(OutcomeRow.outcome_id == outcome_id).limit(1)) is None:
            return None
    try:
        import storage.summaries  # noqa: F401  (pandas: a slimmed-down deployment may go without)
        from bot.services.data.figures import summary_in_session
    except ImportError:
        log.info("the summary code is not available; the report has no data summary")
        return None
    try:
        with db.reader() as s:
            outcome = s.get(Outcome, outcome_id)
            workspace = s.get(Workspace, outcome.workspace_id) if outcome is not None else None
            summary = summary_in_session(s, workspace, outcome_id, lang)
        if summary is None:
            return None
        return _from_summary(summary, lang)
    except Exception:
        log.warning("the data summary for outcome %s failed; the report goes without", outcome_id, exc_info=True)
        return None


def _potential_note(summary, lang: str) -> str | None:
    """Where the potential reach comes from, as the Slack summary says it."""
    if not summary.figures.potential_reach.shown:
        return None
    if summary.potential_from == "context" and summary.potential_label:
        return t(lang, "data.potential_context", label=summary.potential_label)
    return t(lang, "data.potential_data")


def _headlines(summary, lang: str) -> list[Headline]:
    """Reach (against potential reach when known), goals attained, satisfaction: only what exists."""
    f, change = summary.figures, summary.change or {}

    def present(fig) -> bool:
        return fig.shown or fig.suppressed

    def delta(name: str) -> str | None:
        fig = change.get(name)
        return figure_text(fig, lang) if fig is not None and present(fig) else None

    lines = []
    if present(f.reach):
        value = figure_text(f.reach, lang)
        if f.reach_share.shown:
            value = _text(lang, "reach_of", reach=value, share=figure_text(f.reach_share, lang),
                          potential=figure_text(f.potential_reach, lang))
        lines.append(Headline(_text(lang, "reach"), value, delta("reach")))
    for key, fig, name in (("goals", f.attainment_rate, "attainment_rate"),
                           ("satisfied", f.share_satisfied, "share_satisfied"),
                           ("mean", f.satisfaction_mean, "satisfaction_mean")):
        if present(fig):
            lines.append(Headline(_text(lang, key), figure_text(fig, lang), delta(name)))
    return lines


def _from_summary(summary, lang: str) -> DataSummary:
    headlines = _headlines(summary, lang)
    notable = [
        _text(lang, "notable_line", group=g.value, kind=g.kind, goals=figure_text(g.figures.attainment_rate, lang),
              satisfied=figure_text(g.figures.share_satisfied, lang))
        for g in summary.notable_groups
    ]
    stories = [StoryItem(story.text, ", ".join(x for x in (story.group_value, story.activity) if x))
               for story in summary.stories]
    sources = list(summary.sources)
    return DataSummary(summary.period, summary.previous_period, headlines, notable, stories, sources,
                       _charts(summary, lang, sources), _potential_note(summary, lang))


def _charts(summary, lang: str, sources: list[str]) -> list[Chart]:
    try:
        chart_module = importlib.import_module("bot.report.charts")
        summary_chart, chart_alt_text = chart_module.summary_chart, chart_module.chart_alt_text
    except (ImportError, AttributeError):
        log.info("bot.report.charts is not available; the report shows figures without a chart")
        return []
    try:
        png = summary_chart(summary, lang)
    except Exception:
        log.warning("drawing the chart failed; the report shows figures without it", exc_info=True)
        return []
    return [Chart(png, chart_alt_text(summary, lang), source_caption(sources, lang))]


def source_caption(sources: Sequence[str], lang: str) -> str:
    """'Bron: a; b' (or 'Source: ...'), without doubling a 'Bron:' the source already starts with."""
    cleaned = [re.sub(r"^(bron|source)\s*:\s*", "", src.strip(), flags=re.IGNORECASE) for src in sources if src.strip()]
    return f"{_text(lang, 'source')}: {'; '.join(cleaned) or _text(lang, 'unknown')}"


