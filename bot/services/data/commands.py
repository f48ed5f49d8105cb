"""`/gesprek data [toon NAAM | template]`: show an outcome's figures, send the import templates.

Why slow work runs after the acknowledgement: Slack wants an answer within 3 seconds, and the
first chart of a process imports matplotlib. Whatever the work sends goes through the outbox,
so it is delivered durably once committed; if the process dies first, the person asks again.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from sqlalchemy import func, select

from bot.logs import log_failure
from bot.runtime.deps import Deps
from bot.services.common.caller import Caller, asking
from bot.services.data.figures import find_outcome, outcome_names, post_data_summary
from bot.slack.outgoing import Outgoing
from storage.models import OutcomeRow

log = logging.getLogger(__name__)

_SHOW = ("toon", "show", "bekijk", "laat")
_TEMPLATE = ("template", "sjabloon", "voorbeeld")


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
    """Run slow work (matplotlib, openpyxl, Slack calls) after the slash command is acknowledged."""
    def run() -> None:
        try:
            work()
        except Exception:
            log_failure(log, f"background {name} failed")

    threading.Thread(target=run, name=f"data-{name}", daemon=True).start()


def data_subcommand(deps: Deps, team_id: str, user_id: str, channel_id: str, rest: str) -> str:
    """`/gesprek data [toon NAAM | template]`; returns the ephemeral reply."""
    word, _, argument = rest.strip().partition(" ")
    word = word.lower()
    with asking(deps, team_id, user_id) as me:
        coordinator = me.is_coordinator()
        if word in _SHOW:
            return _show(me, channel_id, argument, coordinator)
        names = outcome_names(me.s, me.workspace.id)
        workspace_id, lang = me.workspace.id, me.lang
    if word in _TEMPLATE:
        in_background("template", lambda: send_templates(deps, team_id, workspace_id, user_id, lang))
        return me.text("data.template_sent")
    if not coordinator:
        return me.text("data.usage_viewer")
    listing = me.text("data.known_outcomes", names=", ".join(names)) if names else me.text("data.no_outcomes")
    return me.text("data.usage") + "\n" + listing


def _show(me: Caller, channel_id: str, name: str, coordinator: bool) -> str:
    names = outcome_names(me.s, me.workspace.id)
    known = me.text("data.known_outcomes", names=", ".join(names)) if names else me.text("data.no_outcomes")
    if not name.strip():
        return me.text("data.show_usage") + ("\n" + known if names else "")
    outcome = find_outcome(me.s, me.workspace.id, name)
    if outcome is None:
        return me.text("data.unknown_outcome", name=name.strip()[:100]) + "\n" + known
    has_rows = me.s.scalar(select(func.count()).select_from(OutcomeRow).where(OutcomeRow.outcome_id == outcome.id))
    if not has_rows:
        return me.text("data.no_data", outcome=outcome.name)
    deps, team_id, user_id, lang = me.deps, me.workspace.team_id, me.user_id, me.lang
    workspace_id, outcome_id = me.workspace.id, outcome.id
    to_channel = coordinator and channel_id.startswith(("C", "G"))

    def work() -> None:
        target = channel_id if to_channel else dm_channel(deps, team_id, user_id)
        with deps.db.unit_of_work() as s:
            post_data_summary(s, deps, workspace_id, outcome_id, target, None, lang, report_to=user_id)
        deps.notify()

    in_background("summary", work)
    return me.text("data.show_channel" if to_channel else "data.show_dm", outcome=outcome.name)


def send_templates(deps: Deps, team_id: str, workspace_id: int, user_id: str, lang: str) -> None:
    """DM the outcome template as CSV and XLSX, and the stories template as CSV."""
    from bot.i18n import t
    from storage.importing import template_csv, template_xlsx

    channel = dm_channel(deps, team_id, user_id)
    files = [
        ("uitkomsten-sjabloon.csv", template_csv(), t(lang, "data.template_comment")),
        ("uitkomsten-sjabloon.xlsx", template_xlsx(), None),
        ("verhalen-sjabloon.csv", template_csv(stories=True), t(lang, "data.template_stories_comment")),
    ]
    with deps.db.unit_of_work() as s:
        out = Outgoing(s, workspace_id, report_to=user_id, lang=lang)
        for filename, content, comment in files:
            out.upload(channel, filename=filename, content=content, title=filename, comment=comment)
    deps.notify()
