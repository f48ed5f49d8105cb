"""Throw-away databases for tests and benchmarks: a SQLite file or a fresh PostgreSQL database.

Why one module: the test fixtures, the module-scoped fuzz fixture and the benchmarks all need
"an empty database of this kind, removed afterwards"; they must agree on how PostgreSQL is
reached (127.0.0.1:5432, user postgres, trust auth) and on dropping what they created.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text

PG_ADMIN_URL = os.environ.get("TEST_PG_ADMIN_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


def postgres_available() -> bool:
    try:
        engine = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        engine.dispose()
        return True
    except Exception:
        return False


def create_pg_database(prefix: str = "kg_test") -> str:
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    engine = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name


def drop_pg_database(url: str) -> None:
    name = url.rsplit("/", 1)[1]
    engine = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()


@contextmanager
def temporary_database(kind: str, folder: Path, prefix: str = "kg_test") -> Iterator[str]:
    """An empty database of `kind` ('sqlite' or 'postgres'), removed afterwards; yields its URL."""
    if kind == "postgres":
        url = create_pg_database(prefix)
        try:
            yield url
        finally:
            drop_pg_database(url)
        return
    path = Path(folder) / f"{prefix}_{uuid.uuid4().hex[:8]}.db"
    try:
        yield f"sqlite:///{path}"
    finally:
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
