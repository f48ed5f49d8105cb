"""`python -m bot export 1 --format pdf|xlsx` on the database the demo leaves behind."""

from __future__ import annotations

import io
import os
import subprocess
import sys

import pytest


@pytest.mark.slow
@pytest.mark.sqlite_only
def test_export_works_on_the_demos_database(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "BOT_", "DATABASE_URL"))}
    demo = subprocess.run([sys.executable, "-m", "bot", "demo", "--output", "uit"], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=180)
    assert demo.returncode == 0, demo.stderr[-3000:]
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'uit' / 'demo.db'}"
    for fmt in ("pdf", "xlsx"):
        result = subprocess.run([sys.executable, "-m", "bot", "export", "1", "--format", fmt], cwd=tmp_path,
                                env=env, capture_output=True, text=True, timeout=180)
        assert result.returncode == 0, result.stderr[-3000:]
        assert result.stdout.strip() == f"verslag-1.{fmt}"
    assert (tmp_path / "verslag-1.pdf").read_bytes().startswith(b"%PDF")
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO((tmp_path / "verslag-1.xlsx").read_bytes()))
    assert book.sheetnames[:3] == ["Antwoorden", "Acties", "Cijfers"]
    missing = subprocess.run([sys.executable, "-m", "bot", "export", "99", "--format", "pdf"], cwd=tmp_path, env=env,
                             capture_output=True, text=True, timeout=120)
    assert missing.returncode == 1 and "Session 99 does not exist" in missing.stderr
