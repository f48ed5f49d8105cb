"""Start-up checks and an orderly shutdown for the long-running processes (run, web, clock).

Why here and not in each command: the Procfile's processes, `python -m bot run` and
gunicorn (through gunicorn.conf.py) must refuse to start for the same reasons with the same
one line (exit code 2), and must stop in the same order: stop taking requests, let the
requests in flight finish, let the clock finish the item it claimed, let the sender finish
the message it is sending, then close the database.
"""

from __future__ import annotations

import contextlib
import logging
import signal
import threading

from bot.config import Settings
from storage import Database
from storage.health import DatabaseUnavailable, _classify, describe, wait_until_writable

log = logging.getLogger(__name__)


def check_database(settings: Settings, *, allow_no_schema: bool = False) -> None:
    """Refuse to start on a missing SQLite file, a read-only or unreachable database.

    An unreachable or locked database is retried with backoff for DATABASE_WAIT_SECONDS.
    Raises DatabaseUnavailable (one line).
    """
    db = Database(settings.database_url)
    try:
        if db.sqlite_path is not None and not db.sqlite_path.exists():
            raise DatabaseUnavailable(describe(db, "missing"))
        wait_until_writable(db, settings.database_wait_seconds, allow_no_schema=allow_no_schema)
    finally:
        db.dispose()


def migrate_database(settings: Settings) -> None:
    """`migrate` (and `run`'s upgrade): wait for the server, then upgrade; one line on failure.

    A missing SQLite file is created here and only here.
    """
    from sqlalchemy.exc import DBAPIError

    from storage.migrate import upgrade

    db = Database(settings.database_url)
    try:
        if db.sqlite_path is None or db.sqlite_path.exists():
            wait_until_writable(db, settings.database_wait_seconds, allow_no_schema=True)
        try:
            upgrade(settings.database_url)
        except DBAPIError as exc:
            raise DatabaseUnavailable("migration failed: " + describe(db, _classify(db, exc))) from None
    finally:
        db.dispose()


class Shutdown:
    """SIGTERM or Ctrl-C sets `event`; every loop of the process watches it.

    A second signal while stopping raises KeyboardInterrupt, for an operator who does not
    want to wait for the grace period.
    """

    def __init__(self) -> None:
        self.event = threading.Event()

    def install(self) -> Shutdown:
        with contextlib.suppress(ValueError):  # not in the main thread (tests)
            signal.signal(signal.SIGTERM, self._on_signal)
            signal.signal(signal.SIGINT, self._on_signal)
        return self

    def _on_signal(self, signum, frame) -> None:  # noqa: ARG002 - signal handler signature
        if self.event.is_set():
            raise KeyboardInterrupt
        log.info("%s received: finishing what is in flight, then stopping", signal.Signals(signum).name)
        self.event.set()


def stop_background(runtime, scheduler=None, grace: float = 20.0) -> None:
    """Stop listeners, the scheduler and the sender in that order, each finishing its current item."""
    from bot.runtime import jobs

    jobs.request_stop()
    executor = getattr(getattr(runtime.app, "_listener_runner", None), "listener_executor", None)
    if executor is not None:
        executor.shutdown(wait=True)  # listeners still running after their ack write their rows
    if scheduler is not None:
        with contextlib.suppress(Exception):  # already stopped
            scheduler.shutdown(wait=True)  # process_due stops after the item it claimed
    runtime.sender.stop(timeout=grace)
    runtime.db.dispose()
