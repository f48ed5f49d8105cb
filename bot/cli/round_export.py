"""`python -m bot export --round ROUND --format json [--output FILE]`: a round with its conversations.

Why one readable line and exit code 1 for every expected problem (an unknown round, a database
that was never migrated): coordinators run this too, not only developers.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from bot.config import load_settings


def run_round_export(args: argparse.Namespace) -> int:
    """Write the round's JSON document to --output, or to stdout."""
    from sqlalchemy.exc import OperationalError, ProgrammingError

    from bot.report.round_export import round_document
    from bot.report.rounds import build_round_report
    from flows import FlowRegistry
    from storage import Database
    from storage.models import Round

    if args.round is None:
        return _fail("Give the round with --round ROUND (see `/gesprek ronde` for round numbers).")
    settings = load_settings()
    registry = FlowRegistry.load([Path(settings.flows_dir)] if settings.flows_dir else [])
    db = Database(settings.database_url)
    try:
        with db.reader() as s:
            rnd = s.get(Round, args.round)
            if rnd is None:
                return _fail(f"Round {args.round} does not exist (see `/gesprek ronde` for round numbers).")
            report = build_round_report(s, registry, rnd, lang=args.language, timezone=settings.timezone)
            document = round_document(report)
    except (OperationalError, ProgrammingError):
        return _fail("The database has no rounds yet or is out of date: run `python -m bot migrate` first.")
    finally:
        db.dispose()
    text = json.dumps(document, ensure_ascii=False, indent=2)
    if args.output:
        try:
            Path(args.output).write_text(text + "\n", encoding="utf-8")
        except OSError as exc:
            return _fail(f"Cannot write {args.output}: {exc.strerror or exc}.")
        print(args.output)
    else:
        print(text)
    return 0


def _fail(message: str) -> int:
    print(message, file=sys.stderr)
    return 1
