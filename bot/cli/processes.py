"""Implementations of the CLI subcommands (argument parsing lives in bot/cli/main.py)."""

from __future__ import annotations

import argparse
import contextlib
import logging
import signal
import sys
import threading
from pathlib import Path

from bot.config import ConfigError, load_settings


def _logging() -> None:
    from bot.logs import configure

    configure()


def migrate(args: argparse.Namespace) -> int:
    from storage.migrate import upgrade

    settings = load_settings()
    _logging()
    upgrade(settings.database_url)
    print("Database is up to date.")
    return 0


def run(args: argparse.Namespace) -> int:
    settings = load_settings()
    settings.require_slack()
    _logging()
    if not args.no_migrate:
        from storage.migrate import upgrade

        upgrade(settings.database_url)
    from bot.runtime.build import build_runtime
    from bot.web.app import WsgiApp
    from bot.web.server import serve

    runtime = build_runtime(settings)
    scheduler = None
    if not args.no_scheduler:
        from bot.runtime.scheduler import start_scheduler

        scheduler = start_scheduler(runtime.deps, blocking=False)
    _stop_on_sigterm()
    try:
        if settings.socket_mode:
            from slack_bolt.adapter.socket_mode import SocketModeHandler

            # Health only on PORT: in Socket Mode requests are not signed, so no Slack endpoint here.
            health = WsgiApp(runtime)
            health.slack = None
            threading.Thread(target=serve, args=(health, settings.port), daemon=True).start()
            print("Connecting to Slack in Socket Mode…", flush=True)
            SocketModeHandler(runtime.app, settings.app_token, web_client=runtime.app.client).start()
        else:
            serve(WsgiApp(runtime), settings.port)
    finally:
        if scheduler is not None:
            scheduler.shutdown(wait=False)
        runtime.sender.stop()
    return 0


def web(args: argparse.Namespace) -> int:
    settings = load_settings()
    settings.require_slack()
    _logging()
    from bot.web.app import create_wsgi_app
    from bot.web.server import serve

    _stop_on_sigterm()
    serve(create_wsgi_app(settings), settings.port)
    return 0


def clock(args: argparse.Namespace) -> int:
    settings = load_settings()
    settings.require_slack()
    _logging()
    from bot.runtime.build import build_runtime
    from bot.runtime.scheduler import start_scheduler

    runtime = build_runtime(settings, with_app=False)
    _stop_on_sigterm()
    print("Clock running: reminders, preparation rounds and the outbox.", flush=True)
    try:
        start_scheduler(runtime.deps, blocking=True)
    finally:
        runtime.sender.stop()
    return 0


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


def _stop_on_sigterm() -> None:
    """Platforms stop processes with SIGTERM; turn it into a clean exit (finally blocks run)."""

    def _handler(signum, frame):  # noqa: ARG001
        raise KeyboardInterrupt

    with contextlib.suppress(ValueError):  # not in the main thread (tests)
        signal.signal(signal.SIGTERM, _handler)


__all__ = ["ConfigError", "clock", "data", "demo", "flows", "migrate", "report", "run", "web", "logging"]
