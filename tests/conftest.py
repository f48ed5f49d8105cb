"""Shared fixtures: a migrated database on SQLite or PostgreSQL (TEST_DATABASE), a fixed TZ.

`TEST_DATABASE=postgres pytest` runs the database-backed tests against the PostgreSQL
server on 127.0.0.1:5432 (a fresh database per test, dropped afterwards); the default is
a SQLite file per test. Tests marked `postgres` always use PostgreSQL.
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Iterator

import pytest

os.environ.setdefault("TZ", "Europe/Amsterdam")
if hasattr(time, "tzset"):
    time.tzset()

TEST_DATABASE = os.environ.get("TEST_DATABASE", "sqlite")
PG_ADMIN_URL = os.environ.get("TEST_PG_ADMIN_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


def _pg_available() -> bool:
    from sqlalchemy import create_engine, text

    try:
        engine = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        engine.dispose()
        return True
    except Exception:
        return False


def create_pg_database() -> str:
    from sqlalchemy import create_engine, text

    name = f"kg_test_{uuid.uuid4().hex[:10]}"
    engine = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name


def drop_pg_database(url: str) -> None:
    from sqlalchemy import create_engine, text

    name = url.rsplit("/", 1)[1]
    engine = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL database (skipped only when no server answers)."""
    if not _pg_available():
        pytest.skip("PostgreSQL is not running on 127.0.0.1:5432")
    url = create_pg_database()
    try:
        yield url
    finally:
        drop_pg_database(url)


@pytest.fixture
def database_url(tmp_path, request) -> Iterator[str]:
    """An empty database of the kind this run tests (SQLite file or fresh PostgreSQL)."""
    if TEST_DATABASE == "postgres":
        if not _pg_available():
            pytest.fail("TEST_DATABASE=postgres but PostgreSQL is not running on 127.0.0.1:5432")
        url = create_pg_database()
        try:
            yield url
        finally:
            drop_pg_database(url)
    else:
        yield f"sqlite:///{tmp_path / 'test.db'}"


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
