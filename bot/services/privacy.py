"""Privacy (AVG/GDPR): a person's own export, erasure by a coordinator, and the retention period.

Why these live together: all three answer "what do we keep about a person, and for how long?"
and must agree on where personal data sits:
- `people` (profile facts from Slack), `participants` (role per session), `answers` (what they
  wrote, prep answers under stage "prep"), `actions` (owner / creator), `due_items` (their
  reminders), `sessions.state["participants"]` (the engine's copy of who takes part),
  `series.participants` (who the next cycle invites), `workspaces.coordinator_ids`, and
  copies of messages in `outbox.payload`.
Everything is scoped to one workspace: the same Slack user in another team is another person.

Anonymous sessions: the export still holds the person's own answers (they are theirs), but
never anyone else's; erasure removes them like any other answer.
"""

from __future__ import annotations

import base64
import json
import logging
import re
from collections import Counter
from datetime import date, datetime
from typing import Any

from sqlalchemy import Text, cast, delete, exists, func, or_, select, update
from sqlalchemy.orm import Session

from bot.i18n import t
from bot.runtime.deps import Deps
from bot.services.data import dm_channel
from bot.services.people import ensure_person, ensure_workspace, is_coordinator, language_of
from bot.services.worktime import zone
from storage.models import (
    Action,
    Answer,
    ConversationSession,
    DueItem,
    OutboxMessage,
    Outcome,
    Participant,
    Person,
    Series,
    Workspace,
)
from storage.outbox import enqueue

log = logging.getLogger(__name__)

EXPORT_FORMAT = "kwaliteitsgesprek-export"
EXPORT_VERSION = 1
PREP_STAGE = "prep"
RETAINED_KEY = "_retained"
# What a sent outbox row keeps once its copy of a message is no longer ours to hold.
REMOVED_PAYLOAD: dict[str, Any] = {"_removed": True}
_MENTION = re.compile(r"^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$")
_BARE_ID = re.compile(r"^([UW][A-Z0-9]{2,})$")


# ---- export ----------------------------------------------------------------------------------------


def _iso(value: datetime | date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _question_label(deps: Deps, session: ConversationSession, stage_id: str, question_id: str,
                    lang: str) -> str | None:
    """The question as the person saw it, so the export is readable without the flow file.

    Best effort: a flow version that is no longer installed, or a carried-over action
    question (`action_<id>` in prep), simply has no label.
    """
    try:
        flow = deps.flows.get(session.flow_id, session.flow_version)
        if stage_id == PREP_STAGE:
            questions = flow.preparation.questions if flow.preparation is not None else ()
            question = next((q for q in questions if q.id == question_id), None)
        else:
            question = flow.stage(stage_id).question(question_id)
    except Exception:  # unknown flow/version/stage: the raw ids are still in the export
        return None
    return question.label.get(lang) if question is not None else None


def build_export(s: Session, deps: Deps, workspace: Workspace, person: Person, lang: str) -> dict[str, Any]:
    """Everything stored about `person` in `workspace`, as JSON-ready data.

    Answers are selected by *this person's* participant ids only, so another participant's
    answer can never slip in, also not in anonymous sessions.
    """
    participations: list[dict[str, Any]] = []
    rows = s.execute(
        select(Participant, ConversationSession, Outcome)
        .join(ConversationSession, ConversationSession.id == Participant.session_id)
        .join(Outcome, Outcome.id == ConversationSession.outcome_id)
        .where(Participant.person_id == person.id, ConversationSession.workspace_id == workspace.id)
        .order_by(ConversationSession.id)
    ).all()
    participant_ids = [participant.id for participant, _session, _outcome in rows]
    answers_by_participant: dict[int, list[Answer]] = {pid: [] for pid in participant_ids}
    if participant_ids:
        for answer in s.scalars(select(Answer).where(Answer.participant_id.in_(participant_ids))
                                .order_by(Answer.session_id, Answer.stage_id, Answer.id)):
            answers_by_participant[answer.participant_id].append(answer)
    for participant, session, outcome in rows:
        retained = (session.state or {}).get(RETAINED_KEY)
        participations.append({
            "session_id": session.id,
            "outcome": outcome.name,
            "flow": session.flow_id,
            "flow_version": session.flow_version,
            "theme": session.theme,
            "visibility": session.visibility,
            "session_status": session.status,
            "role": participant.role,
            "status": participant.status,
            "absent_until": _iso(participant.absent_until),
            "snoozed_until": _iso(participant.snoozed_until),
            "reminders_sent": participant.nudges_sent,
            "scheduled_at": _iso(session.scheduled_at),
            "started_at": _iso(session.started_at),
            "closed_at": _iso(session.closed_at),
            "answers": [{
                "stage": answer.stage_id,
                "question_id": answer.question_id,
                "question": _question_label(deps, session, answer.stage_id, answer.question_id, lang),
                "value": answer.value,
                "created_at": _iso(answer.created_at),
                "updated_at": _iso(answer.updated_at),
            } for answer in answers_by_participant[participant.id]],
            "answers_removed_at": retained.get("removed_at") if isinstance(retained, dict) else None,
        })

    actions = s.scalars(
        select(Action)
        .join(ConversationSession, ConversationSession.id == Action.session_id)
        .where(ConversationSession.workspace_id == workspace.id,
               or_(Action.owner_person_id == person.id, Action.created_by == person.slack_user_id))
        .order_by(Action.id)
    ).all()
    owned_action_ids = [a.id for a in actions if a.owner_person_id == person.id]

    reminders: list[DueItem] = []
    conditions = []
    if participant_ids:
        conditions.append(DueItem.participant_id.in_(participant_ids))
    if owned_action_ids:
        conditions.append(DueItem.action_id.in_(owned_action_ids))
    if conditions:
        reminders = list(s.scalars(select(DueItem).where(DueItem.status == "pending", or_(*conditions))
                                   .order_by(DueItem.due_at)))

    return {
        "format": EXPORT_FORMAT,
        "version": EXPORT_VERSION,
        "generated_at": _iso(deps.now()),
        "workspace": {"team_id": workspace.team_id, "name": workspace.name},
        "person": {
            "slack_user_id": person.slack_user_id,
            "display_name": person.display_name,
            "language": person.language,
            "time_zone": person.tz,
            "workspace_admin": person.is_admin,
            "configured_coordinator": person.slack_user_id in (workspace.coordinator_ids or []),
            "profile_checked_at": _iso(person.tz_checked_at),
            "first_seen_at": _iso(person.created_at),
        },
        "participations": participations,
        "actions": [{
            "id": action.id,
            "session_id": action.session_id,
            "what": action.what,
            "party": action.owner_party,
            "you_own_it": action.owner_person_id == person.id,
            "you_created_it": action.created_by == person.slack_user_id,
            "due_date": _iso(action.due_date),
            "indicator": action.indicator,
            "target": action.target,
            "status": action.status,
            "comment": action.comment,
            "created_at": _iso(action.created_at),
            "done_at": _iso(action.done_at),
        } for action in actions],
        "pending_reminders": [{
            "kind": item.kind,
            "due_at": _iso(item.due_at),
            "session_id": item.session_id,
            "action_id": item.action_id,
        } for item in reminders],
    }


def export_my_data(deps: Deps, team_id: str, user_id: str, *, request_key: str | None = None) -> str:
    """DM the person a JSON file of their own data plus a short note; returns the ephemeral reply.

    Why a file through the outbox: the export is written in the same unit of work that read
    it, so a Slack outage delays it but never loses it. `request_key` (Slack's trigger id)
    makes a redelivered command send one export, not two.
    """
    channel = dm_channel(deps, team_id, user_id)  # files need a conversation id, not a user id
    with deps.db.unit_of_work() as s:
        workspace = ensure_workspace(s, team_id, language=deps.settings.language)
        person = ensure_person(s, deps, workspace, user_id)
        lang = language_of(person, deps)
        document = build_export(s, deps, workspace, person, lang)
        today = deps.now().astimezone(zone(person.tz, deps.settings.timezone)).date().isoformat()
        filename = f"mijn-gegevens-{today}.json"
        content = json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8")
        dedupe = f"privacy-export:{workspace.id}:{user_id}:{request_key}" if request_key else None
        # "_to" is bookkeeping for erasure (the sender strips "_" keys): a pending export
        # addressed to a DM channel id is still recognised as this person's.
        enqueue(s, method="chat.postMessage", channel_key=channel, workspace_id=workspace.id,
                dedupe_key=f"{dedupe}:note" if dedupe else None,
                payload={"channel": channel, "text": t(lang, "privacy.export_message"), "_to": user_id})
        enqueue(s, method="files.upload_v2", channel_key=channel, workspace_id=workspace.id,
                dedupe_key=f"{dedupe}:file" if dedupe else None,
                payload={"channel": channel, "filename": filename, "title": filename,
                         "content_b64": base64.b64encode(content).decode("ascii"),
                         "initial_comment": t(lang, "privacy.export_comment"),
                         "_to": user_id, "_report_to": user_id, "_lang": lang})
    deps.notify()
    return t(lang, "privacy.export_sent")


# ---- erasure ---------------------------------------------------------------------------------------


def _addressed_to(payload: dict[str, Any], channel_key: str, user_id: str) -> bool:
    """Is this outbox row a message meant for this person (DM, Home tab, their export)?"""
    return user_id in (channel_key, payload.get("channel"), payload.get("user_id"), payload.get("_to"))


def _without_user(state: dict[str, Any], user_id: str) -> dict[str, Any] | None:
    """A copy of a session's state without the person, or None when they were not in it."""
    participants = state.get("participants")
    legacy = state.get("answers")  # older states kept answers inline: [stage, question, user, value]
    in_participants = isinstance(participants, dict) and user_id in participants
    in_legacy = isinstance(legacy, list) and any(
        isinstance(row, list) and len(row) == 4 and row[2] == user_id for row in legacy)
    if not (in_participants or in_legacy):
        return None
    new_state = dict(state)
    if in_participants:
        new_state["participants"] = {k: v for k, v in participants.items() if k != user_id}
    if in_legacy:
        new_state["answers"] = [row for row in legacy if not (isinstance(row, list) and len(row) == 4
                                                               and row[2] == user_id)]
    return new_state


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

    # JSON copies: narrow with a text match in the database, decide exactly in Python.
    quoted = f'"{user_id}"'
    for session in s.scalars(select(ConversationSession).where(
            ConversationSession.workspace_id == workspace.id,
            cast(ConversationSession.state, Text).contains(quoted))):
        new_state = _without_user(session.state or {}, user_id)
        if new_state is not None:
            session.state = new_state  # a new dict, so the JSON column is seen as changed
            counts["sessions"] += 1
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
    with deps.db.unit_of_work() as s:
        workspace = ensure_workspace(s, team_id, language=deps.settings.language)
        coordinator = ensure_person(s, deps, workspace, coordinator_id)
        lang = language_of(coordinator, deps)
        if not is_coordinator(s, workspace, coordinator):
            return t(lang, "privacy.erase_not_coordinator")
        counts = erase_person_data(s, workspace, target_user_id)
    log.info("erased a person on request of a coordinator: %s",
             ", ".join(f"{k}={v}" for k, v in sorted(counts.items())) or "nothing stored")
    if not any(counts.values()):
        return t(lang, "privacy.erase_nothing", user=target_user_id)
    return t(lang, "privacy.erase_done", user=target_user_id, answers=counts["answers"],
             participations=counts["participations"], actions=counts["actions"],
             reminders=counts["reminders"] + counts["messages"])


# ---- retention -------------------------------------------------------------------------------------


def retention_months(workspace: Workspace) -> int | None:
    """The workspace's retention period in months, or None to keep answers (absent or invalid)."""
    value = (workspace.settings or {}).get("retention_months")
    if value is None or isinstance(value, bool):
        return None
    try:
        months = int(value)
    except (TypeError, ValueError):
        log.warning("workspace %s: retention_months is not a number; keeping answers", workspace.id)
        return None
    return months if months >= 1 else None


def months_before(moment: datetime, months: int) -> datetime:
    """`moment` minus whole calendar months, clamping the day (31 March - 1 month = 28/29 Feb)."""
    index = moment.year * 12 + (moment.month - 1) - months
    year, month = divmod(index, 12)
    month += 1
    next_month = date(year + (month // 12), month % 12 + 1, 1)
    last_day = (next_month - date(year, month, 1)).days
    return moment.replace(year=year, month=month, day=min(moment.day, last_day))


def trim_session(s: Session, session: ConversationSession, now: datetime) -> bool:
    """Replace a closed session's raw answers by counts; False when there was nothing to trim.

    Why counts per stage and per role: they are what a later look-back needs (how many took
    part, how much was said per phase) without anyone's words. The conclusion, the actions and
    the participants (their roles) stay: they are the group's agreements, not raw answers.
    """
    per_stage = dict(s.execute(select(Answer.stage_id, func.count()).where(Answer.session_id == session.id)
                               .group_by(Answer.stage_id)).all())
    legacy = (session.state or {}).get("answers")
    if not per_stage and not legacy:
        return False
    per_role = dict(s.execute(select(Participant.role, func.count()).where(Participant.session_id == session.id)
                              .group_by(Participant.role)).all())
    previous = (session.state or {}).get(RETAINED_KEY) or {}
    answers_per_stage = Counter(previous.get("answers_per_stage") or {})
    answers_per_stage.update(per_stage)  # a second trim (answers added later) adds up, never forgets
    s.execute(delete(Answer).where(Answer.session_id == session.id).execution_options(synchronize_session=False))
    state = {k: v for k, v in (session.state or {}).items() if k != "answers"}
    state[RETAINED_KEY] = {
        "answers_per_stage": dict(sorted(answers_per_stage.items())),
        "participants_per_role": dict(sorted(per_role.items())) or previous.get("participants_per_role") or {},
        "removed_at": now.isoformat(),
    }
    session.state = state
    return True


def apply_retention(deps: Deps) -> int:
    """Remove raw answers of sessions closed longer ago than each workspace's retention period.

    One unit of work per session, so one bad session never holds back the rest and locks stay
    short. Running it again finds no answers left to trim and changes nothing. Copies of sent
    messages older than the period are emptied too: otherwise the outbox would keep the words
    the retention period promises to forget. Returns how many sessions were trimmed.
    """
    now = deps.now()
    with deps.db.reader() as s:
        workspaces = [(w.id, retention_months(w)) for w in s.scalars(select(Workspace))]
    trimmed = 0
    for workspace_id, months in workspaces:
        if months is None:
            continue
        cutoff = months_before(now, months)
        with deps.db.reader() as s:
            session_ids = list(s.scalars(
                select(ConversationSession.id).where(
                    ConversationSession.workspace_id == workspace_id,
                    ConversationSession.status == "closed",
                    ConversationSession.closed_at.is_not(None),
                    ConversationSession.closed_at < cutoff,
                    exists().where(Answer.session_id == ConversationSession.id),
                ).order_by(ConversationSession.id)))
        for session_id in session_ids:
            with deps.db.unit_of_work() as s:
                query = select(ConversationSession).where(ConversationSession.id == session_id)
                if deps.db.is_postgres:
                    query = query.with_for_update()
                session = s.scalar(query)
                if session is None or session.status != "closed" or session.closed_at is None \
                        or session.closed_at >= cutoff:
                    continue
                if trim_session(s, session, now):
                    trimmed += 1
        with deps.db.unit_of_work() as s:
            s.execute(update(OutboxMessage).where(
                OutboxMessage.workspace_id == workspace_id,
                OutboxMessage.status.in_(("sent", "failed")),
                OutboxMessage.created_at < cutoff,
                cast(OutboxMessage.payload, Text).not_like('%"_removed"%'),
            ).values(payload=dict(REMOVED_PAYLOAD)).execution_options(synchronize_session=False))
    if trimmed:
        log.info("retention: removed the raw answers of %s closed sessions", trimmed)
    return trimmed


# ---- /gesprek subcommands ----------------------------------------------------------------------------


def mijn_gegevens_command(deps: Deps, command: dict, rest: str, lang: str) -> str:
    """`/gesprek mijn-gegevens`: the person's own export as a DM file."""
    return export_my_data(deps, command.get("team_id", ""), command.get("user_id", ""),
                          request_key=command.get("trigger_id") or None)


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
