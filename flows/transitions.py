"""How a session moves through its stages: plan, open, answer, reveal, advance, skip, reopen, close.

Every operation takes the flow, the current state and `now`, and returns a new state plus
the events that happened. The bot turns events into messages; the database stores the state.
Why this shape: each transition is a plain function call that tests in microseconds, and a
refused transition raises an error with a stable `code` the bot translates for the user.

A stage's life: pending → open (people answer) → [revealed] → closed, or skipped.
`revealed` is optional: answering has stopped and the answers are shown, while the stage
stays current so the group can react, agree on a shared picture or vote before moving on.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from flows import events as ev
from flows import transition_errors as E
from flows.guards import require_participant, require_running, require_stage
from flows.model import Flow, Question
from flows.participation import eligible, missing_answers
from flows.roles import ROLES
from flows.state import SessionState, StageState

ANSWER_MAX = 3000
ACTIVE = ("open", "revealed")  # the statuses of the current stage


def plan_session(flow: Flow, participants: dict[str, str], *, theme: str | None = None,
                 visibility: str | None = None) -> SessionState:
    """A session that exists (participants, theme) but has not begun: every stage waits.

    Why separate from opening: a scheduled conversation is planned weeks ahead, its
    preparation round runs first, and only at the agreed time does the first stage open.
    """
    if not participants:
        raise E.NoParticipants()
    for role in participants.values():
        if role not in ROLES:
            raise E.UnknownRole(role)
    theme = (theme or "").strip() or None
    if flow.needs_theme and not theme:
        raise E.NeedsTheme()
    return SessionState(
        flow_id=flow.id, flow_version=flow.version, participants=dict(participants),
        stages={s.id: StageState() for s in flow.stages}, visibility=visibility or flow.visibility,
        theme=theme, status="scheduled",
    )


def open_session(flow: Flow, state: SessionState, now: datetime) -> tuple[SessionState, list[ev.Event]]:
    """Begin a planned session: the first stage opens."""
    if state.status == "closed":
        raise E.SessionIsClosed()
    if state.status != "scheduled":
        raise E.StageNotOpen("already running")
    state = replace(state, status="running", started_at=now)
    return _open(flow, state, flow.stages[0].id, now)


def start_session(flow: Flow, participants: dict[str, str], now: datetime, *, theme: str | None = None,
                  visibility: str | None = None) -> tuple[SessionState, list[ev.Event]]:
    """A new session with its first stage open (planned and opened in one step)."""
    return open_session(flow, plan_session(flow, participants, theme=theme, visibility=visibility), now)


def _deadline(flow: Flow, stage_id: str, now: datetime) -> datetime | None:
    hours = flow.stage(stage_id).deadline_hours
    return now + timedelta(hours=hours) if hours else None


def _open(flow: Flow, state: SessionState, stage_id: str, now: datetime) -> tuple[SessionState, list[ev.Event]]:
    old = state.stages[stage_id]
    new = StageState("open", old.opened_at or now, None, _deadline(flow, stage_id, now), old.revealed_at)
    return replace(state, stages={**state.stages, stage_id: new}, current_stage_id=stage_id), \
        [ev.StageOpened(stage_id)]


def _close(state: SessionState, stage_id: str, now: datetime,
           status: str = "closed") -> tuple[SessionState, list[ev.Event]]:
    """Close (or skip) a stage; a dot vote still open in it closes with it."""
    old = state.stages[stage_id]
    state = replace(state, stages={**state.stages, stage_id: replace(old, status=status, closed_at=now)})
    vote = state.votes.get(stage_id)
    if vote is None or vote.status != "open":
        return state, []
    closed = replace(vote, status="closed", closed_at=now)
    return replace(state, votes={**state.votes, stage_id: closed}), [ev.VoteClosed(stage_id)]


def validate_value(question: Question, value: str) -> str:
    """The normalised value, or InvalidAnswer with a code the bot can translate."""
    value = (value or "").strip()
    if not value:
        raise E.InvalidAnswer("answer_empty")
    if question.kind == "text":
        if len(value) > ANSWER_MAX:
            raise E.InvalidAnswer("answer_too_long")
        return value
    if question.kind == "scale":
        try:
            number = int(value)
        except ValueError:
            raise E.InvalidAnswer("answer_not_on_scale") from None
        if not question.scale_min <= number <= question.scale_max:
            raise E.InvalidAnswer("answer_not_on_scale")
        return str(number)
    picked = [v.strip() for v in value.split(",") if v.strip()]
    if question.kind == "single" and len(picked) != 1:
        raise E.InvalidAnswer("answer_unknown_option")
    if any(question.option(v) is None for v in picked) or len(set(picked)) != len(picked):
        raise E.InvalidAnswer("answer_unknown_option")
    order = [o.id for o in question.options]
    return ",".join(sorted(picked, key=order.index))


def record_answer(flow: Flow, state: SessionState, participant: str, stage_id: str, question_id: str,
                  value: str, now: datetime) -> tuple[SessionState, list[ev.Event]]:
    """Store or replace one answer; only while its stage is open, only for who it is meant for."""
    require_running(state)
    role = require_participant(state, participant)
    stage = require_stage(flow, stage_id)
    question = stage.question(question_id)
    if question is None:
        raise E.UnknownQuestion(question_id)
    if state.stages[stage_id].status != "open":
        raise E.StageNotOpen(stage_id)
    if not stage.answered_by(role):
        raise E.RoleNotAllowed(role)
    clean = validate_value(question, value)
    key = (stage_id, question_id, participant)
    edited = key in state.answers
    if edited and state.answers[key] == clean:
        return state, []
    answers = {**state.answers, key: clean}
    return replace(state, answers=answers), [ev.AnswerRecorded(stage_id, question_id, participant, edited)]


def can_close(flow: Flow, state: SessionState, stage_id: str, now: datetime) -> bool:
    """Whether the stage ends by itself now (everyone answered, or its deadline passed).

    A revealed stage is the group's time together: only its deadline ends it by itself.
    """
    stage = flow.stage(stage_id)
    st = state.stages[stage_id]
    deadline_passed = stage.ends == "deadline" and st.deadline is not None and now >= st.deadline
    if st.status == "revealed":
        return deadline_passed
    if st.status != "open":
        return False
    if stage.ends == "all_answered":
        return bool(eligible(flow, state, stage_id)) and not missing_answers(flow, state, stage_id)
    return deadline_passed


def _next_pending(flow: Flow, state: SessionState, after: str) -> str | None:
    ids = flow.stage_ids
    for sid in ids[ids.index(after) + 1:]:
        if state.stages[sid].status == "pending":
            return sid
    return None


def _current(state: SessionState) -> str:
    current = state.current_stage_id
    if current is None or state.stages[current].status not in ACTIVE:
        raise E.StageNotOpen(current or "")
    return current


def reveal(flow: Flow, state: SessionState, now: datetime) -> tuple[SessionState, list[ev.Event]]:
    """Stop answering the current stage and show its answers, without moving on yet.

    Why a step of its own: the group first forms a shared picture (or votes) on what was
    said; only then does the coordinator advance. `advance` still closes an open stage
    directly for stages where nothing is done together.
    """
    require_running(state)
    current = _current(state)
    if state.stages[current].status == "revealed":
        return state, []
    if flow.stage(current).kind != "questions":
        raise E.StageNotOpen(current)
    old = state.stages[current]
    stages = {**state.stages, current: replace(old, status="revealed", revealed_at=now)}
    return replace(state, stages=stages), [ev.StageRevealed(current)]


def advance(flow: Flow, state: SessionState, now: datetime) -> tuple[SessionState, list[ev.Event]]:
    """Close the current stage (open or revealed; its answers are revealed) and open the next waiting one."""
    require_running(state)
    current = _current(state)
    nxt = _next_pending(flow, state, current)
    if nxt is None:
        raise E.NoNextStage(current)
    state, closed = _close(state, current, now)
    state, opened = _open(flow, state, nxt, now)
    return state, [*closed, ev.StageClosed(current), *opened]


def skip(flow: Flow, state: SessionState, stage_id: str, now: datetime) -> tuple[SessionState, list[ev.Event]]:
    """Pass over a stage (open or still waiting); skipping the open one opens the next."""
    require_running(state)
    require_stage(flow, stage_id)
    status = state.stages[stage_id].status
    if status not in ("open", "pending"):
        raise E.StageNotOpen(stage_id)
    if status == "pending":
        state, _ = _close(state, stage_id, now, "skipped")
        return state, [ev.StageSkipped(stage_id)]
    nxt = _next_pending(flow, state, stage_id)
    if nxt is None:
        raise E.NoNextStage(stage_id)
    state, closed = _close(state, stage_id, now, "skipped")
    state, opened = _open(flow, state, nxt, now)
    return state, [*closed, ev.StageSkipped(stage_id), *opened]


def extend(flow: Flow, state: SessionState, stage_id: str, deadline: datetime) -> tuple[SessionState, list[ev.Event]]:
    """Give the current stage more time (a later deadline; never earlier than the current one)."""
    require_running(state)
    require_stage(flow, stage_id)
    st = state.stages[stage_id]
    if st.status not in ACTIVE:
        raise E.StageNotOpen(stage_id)
    if st.deadline is not None and deadline <= st.deadline:
        raise E.NotExtendable(stage_id)
    stages = {**state.stages, stage_id: replace(st, deadline=deadline)}
    return replace(state, stages=stages), [ev.StageExtended(stage_id, deadline)]


def reopen(flow: Flow, state: SessionState, stage_id: str, now: datetime) -> tuple[SessionState, list[ev.Event]]:
    """Open a closed, skipped or revealed stage again for answers; another current stage waits."""
    require_running(state)
    require_stage(flow, stage_id)
    if state.stages[stage_id].status not in ("closed", "skipped", "revealed"):
        raise E.StageNotOpen(stage_id)
    events: list[ev.Event] = []
    current = state.current_stage_id
    if current and current != stage_id and state.stages[current].status in ACTIVE:
        state = replace(state, stages={**state.stages, current: replace(state.stages[current], status="pending")})
        events.append(ev.StagePaused(current))
    old = state.stages[stage_id]
    new = replace(old, status="open", closed_at=None, deadline=_deadline(flow, stage_id, now))
    state = replace(state, current_stage_id=stage_id, stages={**state.stages, stage_id: new})
    return state, [*events, ev.StageReopened(stage_id)]


def close_session(flow: Flow, state: SessionState, now: datetime) -> tuple[SessionState, list[ev.Event]]:
    """End the session: the current stage closes (and is revealed); stages never reached stay unanswered."""
    require_running(state)
    events: list[ev.Event] = []
    current = state.current_stage_id
    if current and state.stages[current].status in ACTIVE:
        state, closed = _close(state, current, now)
        events += [*closed, ev.StageClosed(current)]
    return replace(state, status="closed", closed_at=now), [*events, ev.SessionClosed()]


def tick(flow: Flow, state: SessionState, now: datetime) -> tuple[SessionState, list[ev.Event]]:
    """Let time and completeness do their work: end a stage that may end, open the next.

    A stage where the group works together (shared picture, vote) that closes when everyone
    answered is revealed instead, and waits for the coordinator. The last stage closes
    without opening anything; closing the session stays a coordinator's decision.
    """
    if state.status == "closed" or state.current_stage_id is None:
        return state, []
    current = state.current_stage_id
    if not can_close(flow, state, current, now):
        return state, []
    stage = flow.stage(current)
    if state.stages[current].status == "open" and stage.works_together and stage.ends == "all_answered":
        return reveal(flow, state, now)
    nxt = _next_pending(flow, state, current)
    state, closed = _close(state, current, now)
    if nxt is None:
        return state, [*closed, ev.StageClosed(current)]
    state, opened = _open(flow, state, nxt, now)
    return state, [*closed, ev.StageClosed(current), *opened]
