"""`python -m bot export SESSION --format html|md|pdf|xlsx [--output PATH] [--language nl|en]`,
`python -m bot export --round ROUND [--format json]` (bot/cli/round_export.py) and
`python -m bot links revoke TOKEN|--session N`.

Why like the report command: administrators run these without being developers, so every
expected problem (unknown session, a database never migrated, a flow file that is gone, a
folder that cannot be written) is one readable line on stderr and exit code 1.

The formats are bot/report/formats.py's table; the shared sense-making work adds its JSON there.
Without --output the file is written into the current folder as verslag-<id>.<ext>; `--output -`
writes it to standard output (for html and md; a PDF or workbook is bytes too, but a terminal is
no place for them).
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path

from bot.config import load_settings


def add_parsers(sub) -> None:
    """`export` and `links` on the main parser (bot/cli/main.py)."""
    from bot.report.formats import FORMATS

    export = sub.add_parser("export", help="a session's report as pdf, xlsx, html or md; a round as json")
    export.add_argument("session", type=int, nargs="?", default=None)
    export.add_argument("--round", type=int, default=None, metavar="ROUND", help="the round's number (json)")
    export.add_argument("--format", choices=sorted({*FORMATS, "json"}), default=None,
                        help="default: pdf for a session, json for a round")
    export.add_argument("--output", default=None,
                        help="file or folder (default: verslag-SESSION.FORMAT here; '-' for standard output)")
    export.add_argument("--language", choices=["nl", "en"], default=None, help="default: the session's language")

    links = sub.add_parser("links", help="report links (/verslag/…): revoke one, or all of a session")
    links_sub = links.add_subparsers(dest="links_command", metavar="ACTION", required=True)
    revoke = links_sub.add_parser("revoke", help="make a link stop working before it expires")
    which = revoke.add_mutually_exclusive_group(required=True)
    which.add_argument("token", nargs="?", default=None, help="the link or its token")
    which.add_argument("--session", type=int, default=None, help="every link of this session")


def run_export_command(args: argparse.Namespace) -> int:
    """A round (--round) goes to the round's JSON export; a session to one of the report's formats."""
    if args.round is not None:
        if args.format not in (None, "json"):
            return _fail("A round is exported as json (--format json).")
        from bot.cli.round_export import run_round_export

        args.format = "json"
        return run_round_export(args)
    if args.session is None:
        return _fail("Give a session number (or --round ROUND for a round).")
    args.format = args.format or "pdf"
    if args.format == "json":
        return _fail("A session is exported as pdf, xlsx, html or md; json is the export of a round (--round).")
    return _export_session(args)


def _export_session(args: argparse.Namespace) -> int:
    from sqlalchemy.exc import OperationalError, ProgrammingError

    from bot.cli.startup import check_database
    from bot.report import SessionNotFound, build_report
    from bot.report.formats import FORMATS, filename
    from bot.slack.channels import channel_name
    from bot.slack.client import TokenSource
    from flows import FlowRegistry, UnknownFlow
    from storage import Database

    settings = load_settings()
    registry = FlowRegistry.load([Path(settings.flows_dir)] if settings.flows_dir else [])
    check_database(settings)  # a missing or unreachable database: one line, exit 2
    db = Database(settings.database_url)
    tokens = TokenSource(settings)
    try:
        report = build_report(db, registry, args.session, lang=args.language, timezone=settings.timezone,
                              channel_name=lambda team, channel: channel_name(tokens, team, channel),
                              now=datetime.now(UTC))
        content = FORMATS[args.format].render(report)
    except SessionNotFound:
        return _fail(f"Session {args.session} does not exist (see `/gesprek status` for session numbers).")
    except UnknownFlow as exc:
        return _fail(f"Session {args.session} uses flow {exc} which is not available (check BOT_FLOWS_DIR).")
    except (OperationalError, ProgrammingError):
        return _fail("The database has no conversations yet or is out of date: run `python -m bot migrate` first.")
    finally:
        db.dispose()
    if args.output == "-":
        sys.stdout.buffer.write(content)
        return 0
    target = Path(args.output or ".")
    if target.is_dir():
        target = target / filename(args.session, args.format)
    try:
        target.write_bytes(content)
    except OSError as exc:
        return _fail(f"Cannot write the export to {target}: {exc.strerror or exc}.")
    print(target)
    return 0


def run_links_command(args: argparse.Namespace) -> int:
    """Revoke report links: one (its token or the address) or every link of a session."""
    from bot.cli.startup import check_database
    from bot.services.reports.links import revoke
    from storage import Database

    settings = load_settings()
    check_database(settings)
    db = Database(settings.database_url)
    token = (args.token or "").rstrip("/").rsplit("/", 1)[-1] or None
    try:
        with db.unit_of_work() as s:
            count = revoke(s, datetime.now(UTC), token=token, target_id=args.session)
    finally:
        db.dispose()
    print(f"{count} link(s) revoked.")
    return 0 if count else 1


def _fail(message: str) -> int:
    print(message, file=sys.stderr)
    return 1
