"""Outcome figures in Slack: the summary with its chart, and the `/gesprek data` subcommand.

Why the summary is computed inside the caller's transaction: a stage that shows data opens
in one unit of work (state change + stage message + figures); computing with the same session
keeps them consistent and lets the figures be rolled back with the stage if anything fails.
Both the message and the chart go through the outbox, so a Slack outage delays them but never
loses them, and the chart lands in the same thread after the message (outbox order per channel).

Potential reach from public data: only when the data themselves have none *and* the workspace
settings say which gemeente and which ages the activity is for (`gemeente`, `min_age`, optional
`max_age`); guessing a target group would put a made-up denominator in front of the group.
"""

from __future__ import annotations

import logging
import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.i18n import t
from bot.runtime.deps import Deps
from bot.slack.outgoing import Outgoing
from bot.texts.formatting import format_date, format_period
from storage.models import ConversationSession, DataSet, Outcome, Workspace
from storage.summaries import PeriodSummary, SummaryOptions, load_outcome_rows, load_stories, summarise

log = logging.getLogger(__name__)

DEFAULT_THRESHOLD = 5


# ---- the summary ---------------------------------------------------------------------------------


def summary_options(workspace: Workspace | None) -> SummaryOptions:
    """Suppression threshold from the workspace settings (`suppress_below`), never below the default.

    Why never below: a workspace may choose to hide more, not less; 5 is the agreed minimum.
    """
    value = (workspace.settings or {}).get("suppress_below") if workspace is not None else None
    try:
        threshold = max(DEFAULT_THRESHOLD, int(value)) if value is not None else DEFAULT_THRESHOLD
    except (TypeError, ValueError):
        threshold = DEFAULT_THRESHOLD
    return SummaryOptions(threshold=threshold)


def context_potential(workspace: Workspace | None):
    """CBS residents of the configured gemeente and ages, or None when the settings do not say."""
    settings = (workspace.settings or {}) if workspace is not None else {}
    gemeente = settings.get("gemeente")
    min_age = settings.get("min_age")
    if not gemeente or min_age is None:
        return None
    from storage.context import potential_reach

    try:
        max_age = settings.get("max_age")
        return potential_reach(str(gemeente), int(min_age), int(max_age) if max_age is not None else None)
    except (KeyError, ValueError, TypeError) as exc:
        log.info("no context potential reach for the workspace settings: %s", exc)
        return None


def _data_source(s: Session, outcome_id: int, lang: str) -> tuple[str, int | None]:
    """'Bron: ...' naming the newest imported file, and its satisfaction scale."""
    metas = s.execute(select(DataSet.filename, DataSet.imported_at, DataSet.meta)
                      .where(DataSet.outcome_id == outcome_id).order_by(DataSet.id.desc())).all()
    outcome_sets = [(name, when, meta) for name, when, meta in metas if (meta or {}).get("kind") == "outcome"]
    scale = next((m.get("satisfaction_scale") for _, _, m in outcome_sets if m.get("satisfaction_scale")), None)
    if not outcome_sets:
        return t(lang, "data.source_org"), scale
    name, when, _ = outcome_sets[0]
    return t(lang, "data.source_file", file=name or "?", date=format_date(when, lang) if when else "?"), scale


def summary_in_session(s: Session, workspace: Workspace | None, outcome_id: int,
                       lang: str = "nl") -> PeriodSummary | None:
    """The latest period's summary of an outcome, read with the caller's session; None without data."""
    rows = load_outcome_rows(s, outcome_id)
    if rows.empty:
        return None
    outcome = s.get(Outcome, outcome_id)
    source, scale = _data_source(s, outcome_id, lang)
    context = context_potential(workspace)
    summary = summarise(rows, outcome=outcome.name if outcome else None, stories=load_stories(s, outcome_id),
                        context_potential=context, options=summary_options(workspace),
                        satisfaction_scale=scale, data_source=source)
    if summary is not None and summary.potential_from == "context" and context is not None and lang == "en":
        summary.potential_label = context.label_en
    return summary


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", (text or "").casefold()).strip("-")[:40] or "cijfers"


def post_data_summary(s: Session, deps: Deps | None, workspace_id: int, outcome_id: int, channel: str,
                      thread_ts: object = None, lang: str = "nl", *, dedupe_key: str | None = None,
                      report_to: str | None = None) -> bool:
    """Queue the Block Kit summary and the chart (an upload) for an outcome's latest period.

    `thread_ts` may be a real ts or a placeholder (`Outgoing.thread_of(session)`). Returns False
    and queues nothing when the outcome has no figures. The caller commits (the rows are part of
    its transaction). `deps` is accepted so callers need not change when settings matter here.
    """
    from bot.report.charts import chart_alt_text, summary_chart
    from bot.slack.blocks.data_summary import data_summary_blocks, data_summary_text

    workspace = s.get(Workspace, workspace_id)
    summary = summary_in_session(s, workspace, outcome_id, lang)
    if summary is None:
        return False
    out = Outgoing(s, workspace_id, report_to=report_to, lang=lang if report_to else None)
    out.message(channel, data_summary_text(summary, lang), data_summary_blocks(summary, lang),
                thread=thread_ts or None, dedupe=f"{dedupe_key}:figures" if dedupe_key else None, unfurl=False)
    png = summary_chart(summary, lang)
    name = f"{_slug(summary.outcome or '')}-{_slug(summary.period)}.png"
    out.upload(channel, filename=name, content=png,
               title=t(lang, "data.chart_title", outcome=summary.outcome or "",
                       period=format_period(summary.period, lang)),
               comment=t(lang, "data.chart_comment"), thread=thread_ts or None,
               alt_text=chart_alt_text(summary, lang),  # what the chart shows, for screen readers
               dedupe=f"{dedupe_key}:chart" if dedupe_key else None)
    return True


def post_context_figures(s: Session, session: ConversationSession, workspace: Workspace) -> bool:
    """Public figures on the session's theme for the workspace's gemeente (flows without data)."""
    from bot.slack.blocks.context_figures import context_blocks, indicator_for
    from storage.context import health_indicator

    gemeente = (workspace.settings or {}).get("gemeente")
    found = indicator_for(session.theme)
    if not gemeente or found is None:
        return False
    indicator, age, nl, en = found
    try:
        rows = health_indicator(str(gemeente), indicator, age, level="Wijk")
    except (KeyError, ValueError):
        return False
    blocks = context_blocks(rows, str(gemeente), (nl, en), age, session.language)
    if not blocks:
        return False
    out = Outgoing(s, workspace.id, report_to=session.created_by, lang=session.language)
    out.to_thread(session, blocks[0]["text"]["text"], blocks, dedupe=f"context:{session.id}")
    return True


# ---- helpers shared with uploads -------------------------------------------------------------------


def find_outcome(s: Session, workspace_id: int, name: str) -> Outcome | None:
    """An outcome by name, ignoring case and surrounding spaces (people type it from memory)."""
    name = " ".join((name or "").split())
    if not name:
        return None
    exact = s.scalar(select(Outcome).where(Outcome.workspace_id == workspace_id, Outcome.name == name))
    if exact is not None:
        return exact
    return next((o for o in s.scalars(select(Outcome).where(Outcome.workspace_id == workspace_id))
                 if o.name.casefold() == name.casefold()), None)


def outcome_names(s: Session, workspace_id: int, limit: int = 15) -> list[str]:
    return list(s.scalars(select(Outcome.name).where(Outcome.workspace_id == workspace_id)
                          .order_by(Outcome.name).limit(limit)))
