"""Engine, session factory and the unit of work.

Why a unit of work with rollback by default: a listener (or scheduler job) does its
state change *and* writes the outbox rows it causes in one transaction; anything that
raises leaves no half-written state behind.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

from sqlalchemy import Engine, create_engine, event, exc, make_url, text
from sqlalchemy.orm import Session, sessionmaker


def sqlite_file(url: str) -> Path | None:
    """The absolute path of a file-backed SQLite URL; None for other databases and `:memory:`.

    URLs that are already SQLite URIs (`sqlite:///file:...?uri=true`) are left to SQLite.
    """
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.query.get("uri"):
        return None
    database = parsed.database or ""
    if database in ("", ":memory:") or database.startswith("file:"):
        return None
    return Path(database).expanduser().resolve()


def _prepare_sqlite_path(url: str) -> None:
    """Create the folder of a SQLite file (`./var/` by default); only `migrate` creates databases."""
    path = sqlite_file(url)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)


def _sqlite_engine(url: str, path: Path | None, echo: bool) -> Engine:
    """SQLite with WAL, foreign keys and a busy timeout; a file database is opened, never created.

    Why `mode=rw`: SQLite silently creates a missing file, so a database deleted (or a wrong
    path configured) would come back empty and the bot would carry on as if nothing was ever
    said. Only `python -m bot migrate` creates the file. Why the checkout check: a connection
    opened before the file was deleted keeps writing into the deleted inode, which is lost at
    the next restart; comparing the inode at every checkout (one `stat`, microseconds) turns
    that into an error at once.
    """
    kwargs: dict = {"connect_args": {"check_same_thread": False, "timeout": 30}}
    if path is not None:
        uri = f"file:{quote(str(path))}?mode=rw"
        kwargs["creator"] = lambda: sqlite3.connect(uri, uri=True, check_same_thread=False, timeout=30)
    engine = create_engine(url, echo=echo, **kwargs)

    @event.listens_for(engine, "connect")
    def _sqlite_pragmas(dbapi_connection, record) -> None:  # pragma: no cover - trivial
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()
        if path is not None:
            record.info["inode"] = _inode(path)

    if path is not None:
        @event.listens_for(engine, "checkout")
        def _same_file(dbapi_connection, record, proxy) -> None:
            if record.info.get("inode") != _inode(path):
                raise exc.DisconnectionError("the SQLite file was removed or replaced")

    return engine


def _inode(path: Path) -> tuple[int, int] | None:
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return stat.st_dev, stat.st_ino


def make_engine(url: str, *, echo: bool = False) -> Engine:
    """An engine with sane settings per dialect (SQLite: WAL, FKs, busy timeout, never created)."""
    if url.startswith("sqlite"):
        return _sqlite_engine(url, sqlite_file(url), echo)
    return create_engine(url, echo=echo, pool_pre_ping=True, pool_size=10, max_overflow=20)


class Database:
    """One engine and its session factory; `unit_of_work()` is the only way to write."""

    def __init__(self, url: str, *, echo: bool = False) -> None:
        self.url = url
        self.sqlite_path = sqlite_file(url)
        self.engine = make_engine(url, echo=echo)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @property
    def is_postgres(self) -> bool:
        return self.engine.dialect.name == "postgresql"

    @contextmanager
    def unit_of_work(self) -> Iterator[Session]:
        """Commit on success, roll back on any exception, always close."""
        session = self._sessions()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    @contextmanager
    def reader(self) -> Iterator[Session]:
        """A session for reads only; rolled back at the end."""
        session = self._sessions()
        try:
            yield session
        finally:
            session.rollback()
            session.close()

    def ping(self) -> bool:
        """True when the database answers a trivial query (writability: `storage.health`)."""
        try:
            with self.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
            return True
        except Exception:
            return False

    def dispose(self) -> None:
        self.engine.dispose()
