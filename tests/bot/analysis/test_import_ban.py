"""bot/analysis stays pure: no Slack, no SQL, no storage, no services (checked on the source and live)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import bot.analysis

NEVER_LOADED = ("slack_sdk", "slack_bolt", "sqlalchemy", "alembic", "storage", "psycopg")
# In the source also no network or database client: the standard library and numpy may load
# urllib.parse for their own use, so these are checked on our source only.
BANNED = (*NEVER_LOADED, "sqlite3", "requests", "urllib", "http")
BANNED_BOT = ("bot.services", "bot.slack", "bot.web", "bot.cli", "bot.runtime", "bot.report")


def _imports(path: Path) -> list[str]:
    names = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.append(node.module)
    return names


def test_analysis_source_imports_neither_slack_nor_sql_nor_storage():
    root = Path(bot.analysis.__file__).parent
    offenders = [f"{path.name}: {name}" for path in sorted(root.rglob("*.py")) for name in _imports(path)
                 if name.split(".")[0] in BANNED or name.startswith(BANNED_BOT)]
    assert offenders == []


def test_analysis_uses_from_bot_only_itself_and_from_flows_only_roles():
    root = Path(bot.analysis.__file__).parent
    outside = sorted({name for path in root.rglob("*.py") for name in _imports(path)
                      if name.split(".")[0] in ("bot", "flows")
                      and not name.startswith("bot.analysis") and name != "flows.roles"})
    assert outside == []


def test_importing_analysis_loads_no_slack_sql_or_storage_module():
    """Live check: what the import really pulls in, including through third-party packages."""
    code = ("import sys, bot.analysis; "
            "print('\\n'.join(m for m in sys.modules if m.split('.')[0] in "
            f"{NEVER_LOADED!r} or m.startswith({BANNED_BOT!r})))")
    root = Path(bot.analysis.__file__).parents[2]
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=root, check=True,
                            env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"})
    assert result.stdout.split() == []
