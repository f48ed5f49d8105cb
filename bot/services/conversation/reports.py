"""The report of a closed session, shared in Slack as a file in the session's thread.

Why a file and not a message: the report is for the organisation and the council (raad); an
HTML file can be printed and forwarded without Slack, and it can be long.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from bot.i18n import t
from bot.report import write_report
from bot.runtime.deps import Deps
from bot.services.common.caller import asking
from bot.slack.outgoing import Outgoing


def share_report(deps: Deps, team_id: str, user_id: str, session_id: int | None) -> str:
    """Coordinators and participants of a closed session may ask for its report; returns the note
    for the person who asked."""
    with asking(deps, team_id, user_id, write=False) as me:
        loaded = me.session(session_id, as_participant=True)
        if loaded.state.status != "closed":
            raise me.refusal("errors.session_closed")
        workspace_id, channel, session_lang = me.workspace.id, loaded.session.channel_id, loaded.lang
        found_id = loaded.session.id
        thread = Outgoing.thread_of(loaded.session)
        note = me.text("session.report_coming")
    with tempfile.TemporaryDirectory() as folder:
        html, _markdown = write_report(deps.db, deps.flows, found_id, Path(folder), lang=session_lang,
                                       timezone=deps.settings.timezone)
        content = html.read_bytes()
    with deps.db.unit_of_work() as s:
        Outgoing(s, workspace_id, report_to=user_id).upload(
            channel, filename=html.name, content=content, title=t(session_lang, "session.report_title"),
            thread=thread)
    deps.notify()
    return note
