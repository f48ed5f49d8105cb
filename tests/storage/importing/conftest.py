"""Helpers for import tests (the `outcome` fixture lives in tests/conftest.py)."""

from __future__ import annotations

from sqlalchemy import func, select

from storage.models import DataSet, OutcomeRow, Story


def counts(db) -> dict[str, int]:
    """Row counts of the import tables (to prove a refused file changed nothing)."""
    with db.reader() as session:
        return {model.__tablename__: session.scalar(select(func.count()).select_from(model))
                for model in (DataSet, OutcomeRow, Story)}
