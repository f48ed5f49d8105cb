"""Agreed actions: added from the actions stage by participants and coordinators of the session.

Why 'agreed action' and not 'action': a Slack action is a click; this is what the group agreed
to do (what, which party, which person, by when, which indicator). Each one is followed up
with its owner (bot/services/cycle/followup.py).
"""

from __future__ import annotations

from sqlalchemy import select

from bot.i18n import t
from bot.runtime.deps import Deps
from bot.services.common.caller import asking
from bot.services.common.people import ensure_person
from bot.services.conversation.thread import outgoing
from bot.services.cycle.followup import plan_action_followup
from bot.slack.blocks.action_modal import PARTIES, action_modal, parse_action
from bot.slack.ids import small_int
from bot.slack.markup import mention
from bot.texts.formatting import format_date
from storage.models import Action


def action_view(deps: Deps, team_id: str, user_id: str, session_id: int | None, stage_id: str) -> dict:
    with asking(deps, team_id, user_id, write=False) as me:
        me.session(session_id, as_participant=True, running=True)
        return action_modal(me.lang, session_id=session_id, stage_id=stage_id, indicators=[])


def submit_action(deps: Deps, team_id: str, user_id: str, meta: dict, values: dict,
                  request_key: str) -> dict[str, str] | None:
    """Store an agreed action (a double submit of the same modal stores it once); errors per field."""
    session_id = small_int(meta.get("session")) if isinstance(meta, dict) else None
    with asking(deps, team_id, user_id) as me:
        loaded = me.session(session_id, as_participant=True)
        try:
            request = parse_action(values)
        except ValueError:
            return {"due": me.text("errors.bad_date")}
        errors = {}
        if not request.what:
            errors["what"] = me.text("errors.field_required")
        if request.party not in PARTIES:
            errors["party"] = me.text("errors.field_required")
        if errors:
            return errors
        if me.s.scalar(select(Action.id).where(Action.request_key == request_key)) is not None:
            return None  # double submit of the same modal
        owner = ensure_person(me.s, deps, me.workspace, request.owner, fetch=False) if request.owner else None
        action = Action(session_id=loaded.session.id, what=request.what[:1000], owner_party=request.party,
                        owner_person_id=owner.id if owner else None, due_date=request.due,
                        indicator=request.indicator, target=request.target, created_by=user_id,
                        request_key=request_key)
        me.s.add(action)
        me.s.flush()
        plan_action_followup(me.s, deps, action, me.workspace)
        details = t(loaded.lang, f"parties.{request.party}")
        if request.owner:
            details += f", {mention(request.owner)}"
        if request.due:
            details += f", {format_date(request.due, loaded.lang)}"
        text = t(loaded.lang, "action.saved", what=request.what[:300]) + f" ({details})"
        outgoing(me.s, loaded).to_thread(loaded.session, text)
    return None
