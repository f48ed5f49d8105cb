"""`python -m bot demo` in a fresh folder: exit 0 within 60 s, all four stages, the reminder, a report."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest


@pytest.mark.slow
@pytest.mark.sqlite_only
@pytest.mark.parametrize("language", ["nl", "en"])
def test_demo_runs_a_whole_cycle(tmp_path, language):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "BOT_", "DATABASE_URL"))}
    started = time.monotonic()
    result = subprocess.run([sys.executable, "-m", "bot", "demo", "--language", language, "--output", "uit"],
                            cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    elapsed = time.monotonic() - started
    assert result.returncode == 0, result.stderr[-3000:]
    assert elapsed < 60
    out = tmp_path / "uit"
    transcript = (out / "transcript.txt").read_text(encoding="utf-8")
    stages = ("Herkennen", "Begrijpen", "Waarderen", "Verbeteren") if language == "nl" else \
        ("Recognise", "Understand", "Value", "Improve")
    for stage in stages:
        assert stage in transcript, stage
    assert ("vriendelijke herinnering" if language == "nl" else "friendly reminder") in transcript
    assert "Bron: CBS" in transcript or "Source: CBS" in transcript  # potential reach names its source
    # The small village is suppressed, in words ("<5" would read as "<5%").
    assert ("minder dan 5" if language == "nl" else "fewer than 5") in transcript
    report = (out / "verslag-1.html").read_text(encoding="utf-8")
    assert 'id="conclusion"' in report and 'id="actions"' in report
    assert list(out.glob("grafiek-*.png"))
    assert "Traceback" not in result.stderr
    assert transcript[:200] in result.stdout  # printed as participants would see it
