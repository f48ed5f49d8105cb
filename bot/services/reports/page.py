"""The report page behind a link: which report a token opens, if any.

Why a table of page kinds: a link names a kind and an id ('session', or 'round' with the round
report's own renderer); the web layer only asks "which HTML for this token", and every
failure is the same None so the answer (404) tells nothing about what exists.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from bot.report import render_html
from bot.runtime.deps import Deps
from bot.services.reports.links import valid_link
from bot.services.reports.making import session_report
from storage.models import ConversationSession, Round

log = logging.getLogger(__name__)


def _session_page(deps: Deps, session_id: int, workspace_id: int) -> str | None:
    with deps.db.reader() as s:
        session = s.get(ConversationSession, session_id)
        if session is None or session.workspace_id != workspace_id:
            return None
    return render_html(session_report(deps, session_id))


def _round_page(deps: Deps, round_id: int, workspace_id: int) -> str | None:
    from bot.report.rounds import round_report_html

    with deps.db.reader() as s:
        found = s.get(Round, round_id)
        if found is None or found.workspace_id != workspace_id:
            return None
        return round_report_html(s, deps.flows, found, timezone=deps.settings.timezone)


PAGES: dict[str, Callable[[Deps, int, int], str | None]] = {"session": _session_page, "round": _round_page}


def report_page(deps: Deps, token: str) -> str | None:
    """The HTML of a valid link's report; None for any token that does not open one."""
    with deps.db.reader() as s:
        link = valid_link(s, deps.settings, token, deps.now())
        if link is None:
            return None
        kind, target_id, workspace_id = link.kind, link.target_id, link.workspace_id
    render = PAGES.get(kind)
    return render(deps, target_id, workspace_id) if render is not None else None
