"""flows/ stays pure: no Slack, no SQL, no bot or storage imports (checked on the source)."""

from __future__ import annotations

import ast
from pathlib import Path

import flows

BANNED = ("slack_sdk", "slack_bolt", "sqlalchemy", "alembic", "bot", "storage", "psycopg", "sqlite3",
          "requests", "urllib", "http")


def test_flows_imports_neither_slack_nor_sql():
    root = Path(flows.__file__).parent
    offenders = []
    for path in root.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [f"{path.name}: {n}" for n in names if n.split(".")[0] in BANNED]
    assert offenders == []
