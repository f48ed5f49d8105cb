"""What a report holds: plain dataclasses, built once and rendered as HTML or Markdown."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

# ---- model ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Contribution:
    """One answer; `author` is a display name, or None when the session is anonymous."""

    author: str | None
    text: str


@dataclass(frozen=True)
class RoleGroup:
    role: str
    label: str
    entries: list[Contribution]


@dataclass(frozen=True)
class QuestionAnswers:
    question_id: str
    label: str
    groups: list[RoleGroup]  # in flows.roles.ROLE_ORDER

    @property
    def count(self) -> int:
        return sum(len(g.entries) for g in self.groups)


@dataclass(frozen=True)
class StageReport:
    stage_id: str
    number: int
    title: str
    status: str  # closed | open | skipped
    revealed: bool  # False: still open and hidden, so no answers are in the model at all
    questions: list[QuestionAnswers]

    @property
    def count(self) -> int:
        return sum(q.count for q in self.questions)


@dataclass(frozen=True)
class ParticipantGroup:
    role: str
    label: str
    names: list[str]  # empty when the session is anonymous
    count: int


@dataclass(frozen=True)
class ActionItem:
    what: str
    party: str
    party_label: str
    owner: str | None  # display name; None when nobody is named or the session is anonymous
    due: date | None
    indicator: str | None
    target: float | None
    status: str  # open | done | dropped
    status_label: str


@dataclass(frozen=True)
class Headline:
    label: str
    value: str
    change: str | None = None


@dataclass(frozen=True)
class Chart:
    png: bytes
    alt: str
    caption: str


@dataclass(frozen=True)
class StoryItem:
    """A story as Slack shows it: the text, and where it happened (place, activity)."""

    text: str
    where: str = ""


@dataclass(frozen=True)
class DataSummary:
    period: str
    previous_period: str | None
    headlines: list[Headline]
    notable: list[str]
    stories: list[StoryItem]
    sources: list[str]
    charts: list[Chart] = field(default_factory=list)
    potential_note: str | None = None  # where the potential reach comes from (data, or a CBS table)


@dataclass(frozen=True)
class ThemeCount:
    """A theme of the answers in a stage and how many answers it holds (filled by sense-making)."""

    stage: str
    label: str
    count: int


@dataclass(frozen=True)
class VoteCount:
    """One option of a closed dot vote and its votes (filled by sense-making)."""

    stage: str
    option: str
    votes: int


@dataclass(frozen=True)
class PreviousCycle:
    session_id: int
    when: datetime | None
    conclusion: list[str]
    actions: list[ActionItem]

    @property
    def done(self) -> int:
        return sum(1 for a in self.actions if a.status == "done")


@dataclass
class Report:
    """Everything a renderer shows, already filtered for privacy and translated."""

    session_id: int
    lang: str
    timezone: str
    outcome: str
    outcome_description: str | None
    flow_id: str
    flow_title: str
    theme: str | None
    status: str
    visibility: str
    channel: str
    scheduled_at: datetime | None
    started_at: datetime | None
    closed_at: datetime | None
    participants: list[ParticipantGroup]
    preparation: list[QuestionAnswers]
    stages: list[StageReport]
    conclusion: list[str]
    actions: list[ActionItem]
    evaluation: StageReport | None
    previous: PreviousCycle | None
    data: DataSummary | None = None
    generated_at: datetime | None = None
    themes: list[ThemeCount] = field(default_factory=list)
    votes: list[VoteCount] = field(default_factory=list)

    @property
    def anonymous(self) -> bool:
        return self.visibility == "anonymous"


