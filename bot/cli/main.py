"""`python -m bot` / `kwaliteitsgesprek`: one entry point for every process and tool.

Why argparse and exit codes matter here: Heroku-style platforms run `release`, `web`
and `clock` from the Procfile; a misconfiguration or an unusable database must end with one
readable line and exit code 2 so the platform shows it, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from bot.config import ConfigError
from storage.health import DatabaseUnavailable


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bot",
        description="Slack bot for kwaliteitsgesprekken (outcome-oriented quality conversations).",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    run = sub.add_parser("run", help="serve Slack (Socket Mode if SLACK_APP_TOKEN is set, else HTTP on PORT)")
    run.add_argument("--no-scheduler", action="store_true", help="do not run reminders in this process")
    run.add_argument("--no-migrate", action="store_true", help="do not upgrade the database first")

    sub.add_parser("web", help="HTTP only, served by waitress (the Procfile uses gunicorn with gunicorn.conf.py)")
    sub.add_parser("clock", help="scheduler and outbox sender only (the Procfile's clock process)")
    sub.add_parser("migrate", help="create or upgrade the database to the newest schema (idempotent)")

    config = sub.add_parser("config", help="check the configuration")
    config_sub = config.add_subparsers(dest="config_command", metavar="ACTION", required=True)
    config_check = config_sub.add_parser(
        "check", help="print the effective configuration (secrets masked); exit 2 on any problem")
    config_check.add_argument("--no-database", action="store_true", help="do not try a write to the database")

    demo = sub.add_parser("demo", help="a whole conversation cycle against a local Slack stand-in, no account needed")
    demo.add_argument("--language", choices=["nl", "en"], default="nl")
    demo.add_argument("--output", default="demo-output", help="folder for transcript, report and charts")

    flows = sub.add_parser("flows", help="list or check conversation flow files")
    flows_sub = flows.add_subparsers(dest="flows_command", metavar="ACTION", required=True)
    flows_sub.add_parser("list", help="show the flows that are available")
    check = flows_sub.add_parser("check", help="validate flow YAML files (exit 1 on any problem)")
    check.add_argument("files", nargs="+", metavar="FILE")

    data = sub.add_parser("data", help="outcome data: import files or write the template")
    data_sub = data.add_subparsers(dest="data_command", metavar="ACTION", required=True)
    imp = data_sub.add_parser("import", help="import a CSV or XLSX file of outcome figures or stories")
    imp.add_argument("file")
    imp.add_argument("--outcome", required=True, help="name of the maatschappelijk resultaat")
    imp.add_argument("--team", default=None, help="Slack team id (default: the only workspace)")
    imp.add_argument("--language", choices=["nl", "en"], default=None)
    imp.add_argument("--stories", action="store_true", help="the file holds stories (verhalen), not figures")
    tpl = data_sub.add_parser("template", help="write the import template (CSV and XLSX)")
    tpl.add_argument("--output", default=".", help="folder to write into")
    tpl.add_argument("--language", choices=["nl", "en"], default=None)

    report = sub.add_parser("report", help="write the HTML and Markdown report of a session")
    report.add_argument("session", type=int)
    report.add_argument("--output", default=".", help="folder to write into")
    report.add_argument("--language", choices=["nl", "en"], default=None, help="default: the session's language")

    from bot.cli.export import add_parsers

    add_parsers(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return _dispatch(args)
    except ConfigError as exc:
        print(f"Configuration error: {exc}", file=sys.stderr)
        return 2
    except DatabaseUnavailable as exc:
        print(f"Database error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


def _dispatch(args: argparse.Namespace) -> int:
    from bot.cli import processes as commands

    handler = {
        "run": commands.run,
        "web": commands.web,
        "clock": commands.clock,
        "migrate": commands.migrate,
        "config": commands.config,
        "demo": commands.demo,
        "flows": commands.flows,
        "data": commands.data,
        "report": commands.report,
        "export": commands.export,
        "links": commands.links,
    }[args.command]
    return handler(args)
