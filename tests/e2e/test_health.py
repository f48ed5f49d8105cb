"""`/healthz` says whether the bot can *write*: a deleted SQLite file or a stopped server is a 503."""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.harness import running_bot


def get(url: str) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"{}")


@pytest.mark.sqlite_only
def test_a_sqlite_file_deleted_while_running_gives_503_and_one_error_line(slack, tmp_path, caplog):
    path = tmp_path / "kwaliteitsgesprek.db"
    with running_bot(slack.url, f"sqlite:///{path}") as bot:
        assert get(bot.url + "/healthz") == (200, {"database": "ok", "outbox_pending": 0, "outbox_failed": 0})
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        caplog.set_level(logging.INFO)
        assert get(bot.url + "/healthz") == (503, {"database": "missing"})
        assert get(bot.url + "/healthz")[0] == 503
        errors = [r for r in caplog.records if r.levelno >= logging.ERROR and "healthz" in r.getMessage()]
        assert len(errors) == 1 and str(path) in errors[0].getMessage()  # once per change, not per probe
        assert not path.exists()  # nothing recreated it empty
