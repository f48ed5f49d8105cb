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

import base64
import logging
import re
import threading
from collections.abc import Callable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.i18n import t
from bot.logs import log_failure
from bot.runtime.deps import Deps
from bot.services.people import ensure_person, ensure_workspace, is_coordinator, language_of
from storage.models import DataSet, Outcome, OutcomeRow, Workspace
from storage.outbox import enqueue
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
    return t(lang, "data.source_file", file=name or "?", date=when.strftime("%d-%m-%Y") if when else "?"), scale


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
    """Enqueue the Block Kit summary and the chart (files.upload_v2) for an outcome's latest period.

    `thread_ts` may be a real ts or a placeholder such as `storage.outbox.session_thread(id)`.
    Returns False and enqueues nothing when the outcome has no figures. The caller commits and
    calls `deps.notify()` (the rows are part of its transaction). `deps` is not needed today; it
    is accepted so callers need not change when settings start to matter here.
    """
    from bot.report.charts import summary_chart
    from bot.slack.blocks.data_summary import data_summary_blocks, data_summary_text

    workspace = s.get(Workspace, workspace_id)
    summary = summary_in_session(s, workspace, outcome_id, lang)
    if summary is None:
        return False
    meta = {"_report_to": report_to, "_lang": lang} if report_to else {}
    thread = {"thread_ts": thread_ts} if thread_ts else {}
    enqueue(s, method="chat.postMessage", channel_key=channel, workspace_id=workspace_id,
            dedupe_key=f"{dedupe_key}:figures" if dedupe_key else None,
            payload={"channel": channel, **thread, "text": data_summary_text(summary, lang),
                     "blocks": data_summary_blocks(summary, lang), "unfurl_links": False, **meta})
    png = summary_chart(summary, lang)
    name = f"{_slug(summary.outcome or '')}-{_slug(summary.period)}.png"
    enqueue(s, method="files.upload_v2", channel_key=channel, workspace_id=workspace_id,
            dedupe_key=f"{dedupe_key}:chart" if dedupe_key else None,
            payload={"channel": channel, **thread, "filename": name,
                     "title": t(lang, "data.chart_title", outcome=summary.outcome or "", period=summary.period),
                     "content_b64": base64.b64encode(png).decode("ascii"),
                     "initial_comment": t(lang, "data.chart_comment"), **meta})
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


def dm_channel(deps: Deps, team_id: str, user_id: str) -> str:
    """The id of the bot's DM with a user (uploads need a conversation id, not a user id).

    Falls back to the user id (chat.postMessage accepts it) when Slack cannot be asked now.
    """
    try:
        response = deps.tokens.client(team_id or None).conversations_open(users=user_id)
        return (response.get("channel") or {}).get("id") or user_id
    except Exception as exc:  # Slack unreachable or refusing: the outbox will report a failure later
        log.info("conversations.open failed: %s", type(exc).__name__)
        return user_id


def in_background(name: str, work: Callable[[], None]) -> None:
    """Run slow work (matplotlib, openpyxl, Slack calls) after the slash command is acknowledged.

    Why: Slack wants an answer within 3 seconds and the first chart of a process imports
    matplotlib. Whatever the work writes goes through the outbox, so it is delivered durably
    once committed; if the process dies before that, the person simply asks again.
    """
    def run() -> None:
        try:
            work()
        except Exception:
            log_failure(log, f"background {name} failed")

    threading.Thread(target=run, name=f"data-{name}", daemon=True).start()


# ---- /gesprek data ----------------------------------------------------------------------------------

_SHOW = ("toon", "show", "bekijk", "laat")
_TEMPLATE = ("template", "sjabloon", "voorbeeld")
_IMPORT = ("import", "importeer", "upload", "uploaden")


def data_subcommand(deps: Deps, command: dict, rest: str, lang: str) -> str:
    """`/gesprek data [toon NAAM | template]`; returns the ephemeral reply."""
    team_id = command.get("team_id", "")
    user_id = command.get("user_id", "")
    word, _, argument = rest.strip().partition(" ")
    word = word.lower()
    with deps.db.unit_of_work() as s:
        workspace = ensure_workspace(s, team_id, language=deps.settings.language)
        person = ensure_person(s, deps, workspace, user_id)
        lang = language_of(person, deps)
        coordinator = is_coordinator(s, workspace, person)
        workspace_id = workspace.id
        if word in _SHOW:
            return _show(deps, s, workspace_id, team_id, user_id, command.get("channel_id", ""), argument,
                         coordinator, lang)
        names = outcome_names(s, workspace_id)
    if word in _TEMPLATE:
        in_background("template", lambda: send_templates(deps, team_id, workspace_id, user_id, lang))
        return t(lang, "data.template_sent")
    if not coordinator:
        return t(lang, "data.usage_viewer")
    listing = t(lang, "data.known_outcomes", names=", ".join(names)) if names else t(lang, "data.no_outcomes")
    return t(lang, "data.usage") + "\n" + listing


def _show(deps: Deps, s: Session, workspace_id: int, team_id: str, user_id: str, channel_id: str,
          name: str, coordinator: bool, lang: str) -> str:
    names = outcome_names(s, workspace_id)
    if not name.strip():
        return t(lang, "data.show_usage") + (
            "\n" + t(lang, "data.known_outcomes", names=", ".join(names)) if names else "")
    outcome = find_outcome(s, workspace_id, name)
    if outcome is None:
        known = t(lang, "data.known_outcomes", names=", ".join(names)) if names else t(lang, "data.no_outcomes")
        return t(lang, "data.unknown_outcome", name=name.strip()[:100]) + "\n" + known
    has_rows = s.scalar(select(func.count()).select_from(OutcomeRow).where(OutcomeRow.outcome_id == outcome.id))
    if not has_rows:
        return t(lang, "data.no_data", outcome=outcome.name)
    outcome_id, outcome_name = outcome.id, outcome.name
    to_channel = coordinator and channel_id.startswith(("C", "G"))

    def work() -> None:
        target = channel_id if to_channel else dm_channel(deps, team_id, user_id)
        with deps.db.unit_of_work() as session:
            post_data_summary(session, deps, workspace_id, outcome_id, target, None, lang, report_to=user_id)
        deps.notify()

    in_background("summary", work)
    return t(lang, "data.show_channel" if to_channel else "data.show_dm", outcome=outcome_name)


def send_templates(deps: Deps, team_id: str, workspace_id: int, user_id: str, lang: str) -> None:
    """DM the outcome template as CSV and XLSX, and the stories template as CSV."""
    from storage.importing import template_csv, template_xlsx

    channel = dm_channel(deps, team_id, user_id)
    files = [
        ("uitkomsten-sjabloon.csv", template_csv(), t(lang, "data.template_comment")),
        ("uitkomsten-sjabloon.xlsx", template_xlsx(), None),
        ("verhalen-sjabloon.csv", template_csv(stories=True), t(lang, "data.template_stories_comment")),
    ]
    with deps.db.unit_of_work() as s:
        for filename, content, comment in files:
            payload = {"channel": channel, "filename": filename, "title": filename,
                       "content_b64": base64.b64encode(content).decode("ascii"),
                       "_report_to": user_id, "_lang": lang}
            if comment:
                payload["initial_comment"] = comment
            enqueue(s, method="files.upload_v2", payload=payload, channel_key=channel, workspace_id=workspace_id)
    deps.notify()
