"""`python -m bot data template|import` as an operator runs it: files written, exit codes, rows stored.

Runs the real command in a subprocess with a clean environment, so configuration comes only
from DATABASE_URL (a temporary SQLite file, or PostgreSQL with TEST_DATABASE=postgres).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from storage import Database
from storage.importing import template_csv
from storage.models import DataSet, Outcome, OutcomeRow, Story, Workspace

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[3]

GOOD = (
    "Periode;Activiteit;Wijk;Bereik;Potentiëel bereik;Doelen gesteld;Doelen behaald;Respondenten;Tevredenheid;"
    "Tevreden\r\n"
    "2024 Q1;Huiskamer;Centrum;1.120;2.250;80;68;50;7,8;40\r\n"
    "2024 Q1;Huiskamer;Noord;45;600;30;12;20;6,5;10\r\n"
).encode("cp1252")
BAD = b"periode;bereik;doelen gesteld;doelen behaald\n2024-Q1;veel;30;40\n"


def run_data(*args: str, database_url: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DATABASE_URL", "BOT_", "PORT"))}
    env["DATABASE_URL"] = database_url
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    return subprocess.run([sys.executable, "-m", "bot", "data", *args], capture_output=True, text=True, env=env,
                          cwd=cwd, timeout=120)


def counts(database_url: str) -> dict[str, int]:
    db = Database(database_url)
    try:
        with db.reader() as s:
            return {m.__tablename__: s.scalar(select(func.count()).select_from(m))
                    for m in (Workspace, Outcome, DataSet, OutcomeRow, Story)}
    finally:
        db.dispose()


def test_template_writes_csv_and_xlsx(tmp_path, database_url):
    result = run_data("template", "--output", str(tmp_path / "sjabloon"), database_url=database_url, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    folder = tmp_path / "sjabloon"
    assert (folder / "uitkomsten-sjabloon.csv").read_bytes() == template_csv()
    assert (folder / "uitkomsten-sjabloon.xlsx").read_bytes()[:4] == b"PK\x03\x04"
    assert (folder / "verhalen-sjabloon.csv").is_file() and (folder / "verhalen-sjabloon.xlsx").is_file()
    assert "uitkomsten-sjabloon.xlsx" in result.stdout


def test_import_good_then_bad_file(tmp_path, database_url):
    good, bad = tmp_path / "cijfers.csv", tmp_path / "fout.csv"
    good.write_bytes(GOOD)
    bad.write_bytes(BAD)

    result = run_data("import", str(good), "--outcome", "Ouderen doen mee", database_url=database_url, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "2 rijen" in result.stdout and "1e kwartaal 2024: nieuw, 2 rijen" in result.stdout
    after_good = counts(database_url)
    assert after_good == {"workspaces": 1, "outcomes": 1, "datasets": 1, "outcome_rows": 2, "stories": 0}
    db = Database(database_url)
    try:
        with db.reader() as s:
            assert s.scalar(select(Workspace.team_id)) == "T-LOCAL"
            assert s.scalar(select(func.sum(OutcomeRow.reach))) == 1165
            assert s.scalar(select(OutcomeRow.satisfaction_mean).where(OutcomeRow.group_value == "Centrum")) == 7.8
    finally:
        db.dispose()

    result = run_data("import", str(bad), "--outcome", "Ouderen doen mee", "--language", "en",
                      database_url=database_url, cwd=tmp_path)
    assert result.returncode == 1
    assert "Row 2, column ‘bereik’: ‘veel’ is not a number." in result.stderr
    assert "Row 2, column ‘doelen behaald’" in result.stderr
    assert counts(database_url) == after_good

    # The same good file again: same workspace (the only one), period replaced, nothing changed.
    result = run_data("import", str(good), "--outcome", "ouderen doen mee", database_url=database_url, cwd=tmp_path)
    assert result.returncode == 0 and "0 gewijzigd, 2 gelijk" in result.stdout
    assert counts(database_url)["outcome_rows"] == 2 and counts(database_url)["outcomes"] == 1


def test_import_stories_and_a_missing_file(tmp_path, database_url):
    stories = tmp_path / "verhalen.csv"
    stories.write_bytes(b"periode;wijk;verhaal\n2024-Q1;Noord;Een bezoeker gaat weer naar de markt.\n")
    result = run_data("import", str(stories), "--outcome", "Ouderen doen mee", "--team", "T0TEAM",
                      database_url=database_url, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "1 verhaal." in result.stdout and "1 verhalen" not in result.stdout
    assert counts(database_url)["stories"] == 1

    result = run_data("import", str(tmp_path / "weg.csv"), "--outcome", "X", database_url=database_url,
                      cwd=tmp_path)
    assert result.returncode == 2 and "bestaat niet" in result.stderr and "Traceback" not in result.stderr
