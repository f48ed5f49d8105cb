"""The command line: `python -m bot …` processes (run, web, clock, migrate) and tools (demo, data, report)."""

from bot.cli.main import main

__all__ = ["main"]
