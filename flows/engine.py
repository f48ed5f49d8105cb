"""The pure state machine of a conversation: no Slack, no SQL, no clock of its own.

Every operation takes the flow, the current state and `now`, and returns a new state plus
the events that happened. The bot turns events into messages; the database stores the state.
Why this shape: each transition is a plain function call that tests in microseconds, and a
refused transition raises an error with a stable `code` the bot translates for the user.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from flows.model import Flow, Question, Stage
from flows.roles import ROLE_ORDER, ROLES

ANSWER_MAX = 3000

# ---- errors -------------------------------------------------------------------------------


class TransitionError(Exception):
    """A step the rules do not allow; `code` is stable and translated by the bot."""

    code = "transition"

    def __init__(self, detail: str = "") -> None:
        super().__init__(detail or self.code)


class SessionIsClosed(TransitionError):
    code = "session_closed"


class StageNotOpen(TransitionError):
    code = "stage_not_open"


class RoleNotAllowed(TransitionError):
    code = "role_not_allowed"


class NotAParticipant(TransitionError):
    code = "not_a_participant"


class NoNextStage(TransitionError):
    code = "no_next_stage"


class UnknownStage(TransitionError):
    code = "unknown_stage"


class UnknownQuestion(TransitionError):
    code = "unknown_question"


class NeedsTheme(TransitionError):
    code = "needs_theme"


class NoParticipants(TransitionError):
    code = "no_participants"


class UnknownRole(TransitionError):
    code = "unknown_role"


class NotExtendable(TransitionError):
    code = "not_extendable"


class InvalidAnswer(TransitionError):
    """The value does not fit the question (empty, too long, not on the scale, unknown option)."""

    code = "invalid_answer"

    def __init__(self, code: str = "invalid_answer", detail: str = "") -> None:
        super().__init__(detail or code)
        self.code = code


# ---- events -------------------------------------------------------------------------------


@dataclass(frozen=True)
class StageOpened:
    stage_id: str


@dataclass(frozen=True)
class StageClosed:
    stage_id: str


@dataclass(frozen=True)
class StageSkipped:
    stage_id: str


@dataclass(frozen=True)
class StageExtended:
    stage_id: str
    deadline: datetime


@dataclass(frozen=True)
class StageReopened:
    stage_id: str


@dataclass(frozen=True)
class StagePaused:
    """An open stage went back to waiting because the coordinator reopened an earlier one."""

    stage_id: str


@dataclass(frozen=True)
class AnswerRecorded:
    stage_id: str
    question_id: str
    participant: str
    edited: bool


@dataclass(frozen=True)
class SessionClosed:
    pass


Event = StageOpened | StageClosed | StageSkipped | StageExtended | StageReopened | StagePaused | AnswerRecorded | SessionClosed

# ---- state --------------------------------------------------------------------------------

AnswerKey = tuple[str, str, str]  # (stage_id, question_id, participant)


@dataclass(frozen=True)
class StageState:
    status: str = "pending"  # pending | open | closed | skipped
    opened_at: datetime | None = None
    closed_at: datetime | None = None
    deadline: datetime | None = None


@dataclass(frozen=True)
class SessionState:
    flow_id: str
    flow_version: int
    participants: dict[str, str]  # participant id (Slack user id) -> role
    stages: dict[str, StageState]  # in flow order
    status: str = "running"  # scheduled | running | closed
    current_stage_id: str | None = None
    answers: dict[AnswerKey, str] = field(default_factory=dict)
    visibility: str = "hidden"
    theme: str | None = None
    started_at: datetime | None = None
    closed_at: datetime | None = None
    # Participants nobody waits for any more (declined, removed); their answers stay.
    absent: frozenset[str] = frozenset()

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (datetimes as ISO strings, answers as a list of 4-item lists)."""
        return {
            "flow_id": self.flow_id,
            "flow_version": self.flow_version,
            "participants": dict(self.participants),
            "stages": {sid: {"status": st.status, "opened_at": _iso(st.opened_at),
                             "closed_at": _iso(st.closed_at), "deadline": _iso(st.deadline)}
                       for sid, st in self.stages.items()},
            "status": self.status,
            "current_stage_id": self.current_stage_id,
            "answers": [[s, q, p, v] for (s, q, p), v in self.answers.items()],
            "visibility": self.visibility,
            "theme": self.theme,
            "started_at": _iso(self.started_at),
            "closed_at": _iso(self.closed_at),
            "absent": sorted(self.absent),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SessionState:
        return cls(
            flow_id=data["flow_id"],
            flow_version=int(data["flow_version"]),
            participants=dict(data.get("participants") or {}),
            stages={sid: StageState(st.get("status", "pending"), _dt(st.get("opened_at")),
                                    _dt(st.get("closed_at")), _dt(st.get("deadline")))
                    for sid, st in (data.get("stages") or {}).items()},
            status=data.get("status", "running"),
            current_stage_id=data.get("current_stage_id"),
            answers={(s, q, p): v for s, q, p, v in data.get("answers") or []},
            visibility=data.get("visibility", "hidden"),
            theme=data.get("theme"),
            started_at=_dt(data.get("started_at")),
            closed_at=_dt(data.get("closed_at")),
            absent=frozenset(data.get("absent") or ()),
        )

    def answers_of(self, participant: str, stage_id: str) -> dict[str, str]:
        return {q: v for (s, q, p), v in self.answers.items() if s == stage_id and p == participant}


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _dt(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


# ---- transitions --------------------------------------------------------------------------


def plan_session(flow: Flow, participants: dict[str, str], *, theme: str | None = None,
                 visibility: str | None = None) -> SessionState:
    """A session that exists (participants, theme) but has not begun: every stage waits.

    Why separate from opening: a scheduled conversation is planned weeks ahead, its
    preparation round runs first, and only at the agreed time does the first stage open.
    """
    if not participants:
        raise NoParticipants()
    for role in participants.values():
        if role not in ROLES:
            raise UnknownRole(role)
    theme = (theme or "").strip() or None
    if flow.needs_theme and not theme:
        raise NeedsTheme()
    return SessionState(
        flow_id=flow.id, flow_version=flow.version, participants=dict(participants),
        stages={s.id: StageState() for s in flow.stages}, visibility=visibility or flow.visibility,
        theme=theme, status="scheduled",
    )


def open_session(flow: Flow, state: SessionState, now: datetime) -> tuple[SessionState, list[Event]]:
    """Begin a planned session: the first stage opens."""
    if state.status == "closed":
        raise SessionIsClosed()
    if state.status != "scheduled":
        raise StageNotOpen("already running")
    state = replace(state, status="running", started_at=now)
    return _open(flow, state, flow.stages[0].id, now)


def start_session(flow: Flow, participants: dict[str, str], now: datetime, *, theme: str | None = None,
                  visibility: str | None = None) -> tuple[SessionState, list[Event]]:
    """A new session with its first stage open (planned and opened in one step)."""
    return open_session(flow, plan_session(flow, participants, theme=theme, visibility=visibility), now)


def _open(flow: Flow, state: SessionState, stage_id: str, now: datetime) -> tuple[SessionState, list[Event]]:
    stage = flow.stage(stage_id)
    deadline = now + timedelta(hours=stage.deadline_hours) if stage.deadline_hours else None
    old = state.stages[stage_id]
    stages = {**state.stages, stage_id: StageState("open", old.opened_at or now, None, deadline)}
    return replace(state, stages=stages, current_stage_id=stage_id), [StageOpened(stage_id)]


def _close(state: SessionState, stage_id: str, now: datetime, status: str = "closed") -> SessionState:
    old = state.stages[stage_id]
    return replace(state, stages={**state.stages, stage_id: replace(old, status=status, closed_at=now)})


def _stage(flow: Flow, stage_id: str) -> Stage:
    if not flow.has_stage(stage_id):
        raise UnknownStage(stage_id)
    return flow.stage(stage_id)


def _running(state: SessionState) -> None:
    if state.status == "closed":
        raise SessionIsClosed()


def validate_value(question: Question, value: str) -> str:
    """The normalised value, or InvalidAnswer with a code the bot can translate."""
    value = (value or "").strip()
    if not value:
        raise InvalidAnswer("answer_empty")
    if question.kind == "text":
        if len(value) > ANSWER_MAX:
            raise InvalidAnswer("answer_too_long")
        return value
    if question.kind == "scale":
        try:
            number = int(value)
        except ValueError:
            raise InvalidAnswer("answer_not_on_scale") from None
        if not question.scale_min <= number <= question.scale_max:
            raise InvalidAnswer("answer_not_on_scale")
        return str(number)
    picked = [v.strip() for v in value.split(",") if v.strip()]
    if question.kind == "single" and len(picked) != 1:
        raise InvalidAnswer("answer_unknown_option")
    if any(question.option(v) is None for v in picked) or len(set(picked)) != len(picked):
        raise InvalidAnswer("answer_unknown_option")
    order = [o.id for o in question.options]
    return ",".join(sorted(picked, key=order.index))


def record_answer(flow: Flow, state: SessionState, participant: str, stage_id: str, question_id: str,
                  value: str, now: datetime) -> tuple[SessionState, list[Event]]:
    """Store or replace one answer; only while its stage is open, only for who it is meant for."""
    _running(state)
    if participant not in state.participants:
        raise NotAParticipant(participant)
    stage = _stage(flow, stage_id)
    question = stage.question(question_id)
    if question is None:
        raise UnknownQuestion(question_id)
    if state.stages[stage_id].status != "open":
        raise StageNotOpen(stage_id)
    if not stage.answered_by(state.participants[participant]):
        raise RoleNotAllowed(state.participants[participant])
    clean = validate_value(question, value)
    key = (stage_id, question_id, participant)
    edited = key in state.answers
    if edited and state.answers[key] == clean:
        return state, []
    answers = {**state.answers, key: clean}
    return replace(state, answers=answers), [AnswerRecorded(stage_id, question_id, participant, edited)]


def eligible(flow: Flow, state: SessionState, stage_id: str) -> list[str]:
    """Participants expected to answer this stage (by role), in a stable order.

    A stage for everyone awaits everyone except coordinators: they steer the conversation and
    may answer, but nobody waits for them (unless the stage names their role). Nobody waits for
    a participant who declined or was removed (`absent`).
    """
    stage = flow.stage(stage_id)
    if stage.kind != "questions":
        return []
    present = {p: role for p, role in state.participants.items() if p not in state.absent}
    if stage.roles is None:
        return [p for p, role in present.items() if role != "coordinator"]
    return [p for p, role in present.items() if role in stage.roles]


def missing_answers(flow: Flow, state: SessionState, stage_id: str) -> set[str]:
    """Who has not yet answered every required question of the stage."""
    stage = flow.stage(stage_id)
    required = [q.id for q in stage.questions if q.required] or [q.id for q in stage.questions[:1]]
    return {p for p in eligible(flow, state, stage_id)
            if any((stage_id, q, p) not in state.answers for q in required)}


def can_close(flow: Flow, state: SessionState, stage_id: str, now: datetime) -> bool:
    """Whether the stage closes by itself now (everyone answered, or its deadline passed)."""
    stage = flow.stage(stage_id)
    st = state.stages[stage_id]
    if st.status != "open":
        return False
    if stage.ends == "all_answered":
        return bool(eligible(flow, state, stage_id)) and not missing_answers(flow, state, stage_id)
    if stage.ends == "deadline":
        return st.deadline is not None and now >= st.deadline
    return False


def _next_pending(flow: Flow, state: SessionState, after: str) -> str | None:
    ids = flow.stage_ids
    for sid in ids[ids.index(after) + 1:]:
        if state.stages[sid].status == "pending":
            return sid
    return None


def advance(flow: Flow, state: SessionState, now: datetime) -> tuple[SessionState, list[Event]]:
    """Close the current stage (its answers are revealed) and open the next waiting one."""
    _running(state)
    current = state.current_stage_id
    if current is None or state.stages[current].status != "open":
        raise StageNotOpen(current or "")
    nxt = _next_pending(flow, state, current)
    if nxt is None:
        raise NoNextStage(current)
    state = _close(state, current, now)
    state, opened = _open(flow, state, nxt, now)
    return state, [StageClosed(current), *opened]


def skip(flow: Flow, state: SessionState, stage_id: str, now: datetime) -> tuple[SessionState, list[Event]]:
    """Pass over a stage (open or still waiting); skipping the open one opens the next."""
    _running(state)
    _stage(flow, stage_id)
    status = state.stages[stage_id].status
    if status not in ("open", "pending"):
        raise StageNotOpen(stage_id)
    if status == "pending":
        return _close(state, stage_id, now, "skipped"), [StageSkipped(stage_id)]
    nxt = _next_pending(flow, state, stage_id)
    if nxt is None:
        raise NoNextStage(stage_id)
    state = _close(state, stage_id, now, "skipped")
    state, opened = _open(flow, state, nxt, now)
    return state, [StageSkipped(stage_id), *opened]


def extend(flow: Flow, state: SessionState, stage_id: str, deadline: datetime) -> tuple[SessionState, list[Event]]:
    """Give an open stage more time (a later deadline; never earlier than the current one)."""
    _running(state)
    _stage(flow, stage_id)
    st = state.stages[stage_id]
    if st.status != "open":
        raise StageNotOpen(stage_id)
    if st.deadline is not None and deadline <= st.deadline:
        raise NotExtendable(stage_id)
    stages = {**state.stages, stage_id: replace(st, deadline=deadline)}
    return replace(state, stages=stages), [StageExtended(stage_id, deadline)]


def reopen(flow: Flow, state: SessionState, stage_id: str, now: datetime) -> tuple[SessionState, list[Event]]:
    """Open a closed or skipped stage again; the stage that was open waits until it comes back."""
    _running(state)
    _stage(flow, stage_id)
    if state.stages[stage_id].status not in ("closed", "skipped"):
        raise StageNotOpen(stage_id)
    events: list[Event] = []
    current = state.current_stage_id
    if current and current != stage_id and state.stages[current].status == "open":
        state = replace(state, stages={**state.stages, current: replace(state.stages[current], status="pending")})
        events.append(StagePaused(current))
    stage = flow.stage(stage_id)
    deadline = now + timedelta(hours=stage.deadline_hours) if stage.deadline_hours else None
    old = state.stages[stage_id]
    state = replace(state, current_stage_id=stage_id,
                    stages={**state.stages, stage_id: replace(old, status="open", closed_at=None, deadline=deadline)})
    return state, [*events, StageReopened(stage_id)]


def close_session(flow: Flow, state: SessionState, now: datetime) -> tuple[SessionState, list[Event]]:
    """End the session: the open stage closes (and is revealed); stages never reached stay unanswered."""
    _running(state)
    events: list[Event] = []
    current = state.current_stage_id
    if current and state.stages[current].status == "open":
        state = _close(state, current, now)
        events.append(StageClosed(current))
    return replace(state, status="closed", closed_at=now), [*events, SessionClosed()]


def tick(flow: Flow, state: SessionState, now: datetime) -> tuple[SessionState, list[Event]]:
    """Let time and completeness do their work: close a stage that may close, open the next.

    The last stage closes without opening anything; closing the session (with its summary
    and conclusion) stays a coordinator's decision.
    """
    if state.status == "closed" or state.current_stage_id is None:
        return state, []
    current = state.current_stage_id
    if not can_close(flow, state, current, now):
        return state, []
    nxt = _next_pending(flow, state, current)
    state = _close(state, current, now)
    if nxt is None:
        return state, [StageClosed(current)]
    state, opened = _open(flow, state, nxt, now)
    return state, [StageClosed(current), *opened]


# ---- summaries ----------------------------------------------------------------------------


def render_value(question: Question, value: str, lang: str) -> str:
    """A stored value as a person reads it (option labels, 'n / max' on a scale)."""
    if question.kind == "scale":
        return f"{value} / {question.scale_max}"
    if question.kind in ("single", "multiple"):
        labels = [(question.option(v).label.get(lang) if question.option(v) else v) for v in value.split(",") if v]
        return ", ".join(labels)
    return value


@dataclass(frozen=True)
class Entry:
    author: str | None  # None when anonymous
    role: str
    text: str


@dataclass(frozen=True)
class QuestionSummary:
    question_id: str
    label: str
    by_role: list[tuple[str, list[Entry]]]  # role order: municipality and provider side by side

    @property
    def count(self) -> int:
        return sum(len(entries) for _, entries in self.by_role)


@dataclass(frozen=True)
class StageSummary:
    stage_id: str
    title: str
    status: str
    questions: list[QuestionSummary]

    @property
    def count(self) -> int:
        return sum(q.count for q in self.questions)


@dataclass(frozen=True)
class SessionSummary:
    flow_title: str
    theme: str | None
    stages: list[StageSummary]
    conclusion: list[str]


def stage_summary(flow: Flow, state: SessionState, stage_id: str, lang: str, *,
                  anonymous: bool = False) -> StageSummary:
    """All answers of a stage grouped by question and role. Anonymous: no authors, and a
    neutral order (by text) so that the order of answering does not give people away."""
    stage = _stage(flow, stage_id)
    questions: list[QuestionSummary] = []
    for question in stage.questions:
        grouped: dict[str, list[Entry]] = {}
        for (sid, qid, participant), value in state.answers.items():
            if sid != stage_id or qid != question.id:
                continue
            role = state.participants.get(participant, "other")
            text = render_value(question, value, lang)
            grouped.setdefault(role, []).append(Entry(None if anonymous else participant, role, text))
        by_role = []
        for role in ROLE_ORDER:
            if role in grouped:
                entries = grouped[role]
                entries.sort(key=(lambda e: e.text) if anonymous else (lambda e: list(state.participants).index(e.author)))
                by_role.append((role, entries))
        label = question.label.get(lang).replace("{theme}", state.theme or "…")
        questions.append(QuestionSummary(question.id, label, by_role))
    return StageSummary(stage_id, stage.title.get(lang), state.stages[stage_id].status, questions)


def session_summary(flow: Flow, state: SessionState, lang: str, *, anonymous: bool = False) -> SessionSummary:
    """Every stage that was reached, with its answers, plus the conclusion (questions marked
    `conclusion: true`, usually in the closing stage)."""
    stages = [stage_summary(flow, state, s.id, lang, anonymous=anonymous)
              for s in flow.stages if s.kind == "questions" and state.stages[s.id].status in ("closed", "open")]
    conclusion = [value for (sid, qid, _p), value in state.answers.items()
                  if flow.has_stage(sid) and (q := flow.stage(sid).question(qid)) is not None and q.conclusion]
    return SessionSummary(flow.title.get(lang), state.theme, stages, conclusion)
