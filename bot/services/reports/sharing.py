"""The report in the session's thread: the "Verslag maken" button posts the page's link with a
preview and offers the PDF and the spreadsheet; those are made while a "bezig met…" message
stands in the thread, which then says where the file is.

Who may ask: the session's participants and coordinators, once it is closed (as before, when
the report was an HTML file in the thread). The link itself is the key to the page: it is
posted only in the session's own thread, signed, and it expires (bot/services/reports/links.py).
"""

from __future__ import annotations

import logging
from datetime import timedelta

from bot.i18n import t
from bot.logs import log_failure
from bot.report.formatting import _fmt_date
from bot.runtime.deps import Deps
from bot.services.common.caller import asking
from bot.services.reports import links
from bot.services.reports.making import preview_of, report_file
from bot.slack.blocks.report_link import report_message_blocks
from bot.slack.outgoing import Outgoing
from storage.models import ConversationSession, Outcome

log = logging.getLogger(__name__)
FILE_FORMATS = {"pdf": ("reports.working_pdf", "reports.done_pdf", "reports.pdf_title"),
                "xlsx": ("reports.working_xlsx", "reports.done_xlsx", "reports.xlsx_title")}


def share_report(deps: Deps, team_id: str, user_id: str, session_id: int | None) -> str:
    """Post the report's link (when BOT_PUBLIC_URL is set), its preview and the file buttons."""
    with asking(deps, team_id, user_id) as me:
        loaded = me.session(session_id, as_participant=True)
        if loaded.state.status != "closed":
            raise me.refusal("errors.session_closed")
        session, lang, now = loaded.session, loaded.lang, deps.now()
        url = expires = None
        if deps.settings.public_url:
            try:
                token = links.issue(me.s, deps.settings, links.Target("session", session.id, me.workspace.id), now,
                                    issued_by=user_id)
                url = links.url_for(deps.settings, token)
                expires = _fmt_date((now + timedelta(days=deps.settings.report_link_days)).date(), lang)
            except links.NoLinkSecret:
                log.warning("report links need BOT_LINK_SECRET or SLACK_SIGNING_SECRET; posting without a link")
        preview = preview_of(me.s, deps.flows, session, team_id, lang, anonymous=loaded.anonymous)
        blocks = report_message_blocks(lang, session.id, preview, url, expires)
        Outgoing(me.s, me.workspace.id, report_to=user_id, lang=me.lang).to_thread(
            session, blocks[0]["text"]["text"], blocks)
        return me.text("reports.posted")


def share_file(deps: Deps, team_id: str, user_id: str, session_id: int | None, fmt: str) -> None:
    """The PDF or spreadsheet in the thread: "bezig met…" at once, the file and "staat hieronder"
    when it is made, or an honest failure in the same message."""
    working, done, title = FILE_FORMATS[fmt]
    with asking(deps, team_id, user_id) as me:
        loaded = me.session(session_id, as_participant=True)
        if loaded.state.status != "closed":
            raise me.refusal("errors.session_closed")
        session, lang, workspace_id = loaded.session, loaded.lang, me.workspace.id
        channel, thread = session.channel_id, Outgoing.thread_of(session)
        progress = Outgoing(me.s, workspace_id, report_to=user_id, lang=me.lang).progress(
            channel, me.text(working), thread=thread)
        found_id = session.id
    try:  # committed and sent: people see "bezig met…" while the file is made
        name, content = report_file(deps, found_id, fmt, lang=lang)
        outcome = _outcome_name(deps, found_id)
    except Exception:
        log_failure(log, f"the {fmt} report of session {found_id} failed")
        with deps.db.unit_of_work() as s:
            Outgoing(s, workspace_id).finish(progress, t(lang, "reports.failed"))
        deps.notify()
        return
    with deps.db.unit_of_work() as s:
        out = Outgoing(s, workspace_id, report_to=user_id, lang=lang)
        out.upload(channel, filename=name, content=content, title=t(lang, title, outcome=outcome), thread=thread)
        out.finish(progress, t(lang, done))
    deps.notify()


def _outcome_name(deps: Deps, session_id: int) -> str:
    with deps.db.reader() as s:
        session = s.get(ConversationSession, session_id)
        outcome = s.get(Outcome, session.outcome_id) if session is not None else None
        return outcome.name if outcome is not None else ""
