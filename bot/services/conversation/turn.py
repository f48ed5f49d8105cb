"""One turn of a conversation: run one engine step on the loaded state, save it, emit its messages.

Why a helper: every use case that moves a session (a click, an answer, a deadline, a planned
opening) must do exactly these steps in this order inside one unit of work, and turn a refused
transition into a polite sentence in the asker's language. Written out by hand, one of them
always forgot a step.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

from bot.runtime.deps import Deps
from bot.services.common.agenda import add_due, policy_of
from bot.services.common.pace import apply_pace, next_tick
from bot.services.common.refusal import refusal_for
from bot.services.common.store import Loaded, save
from bot.services.conversation.thread import emit
from flows import Flow
from flows import engine as fe

Step = Callable[[Flow, fe.SessionState], tuple[fe.SessionState, list]]


def turn(s: Session, deps: Deps, loaded: Loaded, step: Step, *, lang: str | None = None) -> list:
    """Run `step`, save the new state and queue the messages its events cause; returns the events.

    A TransitionError becomes a Refusal in `lang` (the clicker's language) when given, else it
    propagates (scheduled work has nobody to tell).
    """
    try:
        state, events = step(loaded.flow, loaded.state)
    except fe.TransitionError as exc:
        if lang is None:
            raise
        raise refusal_for(lang, exc) from exc
    if loaded.pace is not None and events:
        state = apply_pace(loaded.flow, state, events, loaded.pace, deps.now(), deps.settings.tz,
                           policy_of(loaded.workspace).hours)
    if state is not loaded.state:
        save(s, loaded, state)
    emit(s, loaded, events, deps)
    if loaded.pace is not None:
        plan_stage_timers(s, deps, loaded, events)
    return events


def plan_stage_timers(s: Session, deps: Deps, loaded: Loaded, events: list) -> None:
    """A paced stage that opened or got more time gets a timer: it shows the time left and tells
    the coordinator when time is up (bot/services/rounds/timing.py handles it)."""
    for event in events:
        if not isinstance(event, fe.StageOpened | fe.StageReopened | fe.StageExtended):
            continue
        deadline = loaded.state.stages[event.stage_id].deadline
        if deadline is None or loaded.state.current_stage_id != event.stage_id:
            continue
        add_due(s, "stage_timer", next_tick(loaded.pace, deadline, deps.now()),
                dedupe_key=f"stage_timer:{loaded.session.id}:{event.stage_id}:{deadline.isoformat()}",
                session_id=loaded.session.id, payload={"stage": event.stage_id, "deadline": deadline.isoformat()})


def settle(s: Session, deps: Deps, loaded: Loaded) -> list:
    """Let time and completeness do their work (a stage whose everyone answered or whose deadline
    passed closes, the next opens)."""
    return turn(s, deps, loaded, lambda flow, state: fe.tick(flow, state, deps.now()))
