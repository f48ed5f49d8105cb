"""What happened in one step: plain values the bot turns into messages.

Why events instead of callbacks: a transition is a pure function, so it cannot post anything;
it reports what changed and the bot decides what people see. Events never carry the text of
an answer, and reactions name an answer by its reference, never by its author, so passing
them around (logs included) gives no anonymous author away.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

# ---- stages ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class StageOpened:
    stage_id: str


@dataclass(frozen=True)
class StageRevealed:
    """Answering stopped and the answers are shown; the group now works with them together."""

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


# ---- who takes part -------------------------------------------------------------------------


@dataclass(frozen=True)
class ParticipantAdded:
    participant: str
    role: str


@dataclass(frozen=True)
class ParticipantRemoved:
    participant: str


@dataclass(frozen=True)
class AbsenceChanged:
    """Someone declined (absent=True) or came back (absent=False); who is awaited changed."""

    participant: str
    absent: bool


# ---- shared picture and conclusion consent ---------------------------------------------------


@dataclass(frozen=True)
class AgreementDrafted:
    stage_id: str
    version: int
    author: str


@dataclass(frozen=True)
class AgreementConfirmed:
    stage_id: str
    version: int
    participant: str


@dataclass(frozen=True)
class ChangeProposed:
    stage_id: str
    proposal_id: str
    participant: str


@dataclass(frozen=True)
class ProposalSettled:
    stage_id: str
    proposal_id: str
    accepted: bool
    version: int  # the current version after settling (a new one when accepted)


@dataclass(frozen=True)
class AgreementFinalised:
    stage_id: str
    version: int


# ---- dot vote -------------------------------------------------------------------------------


@dataclass(frozen=True)
class VoteOpened:
    stage_id: str


@dataclass(frozen=True)
class IdeaAdded:
    stage_id: str
    idea_id: str


@dataclass(frozen=True)
class VotesSet:
    stage_id: str
    participant: str


@dataclass(frozen=True)
class VoteClosed:
    stage_id: str


# ---- reactions ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReactionAdded:
    answer_ref: str
    reactor: str
    kind: str
    edited: bool


@dataclass(frozen=True)
class ReactionWithdrawn:
    answer_ref: str
    reactor: str
    kind: str


Event = (
    StageOpened | StageRevealed | StageClosed | StageSkipped | StageExtended | StageReopened | StagePaused
    | AnswerRecorded | SessionClosed | ParticipantAdded | ParticipantRemoved | AbsenceChanged
    | AgreementDrafted | AgreementConfirmed | ChangeProposed | ProposalSettled | AgreementFinalised
    | VoteOpened | IdeaAdded | VotesSet | VoteClosed | ReactionAdded | ReactionWithdrawn
)
