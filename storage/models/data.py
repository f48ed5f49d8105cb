"""Imported outcome data: aggregated rows and stories, per outcome and period.

Aggregates only: a row is 'activity X in wijk Y in 2026-Q1 reached 40 residents',
never a resident. Imports refuse columns that look like personal data.

A *staged* import (storage/importing/staging.py) belongs to no workspace and no outcome yet:
its DataSet and rows have `outcome_id` NULL while they are written in short transactions, so no
reader (they all ask by outcome or workspace) can see half a file. One short transaction then
gives them their outcome and removes the rows they replace.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storage.base import Base, UTCDateTime, utcnow


class DataSet(Base):
    """One import of one file for one outcome (re-importing a period replaces its rows).

    `workspace_id` and `outcome_id` are NULL only while the import is staged (see the module docstring).
    """

    __tablename__ = "datasets"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workspace_id: Mapped[int | None] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"), index=True)
    outcome_id: Mapped[int | None] = mapped_column(ForeignKey("outcomes.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str | None] = mapped_column(String(300))
    source: Mapped[str | None] = mapped_column(String(300))
    imported_by: Mapped[str | None] = mapped_column(String(32))
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    meta: Mapped[dict] = mapped_column(JSON, default=dict)

    rows: Mapped[list[OutcomeRow]] = relationship(back_populates="dataset", cascade="all, delete-orphan")
    stories: Mapped[list[Story]] = relationship(back_populates="dataset", cascade="all, delete-orphan")


class OutcomeRow(Base):
    """Aggregated figures for one period x activity x group (`outcome_id` NULL while staged)."""

    __tablename__ = "outcome_rows"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dataset_id: Mapped[int] = mapped_column(ForeignKey("datasets.id", ondelete="CASCADE"), index=True)
    outcome_id: Mapped[int | None] = mapped_column(ForeignKey("outcomes.id", ondelete="CASCADE"), index=True)
    period: Mapped[str] = mapped_column(String(16), index=True)  # 2026, 2026-Q1, 2026-03, 2026-H1
    activity: Mapped[str] = mapped_column(String(200), default="")
    group_kind: Mapped[str] = mapped_column(String(32), default="")  # wijk | leeftijdsgroep | geslacht | ''
    group_value: Mapped[str] = mapped_column(String(100), default="")
    reach: Mapped[int | None] = mapped_column(Integer)
    potential_reach: Mapped[int | None] = mapped_column(Integer)
    goals_set: Mapped[int | None] = mapped_column(Integer)
    goals_attained: Mapped[int | None] = mapped_column(Integer)
    respondents: Mapped[int | None] = mapped_column(Integer)
    satisfaction_mean: Mapped[float | None] = mapped_column(Float)
    satisfied: Mapped[int | None] = mapped_column(Integer)

    dataset: Mapped[DataSet] = relationship(back_populates="rows")


class Story(Base):
    """A story behind the figures ('tellen en vertellen'): free text with period and optional group.

    `outcome_id` is NULL while the import is staged.
    """

    __tablename__ = "stories"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dataset_id: Mapped[int] = mapped_column(ForeignKey("datasets.id", ondelete="CASCADE"), index=True)
    outcome_id: Mapped[int | None] = mapped_column(ForeignKey("outcomes.id", ondelete="CASCADE"), index=True)
    period: Mapped[str] = mapped_column(String(16))
    group_value: Mapped[str] = mapped_column(String(100), default="")
    activity: Mapped[str] = mapped_column(String(200), default="")
    text: Mapped[str] = mapped_column(Text)

    dataset: Mapped[DataSet] = relationship(back_populates="stories")
