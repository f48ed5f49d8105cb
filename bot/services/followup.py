"""Agreed actions after the conversation: reminders to owners before and on the due date,
done / postpone / comment from the message, and the offer to evaluate when all are done.

Why remind the owner and not the group: an action without an owner fades; the owner is
the one who can move it, and the coordinator hears when everything is done.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.i18n import t
from bot.runtime.deps import Deps
from bot.services.due import handler
from bot.services.people import ensure_person, ensure_workspace, is_coordinator, language_of
from bot.services.planning import add_due, policy_of
from bot.services.refusal import Refusal
from bot.services.worktime import next_nudge_moment, zone
from bot.slack.blocks.kit import actions, button, escape, section
from bot.slack.ids import Action as Act
from storage.models import Action, ConversationSession, DueItem, Outcome, Person, Workspace
from storage.outbox import enqueue


def plan_action_followup(s: Session, deps: Deps, action: Action, workspace: Workspace) -> None:
    """Two reminders for an owned action with a due date: N working days before, and on the day."""
    if action.due_date is None or action.owner_person_id is None:
        return
    person = s.get(Person, action.owner_person_id)
    tz = zone(person.tz if person else None, deps.settings.timezone)
    policy = policy_of(workspace)
    on_day = datetime.combine(action.due_date, policy.hours.start, tzinfo=tz)
    before = on_day - timedelta(days=policy.action_warn_days)
    now = deps.now()
    if before > now:
        add_due(s, "action_due", next_nudge_moment(before, tz, policy.hours), action_id=action.id,
                dedupe_key=f"action_before:{action.id}:{action.due_date}", payload={"when": "before"})
    if on_day > now:
        add_due(s, "action_due", next_nudge_moment(on_day, tz, policy.hours), action_id=action.id,
                dedupe_key=f"action_today:{action.id}:{action.due_date}", payload={"when": "today"})


@handler("action_due")
def action_due(s: Session, deps: Deps, item: DueItem) -> None:
    action = s.get(Action, item.action_id) if item.action_id else None
    if action is None or action.status != "open" or action.owner_person_id is None:
        return
    person = s.get(Person, action.owner_person_id)
    session = s.get(ConversationSession, action.session_id)
    workspace = s.get(Workspace, session.workspace_id)
    lang = language_of(person, deps)
    policy = policy_of(workspace)
    if (item.payload or {}).get("when") == "before":
        text = t(lang, "followup.before", days=policy.action_warn_days, what=escape(action.what),
                 date=action.due_date.strftime("%d-%m-%Y"))
    else:
        text = t(lang, "followup.today", what=escape(action.what))
    enqueue(s, method="chat.postMessage",
            payload={"channel": person.slack_user_id, "text": text, "blocks": [section(text), actions(
                button(t(lang, "followup.done"), Act.ACTION_DONE, str(action.id), style="primary"),
                button(t(lang, "followup.postpone"), Act.ACTION_POSTPONE, str(action.id)),
                button(t(lang, "followup.comment"), Act.ACTION_COMMENT, str(action.id)),
                block_id="followup")]},
            channel_key=person.slack_user_id, workspace_id=workspace.id, dedupe_key=f"followup:{item.id}")


def _owned(s: Session, deps: Deps, team_id: str, user_id: str, action_id: int):
    workspace = ensure_workspace(s, team_id, language=deps.settings.language)
    person = ensure_person(s, deps, workspace, user_id, fetch=False)
    lang = language_of(person, deps)
    action = s.get(Action, action_id)
    session = s.get(ConversationSession, action.session_id) if action else None
    if action is None or session is None or session.workspace_id != workspace.id:
        raise Refusal(t(lang, "errors.stale"))
    if action.owner_person_id != person.id and not is_coordinator(s, workspace, person, session):
        raise Refusal(t(lang, "errors.not_coordinator"))
    return workspace, person, lang, action, session


def postpone(deps: Deps, team_id: str, user_id: str, action_id: int) -> str:
    with deps.db.unit_of_work() as s:
        workspace, _person, lang, action, _session = _owned(s, deps, team_id, user_id, action_id)
        action.due_date = (action.due_date or deps.now().date()) + timedelta(days=7)
        plan_action_followup(s, deps, action, workspace)
        return t(lang, "followup.postponed", what=escape(action.what), date=action.due_date.strftime("%d-%m-%Y"))


def comment(deps: Deps, team_id: str, user_id: str, action_id: int, text: str) -> str:
    with deps.db.unit_of_work() as s:
        _w, _p, lang, action, _session = _owned(s, deps, team_id, user_id, action_id)
        action.comment = (text or "").strip()[:2000] or action.comment
        return t(lang, "followup.comment_saved")


def done(deps: Deps, team_id: str, user_id: str, action_id: int) -> str:
    """Mark done; when it was the session's last open action, offer the coordinator an evaluation."""
    with deps.db.unit_of_work() as s:
        workspace, _person, lang, action, session = _owned(s, deps, team_id, user_id, action_id)
        if action.status != "done":
            action.status = "done"
            action.done_at = deps.now()
        s.flush()
        still_open = s.scalar(select(Action.id).where(Action.session_id == session.id, Action.status == "open")
                              .limit(1))
        if still_open is None and session.created_by:
            outcome = s.get(Outcome, session.outcome_id)
            coordinator = s.scalar(select(Person).where(Person.workspace_id == workspace.id,
                                                        Person.slack_user_id == session.created_by))
            clang = language_of(coordinator, deps)
            text = t(clang, "followup.all_done", outcome=escape(outcome.name))
            enqueue(s, method="chat.postMessage",
                    payload={"channel": session.created_by, "text": text, "blocks": [section(text), actions(
                        button(t(clang, "followup.start_evaluation"), Act.START_FLOW, "evaluatie", style="primary"),
                        block_id="evaluate")]},
                    channel_key=session.created_by, workspace_id=workspace.id,
                    dedupe_key=f"all_done:{session.id}")
        return t(lang, "followup.marked_done", what=escape(action.what))
