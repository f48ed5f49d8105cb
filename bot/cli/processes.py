"""Implementations of the CLI subcommands (argument parsing lives in bot/cli/main.py)."""

from __future__ import annotations

import argparse
import logging
import sys
import threading
from pathlib import Path

from bot.cli.startup import Shutdown, check_database, migrate_database, stop_background
from bot.config import ConfigError, Settings, load_settings

log = logging.getLogger(__name__)


def _logging(settings: Settings) -> None:
    from bot.logs import configure

    configure(settings.log_level, settings.log_format)


def migrate(args: argparse.Namespace) -> int:
    settings = load_settings()
    _logging(settings)
    migrate_database(settings)
    print("Database is up to date.")
    return 0


def run(args: argparse.Namespace) -> int:
    """Everything in one process: HTTP (or Socket Mode), the clock and the sender."""
    shutdown = Shutdown().install()  # first: a SIGTERM during start-up is a clean stop too
    settings = load_settings()
    settings.require_slack()
    _logging(settings)
    if args.no_migrate:
        check_database(settings)
    else:
        check_database(settings, allow_no_schema=True)  # a missing SQLite file is refused here
        migrate_database(settings)
    from bot.runtime.build import build_runtime

    runtime = build_runtime(settings)
    scheduler = None
    if not args.no_scheduler:
        from bot.runtime.scheduler import start_scheduler

        scheduler = start_scheduler(runtime.deps, blocking=False)
    try:
        if settings.socket_mode:
            _serve_socket_mode(runtime, settings, shutdown)
        else:
            from bot.web.app import WsgiApp
            from bot.web.server import serve

            serve(WsgiApp(runtime), settings.port, threads=settings.web_threads, stop=shutdown.event,
                  grace=settings.shutdown_grace_seconds)
    finally:
        stop_background(runtime, scheduler, settings.shutdown_grace_seconds)
    return 0


def _serve_socket_mode(runtime, settings: Settings, shutdown: Shutdown) -> None:
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    from bot.web.app import WsgiApp
    from bot.web.server import serve

    # Health only on PORT: in Socket Mode requests are not signed, so no Slack endpoint here.
    health = WsgiApp(runtime)
    health.slack = None
    web = threading.Thread(target=serve, args=(health, settings.port), name="health",
                           kwargs={"threads": 2, "stop": shutdown.event, "grace": 1.0}, daemon=True)
    web.start()
    print("Connecting to Slack in Socket Mode…", flush=True)
    handler = SocketModeHandler(runtime.app, settings.app_token, web_client=runtime.app.client)
    handler.connect()
    shutdown.event.wait()
    handler.close()
    web.join(5)


def web(args: argparse.Namespace) -> int:
    """HTTP only (waitress); the Procfile uses gunicorn with gunicorn.conf.py instead."""
    shutdown = Shutdown().install()
    settings = load_settings()
    settings.require_slack()
    _logging(settings)
    check_database(settings)
    from bot.web.app import create_wsgi_app
    from bot.web.server import serve

    app = create_wsgi_app(settings)
    try:
        serve(app, settings.port, threads=settings.web_threads, stop=shutdown.event,
              grace=settings.shutdown_grace_seconds)
    finally:
        stop_background(app.runtime, None, settings.shutdown_grace_seconds)
    return 0


def clock(args: argparse.Namespace) -> int:
    shutdown = Shutdown().install()
    settings = load_settings()
    settings.require_slack()
    _logging(settings)
    check_database(settings)
    from bot.runtime.build import build_runtime
    from bot.runtime.scheduler import start_scheduler

    runtime = build_runtime(settings, with_app=False)
    scheduler = start_scheduler(runtime.deps, blocking=False)
    print("Clock running: reminders, preparation rounds and the outbox.", flush=True)
    try:
        shutdown.event.wait()
    finally:
        stop_background(runtime, scheduler, settings.shutdown_grace_seconds)
    log.info("clock stopped")
    return 0


def config(args: argparse.Namespace) -> int:
    from bot.cli.config_check import run_config_check

    return run_config_check(args)


def demo(args: argparse.Namespace) -> int:
    from bot.cli.demo import run_demo

    return run_demo(language=args.language, output=Path(args.output))


def flows(args: argparse.Namespace) -> int:
    from flows import FlowRegistry, check_files

    if args.flows_command == "check":
        problems = check_files([Path(f) for f in args.files])
        for problem in problems:
            print(str(problem), file=sys.stderr)
        if problems:
            print(f"{len(problems)} problem(s) found.", file=sys.stderr)
            return 1
        print(f"{len(args.files)} file(s) OK.")
        return 0
    settings = load_settings()
    registry = FlowRegistry.load([Path(settings.flows_dir)] if settings.flows_dir else [])
    for flow in registry.all():
        stages = ", ".join(stage.id for stage in flow.stages)
        print(f"{flow.id} (v{flow.version}): {flow.title.get(settings.language)}\n    {stages}")
    for problem in getattr(registry, "problems", []):
        print(f"skipped: {problem}", file=sys.stderr)
    return 0


def data(args: argparse.Namespace) -> int:
    from bot.cli.data import run_data_command

    return run_data_command(args)


def report(args: argparse.Namespace) -> int:
    from bot.cli.report import run_report_command

    return run_report_command(args)


def export(args: argparse.Namespace) -> int:
    from bot.cli.export import run_export_command

    return run_export_command(args)


def links(args: argparse.Namespace) -> int:
    from bot.cli.export import run_links_command

    return run_links_command(args)


__all__ = ["ConfigError", "clock", "config", "data", "demo", "export", "flows", "links", "migrate", "report", "run", "web"]
