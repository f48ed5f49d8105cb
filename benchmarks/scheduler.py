"""Scheduler: 10,000 due reminders through `process_due_items`, time and round trips per item.

Why round trips: a reminder handler that loads something per participant of the session, or
per earlier reminder, gets slower as sessions grow; time alone hides that behind a fast disk.
Statements and commits are counted on the engine (SQLAlchemy `before_cursor_execute` and
`commit` events) per batch of `process_due_items`; the count per item must be the same in every
batch and at every size (no N+1). Two sizes run — the full count in small sessions, and a tenth
as many reminders in sessions ten times larger — so a per-participant query would show up as a
higher count in the large sessions.

The reminders are preparation reminders (the most common kind) for people who have not
prepared, at a working moment in their own time zone: each one sends a DM through the outbox.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from sqlalchemy import func, select

from benchmarks.common import (
    WORKING_MOMENT,
    Config,
    Row,
    StatementCounter,
    Stopwatch,
    fresh_database,
    seed_due,
    seed_sessions,
)
from benchmarks.common import verdict as judge
from bot.fakeslack import FakeSlack
from bot.services.due_work import process_due as process_due_items
from storage import Database
from storage.models import OutboxMessage
from tests.harness import BOT_TOKEN, TEAM, running_bot

NAME = "scheduler"
BATCH = 500  # process_due_items' own default
MAX_MS_PER_ITEM = 20.0  # 10,000 reminders within ~3 minutes of one clock tick


def _user(session_index: int, participant_index: int) -> str:
    return f"UR{session_index:05d}{participant_index:03d}"


def _measure(config: Config, database: str, reminders: int, per_session: int) -> dict:
    sessions = reminders // per_session
    with fresh_database(database, config.workdir) as url:
        db = Database(url)
        seeded = seed_sessions(db, sessions=sessions, per_session=per_session, running=False, user=_user,
                               now=WORKING_MOMENT, profile_checked_at=WORKING_MOMENT)
        items = [(x.session_id, pid, {"target": "prep"}) for x in seeded for pid in x.participants.values()]
        seed_due(db, "reminder", WORKING_MOMENT - timedelta(minutes=1), items)
        db.dispose()
        with FakeSlack(enforce_limits=False) as fake:
            fake.add_team(TEAM, token=BOT_TOKEN, bot_user_id="UBOT")  # Bolt checks its token at start
            with running_bot(fake.url, url) as bot:
                deps = replace(bot.runtime.deps, clock=lambda: WORKING_MOMENT)
                batches: list[tuple[int, int, float]] = []
                handled = 0
                with Stopwatch() as total:
                    while True:
                        with StatementCounter(bot.db.engine) as counter, Stopwatch() as sw:
                            count = process_due_items(deps, limit=BATCH)
                        if not count:
                            break
                        handled += count
                        batches.append((count, counter.round_trips, sw.seconds))
                with bot.db.reader() as s:
                    dms = s.scalar(select(func.count()).select_from(OutboxMessage))
    per_item = [trips / count for count, trips, _ in batches]
    return {"database": database, "reminders": reminders, "per_session": per_session, "handled": handled,
            "dms_enqueued": dms, "seconds": total.seconds, "ms_per_item": total.seconds / max(1, handled) * 1000,
            "round_trips_per_item_min": min(per_item) if per_item else 0.0,
            "round_trips_per_item_max": max(per_item) if per_item else 0.0,
            "batches": [{"items": c, "round_trips": t, "seconds": round(sec, 3)} for c, t, sec in batches]}


def run(config: Config) -> list[Row]:
    rows: list[Row] = []
    for database in config.databases:
        # PostgreSQL runs a fifth of the count: per item it is ~2× slower here, and the round trips
        # per item (the N+1 question) are exact at any size; the full 10,000 would double the run.
        reminders = config.size(10_000 if database == "sqlite" else 2_000, 100)
        small = _measure(config, database, reminders, per_session=4)
        large = _measure(config, database, max(40, reminders // 10), per_session=40)
        lo = min(small["round_trips_per_item_min"], large["round_trips_per_item_min"])
        hi = max(small["round_trips_per_item_max"], large["round_trips_per_item_max"])
        constant = hi - lo < 0.5  # a fraction of a statement: the batch-level claim query rounding
        ok = constant and small["ms_per_item"] <= MAX_MS_PER_ITEM and small["handled"] == reminders \
            and small["dms_enqueued"] == reminders
        rows.append(Row(
            NAME, f"{database} {reminders:,} reminders".replace(",", "."),
            f"{small['ms_per_item']:.2f} ms/item ({small['seconds']:.1f} s), {small['round_trips_per_item_max']:.1f} "
            f"round trips/item; 40-person sessions {large['round_trips_per_item_max']:.1f}; "
            + ("constant (no N+1)" if constant else "NOT constant (N+1)"),
            floor="", target=f"constant per item, ≤ {MAX_MS_PER_ITEM:g} ms/item", verdict=judge(ok, config),
            details={"small_sessions": small, "large_sessions": large, "constant": constant},
        ))
    return rows
