"""Entry point: `python -m benchmarks.run [--smoke] [--only NAME] [--json PATH]`.

Prints one table (benchmark, case, result, floor, ratio, target, verdict) and writes it with
the machine it ran on to JSON. Never fails on a missed target: a benchmark reports, the table
says PASS or FAIL, and a person decides. It exits non-zero only when a benchmark crashes, so
the CI smoke run (`--smoke`: tiny sizes, no thresholds) catches benchmarks that rot.

Run from the repository root (the benchmarks import `tests.harness`).
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
import time
import traceback
from pathlib import Path

from benchmarks.common import Config, Row, dumps, machine_info
from tests.databases import postgres_available

BENCHMARKS = ("ack", "fanout", "summaries", "scheduler", "storage", "themes", "hostile", "rounds")
DEFAULT_JSON = Path("var/benchmarks.json")


def format_table(rows: list[Row]) -> str:
    """A Markdown table: readable in a terminal and pasteable into the README as is."""
    header = ["benchmark", "case", "result", "floor", "ratio", "target", "verdict"]
    lines = [header]
    for row in rows:
        ratio = "" if row.ratio is None else f"{row.ratio:.2f}"
        lines.append([row.benchmark, row.case, row.result, row.floor, ratio, row.target, row.verdict])
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]

    def fmt(line: list[str]) -> str:
        return "| " + " | ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)) + " |"

    out = [fmt(lines[0]), "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
    out.extend(fmt(line) for line in lines[1:])
    return "\n".join(out)


def machine_line(machine: dict) -> str:
    packages = ", ".join(f"{k} {v}" for k, v in machine["packages"].items() if v)
    commit = (machine.get("git_commit") or "?")[:10] + (" (dirty)" if machine.get("git_dirty") else "")
    return (f"{machine['date']} · {machine['cpu']} · {machine['cores']} cores · {machine['ram_gib']} GiB RAM · "
            f"Python {machine['python']} · SQLite {machine['sqlite']} · PostgreSQL {machine['postgresql']} · "
            f"{packages} · commit {commit}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="tiny sizes, no thresholds (CI)")
    parser.add_argument("--only", action="append", choices=BENCHMARKS, metavar="NAME",
                        help=f"run only this benchmark (repeatable): {', '.join(BENCHMARKS)}")
    parser.add_argument("--json", type=Path, default=DEFAULT_JSON, help=f"where to write results ({DEFAULT_JSON})")
    parser.add_argument("--sqlite-only", action="store_true", help="skip PostgreSQL even when it answers")
    parser.add_argument("--postgres", action="store_true",
                        help="with --smoke: include PostgreSQL (the smoke run is SQLite only to stay short)")
    parser.add_argument("-v", "--verbose", action="store_true", help="show the bot's own log lines")
    args = parser.parse_args(argv)
    # The bot logs every refused or rate-limited call; thousands of them would bury the table.
    logging.basicConfig(level=logging.INFO if args.verbose else logging.CRITICAL,
                        format="%(asctime)s %(name)s %(levelname)s %(message)s")

    want_postgres = not args.sqlite_only and (args.postgres or not args.smoke)
    databases: tuple[str, ...] = ("sqlite",)
    if want_postgres:
        if postgres_available():
            databases = ("sqlite", "postgres")
        else:
            print("PostgreSQL does not answer on 127.0.0.1:5432: running on SQLite only", file=sys.stderr)
    config = Config(smoke=args.smoke, databases=databases)
    machine = machine_info()
    print(machine_line(machine), flush=True)

    rows: list[Row] = []
    failures: list[str] = []
    timings: dict[str, float] = {}
    for name in args.only or BENCHMARKS:
        module = importlib.import_module(f"benchmarks.{name}")
        print(f"… {name}", file=sys.stderr, flush=True)
        start = time.perf_counter()
        try:
            rows.extend(module.run(config))
        except Exception:
            failures.append(name)
            traceback.print_exc()
        timings[name] = round(time.perf_counter() - start, 1)
        print(f"  {name} took {timings[name]} s", file=sys.stderr, flush=True)

    print()
    print(format_table(rows))
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(dumps({"machine": machine, "smoke": args.smoke, "databases": list(databases),
                                "seconds": timings, "failed": failures,
                                "rows": [row.as_dict() for row in rows]}) + "\n")
    print(f"\nwritten to {args.json}" + (f"; crashed: {', '.join(failures)}" if failures else ""))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
