"""Workspaces and people: who someone is, their language and time zone, and who coordinates.

Why cache users.info: listeners must acknowledge within 3 s, and reminders need each
person's own time zone (DST-correct), so we keep `tz`/`is_admin` and refresh daily.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from slack_sdk.errors import SlackApiError
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.runtime.deps import Deps
from storage.models import ConversationSession, Participant, Person, Workspace

log = logging.getLogger(__name__)
REFRESH_AFTER = timedelta(days=1)
RETRY_AFTER_FAILURE = timedelta(minutes=15)


def ensure_workspace(s: Session, team_id: str, *, language: str = "nl") -> Workspace:
    workspace = s.scalar(select(Workspace).where(Workspace.team_id == team_id))
    if workspace is None:
        try:
            with s.begin_nested():  # two first requests at once: one insert wins, the other reads it
                workspace = Workspace(team_id=team_id, language=language, coordinator_ids=[], settings={})
                s.add(workspace)
                s.flush()
        except IntegrityError:
            workspace = s.scalar(select(Workspace).where(Workspace.team_id == team_id))
    return workspace


def ensure_person(s: Session, deps: Deps, workspace: Workspace, user_id: str, *, fetch: bool = True) -> Person:
    """The Person for a Slack user, created on first sight; profile facts refreshed daily."""
    person = s.scalar(
        select(Person).where(Person.workspace_id == workspace.id, Person.slack_user_id == user_id)
    )
    if person is None:
        try:
            with s.begin_nested():  # concurrent first contact (two clicks, two files): one insert wins
                person = Person(workspace_id=workspace.id, slack_user_id=user_id)
                s.add(person)
                s.flush()
        except IntegrityError:
            person = s.scalar(
                select(Person).where(Person.workspace_id == workspace.id, Person.slack_user_id == user_id)
            )
    now = deps.now()
    if fetch and (person.tz_checked_at is None or now - person.tz_checked_at > REFRESH_AFTER):
        # On failure keep what we had and try again in a quarter of an hour, not on every click.
        ok = _refresh_profile(deps, workspace, person)
        person.tz_checked_at = now if ok else now - REFRESH_AFTER + RETRY_AFTER_FAILURE
    return person


def _refresh_profile(deps: Deps, workspace: Workspace, person: Person) -> bool:
    try:
        response = deps.tokens.client(workspace.team_id).users_info(user=person.slack_user_id)
    except SlackApiError as exc:
        log.info("users.info failed for a user: %s", exc.response.get("error") if exc.response else exc)
        return False
    except Exception as exc:  # network: keep what we had, try again next time
        log.info("users.info unreachable: %s", type(exc).__name__)
        return False
    user = response.get("user") or {}
    person.tz = user.get("tz") or person.tz
    person.is_admin = bool(user.get("is_admin") or user.get("is_owner") or user.get("is_primary_owner"))
    profile = user.get("profile") or {}
    person.display_name = profile.get("display_name") or user.get("real_name") or user.get("name")
    return True


def language_of(person: Person | None, deps: Deps) -> str:
    if person is not None and person.language in ("nl", "en"):
        return person.language
    return deps.settings.language


def is_coordinator(
    s: Session, workspace: Workspace, person: Person, session: ConversationSession | None = None
) -> bool:
    """Workspace admins/owners and configured coordinators; for one session also its starter
    and participants with the coordinator role."""
    if person.is_admin or person.slack_user_id in (workspace.coordinator_ids or []):
        return True
    if session is None:
        return False
    if session.created_by == person.slack_user_id:
        return True
    role = s.scalar(
        select(Participant.role).where(Participant.session_id == session.id, Participant.person_id == person.id)
    )
    return role == "coordinator"
