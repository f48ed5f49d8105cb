"""Fixtures for import tests: a workspace with one outcome in the migrated test database."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from storage.models import DataSet, Outcome, OutcomeRow, Story, Workspace


@pytest.fixture
def outcome(db) -> tuple[int, int]:
    """(workspace_id, outcome_id)."""
    with db.unit_of_work() as session:
        workspace = Workspace(team_id="T0IMPORT", name="Gemeente Test")
        session.add(workspace)
        session.flush()
        item = Outcome(workspace_id=workspace.id, name="Ouderen doen mee")
        session.add(item)
        session.flush()
        return workspace.id, item.id


def counts(db) -> dict[str, int]:
    """Row counts of the import tables (to prove a refused file changed nothing)."""
    with db.reader() as session:
        return {model.__tablename__: session.scalar(select(func.count()).select_from(model))
                for model in (DataSet, OutcomeRow, Story)}
