"""`python -m bot data import|template`: outcome data from the command line.

Why a command line at all: some organisations are not allowed to share files through Slack,
and an operator setting up a workspace wants to load last year's figures in one go. The import
is the very same as a file shared in Slack (`bot.services.uploads.import_file`): the same
checks, one transaction, the same messages. Exit codes: 0 imported (or template written),
1 the file has problems and nothing was imported, 2 the file or the configuration is unusable.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.config import load_settings
from bot.i18n import t

LOCAL_TEAM = "T-LOCAL"


def run_data_command(args: argparse.Namespace) -> int:
    if args.data_command == "template":
        return _template(args)
    if args.data_command == "import":
        return _import(args)
    print(f"Unknown data action: {args.data_command}", file=sys.stderr)
    return 2


def _template(args: argparse.Namespace) -> int:
    from storage.importing import write_templates

    for path in write_templates(Path(args.output)):
        print(path)
    return 0


def _workspace_id(db, team: str | None) -> int:
    """The workspace named by --team; else the only one there is; else a local one (T-LOCAL).

    Why 'the only one': on a single-workspace install people should not need to look up the
    Slack team id to load data that the bot will show in that workspace.
    """
    from sqlalchemy import select

    from bot.services.common.people import ensure_workspace
    from storage.models import Workspace

    with db.unit_of_work() as s:
        if not team:
            teams = list(s.scalars(select(Workspace.team_id).limit(2)))
            team = teams[0] if len(teams) == 1 else LOCAL_TEAM
        return ensure_workspace(s, team).id


def _import(args: argparse.Namespace) -> int:
    settings = load_settings()
    lang = args.language or settings.language
    path = Path(args.file)
    if not path.is_file():
        print(t(lang, "data.cli_no_file", file=str(path)), file=sys.stderr)
        return 2
    outcome = " ".join((args.outcome or "").split())[:200]
    if not outcome:
        print(t(lang, "data.cli_no_outcome"), file=sys.stderr)
        return 2
    from bot.services.data.uploads import MAX_UPLOAD_BYTES, import_file, report_lines
    from storage import Database
    from storage.migrate import upgrade

    if path.stat().st_size > MAX_UPLOAD_BYTES:  # the importer's documented limit, as for Slack uploads
        print(t(lang, "data.upload_too_large", file=path.name, max_mb=MAX_UPLOAD_BYTES // 2**20),
              file=sys.stderr)
        return 2
    upgrade(settings.database_url)
    db = Database(settings.database_url)
    try:
        workspace_id = _workspace_id(db, args.team)
        stories = True if getattr(args, "stories", False) else None
        done = import_file(db, workspace_id=workspace_id, outcome_name=outcome, data=path.read_bytes(),
                           filename=path.name, imported_by=None, stories=stories)
    finally:
        db.dispose()
    lines = report_lines(done, path.name, lang, slack=False)
    print("\n".join(lines), file=sys.stdout if done.result.ok else sys.stderr)
    return 0 if done.result.ok else 1
