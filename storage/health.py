"""Can the database be written right now? For `/healthz` and for start-up.

Why a write and not `SELECT 1`: a database that answers reads but refuses writes (a
read-only SQLite file, a PostgreSQL standby or read-only transaction default, a revoked
grant, a deleted SQLite file) looks healthy to a ping while every answer a person submits
fails. The probe is one `UPDATE` of the single `alembic_version` row inside a transaction
that is rolled back: nothing changes, it takes the write lock only for that moment, and
it waits at most a couple of seconds for another writer.

Problems are short fixed words (never the driver's message, which can quote data):
`missing`, `read-only`, `no-schema`, `busy`, `unreachable`, `error`.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from storage.db import Database

log = logging.getLogger(__name__)

RETRYABLE = frozenset({"unreachable", "busy"})
PROBE_WAIT_MS = 2000
_PG_STATES = {"25006": "read-only", "42501": "read-only", "42P01": "no-schema", "55P03": "busy", "57014": "busy",
              "53100": "read-only", "25P02": "error"}


class DatabaseUnavailable(Exception):
    """The database cannot be used; the message is one line for the operator."""


def write_problem(db: Database) -> str | None:
    """None when a tiny write succeeds (and is rolled back); else one of the problem words."""
    if db.sqlite_path is not None and not db.sqlite_path.exists():
        return "missing"
    try:
        with db.engine.connect() as conn:
            if db.is_postgres:
                conn.exec_driver_sql(f"SET LOCAL lock_timeout = {PROBE_WAIT_MS}")
                conn.exec_driver_sql(f"SET LOCAL statement_timeout = {PROBE_WAIT_MS * 2}")
            elif db.sqlite_path is not None or db.engine.dialect.name == "sqlite":
                conn.exec_driver_sql(f"PRAGMA busy_timeout={PROBE_WAIT_MS}")
            try:
                conn.execute(text("UPDATE alembic_version SET version_num = version_num"))
            finally:
                conn.rollback()
                if db.engine.dialect.name == "sqlite":
                    conn.exec_driver_sql("PRAGMA busy_timeout=30000")
        return None
    except DBAPIError as exc:
        return _classify(db, exc)
    except SQLAlchemyError:
        return "error"


def _classify(db: Database, exc: DBAPIError) -> str:
    if exc.connection_invalidated and db.sqlite_path is not None and not db.sqlite_path.exists():
        return "missing"
    state = getattr(exc.orig, "sqlstate", None)
    if state:
        if state in _PG_STATES:
            return _PG_STATES[state]
        if state.startswith("08"):
            return "unreachable"
        return "error"
    text_ = str(exc.orig).lower()
    for needle, problem in (("readonly", "read-only"), ("read-only", "read-only"), ("no such table", "no-schema"),
                            ("locked", "busy"), ("busy", "busy"), ("unable to open", "missing"),
                            ("disk i/o", "error"), ("connection", "unreachable")):
        if needle in text_:
            if problem == "missing" and db.sqlite_path is None:
                return "unreachable"
            return problem
    return "unreachable" if db.is_postgres and exc.connection_invalidated else "error"


def describe(db: Database, problem: str) -> str:
    """One line an operator can act on."""
    where = str(db.sqlite_path) if db.sqlite_path is not None else safe_url(db.url)
    return {
        "missing": f"the database file {where} does not exist: create it with `python -m bot migrate` "
                   "(or restore it from a backup)",
        "read-only": f"the database {where} cannot be written (read-only file, read-only server or missing "
                     "privileges)",
        "no-schema": f"the database {where} has no tables yet: run `python -m bot migrate` first",
        "busy": f"the database {where} stayed locked by another writer",
        "unreachable": f"the database {where} cannot be reached (is the server running? DATABASE_URL right?)",
        "error": f"the database {where} gave an unexpected error on a test write",
    }.get(problem, f"the database {where} is not usable ({problem})")


def safe_url(url: str) -> str:
    """The URL without its password, for messages and `config check`."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return "(unparsable URL)"


def wait_until_writable(db: Database, wait_seconds: float, *, allow_no_schema: bool = False,
                        sleep: Callable[[float], None] = time.sleep) -> None:
    """Return once a test write succeeds; retry `unreachable`/`busy` with backoff for `wait_seconds`.

    Why wait at all: platforms start the database and the bot together, and PostgreSQL can
    take seconds to accept connections. Why not wait for anything else: a missing file, a
    read-only database or a missing schema will not heal by itself, so the operator hears at
    once. Raises DatabaseUnavailable with one line.
    """
    deadline = time.monotonic() + wait_seconds
    delay = 0.25
    while True:
        problem = write_problem(db)
        if problem is None or (allow_no_schema and problem == "no-schema"):
            return
        remaining = deadline - time.monotonic()
        if problem not in RETRYABLE or remaining <= 0:
            waited = f" (waited {wait_seconds:g} s, DATABASE_WAIT_SECONDS)" if problem in RETRYABLE else ""
            raise DatabaseUnavailable(describe(db, problem) + waited)
        log.info("database not ready (%s); trying again in %.1f s", problem, min(delay, remaining))
        sleep(min(delay, remaining))
        delay = min(delay * 2, 5.0)
