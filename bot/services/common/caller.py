"""Who is asking: the workspace, the person and their language, built once per unit of work.

Why one place: every use case starts the same way (which workspace, which person, which
language, may they do this, which session) and refuses the same way (a polite sentence in
their language). Written out per service, those steps drifted apart; here they are one
object whose methods raise `Refusal`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.i18n import t
from bot.runtime.deps import Deps
from bot.services.common.people import ensure_person, ensure_workspace, is_coordinator, language_of
from bot.services.common.refusal import Refusal
from bot.services.common.store import Loaded, SessionGone, load
from bot.slack.outgoing import Outgoing
from storage.models import ConversationSession, Participant, Person, Workspace


@dataclass
class Caller:
    deps: Deps
    s: Session
    workspace: Workspace
    person: Person
    lang: str

    @property
    def user_id(self) -> str:
        return self.person.slack_user_id

    def text(self, key: str, **params: object) -> str:
        return t(self.lang, key, **params)

    def refusal(self, key: str, **params: object) -> Refusal:
        return Refusal(t(self.lang, key, **params))

    def is_coordinator(self, of: Loaded | ConversationSession | None = None) -> bool:
        """Admins and configured coordinators of the workspace, or the session's own coordinators.

        The Slack profile (admin or not) is refreshed here when it is older than a day, not on
        every request: only decisions about steering need it.
        """
        ensure_person(self.s, self.deps, self.workspace, self.user_id, fetch=True)
        session = of.session if isinstance(of, Loaded) else of
        return is_coordinator(self.s, self.workspace, self.person, session)

    def require_coordinator(self, of: Loaded | ConversationSession | None = None) -> None:
        if not self.is_coordinator(of):
            raise self.refusal("errors.not_coordinator")

    def session(self, session_id: int | None, *, lock: bool = False, as_participant: bool = False,
                coordinator: bool = False, running: bool = False) -> Loaded:
        """A session of this workspace, or the polite refusal: stale, not yours, not running.

        `as_participant`: participants and the session's coordinators; `coordinator`: only the
        latter; `running`: refused once the session is closed.
        """
        if session_id is None:
            raise self.refusal("errors.stale")
        try:
            loaded = load(self.s, self.deps.flows, session_id, self.workspace.team_id, lock=lock)
        except SessionGone:
            raise self.refusal("errors.stale") from None
        if coordinator:
            self.require_coordinator(loaded)
        elif as_participant and self.user_id not in loaded.participants and not self.is_coordinator(loaded):
            raise self.refusal("errors.not_participant")
        if running and loaded.state.status == "closed":
            raise self.refusal("errors.session_closed")
        return loaded

    def confirm(self, text: str) -> str:
        """Queue `text` as a DM to this person in this unit of work (delivered even after an outage)."""
        Outgoing(self.s, self.workspace.id).to_person(self.user_id, text)
        return text

    def participation(self, session_id: int | None) -> tuple[ConversationSession, Participant]:
        """This person's place in a session of this workspace (preparation, nudges), or the refusal."""
        session = self.s.get(ConversationSession, session_id) if session_id is not None else None
        if session is None or session.workspace_id != self.workspace.id:
            raise self.refusal("errors.stale")
        participant = self.s.scalar(select(Participant).where(Participant.session_id == session.id,
                                                              Participant.person_id == self.person.id))
        if participant is None:
            raise self.refusal("errors.not_participant")
        return session, participant


@contextmanager
def asking(deps: Deps, team_id: str, user_id: str, *, write: bool = True, profile: bool = False) -> Iterator[Caller]:
    """A unit of work on behalf of one person (committed at the end unless `write=False`).

    `profile`: refresh their Slack profile (time zone, admin) if it is older than a day; off by
    default because it costs a Web API call and acknowledgements must be fast.
    """
    with (deps.db.unit_of_work() if write else deps.db.reader()) as s:
        workspace = ensure_workspace(s, team_id, language=deps.settings.language)
        person = ensure_person(s, deps, workspace, user_id, fetch=profile)
        yield Caller(deps, s, workspace, person, language_of(person, deps))
    if write:
        deps.notify()


def language(deps: Deps, team_id: str, user_id: str) -> str:
    """The person's language for a reply that needs nothing else; the workspace default when the
    person is unknown or the database cannot be read (an honest error must still be readable)."""
    if not team_id or not user_id:
        return deps.settings.language
    try:
        with deps.db.reader() as s:
            person = s.scalar(select(Person).join(Workspace, Workspace.id == Person.workspace_id)
                              .where(Workspace.team_id == team_id, Person.slack_user_id == user_id))
            return language_of(person, deps)
    except Exception:
        return deps.settings.language
