"""All tables, imported here so Alembic and the app see one metadata."""

from storage.base import Base
from storage.models.conversation import (
    Action,
    Answer,
    ConversationSession,
    Outcome,
    Participant,
    Series,
    SessionStage,
)
from storage.models.data import DataSet, OutcomeRow, Story
from storage.models.ops import DueItem, OutboxMessage, ProcessedEvent
from storage.models.reports import CalendarInvite, ReportLink
from storage.models.rounds import InternalPreparation, Round, RoundSession, SessionPlan
from storage.models.workspace import Person, Workspace

__all__ = [
    "Action",
    "Answer",
    "Base",
    "CalendarInvite",
    "ConversationSession",
    "DataSet",
    "DueItem",
    "InternalPreparation",
    "Outcome",
    "OutboxMessage",
    "OutcomeRow",
    "Participant",
    "Person",
    "ProcessedEvent",
    "ReportLink",
    "Round",
    "RoundSession",
    "Series",
    "SessionPlan",
    "SessionStage",
    "Story",
    "Workspace",
]
