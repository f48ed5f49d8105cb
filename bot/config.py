"""Settings from environment variables (and an optional `.env` file).

Why a hand-rolled table and not a settings framework: the rules are few, and an operator
must get *one* clear line naming the bad setting (exit code 2), never a traceback.
`ConfigError` carries that line; the CLI prints it. The table `SETTINGS` is also what
`python -m bot config check` prints and what the README's configuration table documents
(a test keeps the two in step).
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_DATABASE_URL = "sqlite:///var/kwaliteitsgesprek.db"
DEFAULT_SLACK_API_URL = "https://slack.com/api/"
LANGUAGES = ("nl", "en")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
LOG_FORMATS = ("keyvalue", "json")


class ConfigError(Exception):
    """A setting is missing or malformed; the message names it in one line."""


@dataclass(frozen=True)
class Settings:
    """Everything the bot reads from its environment, validated."""

    bot_token: str | None = None
    signing_secret: str | None = None
    app_token: str | None = None
    client_id: str | None = None
    client_secret: str | None = None
    slack_api_url: str = DEFAULT_SLACK_API_URL
    database_url: str = DEFAULT_DATABASE_URL
    database_wait_seconds: float = 30.0
    port: int = 3000
    web_threads: int = 8
    shutdown_grace_seconds: float = 20.0
    language: str = "nl"
    timezone: str = "Europe/Amsterdam"
    flows_dir: str | None = None
    public_url: str | None = None
    link_secret: str | None = None
    report_link_days: int = 30
    tick_seconds: float = 30.0
    log_level: str = "INFO"
    log_format: str = "keyvalue"
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def socket_mode(self) -> bool:
        return bool(self.app_token)

    @property
    def oauth(self) -> bool:
        return bool(self.client_id and self.client_secret)

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def require_slack(self) -> None:
        """Check the settings needed to talk to Slack at all (run/web/clock)."""
        if not self.oauth and not self.bot_token:
            raise ConfigError(
                "SLACK_BOT_TOKEN is not set: copy the xoxb- token from OAuth & Permissions "
                "(or set SLACK_CLIENT_ID and SLACK_CLIENT_SECRET for multi-workspace installs)."
            )
        if not self.signing_secret and not self.socket_mode:
            raise ConfigError("SLACK_SIGNING_SECRET is not set: copy it from your Slack app's Basic Information page.")
        if self.bot_token and not self.bot_token.startswith("xox"):
            raise ConfigError("SLACK_BOT_TOKEN is malformed: it should start with 'xoxb-'.")
        if self.app_token and not self.app_token.startswith("xapp-"):
            raise ConfigError("SLACK_APP_TOKEN is malformed: it should start with 'xapp-'.")


# ---- parsers: each returns the value or raises ValueError with the reason ----------------------


def _text(raw: str) -> str:
    return raw


def _port(raw: str) -> int:
    try:
        port = int(raw)
    except ValueError:
        raise ValueError(f"{raw!r} is not a whole number.") from None
    if not 0 <= port <= 65535:
        raise ValueError(f"{port} is outside 0-65535.")
    return port


def _number(low: float, high: float, unit: str = "seconds") -> Callable[[str], float]:
    def parse(raw: str) -> float:
        try:
            value = float(raw)
        except ValueError:
            raise ValueError(f"{raw!r} is not a number of {unit}.") from None
        if not low <= value <= high:
            raise ValueError(f"{value:g} is outside {low:g}-{high:g}.")
        return value

    return parse


def _whole(low: int, high: int) -> Callable[[str], int]:
    def parse(raw: str) -> int:
        try:
            value = int(raw)
        except ValueError:
            raise ValueError(f"{raw!r} is not a whole number.") from None
        if not low <= value <= high:
            raise ValueError(f"{value} is outside {low}-{high}.")
        return value

    return parse


def _language(raw: str) -> str:
    language = raw.lower()
    if language not in LANGUAGES:
        raise ValueError(f"{language!r}; use 'nl' or 'en'.")
    return language


def _timezone(raw: str) -> str:
    try:
        ZoneInfo(raw)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"{raw!r} is not a known time zone.") from None
    return raw


def _api_url(raw: str) -> str:
    if not raw.startswith(("http://", "https://")):
        raise ValueError(f"{raw!r} should start with http:// or https://.")
    return raw if raw.endswith("/") else raw + "/"


def _public_url(raw: str) -> str:
    """The bot's own address as people reach it (links in reports): scheme and host, no query."""
    parts = urlsplit(raw)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"{raw!r} should be an address like https://gesprek.gemeente.nl.")
    if parts.query or parts.fragment:
        raise ValueError(f"{raw!r} should not contain '?' or '#'.")
    return raw.rstrip("/")


def _database_url(raw: str) -> str:
    url = raw
    if url.startswith("postgres://"):
        # Heroku-style URLs; SQLAlchemy wants the dialect name and we support psycopg 3.
        url = "postgresql+psycopg://" + url[len("postgres://") :]
    elif url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    if "://" not in url:
        raise ValueError(f"{raw!r} is not a database URL.")
    if url.startswith("postgresql+psycopg://") and importlib.util.find_spec("psycopg") is None:
        raise ValueError("PostgreSQL needs the driver: pip install 'kwaliteitsgesprek-bot[postgres]'.")
    return url


def _log_level(raw: str) -> str:
    level = raw.upper()
    if level not in LOG_LEVELS:
        raise ValueError(f"{raw!r}; use one of {', '.join(name.lower() for name in LOG_LEVELS)}.")
    return level


def _log_format(raw: str) -> str:
    value = raw.lower().replace("-", "").replace("_", "")
    value = {"kv": "keyvalue", "logfmt": "keyvalue", "text": "keyvalue"}.get(value, value)
    if value not in LOG_FORMATS:
        raise ValueError(f"{raw!r}; use 'keyvalue' or 'json'.")
    return value


@dataclass(frozen=True)
class Setting:
    """One environment variable: where it goes, its default, how it is checked, what it means."""

    env: str
    field: str
    default: str | None
    parse: Callable[[str], Any]
    meaning: str
    secret: bool = False


SETTINGS: tuple[Setting, ...] = (
    Setting("SLACK_BOT_TOKEN", "bot_token", None, _text, "bot token xoxb-… (single workspace)", secret=True),
    Setting("SLACK_SIGNING_SECRET", "signing_secret", None, _text, "verifies that requests come from Slack",
            secret=True),
    Setting("SLACK_APP_TOKEN", "app_token", None, _text, "app-level token xapp-…; set: Socket Mode", secret=True),
    Setting("SLACK_CLIENT_ID", "client_id", None, _text, "OAuth client id (multi-workspace installs)"),
    Setting("SLACK_CLIENT_SECRET", "client_secret", None, _text, "OAuth client secret", secret=True),
    Setting("SLACK_API_URL", "slack_api_url", DEFAULT_SLACK_API_URL, _api_url, "base URL of Slack's Web API"),
    Setting("DATABASE_URL", "database_url", DEFAULT_DATABASE_URL, _database_url, "SQLAlchemy database URL"),
    Setting("DATABASE_WAIT_SECONDS", "database_wait_seconds", "30", _number(0, 3600),
            "how long start-up waits for an unreachable database"),
    Setting("PORT", "port", "3000", _port, "HTTP port"),
    Setting("WEB_THREADS", "web_threads", "8", _whole(1, 256), "request threads of the web server"),
    Setting("SHUTDOWN_GRACE_SECONDS", "shutdown_grace_seconds", "20", _number(0, 600),
            "time to finish in-flight requests and the current message on SIGTERM"),
    Setting("BOT_PUBLIC_URL", "public_url", None, _public_url, "the bot's public address (links in reports)"),
    Setting("BOT_LINK_SECRET", "link_secret", None, _text,
            "signs report links (default: derived from SLACK_SIGNING_SECRET); changing it ends every link",
            secret=True),
    Setting("BOT_REPORT_LINK_DAYS", "report_link_days", "30", _whole(1, 3650),
            "how many days a report link works"),
    Setting("BOT_LANGUAGE", "language", "nl", _language, "default language"),
    Setting("BOT_TIMEZONE", "timezone", "Europe/Amsterdam", _timezone, "time zone for schedules"),
    Setting("BOT_TICK_SECONDS", "tick_seconds", "30", _number(0.1, 3600), "how often the clock looks for due work"),
    Setting("BOT_FLOWS_DIR", "flows_dir", None, _text, "folder with extra flow files"),
    Setting("LOG_LEVEL", "log_level", "INFO", _log_level, "logging level"),
    Setting("LOG_FORMAT", "log_format", "keyvalue", _log_format, "keyvalue (default) or json"),
)


def _clean(env: Mapping[str, str], name: str) -> str | None:
    value = env.get(name)
    if value is None:
        return None
    value = value.strip()
    return value or None


def _read_dotenv() -> None:
    if Path(".env").is_file():
        from dotenv import load_dotenv

        load_dotenv(".env", override=False)


def parse_settings(env: Mapping[str, str]) -> tuple[dict[str, Any], list[str]]:
    """Every setting's value (None where malformed) and every problem found, one line each.

    Why collect instead of stopping at the first: `config check` shows an operator all
    problems at once; `load_settings` still raises only the first.
    """
    values: dict[str, Any] = {}
    problems: list[str] = []
    for setting in SETTINGS:
        raw = _clean(env, setting.env) or setting.default
        if raw is None:
            values[setting.field] = None
            continue
        try:
            values[setting.field] = setting.parse(raw)
        except ValueError as exc:
            values[setting.field] = None
            problems.append(f"{setting.env} is malformed: {exc}")
    if bool(values["client_id"]) != bool(values["client_secret"]):
        missing = "SLACK_CLIENT_SECRET" if values["client_id"] else "SLACK_CLIENT_ID"
        problems.append(f"{missing} is not set: OAuth installs need both SLACK_CLIENT_ID and SLACK_CLIENT_SECRET.")
    return values, problems


def load_settings(env: Mapping[str, str] | None = None, *, dotenv: bool = True) -> Settings:
    """Read and validate settings; raise ConfigError naming the first bad one."""
    if env is None:
        if dotenv:
            _read_dotenv()
        env = os.environ
    values, problems = parse_settings(env)
    if problems:
        raise ConfigError(problems[0])
    return Settings(**values)
