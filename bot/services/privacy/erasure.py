"""Erasure (AVG/GDPR): a coordinator removes one person's data from their workspace.

Where personal data sits, and so what erasure must reach: `people`, `participants`, `answers`
(prep answers under stage "prep"), `actions` (owner / creator), `due_items` (their reminders),
`series.participants` (who the next cycle invites), `workspaces.coordinator_ids`, and copies of
messages in `outbox.payload`. Everything is scoped to one workspace.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from typing import Any

from sqlalchemy import Text, cast, delete, or_, select, update
from sqlalchemy.orm import Session

from bot.i18n import t
from bot.runtime.deps import Deps
from bot.services.common.caller import asking
from bot.slack.markup import mention
from storage.models import (
    Action,
    Answer,
    ConversationSession,
    DueItem,
    OutboxMessage,
    Participant,
    Person,
    ReportLink,
    Series,
    Workspace,
)

log = logging.getLogger(__name__)

# What a sent outbox row keeps once its copy of a message is no longer ours to hold.
REMOVED_PAYLOAD: dict[str, Any] = {"_removed": True}
_MENTION = re.compile(r"^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$")
_BARE_ID = re.compile(r"^([UW][A-Z0-9]{2,})$")


def _addressed_to(payload: dict[str, Any], channel_key: str, user_id: str) -> bool:
    """Is this outbox row a message meant for this person (DM, Home tab, their export)?"""
    return user_id in (channel_key, payload.get("channel"), payload.get("user_id"), payload.get("_to"))


def erase_person_data(s: Session, workspace: Workspace, user_id: str) -> Counter[str]:
    """Remove one person from one workspace inside the caller's unit of work; returns counts.

    Why explicit deletes although foreign keys cascade: the counts tell the coordinator what
    happened, and the JSON copies (session state, series, outbox) are not reached by any
    foreign key. Actions stay (they belong to the group's agreements) but lose their owner.
    """
    counts: Counter[str] = Counter()
    person = s.scalar(select(Person).where(Person.workspace_id == workspace.id, Person.slack_user_id == user_id))
    participant_ids: list[int] = []
    if person is not None:
        participant_ids = list(s.scalars(
            select(Participant.id).join(ConversationSession, ConversationSession.id == Participant.session_id)
            .where(Participant.person_id == person.id, ConversationSession.workspace_id == workspace.id)))
        owned_action_ids = list(s.scalars(select(Action.id).where(Action.owner_person_id == person.id)))
        if participant_ids:
            counts["answers"] = s.execute(delete(Answer).where(Answer.participant_id.in_(participant_ids))
                                          .execution_options(synchronize_session=False)).rowcount or 0
        due_conditions = []
        if participant_ids:
            due_conditions.append(DueItem.participant_id.in_(participant_ids))
        if owned_action_ids:
            due_conditions.append(DueItem.action_id.in_(owned_action_ids))
        if due_conditions:
            counts["reminders"] = s.execute(delete(DueItem).where(DueItem.status == "pending", or_(*due_conditions))
                                            .execution_options(synchronize_session=False)).rowcount or 0
        if owned_action_ids:
            counts["actions"] = s.execute(update(Action).where(Action.id.in_(owned_action_ids))
                                          .values(owner_person_id=None)
                                          .execution_options(synchronize_session=False)).rowcount or 0
        if participant_ids:
            counts["participations"] = s.execute(delete(Participant).where(Participant.id.in_(participant_ids))
                                                 .execution_options(synchronize_session=False)).rowcount or 0
    workspace_sessions = select(ConversationSession.id).where(ConversationSession.workspace_id == workspace.id)
    s.execute(update(Action).where(Action.session_id.in_(workspace_sessions), Action.created_by == user_id)
              .values(created_by=None).execution_options(synchronize_session=False))
    s.execute(update(ReportLink).where(ReportLink.workspace_id == workspace.id, ReportLink.issued_by == user_id)
              .values(issued_by=None).execution_options(synchronize_session=False))  # the links keep working

    # JSON copies: narrow with a text match in the database, decide exactly in Python.
    quoted = f'"{user_id}"'
    for series in s.scalars(select(Series).where(Series.workspace_id == workspace.id,
                                                 cast(Series.participants, Text).contains(quoted))):
        kept = [p for p in (series.participants or []) if not (isinstance(p, dict) and p.get("user") == user_id)]
        if len(kept) != len(series.participants or []):
            series.participants = kept
    if user_id in (workspace.coordinator_ids or []):
        workspace.coordinator_ids = [u for u in workspace.coordinator_ids if u != user_id]

    for row in s.scalars(select(OutboxMessage).where(OutboxMessage.workspace_id == workspace.id,
                                                     cast(OutboxMessage.payload, Text).contains(user_id))):
        payload = row.payload or {}
        if row.status == "pending":
            if _addressed_to(payload, row.channel_key, user_id):
                s.delete(row)
                counts["messages"] += 1
        elif row.status in ("sent", "failed"):
            # Delivered or given up: nobody reads the copy again, so it must not outlive the person.
            row.payload = dict(REMOVED_PAYLOAD)
    if person is not None:
        s.delete(person)
        counts["person"] = 1
    s.flush()
    return counts


def erase_person(deps: Deps, team_id: str, coordinator_id: str, target_user_id: str) -> str:
    """Coordinators erase a person from their own workspace; returns the confirmation with counts.

    Idempotent: erasing again finds nothing and says so. Only the coordinator's workspace is
    touched, because a person row, and everything hanging off it, is per workspace.
    """
    with asking(deps, team_id, coordinator_id) as me:
        if not me.is_coordinator():
            return me.text("privacy.erase_not_coordinator")
        counts = erase_person_data(me.s, me.workspace, target_user_id)
        lang = me.lang
    log.info("erased a person on request of a coordinator: %s",
             ", ".join(f"{k}={v}" for k, v in sorted(counts.items())) or "nothing stored")
    if not any(counts.values()):
        return t(lang, "privacy.erase_nothing", user=mention(target_user_id))
    return t(lang, "privacy.erase_done", user=mention(target_user_id), answers=counts["answers"],
             participations=counts["participations"], actions=counts["actions"],
             reminders=counts["reminders"] + counts["messages"])


def parse_user(text: str) -> str | None:
    """The Slack user id in `<@U123|name>`, `<@U123>` or a bare `U123`; None otherwise.

    A plain `@name` (a command without escaping) cannot be resolved safely, so it is refused.
    """
    word = (text or "").strip().split(" ", 1)[0]
    match = _MENTION.match(word) or _BARE_ID.match(word)
    return match.group(1) if match else None


def wis_command(deps: Deps, command: dict, rest: str, lang: str) -> str:
    """`/gesprek wis @persoon`: a coordinator erases a person's data from this workspace."""
    target = parse_user(rest)
    if target is None:
        return t(lang, "privacy.erase_usage")
    return erase_person(deps, command.get("team_id", ""), command.get("user_id", ""), target)
