"""Agreed actions: add (coordinators and participants of the session), list, mark done."""

from __future__ import annotations

from sqlalchemy import select

from bot.i18n import t
from bot.runtime.deps import Deps
from bot.services.people import ensure_person, ensure_workspace, is_coordinator, language_of
from bot.services.refusal import Refusal
from bot.services.session_state import SessionGone, load
from bot.slack.blocks.action_modal import PARTIES, action_modal, parse_action
from bot.slack.ids import small_int
from storage.models import Action
from storage.outbox import enqueue, session_thread


def action_modal_for(deps: Deps, team_id: str, user_id: str, session_id: int, stage_id: str) -> dict:
    with deps.db.reader() as s:
        workspace = ensure_workspace(s, team_id)
        person = ensure_person(s, deps, workspace, user_id, fetch=False)
        lang = language_of(person, deps)
        try:
            loaded = load(s, deps.flows, session_id, team_id)
        except SessionGone:
            raise Refusal(t(lang, "errors.stale")) from None
        if user_id not in loaded.participants and not is_coordinator(s, workspace, person, loaded.session):
            raise Refusal(t(lang, "errors.not_participant"))
        if loaded.state.status == "closed":
            raise Refusal(t(lang, "errors.session_closed"))
    return action_modal(lang, session_id=session_id, stage_id=stage_id, indicators=[])


def submit_action(deps: Deps, team_id: str, user_id: str, meta: dict, values: dict,
                  request_key: str) -> dict[str, str] | None:
    session_id = small_int(meta.get("session")) if isinstance(meta, dict) else None
    with deps.db.unit_of_work() as s:
        workspace = ensure_workspace(s, team_id)
        person = ensure_person(s, deps, workspace, user_id, fetch=False)
        lang = language_of(person, deps)
        if session_id is None:
            raise Refusal(t(lang, "errors.stale"))
        try:
            loaded = load(s, deps.flows, session_id, team_id)
        except SessionGone:
            raise Refusal(t(lang, "errors.stale")) from None
        if user_id not in loaded.participants and not is_coordinator(s, workspace, person, loaded.session):
            raise Refusal(t(lang, "errors.not_participant"))
        try:
            request = parse_action(values)
        except ValueError:
            return {"due": t(lang, "errors.bad_date")}
        errors = {}
        if not request.what:
            errors["what"] = t(lang, "errors.field_required")
        if request.party not in PARTIES:
            errors["party"] = t(lang, "errors.field_required")
        if errors:
            return errors
        if s.scalar(select(Action.id).where(Action.request_key == request_key)) is not None:
            return None  # double submit of the same modal
        owner = ensure_person(s, deps, workspace, request.owner, fetch=False) if request.owner else None
        action = Action(session_id=session_id, what=request.what[:1000], owner_party=request.party,
                        owner_person_id=owner.id if owner else None, due_date=request.due,
                        indicator=request.indicator, target=request.target, created_by=user_id,
                        request_key=request_key)
        s.add(action)
        s.flush()
        from bot.services.followup import plan_action_followup

        plan_action_followup(s, deps, action, workspace)
        enqueue(s, method="chat.postMessage",
                payload={"channel": loaded.session.channel_id, "thread_ts": session_thread(session_id),
                         "text": t(lang, "action.saved", what=request.what[:300]) + (
                             f" ({t(lang, f'parties.{request.party}')}"
                             + (f", <@{request.owner}>" if request.owner else "")
                             + (f", {request.due.strftime('%d-%m-%Y')}" if request.due else "") + ")"),
                         "_report_to": loaded.session.created_by},
                channel_key=loaded.session.channel_id, workspace_id=workspace.id)
    deps.notify()
    return None
