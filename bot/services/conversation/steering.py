"""The coordinator's controls on a running conversation: advance, extend, skip, reopen, close.

Each is one turn (bot/services/conversation/turn.py) on behalf of a coordinator; anyone else
gets a polite refusal and nothing changes.
"""

from __future__ import annotations

from datetime import timedelta

from bot.runtime.deps import Deps
from bot.services.common.agenda import schedule_next_cycle
from bot.services.common.caller import asking
from bot.services.common.store import SessionGone, load
from bot.services.conversation.thread import post_session_summary
from bot.services.conversation.turn import settle, turn
from flows import engine as fe

CONTROL_OPS = ("advance", "extend", "skip", "reopen", "close")


def control(deps: Deps, team_id: str, user_id: str, session_id: int | None, stage_id: str, op: str) -> str | None:
    """A coordinator's button. Returns an optional note for the clicker; raises Refusal."""
    with asking(deps, team_id, user_id) as me:
        loaded = me.session(session_id, lock=True, coordinator=True)
        now = deps.now()
        if op not in CONTROL_OPS or (op == "advance" and loaded.state.current_stage_id != stage_id):
            raise me.refusal("errors.stale")
        steps = {
            "advance": lambda flow, state: fe.advance(flow, state, now),
            "extend": lambda flow, state: fe.extend(flow, state, stage_id, _one_day_later(state, stage_id, now)),
            "skip": lambda flow, state: fe.skip(flow, state, stage_id, now),
            "reopen": lambda flow, state: fe.reopen(flow, state, stage_id, now),
            "close": lambda flow, state: fe.close_session(flow, state, now),
        }
        turn(me.s, deps, loaded, steps[op], lang=me.lang)
        if op == "close":
            post_session_summary(me.s, loaded, user_id)
            schedule_next_cycle(me.s, deps, loaded.session)
    return None


def _one_day_later(state: fe.SessionState, stage_id: str, now):
    stage = state.stages.get(stage_id)
    current = (stage.deadline if stage else None) or now
    return max(current, now) + timedelta(days=1)


def tick_session(deps: Deps, session_id: int, team_id: str) -> int:
    """Deadline/all-answered auto-advance for one session (called by the scheduler)."""
    with deps.db.unit_of_work() as s:
        try:
            loaded = load(s, deps.flows, session_id, team_id, lock=True)
        except SessionGone:
            return 0
        events = settle(s, deps, loaded)
    if events:
        deps.notify()
    return len(events)
