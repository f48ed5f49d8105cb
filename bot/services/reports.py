"""The report of a closed session, shared in Slack as a file in the session's thread.

Why a file and not a message: the report is for the organisation and the council (raad);
an HTML file can be printed and forwarded without Slack, and it can be long.
"""

from __future__ import annotations

import base64
import tempfile
from pathlib import Path

from bot.i18n import t
from bot.runtime.deps import Deps
from bot.services.people import ensure_person, ensure_workspace, is_coordinator, language_of
from bot.services.refusal import Refusal
from storage.models import ConversationSession, Participant
from storage.outbox import enqueue, session_thread


def share_report(deps: Deps, team_id: str, user_id: str, session_id: int) -> None:
    """Coordinators and participants of a closed session may ask for its report."""
    from sqlalchemy import select

    from bot.report import write_report

    with deps.db.reader() as s:
        workspace = ensure_workspace(s, team_id, language=deps.settings.language)
        person = ensure_person(s, deps, workspace, user_id, fetch=False)
        lang = language_of(person, deps)
        session = s.get(ConversationSession, session_id)
        if session is None or session.workspace_id != workspace.id:
            raise Refusal(t(lang, "errors.stale"))
        member = s.scalar(select(Participant.id).where(Participant.session_id == session.id,
                                                       Participant.person_id == person.id))
        if member is None and not is_coordinator(s, workspace, person, session):
            raise Refusal(t(lang, "errors.not_participant"))
        if session.status != "closed":
            raise Refusal(t(lang, "errors.session_closed"))
        workspace_id, channel, session_lang = workspace.id, session.channel_id, session.language
    with tempfile.TemporaryDirectory() as folder:
        html, _markdown = write_report(deps.db, deps.flows, session_id, Path(folder), lang=session_lang,
                                       timezone=deps.settings.timezone)
        content = html.read_bytes()
    with deps.db.unit_of_work() as s:
        enqueue(s, method="files.upload_v2", channel_key=channel, workspace_id=workspace_id,
                payload={"channel": channel, "thread_ts": session_thread(session_id), "filename": html.name,
                         "title": t(session_lang, "session.report_title"),
                         "content_b64": base64.b64encode(content).decode("ascii"), "_report_to": user_id})
    deps.notify()
