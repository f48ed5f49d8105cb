"""Start-up as an operator meets it: a database that is missing, read-only or not there yet
gives one line and exit code 2, never a traceback and never a fresh empty database."""

from __future__ import annotations

import os
import shutil
import time

import pytest

from storage import Database
from storage.health import DatabaseUnavailable, wait_until_writable, write_problem
from storage.migrate import upgrade
from tests.bot.cli.test_cli import run_bot
from tests.databases import postgres_available, temporary_database

SLACK = {"SLACK_BOT_TOKEN": "xoxb-test-start", "SLACK_SIGNING_SECRET": "secret-start",
         "SLACK_API_URL": "http://127.0.0.1:9/api/"}


def _one_line(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.strip() and " level=" not in line]
    assert len(lines) == 1, stderr
    assert "Traceback" not in stderr
    return lines[0]


@pytest.mark.parametrize("command", ["run", "web", "clock"])
def test_processes_refuse_a_missing_sqlite_file_and_do_not_create_it(tmp_path, command):
    path = tmp_path / "var" / "weg.db"
    result = run_bot(command, env={**SLACK, "DATABASE_URL": f"sqlite:///{path}"}, cwd=tmp_path)
    assert result.returncode == 2
    line = _one_line(result.stderr)
    assert str(path) in line and "python -m bot migrate" in line
    assert not path.exists()


def test_migrate_creates_the_sqlite_file_that_the_processes_then_accept(tmp_path):
    path = tmp_path / "nieuw.db"
    assert run_bot("migrate", env={"DATABASE_URL": f"sqlite:///{path}"}, cwd=tmp_path).returncode == 0
    assert path.exists()
    check = run_bot("config", "check", env={**SLACK, "DATABASE_URL": f"sqlite:///{path}"}, cwd=tmp_path)
    assert check.returncode == 0, check.stderr
    assert "writable" in check.stdout


def test_unreachable_postgres_is_retried_then_exit_2_with_one_line(tmp_path):
    env = {**SLACK, "DATABASE_URL": "postgresql://kg:geheim@127.0.0.1:1/kg", "DATABASE_WAIT_SECONDS": "1.5"}
    started = time.monotonic()
    result = run_bot("clock", env=env, cwd=tmp_path)
    waited = time.monotonic() - started
    assert result.returncode == 2
    line = _one_line(result.stderr)
    assert "cannot be reached" in line and "DATABASE_WAIT_SECONDS" in line
    assert "geheim" not in result.stderr  # the password is never printed
    assert waited >= 1.5


def test_migrate_waits_for_the_database_too(tmp_path):
    env = {"DATABASE_URL": "postgresql://postgres@127.0.0.1:1/kg", "DATABASE_WAIT_SECONDS": "0.5"}
    result = run_bot("migrate", env=env, cwd=tmp_path)
    assert result.returncode == 2 and "cannot be reached" in _one_line(result.stderr)


def test_waiting_backs_off_and_returns_once_the_database_answers(monkeypatch, tmp_path):
    """The retry loop itself: unreachable twice, then fine; sleeps grow; no error."""
    import storage.health as health

    answers = iter(["unreachable", "unreachable", None])
    monkeypatch.setattr(health, "write_problem", lambda db: next(answers))
    slept: list[float] = []
    db = Database(f"sqlite:///{tmp_path / 'x.db'}")
    wait_until_writable(db, 30, sleep=slept.append)
    assert len(slept) == 2 and slept[1] > slept[0]


def test_a_read_only_database_is_not_retried(monkeypatch, tmp_path):
    import storage.health as health

    monkeypatch.setattr(health, "write_problem", lambda db: "read-only")
    slept: list[float] = []
    with pytest.raises(DatabaseUnavailable, match="cannot be written"):
        wait_until_writable(Database(f"sqlite:///{tmp_path / 'x.db'}"), 30, sleep=slept.append)
    assert slept == []


def _as_unprivileged() -> list[str]:
    """Root writes read-only files anyway; drop that capability for the child (setpriv)."""
    if os.geteuid() != 0:
        return []
    if shutil.which("setpriv") is None:
        pytest.skip("running as root without setpriv: cannot make a file read-only for the bot")
    return ["setpriv", "--bounding-set=-dac_override,-dac_read_search"]


@pytest.mark.parametrize("command", ["clock", "migrate"])
def test_a_read_only_sqlite_file_at_start_up_gives_one_line(tmp_path, command):
    import subprocess
    import sys

    path = tmp_path / "alleen-lezen.db"
    upgrade(f"sqlite:///{path}")
    path.chmod(0o444)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DATABASE_URL", "BOT_"))}
    env.update(SLACK, DATABASE_URL=f"sqlite:///{path}")
    result = subprocess.run([*_as_unprivileged(), sys.executable, "-m", "bot", command], env=env, cwd=tmp_path,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert "cannot be written" in _one_line(result.stderr)


@pytest.mark.postgres
def test_a_read_only_postgres_database_gives_one_line_and_a_503(tmp_path):
    if not postgres_available():
        pytest.skip("PostgreSQL is not running on 127.0.0.1:5432")
    from sqlalchemy import create_engine, text

    with temporary_database("postgres", tmp_path) as url:
        upgrade(url)
        name = url.rsplit("/", 1)[1]
        admin = create_engine(url.rsplit("/", 1)[0] + "/postgres", isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'ALTER DATABASE "{name}" SET default_transaction_read_only = on'))
        admin.dispose()
        result = run_bot("clock", env={**SLACK, "DATABASE_URL": url}, cwd=tmp_path)
        assert result.returncode == 2 and "cannot be written" in _one_line(result.stderr)
        db = Database(url)
        try:
            assert db.ping() and write_problem(db) == "read-only"  # reads work, writes do not
        finally:
            db.dispose()


def test_a_sqlite_file_deleted_while_running_is_noticed_not_recreated(tmp_path):
    from sqlalchemy import text

    path = tmp_path / "live.db"
    upgrade(f"sqlite:///{path}")
    db = Database(f"sqlite:///{path}")
    try:
        assert write_problem(db) is None
        with db.unit_of_work() as s:  # a pooled connection now holds the file open
            s.execute(text("SELECT 1"))
        for suffix in ("", "-wal", "-shm"):
            (tmp_path / f"live.db{suffix}").unlink(missing_ok=True)
        assert write_problem(db) == "missing"
        with pytest.raises(Exception), db.unit_of_work() as s:  # noqa: B017 - any error, as long as it is one
            s.execute(text("UPDATE alembic_version SET version_num = version_num"))
        assert not path.exists()
    finally:
        db.dispose()


def test_report_on_a_missing_sqlite_file_is_one_line(tmp_path):
    result = run_bot("report", "1", env={"DATABASE_URL": f"sqlite:///{tmp_path / 'weg.db'}"}, cwd=tmp_path)
    assert result.returncode == 2 and "python -m bot migrate" in _one_line(result.stderr)
    assert not (tmp_path / "weg.db").exists()
