"""Shared fixtures: a migrated database on SQLite or PostgreSQL (TEST_DATABASE), a fixed TZ.

`TEST_DATABASE=postgres pytest` runs the database-backed tests against the PostgreSQL
server on 127.0.0.1:5432 (a fresh database per test, dropped afterwards); the default is
a SQLite file per test. Tests marked `postgres` always use PostgreSQL.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator

import pytest

from tests.databases import postgres_available, temporary_database

os.environ.setdefault("TZ", "Europe/Amsterdam")
if hasattr(time, "tzset"):
    time.tzset()

TEST_DATABASE = os.environ.get("TEST_DATABASE", "sqlite")
@pytest.fixture
def pg_url(tmp_path) -> Iterator[str]:
    """A fresh, empty PostgreSQL database (skipped only when no server answers)."""
    if not postgres_available():
        pytest.skip("PostgreSQL is not running on 127.0.0.1:5432")
    with temporary_database("postgres", tmp_path) as url:
        yield url


@pytest.fixture
def database_url(tmp_path) -> Iterator[str]:
    """An empty database of the kind this run tests (SQLite file or fresh PostgreSQL)."""
    if TEST_DATABASE == "postgres" and not postgres_available():
        pytest.fail("TEST_DATABASE=postgres but PostgreSQL is not running on 127.0.0.1:5432")
    with temporary_database(TEST_DATABASE, tmp_path) as url:
        yield url


@pytest.fixture
def db(database_url):
    """A migrated Database on this run's backend."""
    from storage import Database
    from storage.migrate import upgrade

    upgrade(database_url)
    database = Database(database_url)
    try:
        yield database
    finally:
        database.dispose()


@pytest.fixture
def outcome(db) -> tuple[int, int]:
    """(workspace_id, outcome_id): a workspace with one outcome, for data import and summary tests."""
    from storage.models import Outcome, Workspace

    with db.unit_of_work() as session:
        workspace = Workspace(team_id="T0DATA", name="Gemeente Test")
        session.add(workspace)
        session.flush()
        item = Outcome(workspace_id=workspace.id, name="Ouderen doen mee")
        session.add(item)
        session.flush()
        return workspace.id, item.id
