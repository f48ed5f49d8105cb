"""Privacy (AVG/GDPR): a person's own export, erasure by a coordinator, and the retention period.

Why these live together: all three answer "what do we keep about a person, and for how long?"
and must agree on where personal data sits:
- `people` (profile facts from Slack), `participants` (role per session), `answers` (what they
  wrote, prep answers under stage "prep"), `actions` (owner / creator), `due_items` (their
  reminders), `series.participants` (who the next cycle invites), `workspaces.coordinator_ids`, and
  copies of messages in `outbox.payload`.
Everything is scoped to one workspace: the same Slack user in another team is another person.

Anonymous sessions: the export still holds the person's own answers (they are theirs), but
never anyone else's; erasure removes them like any other answer.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from bot.runtime.deps import Deps
from bot.services.common.caller import asking
from bot.services.common.worktime import zone
from bot.services.data.commands import dm_channel
from bot.slack.outgoing import Outgoing
from storage.models import (
    Action,
    Answer,
    ConversationSession,
    DueItem,
    Outcome,
    Participant,
    Person,
    Workspace,
)

EXPORT_FORMAT = "kwaliteitsgesprek-export"
EXPORT_VERSION = 1
PREP_STAGE = "prep"


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
        retained = session.retained
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
    with asking(deps, team_id, user_id, profile=True) as me:
        document = build_export(me.s, deps, me.workspace, me.person, me.lang)
        today = deps.now().astimezone(zone(me.person.tz, deps.settings.timezone)).date().isoformat()
        filename = f"mijn-gegevens-{today}.json"
        content = json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8")
        dedupe = f"privacy-export:{me.workspace.id}:{user_id}:{request_key}" if request_key else None
        out = Outgoing(me.s, me.workspace.id, report_to=user_id, lang=me.lang)
        # "_to" is bookkeeping for erasure (the sender strips "_" keys): a pending export
        # addressed to a DM channel id is still recognised as this person's.
        out.meta["_to"] = user_id
        out.message(channel, me.text("privacy.export_message"), dedupe=f"{dedupe}:note" if dedupe else None)
        out.upload(channel, filename=filename, content=content, title=filename,
                   comment=me.text("privacy.export_comment"), dedupe=f"{dedupe}:file" if dedupe else None)
        return me.text("privacy.export_sent")
