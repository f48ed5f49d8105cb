"""Agreed actions after the conversation: reminders to owners before and on the due date,
done / postpone / comment from the message, and the offer to evaluate when all are done.

Why remind the owner and not the group: an action without an owner fades; the owner is the
one who can move it, and the coordinator hears when everything is done.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.i18n import t
from bot.runtime.deps import Deps
from bot.services.common.agenda import add_due, nudge_moment, policy_of
from bot.services.common.caller import Caller, asking
from bot.services.common.people import ensure_person, language_of
from bot.services.common.worktime import zone
from bot.slack.blocks.followup import all_done_blocks, comment_modal, followup_blocks
from bot.slack.outgoing import Outgoing
from bot.texts.formatting import format_date
from storage.models import Action, ConversationSession, DueItem, Outcome, Person, Workspace


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
        add_due(s, "action_due", nudge_moment(deps, workspace, person, before), action_id=action.id,
                dedupe_key=f"action_before:{action.id}:{action.due_date}", payload={"when": "before"})
    if on_day > now:
        add_due(s, "action_due", nudge_moment(deps, workspace, person, on_day), action_id=action.id,
                dedupe_key=f"action_today:{action.id}:{action.due_date}", payload={"when": "today"})


def action_due(s: Session, deps: Deps, item: DueItem) -> None:
    action = s.get(Action, item.action_id) if item.action_id else None
    if action is None or action.status != "open" or action.owner_person_id is None:
        return
    person = s.get(Person, action.owner_person_id)
    session = s.get(ConversationSession, action.session_id)
    workspace = s.get(Workspace, session.workspace_id)
    lang = language_of(person, deps)
    if (item.payload or {}).get("when") == "before":
        text = t(lang, "followup.before", days=policy_of(workspace).action_warn_days, what=action.what,
                 date=format_date(action.due_date, lang))
    else:
        text = t(lang, "followup.today", what=action.what)
    Outgoing(s, workspace.id).to_person(person.slack_user_id, text, followup_blocks(lang, text, action.id),
                                        dedupe=f"followup:{item.id}")


def _owned(me: Caller, action_id: int | None) -> tuple[Action, ConversationSession]:
    """An action of this workspace that this person owns (or coordinates), or the refusal."""
    action = me.s.get(Action, action_id) if action_id is not None else None
    session = me.s.get(ConversationSession, action.session_id) if action else None
    if action is None or session is None or session.workspace_id != me.workspace.id:
        raise me.refusal("errors.stale")
    if action.owner_person_id != me.person.id and not me.is_coordinator(session):
        raise me.refusal("errors.not_coordinator")
    return action, session


def comment_view(deps: Deps, team_id: str, user_id: str, action_id: int | None) -> dict:
    with asking(deps, team_id, user_id, write=False) as me:
        _owned(me, action_id)
        return comment_modal(me.lang, action_id)


def postpone(deps: Deps, team_id: str, user_id: str, action_id: int | None) -> str:
    with asking(deps, team_id, user_id) as me:
        action, _session = _owned(me, action_id)
        action.due_date = (action.due_date or deps.now().date()) + timedelta(days=7)
        plan_action_followup(me.s, deps, action, me.workspace)
        return me.text("followup.postponed", what=action.what, date=format_date(action.due_date, me.lang))


def comment(deps: Deps, team_id: str, user_id: str, action_id: int | None, text: str, *,
            confirm: bool = False) -> str:
    with asking(deps, team_id, user_id) as me:
        action, _session = _owned(me, action_id)
        action.comment = (text or "").strip()[:2000] or action.comment
        note = me.text("followup.comment_saved")
        return me.confirm(note) if confirm else note


def done(deps: Deps, team_id: str, user_id: str, action_id: int | None) -> str:
    """Mark done; when it was the session's last open action, offer the coordinator an evaluation."""
    with asking(deps, team_id, user_id) as me:
        action, session = _owned(me, action_id)
        if action.status != "done":
            action.status = "done"
            action.done_at = deps.now()
        me.s.flush()
        still_open = me.s.scalar(select(Action.id).where(Action.session_id == session.id, Action.status == "open")
                                 .limit(1))
        if still_open is None and session.created_by:
            outcome = me.s.get(Outcome, session.outcome_id)
            coordinator = ensure_person(me.s, deps, me.workspace, session.created_by, fetch=False)
            clang = language_of(coordinator, deps)
            text = t(clang, "followup.all_done", outcome=outcome.name)
            Outgoing(me.s, me.workspace.id).to_person(session.created_by, text, all_done_blocks(clang, text),
                                                      dedupe=f"all_done:{session.id}")
        return me.text("followup.marked_done", what=action.what)
