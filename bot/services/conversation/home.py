"""Builds and publishes a person's Home tab (through the outbox, like every other view)."""

from __future__ import annotations

from sqlalchemy import select

from bot.runtime.deps import Deps
from bot.services.common.caller import Caller, asking
from bot.services.common.store import load
from bot.services.common.worktime import format_when
from bot.services.conversation.status import running_sessions
from bot.services.cycle.series import series_lines
from bot.services.rounds.viewing import home_rounds
from bot.slack.blocks.home import ActionItem, HomeModel, PromptItem, RunningItem, UpcomingItem, home_view
from bot.slack.outgoing import Outgoing
from bot.texts.formatting import format_date
from flows import engine as fe
from storage.models import (
    Action,
    ConversationSession,
    DataSet,
    Outcome,
    Participant,
    SessionPlan,
)


def build_home(me: Caller, page: int = 10) -> HomeModel:
    s, deps, workspace, person, lang = me.s, me.deps, me.workspace, me.person, me.lang
    team_id, user_id = workspace.team_id, person.slack_user_id
    coordinator = me.is_coordinator()
    model = HomeModel(lang=lang, is_coordinator=coordinator, page=page)
    outcomes = {o.id: o.name for o in s.scalars(select(Outcome).where(Outcome.workspace_id == workspace.id))}

    mine = set(running_sessions(s, workspace, person, coordinator=False))
    for session_id in running_sessions(s, workspace, person, coordinator=coordinator):
        loaded = load(s, deps.flows, session_id, team_id)
        stage_id = loaded.state.current_stage_id
        if stage_id is None:
            continue
        stage = loaded.flow.stage(stage_id)
        missing = fe.missing_answers(loaded.flow, loaded.state, stage_id)
        outcome = outcomes.get(loaded.session.outcome_id, "")
        if session_id in mine and user_id in missing and stage.kind != "actions":
            model.prompts.append(PromptItem(session_id, stage_id, outcome, stage.title.get(lang),
                                            loaded.session.channel_id))
        if coordinator:
            expected = fe.eligible(loaded.flow, loaded.state, stage_id)
            model.running.append(RunningItem(outcome, loaded.flow.title.get(lang), stage.title.get(lang),
                                             len(expected) - len(missing & set(expected)), len(expected),
                                             loaded.session.channel_id, session_id))

    planned = s.execute(
        select(ConversationSession, Participant)
        .join(Participant, Participant.session_id == ConversationSession.id)
        .outerjoin(SessionPlan, SessionPlan.session_id == ConversationSession.id)
        .where(ConversationSession.workspace_id == workspace.id, ConversationSession.status == "scheduled",
               Participant.person_id == person.id, Participant.status != "removed",
               SessionPlan.cancelled_at.is_(None))
        .order_by(ConversationSession.scheduled_at)
    ).all()
    for session, _participant in planned:
        when = format_when(deps, session.scheduled_at, person.tz, lang)  # a date token: each reader's own zone
        flow = deps.flows.get(session.flow_id, session.flow_version)
        model.upcoming.append(UpcomingItem(outcomes.get(session.outcome_id, ""), when, flow.title.get(lang)))

    for action in s.scalars(select(Action).where(Action.owner_person_id == person.id, Action.status == "open")
                            .order_by(Action.due_date)):
        model.actions.append(ActionItem(action.id, action.what, format_date(action.due_date, lang)
                                        if action.due_date else None))
    model.rounds = home_rounds(me, limit=1)
    if coordinator:
        model.series = series_lines(s, deps, workspace.id, lang)
        model.datasets = [f"{outcomes.get(d.outcome_id, '')} · {d.filename or ''} · "
                          f"{format_date(d.imported_at, lang, deps.settings.tz)}"
                          for d in s.scalars(select(DataSet).where(DataSet.workspace_id == workspace.id)
                                             .order_by(DataSet.id.desc()).limit(50))]
    return model


def publish_home(deps: Deps, team_id: str, user_id: str, page: int = 10) -> None:
    if not team_id or not user_id:
        return
    with asking(deps, team_id, user_id, profile=True) as me:
        model = build_home(me, page=min(max(page, 1), 40))
        Outgoing(me.s, me.workspace.id).publish_home(user_id, home_view(model))
