"""Calendar invites for planned conversations: one .ics per person by DM, updated when the moment
moves and cancelled when the conversation does not go on.

Why by DM as a file: people plan their week in Outlook, not in Slack; an attached .ics opens
there with one click. Why a row per session (storage CalendarInvite): the update must carry
the same UID and a higher SEQUENCE than the invite before it, or Outlook shows two meetings.

Call `send_invites` when a session is planned or moved (it knows which of the two it is) and
`send_cancellation` when a planned session is cancelled. Both only queue messages in the
caller's transaction, through the one way out.
"""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.i18n import t
from bot.report.ics import Meeting, invite
from bot.runtime.deps import Deps
from bot.services.common.people import language_of
from bot.slack.outgoing import Outgoing
from storage.models import CalendarInvite, ConversationSession, Outcome, Participant, Person, Workspace


def _uid(deps: Deps, session: ConversationSession, workspace: Workspace) -> str:
    host = urlsplit(deps.settings.public_url).hostname if deps.settings.public_url else None
    return f"kwaliteitsgesprek-{workspace.team_id}-{session.id}@{host or 'kwaliteitsgesprek.invalid'}"


def _people(s: Session, session_id: int) -> list[tuple[Participant, Person]]:
    return list(s.execute(select(Participant, Person).join(Person, Person.id == Participant.person_id)
                          .where(Participant.session_id == session_id, Participant.status == "active")
                          .order_by(Participant.id)).all())


def _meeting(s: Session, deps: Deps, session: ConversationSession, row: CalendarInvite, lang: str,
             organizer: str | None) -> Meeting:
    outcome = s.get(Outcome, session.outcome_id)
    flow = deps.flows.get(session.flow_id, session.flow_version)
    name = outcome.name if outcome else ""
    return Meeting(uid=row.uid, sequence=row.sequence, starts=row.starts_at, stamp=deps.now(),
                   summary=t(lang, "calendar.summary", outcome=name),
                   description=t(lang, "calendar.description", flow=flow.title.get(lang), outcome=name),
                   organizer_name=organizer, location="Slack", url=deps.settings.public_url)


def _send(s: Session, deps: Deps, session: ConversationSession, row: CalendarInvite, comment_key: str,
          cancel: bool) -> int:
    workspace = s.get(Workspace, session.workspace_id)
    creator = s.scalar(select(Person).where(Person.workspace_id == workspace.id,
                                            Person.slack_user_id == session.created_by))
    organizer = (creator.display_name or None) if creator is not None else None
    outcome = s.get(Outcome, session.outcome_id)
    out = Outgoing(s, workspace.id)
    sent = 0
    for participant, person in _people(s, session.id):
        lang = language_of(person, deps)
        content = invite(_meeting(s, deps, session, row, lang, organizer), cancel=cancel)
        comment = t(lang, comment_key, outcome=outcome.name if outcome else "")
        sent += out.upload(person.slack_user_id, filename=t(lang, "calendar.filename"), content=content,
                           title=t(lang, "calendar.summary", outcome=outcome.name if outcome else ""),
                           comment=comment, dedupe=f"ics:{session.id}:{row.sequence}:{participant.id}")
    return sent


def send_invites(s: Session, deps: Deps, session: ConversationSession) -> int:
    """A planned session's invite to every active participant; a second call (the moment moved)
    sends the update with the next SEQUENCE. Returns how many invites were queued."""
    if session.scheduled_at is None:
        return 0
    row = s.get(CalendarInvite, session.id)
    if row is None:
        row = CalendarInvite(session_id=session.id, uid=_uid(deps, session, s.get(Workspace, session.workspace_id)),
                             sequence=0, status="planned", starts_at=session.scheduled_at, updated_at=deps.now())
        s.add(row)
        key = "calendar.comment_new"
    else:
        row.sequence += 1
        row.status, row.starts_at, row.updated_at = "planned", session.scheduled_at, deps.now()
        key = "calendar.comment_moved"
    s.flush()
    return _send(s, deps, session, row, key, cancel=False)


def send_cancellation(s: Session, deps: Deps, session: ConversationSession) -> int:
    """The cancellation of an invite that was sent (nothing when none was, or it was cancelled)."""
    row = s.get(CalendarInvite, session.id)
    if row is None or row.status == "cancelled":
        return 0
    row.sequence += 1
    row.status, row.updated_at = "cancelled", deps.now()
    s.flush()
    return _send(s, deps, session, row, "calendar.comment_cancelled", cancel=True)


def planned_moment(row: CalendarInvite | None) -> datetime | None:
    """The moment the last invite announced (None when no invite is standing)."""
    return row.starts_at if row is not None and row.status == "planned" else None
