"""Settings an operator sets: each one documented, checked, and shown back with secrets masked."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from bot.config import SETTINGS, ConfigError, load_settings
from storage.migrate import upgrade
from tests.bot.cli.test_cli import run_bot

ROOT = Path(__file__).resolve().parents[3]
TOKEN = "xoxb-1111-2222-abcdefghWXYZ"
SECRET = "0123456789abcdef0123456789abcdef"


def test_every_setting_is_in_the_readme_table():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    rows = set(re.findall(r"^\| `([A-Z_]+)`", readme, flags=re.MULTILINE))
    rows |= set(re.findall(r"^\| `[A-Z_]+`, `([A-Z_]+)`", readme, flags=re.MULTILINE))
    missing = [s.env for s in SETTINGS if s.env not in rows]
    assert missing == []


@pytest.mark.parametrize("url", ["https://gesprek.gemeente.nl", "http://localhost:3000/", "https://x.nl/bot"])
def test_public_url_accepts_web_addresses(url):
    assert load_settings({"BOT_PUBLIC_URL": url}, dotenv=False).public_url == url.rstrip("/")


@pytest.mark.parametrize("url", ["gesprek.gemeente.nl", "ftp://x.nl", "https://", "https://x.nl/?a=1"])
def test_public_url_refuses_what_is_not_one(url):
    with pytest.raises(ConfigError, match="BOT_PUBLIC_URL"):
        load_settings({"BOT_PUBLIC_URL": url}, dotenv=False)


@pytest.mark.parametrize(("env", "name"), [
    ({"DATABASE_WAIT_SECONDS": "lang"}, "DATABASE_WAIT_SECONDS"),
    ({"WEB_THREADS": "0"}, "WEB_THREADS"),
    ({"SHUTDOWN_GRACE_SECONDS": "-1"}, "SHUTDOWN_GRACE_SECONDS"),
    ({"LOG_LEVEL": "verbose"}, "LOG_LEVEL"),
    ({"LOG_FORMAT": "xml"}, "LOG_FORMAT"),
])
def test_new_settings_name_themselves_when_malformed(env, name):
    with pytest.raises(ConfigError, match=name):
        load_settings(env, dotenv=False)


def test_log_level_in_any_case_and_json_format_are_accepted():
    settings = load_settings({"LOG_LEVEL": "debug", "LOG_FORMAT": "JSON"}, dotenv=False)
    assert settings.log_level == "DEBUG" and settings.log_format == "json"


def test_log_level_debug_no_longer_crashes_the_processes(tmp_path):
    result = run_bot("migrate", env={"LOG_LEVEL": "debug", "LOG_FORMAT": "json"}, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert lines and all(isinstance(json.loads(line), dict) for line in lines)


def test_a_bad_log_level_is_one_line_and_exit_2(tmp_path):
    result = run_bot("migrate", env={"LOG_LEVEL": "luid"}, cwd=tmp_path)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "LOG_LEVEL" in lines[0]


def test_config_check_shows_the_effective_settings_with_secrets_masked(tmp_path):
    database = tmp_path / "bot.db"
    upgrade(f"sqlite:///{database}")
    env = {"SLACK_BOT_TOKEN": TOKEN, "SLACK_SIGNING_SECRET": SECRET, "DATABASE_URL": f"sqlite:///{database}",
           "LOG_LEVEL": "debug", "BOT_PUBLIC_URL": "https://gesprek.example.nl"}
    result = run_bot("config", "check", env=env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert TOKEN not in out and SECRET not in out and "WXYZ" in out  # recognisable, not usable
    assert "DEBUG" in out and "https://gesprek.example.nl" in out and "writable" in out
    for setting in SETTINGS:
        assert setting.env in out


def test_config_check_lists_every_problem_and_exits_2(tmp_path):
    env = {"SLACK_BOT_TOKEN": TOKEN, "SLACK_SIGNING_SECRET": SECRET, "PORT": "drie", "BOT_LANGUAGE": "fr",
           "DATABASE_URL": "postgresql://kg:wachtwoord@127.0.0.1:1/kg"}
    result = run_bot("config", "check", env=env, cwd=tmp_path)
    assert result.returncode == 2
    problems = [line for line in result.stderr.splitlines() if line.startswith("problem:")]
    assert len(problems) == 2 and "PORT" in problems[0] and "BOT_LANGUAGE" in problems[1]
    assert "wachtwoord" not in result.stdout + result.stderr


def test_config_check_names_a_missing_sqlite_database(tmp_path):
    env = {"SLACK_BOT_TOKEN": TOKEN, "SLACK_SIGNING_SECRET": SECRET, "DATABASE_URL": "sqlite:///var/geen.db"}
    result = run_bot("config", "check", env=env, cwd=tmp_path)
    assert result.returncode == 2 and "python -m bot migrate" in result.stderr
    assert not (tmp_path / "var" / "geen.db").exists()
