"""The package installs as an operator installs it: `pip install .`, then the postgres extra,
in a fresh virtual environment; its metadata carries the licence; the CLI runs."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SKIP = shutil.ignore_patterns(".git", "var", "demo-output", "build", "*.egg-info", "__pycache__", ".ruff_cache",
                              ".pytest_cache", "tests", "benchmarks")


def _clean_env(**extra: str) -> dict[str, str]:
    """No PYTHONPATH (the worktree must not shadow the installed package), no bot settings."""
    keep = {k: v for k, v in os.environ.items()
            if k != "PYTHONPATH" and not k.startswith(("SLACK_", "BOT_", "DATABASE_", "LOG_"))}
    return {**keep, **extra}


def _pip(python: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess:
    """pip from the fresh venv; downloads come from the local pip cache when it has them."""
    return subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", *args],
                          cwd=cwd, capture_output=True, text=True, timeout=900, env=_clean_env())


@pytest.mark.slow
@pytest.mark.sqlite_only  # no database involved: once per CI run is enough
def test_pip_install_then_the_postgres_extra_in_a_fresh_venv(tmp_path):
    source = tmp_path / "source"
    shutil.copytree(ROOT, source, ignore=SKIP)  # building writes into the tree: use a copy
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    python = env_dir / ("Scripts/python.exe" if sys.platform == "win32" else "bin/python")

    plain = _pip(python, ".", cwd=source)
    assert plain.returncode == 0, plain.stderr[-3000:]
    check = subprocess.run([str(python), "-c", "import importlib.util as u; print(u.find_spec('psycopg') is None)"],
                           capture_output=True, text=True, env=_clean_env(), cwd=tmp_path)
    assert check.stdout.strip() == "True"  # the PostgreSQL driver is an extra, not a requirement
    helped = subprocess.run([str(python), "-m", "bot", "--help"], capture_output=True, text=True, cwd=tmp_path,
                            env=_clean_env())
    assert helped.returncode == 0 and "migrate" in helped.stdout
    without_driver = subprocess.run([str(python), "-m", "bot", "migrate"], capture_output=True, text=True,
                                    cwd=tmp_path, env=_clean_env(DATABASE_URL="postgresql://u@127.0.0.1:1/x"))
    assert without_driver.returncode == 2 and "[postgres]" in without_driver.stderr

    extra = _pip(python, ".[postgres]", cwd=source)
    assert extra.returncode == 0, extra.stderr[-3000:]
    metadata = subprocess.run(
        [str(python), "-c", "import importlib.metadata as m, psycopg; d = m.metadata('kwaliteitsgesprek-bot');"
                            "print(d['License-Expression']); print(d.get_all('License-File'))"],
        capture_output=True, text=True, env=_clean_env(), cwd=tmp_path)
    assert metadata.returncode == 0, metadata.stderr
    assert metadata.stdout.splitlines()[0] == "EUPL-1.2" and "LICENSE" in metadata.stdout
    migrated = subprocess.run([str(python), "-m", "bot", "migrate"], capture_output=True, text=True, cwd=tmp_path,
                              env=_clean_env(DATABASE_URL=f"sqlite:///{tmp_path / 'fresh.db'}"))
    assert migrated.returncode == 0, migrated.stderr  # migrations and data files are in the wheel
