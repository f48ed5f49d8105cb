"""Who is awaited, once: the single definition the engine, progress, reminders and overviews use.

Nobody waits for
- coordinators: they steer and may answer, but a stage only waits for them when it names
  their role (like the closing stage);
- people who declined (`absent`): they may still answer, and come back with set_absent(False);
- people who were removed (`removed`): their answers stay in summaries, marked as removed.

People come and go during a session (late joiners, someone who leaves the organisation), so
adding and removing are transitions like any other.
"""

from __future__ import annotations

from dataclasses import replace

from flows import events as ev
from flows import transition_errors as E
from flows.guards import require_running
from flows.model import Flow
from flows.roles import ROLES
from flows.state import SessionState


def is_awaited(state: SessionState, participant: str) -> bool:
    """Still expected to take part at all (before looking at which roles a stage asks)."""
    return state.is_active(participant) and participant not in state.absent


def eligible(flow: Flow, state: SessionState, stage_id: str) -> list[str]:
    """Participants this stage waits for (by role, minus absent and removed), in a stable order."""
    stage = flow.stage(stage_id)
    if stage.kind != "questions":
        return []
    people = [(p, role) for p, role in state.participants.items() if is_awaited(state, p)]
    if stage.roles is None:
        return [p for p, role in people if role != "coordinator"]
    return [p for p, role in people if role in stage.roles]


def missing_answers(flow: Flow, state: SessionState, stage_id: str) -> set[str]:
    """Who this stage still waits for: awaited and not yet answered every required question."""
    stage = flow.stage(stage_id)
    required = [q.id for q in stage.questions if q.required] or [q.id for q in stage.questions[:1]]
    return {p for p in eligible(flow, state, stage_id)
            if any((stage_id, q, p) not in state.answers for q in required)}


def awaited(state: SessionState) -> list[str]:
    """Everyone the session as a whole waits for (e.g. to consent to the conclusion):
    every active, not-absent participant except coordinators, in a stable order."""
    return [p for p, role in state.participants.items() if is_awaited(state, p) and role != "coordinator"]


def set_absent(state: SessionState, participant: str, absent: bool) -> tuple[SessionState, list[ev.Event]]:
    """Someone declines ("ik doe niet mee") or comes back. Their answers stay where they are.

    After this, call `tick`: a stage that closes when everyone answered may now close.
    """
    require_running(state)
    if participant not in state.participants:
        raise E.NotAParticipant(participant)
    if participant in state.removed:
        raise E.NoLongerParticipant(participant)
    if (participant in state.absent) == absent:
        return state, []
    people = state.absent | {participant} if absent else state.absent - {participant}
    return replace(state, absent=frozenset(people)), [ev.AbsenceChanged(participant, absent)]


def add_participant(state: SessionState, participant: str, role: str) -> tuple[SessionState, list[ev.Event]]:
    """A late joiner, or someone removed earlier who comes back (with any role).

    Adding someone who already takes part with the same role changes nothing; with another
    role it is refused, so a role never changes by accident.
    """
    require_running(state)
    if role not in ROLES:
        raise E.UnknownRole(role)
    current = state.participants.get(participant)
    if current is not None and participant not in state.removed:
        if current == role:
            return state, []
        raise E.AlreadyParticipant(participant)
    return replace(state, participants={**state.participants, participant: role},
                   removed=state.removed - {participant}, absent=state.absent - {participant}), \
        [ev.ParticipantAdded(participant, role)]


def remove_participant(state: SessionState, participant: str) -> tuple[SessionState, list[ev.Event]]:
    """Take someone out of the session; their answers, confirmations and votes stay (marked).

    Refused for the only coordinator and for the last remaining participant: a session needs
    someone to steer it and someone to talk to.
    """
    require_running(state)
    if participant not in state.participants:
        raise E.NotAParticipant(participant)
    if participant in state.removed:
        return state, []
    others = [p for p in state.participants if state.is_active(p) and p != participant]
    if not others:
        raise E.NoParticipants(participant)
    if state.is_coordinator(participant) and not any(state.is_coordinator(p) for p in others):
        raise E.LastCoordinator(participant)
    return replace(state, removed=state.removed | {participant}, absent=state.absent - {participant}), \
        [ev.ParticipantRemoved(participant)]
