"""`python -m bot report SESSION [--output DIR] [--language nl|en]`: write a session's report files.

Why a module of its own: the report is also run by coordinators who are not developers, so every
expected problem (unknown session, a database that was never migrated, a flow file that is gone)
ends in one readable line on stderr and exit code 1, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.config import load_settings


def run_report_command(args: argparse.Namespace) -> int:
    """Write verslag-<id>.html and .md into args.output (default: the current folder); print both paths."""
    from sqlalchemy.exc import OperationalError, ProgrammingError

    from bot.report import SessionNotFound, write_report
    from flows import FlowRegistry, UnknownFlow
    from storage import Database

    settings = load_settings()
    session_id: int = args.session
    out_dir = Path(getattr(args, "output", None) or ".")
    lang = getattr(args, "language", None) or None
    registry = FlowRegistry.load([Path(settings.flows_dir)] if settings.flows_dir else [])
    from bot.cli.startup import check_database

    check_database(settings)  # a missing or unreachable database: one line, exit 2
    db = Database(settings.database_url)
    try:
        html_path, md_path = write_report(db, registry, session_id, out_dir, lang=lang, timezone=settings.timezone)
    except SessionNotFound:
        return _fail(f"Session {session_id} does not exist (see `/gesprek status` for session numbers).")
    except UnknownFlow as exc:
        return _fail(f"Session {session_id} uses flow {exc} which is not available (check BOT_FLOWS_DIR).")
    except (OperationalError, ProgrammingError):
        return _fail("The database has no conversations yet or is out of date: run `python -m bot migrate` first.")
    except OSError as exc:
        return _fail(f"Cannot write the report into {out_dir}: {exc.strerror or exc}.")
    finally:
        db.dispose()
    print(html_path)
    print(md_path)
    return 0


def _fail(message: str) -> int:
    print(message, file=sys.stderr)
    return 1
