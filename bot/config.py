"""Settings from environment variables (and an optional `.env` file).

Why a hand-rolled class and not a settings framework: the rules are few, and a
coordinator must get *one* clear line naming the bad setting (exit code 2),
never a traceback. `ConfigError` carries that line; the CLI prints it.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_DATABASE_URL = "sqlite:///var/kwaliteitsgesprek.db"
DEFAULT_SLACK_API_URL = "https://slack.com/api/"
LANGUAGES = ("nl", "en")


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
    port: int = 3000
    language: str = "nl"
    timezone: str = "Europe/Amsterdam"
    flows_dir: str | None = None
    public_url: str | None = None
    tick_seconds: float = 30.0
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


def _clean(env: Mapping[str, str], name: str) -> str | None:
    value = env.get(name)
    if value is None:
        return None
    value = value.strip()
    return value or None


def load_settings(env: Mapping[str, str] | None = None, *, dotenv: bool = True) -> Settings:
    """Read and validate settings; raise ConfigError naming the first bad one."""
    if env is None:
        if dotenv and Path(".env").is_file():
            from dotenv import load_dotenv

            load_dotenv(".env", override=False)
        env = os.environ

    port_raw = _clean(env, "PORT") or "3000"
    try:
        port = int(port_raw)
    except ValueError:
        raise ConfigError(f"PORT is malformed: {port_raw!r} is not a whole number.") from None
    if not 0 <= port <= 65535:
        raise ConfigError(f"PORT is malformed: {port} is outside 0-65535.")

    language = (_clean(env, "BOT_LANGUAGE") or "nl").lower()
    if language not in LANGUAGES:
        raise ConfigError(f"BOT_LANGUAGE is malformed: {language!r}; use 'nl' or 'en'.")

    timezone = _clean(env, "BOT_TIMEZONE") or "Europe/Amsterdam"
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"BOT_TIMEZONE is malformed: {timezone!r} is not a known time zone.") from None

    api_url = _clean(env, "SLACK_API_URL") or DEFAULT_SLACK_API_URL
    if not api_url.startswith(("http://", "https://")):
        raise ConfigError(f"SLACK_API_URL is malformed: {api_url!r} should start with http:// or https://.")
    if not api_url.endswith("/"):
        api_url += "/"

    database_url = _clean(env, "DATABASE_URL") or DEFAULT_DATABASE_URL
    if database_url.startswith("postgres://"):
        # Heroku-style URLs; SQLAlchemy wants the dialect name and we ship psycopg 3.
        database_url = "postgresql+psycopg://" + database_url[len("postgres://") :]
    elif database_url.startswith("postgresql://"):
        database_url = "postgresql+psycopg://" + database_url[len("postgresql://") :]
    if "://" not in database_url:
        raise ConfigError(f"DATABASE_URL is malformed: {database_url!r} is not a database URL.")

    client_id = _clean(env, "SLACK_CLIENT_ID")
    client_secret = _clean(env, "SLACK_CLIENT_SECRET")
    if bool(client_id) != bool(client_secret):
        missing = "SLACK_CLIENT_SECRET" if client_id else "SLACK_CLIENT_ID"
        raise ConfigError(f"{missing} is not set: OAuth installs need both SLACK_CLIENT_ID and SLACK_CLIENT_SECRET.")

    tick_raw = _clean(env, "BOT_TICK_SECONDS") or "30"
    try:
        tick_seconds = float(tick_raw)
    except ValueError:
        raise ConfigError(f"BOT_TICK_SECONDS is malformed: {tick_raw!r} is not a number of seconds.") from None
    if not 0.1 <= tick_seconds <= 3600:
        raise ConfigError(f"BOT_TICK_SECONDS is malformed: {tick_seconds} is outside 0.1-3600.")

    return Settings(
        tick_seconds=tick_seconds,
        bot_token=_clean(env, "SLACK_BOT_TOKEN"),
        signing_secret=_clean(env, "SLACK_SIGNING_SECRET"),
        app_token=_clean(env, "SLACK_APP_TOKEN"),
        client_id=client_id,
        client_secret=client_secret,
        slack_api_url=api_url,
        database_url=database_url,
        port=port,
        language=language,
        timezone=timezone,
        flows_dir=_clean(env, "BOT_FLOWS_DIR"),
        public_url=_clean(env, "BOT_PUBLIC_URL"),
    )
