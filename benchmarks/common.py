"""Shared pieces: configuration, result rows, throw-away databases, seeding, machine facts.

Why seed straight into the database: the benchmarks measure one path each (acknowledging,
fanning out, summarising, scheduling, storing). Creating 250 sessions through the start
modal would measure the start path 250 times and take minutes; the rows written here are the
same rows the services write (see tests/e2e/test_clock_process.py::_seed).
"""

from __future__ import annotations

import json
import logging
import math
import os
import platform
import sqlite3
import subprocess
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from importlib import metadata
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text

from flows import Flow, FlowRegistry
from flows import engine as fe
from storage import Database
from storage.migrate import upgrade
from storage.models import (
    ConversationSession,
    DueItem,
    Outcome,
    Participant,
    Person,
    SessionStage,
    Workspace,
)
from tests.databases import PG_ADMIN_URL, temporary_database

TEAM = "T0000TEST"  # the harness's team: its bot token and signing secret belong to it
CHANNEL = "C0BENCH"
# A Tuesday morning in Amsterdam that is no Dutch public holiday: reminders and prep DMs may go
# out at once. A fixed moment keeps the benchmarks independent of the day they run on.
WORKING_MOMENT = datetime(2025, 11, 18, 10, 0, tzinfo=UTC)
WIDE_HOURS = {"work_start": "00:00", "work_end": "23:59"}
PACKAGES = ("slack-bolt", "slack-sdk", "SQLAlchemy", "psycopg", "alembic", "pandas", "numpy", "scikit-learn",
            "simplemma")

log = logging.getLogger("benchmarks")


@dataclass
class Config:
    """What to run and how big. `smoke` shrinks every size so CI proves the code still runs."""

    smoke: bool = False
    databases: tuple[str, ...] = ("sqlite", "postgres")
    workdir: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="kg-bench-")))

    def size(self, full: int, smoke: int) -> int:
        return smoke if self.smoke else full


@dataclass
class Row:
    """One line of the table; `details` carries every number behind it into the JSON."""

    benchmark: str
    case: str
    result: str
    floor: str = ""
    ratio: float | None = None
    target: str = ""
    verdict: str = "-"  # PASS | FAIL | - (no target, e.g. a floor row or smoke mode)
    details: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "benchmark": self.benchmark, "case": self.case, "result": self.result, "floor": self.floor,
            "ratio": self.ratio, "target": self.target, "verdict": self.verdict, "details": self.details,
        }


def verdict(ok: bool, config: Config) -> str:
    """Smoke runs have no thresholds: tiny sizes say nothing about targets."""
    if config.smoke:
        return "-"
    return "PASS" if ok else "FAIL"


# ---- numbers ----------------------------------------------------------------------------------


def percentile(values: Sequence[float], p: float) -> float:
    """Nearest-rank percentile (no interpolation: p99 of 300 samples is a sample that happened)."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100.0 * len(ordered)))
    return ordered[rank - 1]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f}"


# ---- databases --------------------------------------------------------------------------------


@contextmanager
def fresh_database(kind: str, workdir: Path) -> Iterator[str]:
    """A migrated, empty database (SQLite file or `bench_<random>` on PostgreSQL), removed after."""
    with temporary_database(kind, workdir, prefix="bench") as url:
        upgrade(url)
        yield url


class StatementCounter:
    """Counts what an engine sends to the database: statements and commits.

    Why events and not timing: round trips per item is the figure that shows an N+1 query,
    and it is exact and independent of the machine.
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.statements = 0
        self.commits = 0
        self.texts: dict[str, int] = {}
        self.record_texts = False

    def _on_statement(self, _conn, _cursor, statement, _params, _context, executemany) -> None:
        self.statements += 1
        if self.record_texts:
            key = " ".join(statement.split())[:90]
            self.texts[key] = self.texts.get(key, 0) + 1

    def _on_commit(self, _conn) -> None:
        self.commits += 1

    def __enter__(self) -> StatementCounter:
        event.listen(self.engine, "before_cursor_execute", self._on_statement)
        event.listen(self.engine, "commit", self._on_commit)
        return self

    def __exit__(self, *exc: object) -> None:
        event.remove(self.engine, "before_cursor_execute", self._on_statement)
        event.remove(self.engine, "commit", self._on_commit)

    @property
    def round_trips(self) -> int:
        return self.statements + self.commits


# ---- seeding ----------------------------------------------------------------------------------


@dataclass
class Seeded:
    """A seeded session: its id and participants (Slack user id -> participant id)."""

    session_id: int
    participants: dict[str, int]


def duiding() -> Flow:
    return FlowRegistry.load().get("duiding")


def seed_workspace(db: Database, *, team: str = TEAM) -> tuple[int, int]:
    """The workspace (nudges allowed all day) and one outcome; returns (workspace id, outcome id)."""
    with db.unit_of_work() as s:
        workspace = s.query(Workspace).filter_by(team_id=team).one_or_none()
        if workspace is None:
            workspace = Workspace(team_id=team, language="nl", coordinator_ids=["UCOORD"], settings=WIDE_HOURS)
            s.add(workspace)
            s.flush()
        outcome = Outcome(workspace_id=workspace.id, name=f"Minder eenzame ouderen {uuid.uuid4().hex[:6]}")
        s.add(outcome)
        s.flush()
        return workspace.id, outcome.id


def seed_sessions(
    db: Database,
    *,
    sessions: int,
    per_session: int,
    running: bool,
    user: Callable[[int, int], str],
    now: datetime,
    profile_checked_at: datetime | None,
    tz: str = "Europe/Amsterdam",
    batch: int = 100,
) -> list[Seeded]:
    """`sessions` duiding sessions of `per_session` participants each.

    running=True: the first stage ('opening') is open, as after `/gesprek start`.
    running=False: scheduled a week ahead, as a planned session waiting for its prep round.
    `user(session_index, participant_index)` names each participant's Slack user id.
    """
    flow = duiding()
    workspace_id, outcome_id = seed_workspace(db)
    seeded: list[Seeded] = []
    people: dict[str, int] = {}
    for start in range(0, sessions, batch):
        with db.unit_of_work() as s:
            for index in range(start, min(sessions, start + batch)):
                users = {user(index, j): ("sociaal_werker" if j % 2 else "beleidsmedewerker")
                         for j in range(per_session)}
                if running:
                    state, _events = fe.start_session(flow, users, now)
                else:
                    state = fe.plan_session(flow, users)
                session = ConversationSession(
                    workspace_id=workspace_id, outcome_id=outcome_id, flow_id=flow.id, flow_version=flow.version,
                    channel_id=CHANNEL, language="nl", visibility="hidden", status=state.status,
                    current_stage_id=state.current_stage_id, created_by="UCOORD",
                    scheduled_at=None if running else now + timedelta(days=7),
                    started_at=now if running else None, thread_ts=f"1700000000.{index:06d}")
                s.add(session)
                s.flush()
                for stage_id, stage_state in state.stages.items():
                    s.add(SessionStage(session_id=session.id, stage_id=stage_id, status=stage_state.status,
                                       opened_at=stage_state.opened_at, deadline=stage_state.deadline,
                                       message_ts=f"1700000001.{index:06d}" if stage_state.status == "open" else None))
                ids: dict[str, int] = {}
                for slack_id, role in users.items():
                    if slack_id not in people:
                        person = Person(workspace_id=workspace_id, slack_user_id=slack_id, tz=tz,
                                        tz_checked_at=profile_checked_at)
                        s.add(person)
                        s.flush()
                        people[slack_id] = person.id
                    participant = Participant(session_id=session.id, person_id=people[slack_id], role=role)
                    s.add(participant)
                    s.flush()
                    ids[slack_id] = participant.id
                seeded.append(Seeded(session.id, ids))
    return seeded


def seed_due(db: Database, kind: str, due_at: datetime, items: Sequence[tuple[int, int | None, dict]],
             batch: int = 1000) -> None:
    """Due rows (session id, participant id, payload) of one kind, inserted in batches."""
    for start in range(0, len(items), batch):
        with db.unit_of_work() as s:
            for session_id, participant_id, payload in items[start:start + batch]:
                key = f"{kind}:bench:{session_id}:{participant_id}"
                s.add(DueItem(kind=kind, due_at=due_at, dedupe_key=key, session_id=session_id,
                              participant_id=participant_id, payload=payload))


# ---- machine ----------------------------------------------------------------------------------


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.lower().startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _ram_gib() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return None


def _git(*args: str) -> str | None:
    """Read-only git facts (commit, dirty work tree); None outside a clone."""
    try:
        out = subprocess.run(["git", *args], capture_output=True, text=True, timeout=10, check=True)
        return out.stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None


def _postgres_version() -> str | None:
    try:
        engine = create_engine(PG_ADMIN_URL)
        with engine.connect() as conn:
            version = conn.execute(text("SHOW server_version")).scalar()
        engine.dispose()
        return str(version)
    except Exception:
        return None


def machine_info() -> dict[str, Any]:
    """Where and with what the numbers were taken: a benchmark without its machine means little."""
    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    status = _git("status", "--porcelain")
    return {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "cpu": _cpu_model(),
        "cores": os.cpu_count(),
        "ram_gib": _ram_gib(),
        "os": platform.platform(),
        "python": platform.python_version(),
        "packages": versions,
        "sqlite": sqlite3.sqlite_version,
        "postgresql": _postgres_version(),
        "git_commit": _git("rev-parse", "HEAD"),
        "git_dirty": bool(status) if status is not None else None,
    }


def dumps(data: Any) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False, default=str)


class Stopwatch:
    """`with Stopwatch() as sw: ...; sw.seconds` — perf_counter, the clock meant for intervals."""

    def __enter__(self) -> Stopwatch:
        self.start = time.perf_counter()
        self.seconds = 0.0
        return self

    def __exit__(self, *exc: object) -> None:
        self.seconds = time.perf_counter() - self.start
