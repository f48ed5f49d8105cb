"""Starting a conversation from the start modal: now, or planned with its preparation round
and, when asked, as the first of a series.

Why its own module: starting decides a lot at once (who takes part in which role, which
outcome, now or later, a series or not) and writes the session's thread; running a started
session (answers, controls) lives in bot/services/sessions.py.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from bot.i18n import t
from bot.runtime.deps import Deps
from bot.services.common.agenda import plan_scheduled_session, policy_of
from bot.services.common.caller import asking
from bot.services.common.people import ensure_person
from bot.services.common.recurrence import EVERY_MONTHS, rule_from_first
from bot.services.common.refusal import refusal_for
from bot.services.common.store import Loaded, save
from bot.services.common.worktime import format_when
from bot.services.conversation.thread import emit
from bot.slack.blocks.kit import context, header, section
from bot.slack.blocks.session_controls import session_controls
from bot.slack.blocks.start_modal import StartRequest
from bot.slack.markup import mention, mentions
from bot.slack.outgoing import Outgoing
from flows import engine as fe
from storage.models import ConversationSession, Outcome, Participant, Person, Series

log = logging.getLogger(__name__)



# ---- start ---------------------------------------------------------------------------

@dataclass(frozen=True)
class StartResult:
    session_id: int | None = None
    errors: dict[str, str] | None = None  # block_id -> message, for the modal


def start_session(deps: Deps, team_id: str, user_id: str, request: StartRequest, request_key: str) -> StartResult:
    """Create a session from the start modal. A second submit of the same modal is a no-op."""
    with asking(deps, team_id, user_id) as me:
        me.require_coordinator()
        s, workspace, coordinator, lang = me.s, me.workspace, me.person, me.lang
        existing = s.scalar(select(ConversationSession.id).where(ConversationSession.request_key == request_key))
        if existing is not None:
            return StartResult(session_id=existing)
        errors = _validate_start(deps, lang, request)
        if errors:
            return StartResult(errors=errors)
        flow = deps.flows.get(request.flow_id)
        outcome = _outcome(s, workspace.id, request)
        participants = dict(request.participants)
        participants.setdefault(user_id, "coordinator")
        now = deps.now()
        scheduled_at = _scheduled_at(request, deps)
        later = scheduled_at is not None and scheduled_at > now + SCHEDULE_MARGIN
        try:
            if later:
                state = fe.plan_session(flow, participants, theme=request.theme,
                                        visibility=request.visibility or None)
                events: list = []
            else:
                state, events = fe.start_session(flow, participants, now, theme=request.theme,
                                                 visibility=request.visibility or None)
        except fe.TransitionError as exc:
            raise refusal_for(lang, exc) from exc
        session = ConversationSession(
            workspace_id=workspace.id,
            outcome_id=outcome.id,
            flow_id=flow.id,
            flow_version=flow.version,
            channel_id=request.channel_id,
            theme=request.theme,
            language=workspace.language or deps.settings.language,
            visibility=state.visibility,
            status=state.status,
            scheduled_at=scheduled_at,
            started_at=None if later else now,
            created_by=user_id,
            request_key=request_key,
        )
        s.add(session)
        try:
            with s.begin_nested():
                s.flush()
        except IntegrityError:  # a concurrent double submit won the race
            s.expunge(session)
            return StartResult(
                session_id=s.scalar(
                    select(ConversationSession.id).where(ConversationSession.request_key == request_key)
                )
            )
        people = {}
        for uid, role in participants.items():
            person = coordinator if uid == user_id else ensure_person(s, deps, workspace, uid, fetch=False)
            people[uid] = Participant(session_id=session.id, person_id=person.id, role=role)
            s.add(people[uid])
        s.flush()
        if request.repeat in EVERY_MONTHS:
            session.series_id = _create_series(s, deps, workspace, session, outcome, participants,
                                               request.repeat).id
        loaded = Loaded(session, workspace, flow, state, people, {})
        save(s, loaded, state)
        if later:
            post_scheduled_root(s, deps, session, workspace)
            plan_scheduled_session(s, deps, session, workspace)
        else:
            _post_root(s, loaded, outcome.name, user_id)
            emit(s, loaded, events, deps)
        session_id = session.id
    return StartResult(session_id=session_id)


SCHEDULE_MARGIN = timedelta(minutes=15)  # "today at 14:00" chosen at 13:50 just starts now


def _create_series(s, deps: Deps, workspace, session: ConversationSession, outcome: Outcome,
                   participants: dict[str, str], every: str):
    first = (session.scheduled_at or deps.now()).astimezone(deps.settings.tz)
    series = Series(workspace_id=workspace.id, outcome_id=outcome.id, flow_id=session.flow_id,
                    channel_id=session.channel_id, rule=rule_from_first(first, every),
                    timezone=deps.settings.timezone, status="active", created_by=session.created_by,
                    participants=[{"user": u, "role": r} for u, r in participants.items()])
    s.add(series)
    s.flush()
    return series


def post_scheduled_root(s, deps: Deps, session: ConversationSession, workspace) -> None:
    """The thread for a planned session: when, who, and that preparation will follow."""
    lang = session.language
    outcome = s.get(Outcome, session.outcome_id)
    flow = deps.flows.get(session.flow_id, session.flow_version)
    users = list(s.scalars(select(Person.slack_user_id).join(Participant, Participant.person_id == Person.id)
                           .where(Participant.session_id == session.id).order_by(Participant.id)))
    names = str(len(users)) if session.visibility == "anonymous" else mentions(users)
    prep_at = max(deps.now(), session.scheduled_at - policy_of(workspace).prep_lead)
    text = t(lang, "prep.scheduled_root", flow=flow.title.get(lang),
             date=format_when(deps, session.scheduled_at, lang=lang), coordinator=mention(session.created_by),
             participants=names, prep_date=format_when(deps, prep_at, lang=lang))
    title = t(lang, "session.header", outcome=outcome.name)
    blocks = [header(title), section(text), session_controls(lang, session.id, status="scheduled")]
    Outgoing(s, workspace.id, report_to=session.created_by, lang=lang).root(
        session, title, blocks, dedupe=f"root:{session.id}")


def _validate_start(deps: Deps, lang: str, request: StartRequest) -> dict[str, str]:
    errors: dict[str, str] = {}
    try:
        flow = deps.flows.get(request.flow_id)
    except Exception:
        errors["flow"] = t(lang, "errors.unknown_flow")
        return errors
    if request.outcome_id is None and not request.outcome_name:
        errors["outcome_new"] = t(lang, "start.need_outcome")
    if flow.needs_theme and not request.theme:
        errors["theme"] = t(lang, "start.need_theme")
    if not request.participants:
        errors["participants_sw"] = t(lang, "errors.no_participants")
    if not request.channel_id:
        errors["channel"] = t(lang, "errors.field_required")
    return errors


def _outcome(s, workspace_id: int, request: StartRequest) -> Outcome:
    if request.outcome_id is not None:
        outcome = s.get(Outcome, request.outcome_id)
        if outcome is not None and outcome.workspace_id == workspace_id:
            return outcome
    name = (request.outcome_name or "").strip()[:200]
    outcome = s.scalar(select(Outcome).where(Outcome.workspace_id == workspace_id, Outcome.name == name))
    if outcome is None:
        outcome = Outcome(workspace_id=workspace_id, name=name)
        s.add(outcome)
        s.flush()
    return outcome


def _scheduled_at(request: StartRequest, deps: Deps) -> datetime | None:
    if request.on_date is None:
        return None
    at = request.at_time or datetime.min.time().replace(hour=14)
    return datetime.combine(request.on_date, at, tzinfo=ZoneInfo(deps.settings.timezone))


def _post_root(s, loaded: Loaded, outcome_name: str, coordinator: str) -> None:
    lang = loaded.lang
    names = str(len(loaded.participants)) if loaded.anonymous else mentions(loaded.participants)
    title = t(lang, "session.header", outcome=outcome_name)
    blocks = [header(title), section(t(lang, "session.intro", flow=loaded.flow.title.get(lang),
                                       coordinator=mention(coordinator), participants=names))]
    if loaded.state.theme:
        blocks.append(context(t(lang, "session.theme", theme=loaded.state.theme)))
    blocks.append(session_controls(lang, loaded.session.id, status="running"))
    Outgoing(s, loaded.workspace.id, report_to=coordinator, lang=lang).root(
        loaded.session, title, blocks)
