"""The report page behind a link: which report a token opens, if any.

Why a table of page kinds: a link names a kind and an id ('session' now; the rounds work adds
'round' with its own renderer); the web layer only asks "which HTML for this token", and every
failure is the same None so the answer (404) tells nothing about what exists.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from bot.report import render_html
from bot.runtime.deps import Deps
from bot.services.reports.links import valid_link
from bot.services.reports.making import session_report
from storage.models import ConversationSession

log = logging.getLogger(__name__)


def _session_page(deps: Deps, session_id: int, workspace_id: int) -> str | None:
    with deps.db.reader() as s:
        session = s.get(ConversationSession, session_id)
        if session is None or session.workspace_id != workspace_id:
            return None
    return render_html(session_report(deps, session_id))


PAGES: dict[str, Callable[[Deps, int, int], str | None]] = {"session": _session_page}


def report_page(deps: Deps, token: str) -> str | None:
    """The HTML of a valid link's report; None for any token that does not open one."""
    with deps.db.reader() as s:
        link = valid_link(s, deps.settings, token, deps.now())
        if link is None:
            return None
        kind, target_id, workspace_id = link.kind, link.target_id, link.workspace_id
    render = PAGES.get(kind)
    return render(deps, target_id, workspace_id) if render is not None else None
