"""Migrations go up, down and up again on this run's database, and match the models."""

from __future__ import annotations

from sqlalchemy import create_engine, inspect

from storage.migrate import check, downgrade, upgrade

CORE_TABLES = {"workspaces", "people", "outcomes", "sessions", "session_stages", "participants", "answers",
               "actions", "datasets", "outcome_rows", "outbox", "due_items", "slack_installations"}


def _tables(url: str) -> set[str]:
    engine = create_engine(url)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_up_down_up_and_no_drift(database_url):
    upgrade(database_url)
    assert _tables(database_url) >= CORE_TABLES
    check(database_url)  # raises when models and migrations disagree
    downgrade(database_url, "base")
    assert _tables(database_url) <= {"alembic_version"}
    upgrade(database_url)
    assert _tables(database_url) >= CORE_TABLES


def test_migrate_is_idempotent(database_url):
    upgrade(database_url)
    upgrade(database_url)
    check(database_url)
