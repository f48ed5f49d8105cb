"""`python -m bot config check`: the effective configuration, secrets masked, every problem listed.

Why: an operator setting up the bot on a municipality's server wants to see what the bot
will actually use (which database, which mode, which log format) before starting it, and
all the problems at once rather than one per restart. Exit code 2 on any problem, like the
processes themselves.
"""

from __future__ import annotations

import argparse
import os
import sys

from bot.config import SETTINGS, Settings, _read_dotenv, parse_settings


def mask(value: str) -> str:
    """Enough to recognise which secret is set (its kind and last 4 characters), never the secret."""
    prefix = value.split("-", 1)[0] + "-" if value.startswith(("xox", "xapp-")) else ""
    tail = value[-4:] if len(value) >= 12 else ""
    return f"{prefix}…{tail} (set, {len(value)} characters)"


def _shown(setting, value, raw: str | None) -> str:
    if value is None and raw is None:
        return "(not set)"
    if value is None:
        return "(malformed)"
    if setting.secret:
        return mask(str(value))
    if setting.env == "DATABASE_URL":
        from storage.health import safe_url

        return safe_url(str(value))
    return str(value)


def _mode(settings: Settings) -> str:
    if settings.oauth:
        return "multi-workspace (OAuth installs)" + (", Socket Mode" if settings.socket_mode else ", HTTP")
    return "single workspace" + (", Socket Mode" if settings.socket_mode else ", HTTP on PORT")


def run_config_check(args: argparse.Namespace) -> int:
    _read_dotenv()
    env = os.environ
    values, problems = parse_settings(env)
    width = max(len(s.env) for s in SETTINGS)
    for setting in SETTINGS:
        raw = (env.get(setting.env) or "").strip() or None
        origin = "" if raw is not None else "  (default)" if setting.default is not None else ""
        print(f"{setting.env:<{width}}  {_shown(setting, values[setting.field], raw)}{origin}")
    if not problems:
        settings = Settings(**values)
        try:
            settings.require_slack()
        except Exception as exc:  # ConfigError: collected like the others
            problems.append(str(exc))
        print(f"{'mode':<{width}}  {_mode(settings)}")
        if not problems and not args.no_database:
            problems.extend(_database_problem(settings))
    for problem in problems:
        print(f"problem: {problem}", file=sys.stderr)
    if problems:
        return 2
    print("Configuration OK.")
    return 0


def _database_problem(settings: Settings) -> list[str]:
    """One test write (no waiting): a missing SQLite file, a read-only or unreachable database."""
    from storage import Database
    from storage.health import describe, write_problem

    db = Database(settings.database_url)
    try:
        problem = write_problem(db)
    finally:
        db.dispose()
    if problem is None:
        print(f"{'database':<{max(len(s.env) for s in SETTINGS)}}  writable")
        return []
    return [describe(db, problem)]
