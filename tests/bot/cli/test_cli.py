"""The command line as an operator meets it: help, clear configuration errors, exit codes."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from bot.config import ConfigError, load_settings


def run_bot(*args: str, env: dict[str, str] | None = None, cwd=None, timeout: float = 60) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DATABASE_URL", "BOT_", "PORT"))}
    clean.update(env or {})
    return subprocess.run([sys.executable, "-m", "bot", *args], capture_output=True, text=True, env=clean,
                          cwd=cwd, timeout=timeout)


def test_help_lists_every_command(tmp_path):
    result = run_bot("--help", cwd=tmp_path)
    assert result.returncode == 0
    for command in ("run", "web", "clock", "migrate", "demo", "flows", "data", "report"):
        assert command in result.stdout


@pytest.mark.parametrize("command", ["run", "web", "clock", "migrate", "demo", "flows", "data"])
def test_help_everywhere(tmp_path, command):
    result = run_bot(command, "--help", cwd=tmp_path)
    assert result.returncode == 0 and "usage:" in result.stdout


def test_run_without_tokens_exits_2_with_one_line(tmp_path):
    result = run_bot("run", cwd=tmp_path)
    assert result.returncode == 2
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "SLACK_BOT_TOKEN" in lines[0]
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("env", "name"),
    [
        ({"PORT": "drieduizend"}, "PORT"),
        ({"BOT_LANGUAGE": "fr"}, "BOT_LANGUAGE"),
        ({"BOT_TIMEZONE": "Mars/Olympus"}, "BOT_TIMEZONE"),
        ({"SLACK_API_URL": "ftp://x"}, "SLACK_API_URL"),
        ({"DATABASE_URL": "not a url"}, "DATABASE_URL"),
        ({"SLACK_CLIENT_ID": "123.456"}, "SLACK_CLIENT_SECRET"),
    ],
)
def test_malformed_settings_name_the_setting(env, name):
    with pytest.raises(ConfigError) as caught:
        load_settings(env, dotenv=False)
    assert name in str(caught.value)


def test_malformed_setting_from_cli_exits_2(tmp_path):
    result = run_bot("migrate", env={"BOT_LANGUAGE": "fr"}, cwd=tmp_path)
    assert result.returncode == 2 and "BOT_LANGUAGE" in result.stderr and "Traceback" not in result.stderr


def test_defaults_and_dotenv(tmp_path, monkeypatch):
    settings = load_settings({}, dotenv=False)
    assert settings.port == 3000 and settings.language == "nl" and settings.timezone == "Europe/Amsterdam"
    assert settings.database_url.startswith("sqlite:///") and "var/" in settings.database_url
    assert load_settings({"DATABASE_URL": "postgres://u@h/db"}, dotenv=False).database_url.startswith(
        "postgresql+psycopg://")


def test_migrate_twice_on_sqlite_default(tmp_path):
    first = run_bot("migrate", cwd=tmp_path)
    second = run_bot("migrate", cwd=tmp_path)
    assert first.returncode == 0 and second.returncode == 0, first.stderr + second.stderr
    assert (tmp_path / "var" / "kwaliteitsgesprek.db").exists()


def test_flows_check_rejects_broken_file(tmp_path):
    broken = tmp_path / "kapot.yaml"
    broken.write_text("id: kapot\nversion: 1\ntitle: {nl: K, en: K}\nstages: []\n", encoding="utf-8")
    result = run_bot("flows", "check", str(broken), cwd=tmp_path)
    assert result.returncode == 1
    assert f"{broken}: stages:" in result.stderr


def test_flows_check_accepts_every_bundled_flow(tmp_path):
    from flows import BUNDLED_DIR

    files = sorted(str(p) for p in BUNDLED_DIR.glob("*.yaml"))
    if not files:
        pytest.skip("no bundled flows yet")
    result = run_bot("flows", "check", *files, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    listing = run_bot("flows", "list", cwd=tmp_path)
    assert listing.returncode == 0
    for path in files:
        assert os.path.basename(path).split(".")[0] in listing.stdout
