"""Outcomes, series, sessions with their stages, participants, answers and actions.

Sessions store the flow's stable ids (`flow_id`, `flow_version`, `stage_id`), never
list positions, so editing a flow file never moves people to the wrong stage.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storage.base import Base, UTCDateTime, utcnow


class Outcome(Base):
    """A *maatschappelijk resultaat*: the societal outcome a conversation is about."""

    __tablename__ = "outcomes"
    __table_args__ = (UniqueConstraint("workspace_id", "name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Series(Base):
    """A recurring rhythm of sessions for one outcome (e.g. each quarter, first Tuesday 14:00)."""

    __tablename__ = "series"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"), index=True)
    outcome_id: Mapped[int] = mapped_column(ForeignKey("outcomes.id", ondelete="CASCADE"))
    flow_id: Mapped[str] = mapped_column(String(64))
    channel_id: Mapped[str] = mapped_column(String(32))
    # Recurrence as data: {"months": 3, "weekday": 1, "nth": 1, "hour": 14, "minute": 0}
    rule: Mapped[dict] = mapped_column(JSON, default=dict)
    timezone: Mapped[str] = mapped_column(String(64), default="Europe/Amsterdam")
    participants: Mapped[list[dict]] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(16), default="active")  # active | paused | stopped
    created_by: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ConversationSession(Base):
    """One kwaliteitsgesprek about one outcome, following one flow version."""

    __tablename__ = "sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"), index=True)
    outcome_id: Mapped[int] = mapped_column(ForeignKey("outcomes.id", ondelete="CASCADE"), index=True)
    series_id: Mapped[int | None] = mapped_column(ForeignKey("series.id", ondelete="SET NULL"))
    flow_id: Mapped[str] = mapped_column(String(64))
    flow_version: Mapped[int] = mapped_column(Integer)
    channel_id: Mapped[str] = mapped_column(String(32))
    thread_ts: Mapped[str | None] = mapped_column(String(32))
    theme: Mapped[str | None] = mapped_column(String(300))
    language: Mapped[str] = mapped_column(String(2), default="nl")
    visibility: Mapped[str] = mapped_column(String(16), default="hidden")  # hidden | open | anonymous
    status: Mapped[str] = mapped_column(String(16), default="running")  # planned | running | closed
    current_stage_id: Mapped[str | None] = mapped_column(String(64))
    scheduled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    conclusion: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[str | None] = mapped_column(String(32))
    # Slack's view id of the start modal: a double submit of the same modal starts one session.
    request_key: Mapped[str | None] = mapped_column(String(128), unique=True)
    # What retention kept of the answers it removed (counts per stage and role), else None.
    retained: Mapped[dict | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    outcome: Mapped[Outcome] = relationship()
    stages: Mapped[list[SessionStage]] = relationship(back_populates="session", cascade="all, delete-orphan")
    participants: Mapped[list[Participant]] = relationship(
        back_populates="session", cascade="all, delete-orphan"
    )


class SessionStage(Base):
    """One stage of one session: its state in the engine's terms (status, opened, closed, deadline)
    and, beside it, the bot's bookkeeping (whether its message was queued, and its ts).

    Why here and nowhere else: the session's state is stored once. The engine's state is built
    from these rows, the session's columns, its participants and its answers on every load.
    """

    __tablename__ = "session_stages"
    __table_args__ = (UniqueConstraint("session_id", "stage_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"), index=True)
    stage_id: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), default="pending")  # pending | open | closed | skipped
    message_ts: Mapped[str | None] = mapped_column(String(32))
    # The stage message was queued (its ts may not be known yet): reopening updates it, never posts again.
    posted: Mapped[bool] = mapped_column(Boolean, default=False)
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    deadline: Mapped[datetime | None] = mapped_column(UTCDateTime)

    session: Mapped[ConversationSession] = relationship(back_populates="stages")


class Participant(Base):
    """A person in a session with a role (sociaal werker, beleidsmedewerker, coordinator, other)."""

    __tablename__ = "participants"
    __table_args__ = (UniqueConstraint("session_id", "person_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16), default="active")  # active | declined | removed
    absent_until: Mapped[date | None] = mapped_column(Date)
    snoozed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    nudges_sent: Mapped[int] = mapped_column(Integer, default=0)

    session: Mapped[ConversationSession] = relationship(back_populates="participants")
    person: Mapped[Person] = relationship()  # noqa: F821 - resolved by the registry


class Answer(Base):
    """One participant's answer to one question of one stage (prep rounds use stage_id 'prep').

    The unique key makes Slack's retried deliveries and double submits harmless.
    """

    __tablename__ = "answers"
    __table_args__ = (UniqueConstraint("session_id", "stage_id", "question_id", "participant_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"), index=True)
    stage_id: Mapped[str] = mapped_column(String(64))
    question_id: Mapped[str] = mapped_column(String(64))
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"), index=True)
    value: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    participant: Mapped[Participant] = relationship()


class Action(Base):
    """An agreed improvement action: what, which party, which person, by when, which indicator."""

    __tablename__ = "actions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"), index=True)
    what: Mapped[str] = mapped_column(Text)
    owner_party: Mapped[str] = mapped_column(String(32))  # gemeente | aanbieder | samenwerkingsverband
    owner_person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    due_date: Mapped[date | None] = mapped_column(Date)
    indicator: Mapped[str | None] = mapped_column(String(64))
    target: Mapped[float | None]
    status: Mapped[str] = mapped_column(String(16), default="open")  # open | done | dropped
    comment: Mapped[str | None] = mapped_column(Text)
    carried_from_id: Mapped[int | None] = mapped_column(ForeignKey("actions.id", ondelete="SET NULL"))
    created_by: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    request_key: Mapped[str | None] = mapped_column(String(128), unique=True)
    anonymous: Mapped[bool] = mapped_column(Boolean, default=False)
