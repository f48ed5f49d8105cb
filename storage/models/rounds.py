"""Rounds of conversations, how a session is paced and planned, and internal preparations.

Why tables of their own beside `sessions`: a round (nine outcomes held at one moment), the
pace a coordinator chose (live minutes or working days), a cancellation that keeps the
preparation for a next date, and a party's internal preparation linked to its joint session
are facts about sessions that the engine does not hold. Keeping them here leaves the
session's own columns (the engine's lifecycle) as they are.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base, UTCDateTime, utcnow


class Round(Base):
    """A *ronde*: several conversations, one per outcome, set up together for one shared moment."""

    __tablename__ = "rounds"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    scheduled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    language: Mapped[str] = mapped_column(String(2), default="nl")
    created_by: Mapped[str | None] = mapped_column(String(32))
    # Slack's view id of the modal, or a digest of the file: a second submit creates one round.
    request_key: Mapped[str | None] = mapped_column(String(128), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class RoundSession(Base):
    """A session belongs to at most one round."""

    __tablename__ = "round_sessions"

    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"), primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), index=True)


class SessionPlan(Base):
    """How a session runs and whether its planned moment was cancelled.

    `pace`: 'live' (each stage gets `stage_minutes`) or 'async' (each stage gets `stage_days`
    working days). The deadline is computed when a stage opens and handed to the engine.
    `cancelled_at`: the planned moment was cancelled; preparation answers stay for a new date.
    """

    __tablename__ = "session_plans"

    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"), primary_key=True)
    pace: Mapped[str | None] = mapped_column(String(8))  # live | async | None (the flow's own deadlines)
    stage_minutes: Mapped[int | None] = mapped_column(Integer)
    stage_days: Mapped[int | None] = mapped_column(Integer)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class InternalPreparation(Base):
    """One party's own conversation before a joint session; only that party takes part.

    `shared`: what the party chose to share with the joint preparation summary
    ({"stages": [...], "conclusion": bool, "note": str}); None until it chose. No names: what the
    party shares is the party's, not one person's.
    """

    __tablename__ = "internal_preparations"

    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"), primary_key=True)
    joint_session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"), index=True)
    party: Mapped[str] = mapped_column(String(16))  # gemeente | aanbieder
    shared: Mapped[dict | None] = mapped_column(JSON)
    shared_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
