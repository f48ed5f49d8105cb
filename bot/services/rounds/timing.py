"""The clock of a paced stage: the time left shown coarsely, the coordinator told when time is up,
and more time in the unit of the pace (minutes live, working days otherwise).

Why the coordinator decides when time is up: a live conversation that is going well should not
be cut off by a timer. The engine only closes a stage by itself when its flow says so
(`ends: deadline`); for every other stage the deadline is a promise the coordinator keeps, so
the bot reminds them of it with the two buttons that fit: next stage, or more time.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from bot.i18n import t
from bot.runtime.deps import Deps
from bot.services.common.caller import asking
from bot.services.common.pace import MAX_DAYS, MAX_MINUTES, extended, next_tick
from bot.services.common.people import ensure_person, language_of
from bot.services.common.store import Loaded, SessionGone, load
from bot.services.common.worktime import format_when
from bot.services.conversation.thread import outgoing, progress_of, update_stage
from bot.services.conversation.turn import settle, turn
from bot.slack.blocks.kit import actions, button, section
from bot.slack.blocks.planning import extend_modal
from bot.slack.blocks.stage import parse_stage_ref, stage_ref
from bot.slack.ids import Action
from bot.slack.markup import date_token
from flows import engine as fe
from storage.models import ConversationSession, DueItem, Outcome, Workspace


def _current(loaded: Loaded, stage_id: str, deadline: datetime | None) -> bool:
    """Still the stage (and the deadline) this timer was planned for."""
    state = loaded.state
    stage = state.stages.get(stage_id)
    return (state.status == "running" and state.current_stage_id == stage_id and stage is not None
            and stage.status in ("open", "revealed") and stage.deadline is not None
            and (deadline is None or stage.deadline == deadline))


def stage_timer(s: Session, deps: Deps, item: DueItem) -> None:
    """Show the time left; at the deadline, let the engine act and tell the coordinator."""
    payload = item.payload or {}
    session = s.get(ConversationSession, item.session_id) if item.session_id else None
    if session is None or session.status != "running":
        return
    stage_id = str(payload.get("stage") or "")
    try:
        deadline = datetime.fromisoformat(str(payload.get("deadline")))
        loaded = load(s, deps.flows, session.id, s.get(Workspace, session.workspace_id).team_id, lock=True)
    except (ValueError, SessionGone):
        return
    if loaded.pace is None or not _current(loaded, stage_id, deadline):
        return
    settle(s, deps, loaded)  # a stage whose flow ends it at its deadline closes here
    if not _current(loaded, stage_id, deadline):
        return
    now = deps.now()
    update_stage(s, loaded, stage_id, deps)
    if now < deadline:
        item.due_at = next_tick(loaded.pace, deadline, now)
        return
    time_up(s, deps, loaded, stage_id)


def time_up(s: Session, deps: Deps, loaded: Loaded, stage_id: str) -> None:
    """A DM to each coordinator of the session: next stage, or more time."""
    stage = loaded.flow.stage(stage_id)
    progress = progress_of(loaded, stage_id)
    outcome = s.get(Outcome, loaded.session.outcome_id)
    deadline = loaded.state.stages[stage_id].deadline
    coordinators = [u for u, p in loaded.participants.items() if p.role == "coordinator" and p.status != "removed"]
    if loaded.session.created_by and loaded.session.created_by not in coordinators:
        coordinators.insert(0, loaded.session.created_by)
    ref = stage_ref(loaded.session.id, stage_id)
    for user in coordinators:
        person = ensure_person(s, deps, loaded.workspace, user, fetch=False)
        lang = language_of(person, deps)
        text = t(lang, "rounds.pace.time_up_prompt", outcome=outcome.name if outcome else "",
                 stage=stage.title.get(lang), answered=progress.answered_count, expected=progress.expected_count)
        blocks = [section(text), actions(
            button(t(lang, "session.advance"), Action.STAGE_ADVANCE, ref, style="primary"),
            button(t(lang, "rounds.pace.extend_button"), Action.STAGE_EXTEND_BY, ref), block_id="time_up")]
        outgoing(s, loaded).to_person(user, text, blocks,
                                      dedupe=f"timeup:{loaded.session.id}:{stage_id}:{deadline.isoformat()}:{user}")


def extend_view(deps: Deps, team_id: str, user_id: str, value: str) -> dict:
    session_id, stage_id = parse_stage_ref(value) or (None, "")
    with asking(deps, team_id, user_id, write=False) as me:
        loaded = me.session(session_id, coordinator=True, running=True)
        if loaded.pace is None or not _current(loaded, stage_id, None):
            raise me.refusal("errors.stage_not_open")
        return extend_modal(me.lang, loaded.session.id, stage_id, loaded.flow.stage(stage_id).title.get(me.lang),
                            live=loaded.pace.live)


def extend_by(deps: Deps, team_id: str, user_id: str, session_id: int | None, stage_id: str,
              amount: int | None) -> dict | None:
    """More time for the current stage, in the pace's unit; the stage message and its timer follow."""
    with asking(deps, team_id, user_id) as me:
        loaded = me.session(session_id, lock=True, coordinator=True, running=True)
        if loaded.pace is None or not _current(loaded, stage_id, None):
            raise me.refusal("errors.stage_not_open")
        most = MAX_MINUTES if loaded.pace.live else MAX_DAYS
        if amount is None or not 1 <= amount <= most:
            return {"amount": me.text("rounds.pace.extend_range", most=most)}
        current = loaded.state.stages[stage_id].deadline
        deadline = extended(loaded.pace, current, deps.now(), amount, deps.settings.tz)
        turn(me.s, deps, loaded, lambda flow, state: fe.extend(flow, state, stage_id, deadline), lang=me.lang)
        key = "rounds.pace.extended_minutes" if loaded.pace.live else "rounds.pace.extended_days"
        when = date_token(deadline, format_when(deps, deadline), "{time}" if loaded.pace.live else
                          "{date_short_pretty} {time}")
        outgoing(me.s, loaded).to_thread(loaded.session, t(loaded.lang, key, amount=amount, date=when,
                                                           stage=loaded.flow.stage(stage_id).title.get(loaded.lang)))
    return None
