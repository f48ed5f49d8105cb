"""Planning a round: 9 outcomes × 5 people, from the checked plan to every queued preparation DM.

What is timed: creating the round in one unit of work (9 sessions, 45 places at the table,
9 first messages, every session's summary and opening on the agenda, one round prep row), then
the clock's processing of its preparation round (one `round_prep_dm` per person, one prep DM per
person per conversation into the outbox, one combined reminder per person on the agenda). The
five people of each outcome are the round's coordinator (in all nine) and four others, so the
round makes exactly 45 preparation DMs. Delivery to Slack is the `fanout` benchmark's subject.

Why a smaller round beside it: database round trips per place must not grow with the round
(no query per person per session). The 3-outcome round must cost the same per place.

Floor: none measured; the targets are the issue's (under 2 s on this machine, SQLite and
PostgreSQL) and constant round trips per place (spread < 15 % between the two sizes).
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from benchmarks.common import (
    TEAM,
    WIDE_HOURS,
    WORKING_MOMENT,
    Config,
    Row,
    StatementCounter,
    Stopwatch,
    fresh_database,
)
from benchmarks.common import verdict as judge
from bot.runtime.deps import Deps
from bot.services.due_work import process_due as process_due_items
from bot.services.rounds.checks import OutcomePlan, RoundPlan
from bot.services.rounds.setup import create_round
from bot.slack.client import TokenSource
from flows import FlowRegistry
from storage import Database
from storage.models import DueItem, OutboxMessage, Person, Workspace
from tests.harness import settings_for

NAME = "rounds"
COORDINATOR = "UCOORD"
MAX_SECONDS = 2.0
MAX_SPREAD = 0.15
CHANNEL = "C0ROUND"


def _plan(outcomes: int) -> RoundPlan:
    moment = WORKING_MOMENT + timedelta(days=7)  # the prep round (7 days ahead) is due right now
    plans = []
    for i in range(outcomes):
        people = {COORDINATOR: "coordinator", f"UR{i:02d}SW1": "sociaal_werker", f"UR{i:02d}SW2": "sociaal_werker",
                  f"UR{i:02d}BM1": "beleidsmedewerker", f"UR{i:02d}BM2": "beleidsmedewerker"}
        plans.append(OutcomePlan(f"Resultaat {i + 1}", i + 2, "duiding", CHANNEL, moment, people))
    return RoundPlan("Benchmarkronde", plans)


def _seed(db: Database, plan: RoundPlan) -> None:
    """The workspace and its people, their time zones checked today (no users.info while planning)."""
    with db.unit_of_work() as s:
        workspace = Workspace(team_id=TEAM, language="nl", coordinator_ids=[COORDINATOR], settings=WIDE_HOURS)
        s.add(workspace)
        s.flush()
        s.add_all([Person(workspace_id=workspace.id, slack_user_id=user, tz="Europe/Amsterdam",
                          tz_checked_at=WORKING_MOMENT) for user in sorted(plan.people | {COORDINATOR})])


def _measure(database: str, outcomes: int, config: Config) -> dict:
    plan = _plan(outcomes)
    places = sum(len(o.participants) for o in plan.outcomes)
    with fresh_database(database, config.workdir) as url:
        settings = settings_for("http://127.0.0.1:9", url)
        db = Database(url)
        deps = Deps(settings=settings, db=db, flows=FlowRegistry.load(), tokens=TokenSource(settings),
                    clock=lambda: WORKING_MOMENT)
        try:
            _seed(db, plan)
            with StatementCounter(db.engine) as setup_count, Stopwatch() as setup, db.unit_of_work() as s:
                workspace = s.scalar(select(Workspace))
                create_round(s, deps, workspace, COORDINATOR, plan, f"bench:{outcomes}")
            with StatementCounter(db.engine) as fanout_count, Stopwatch() as fanout:
                while process_due_items(deps):
                    pass
            with db.reader() as s:
                dms = s.scalar(select(func.count()).select_from(OutboxMessage)
                               .where(OutboxMessage.dedupe_key.like("prep_dm:%")))
                reminders = s.scalar(select(func.count()).select_from(DueItem)
                                     .where(DueItem.kind == "round_reminder"))
                openings = s.scalar(select(func.count()).select_from(DueItem).where(DueItem.kind == "session_open"))
        finally:
            db.dispose()
    return {"database": database, "outcomes": outcomes, "places": places, "prep_dms": dms,
            "reminders_planned": reminders, "openings_planned": openings,
            "setup_seconds": setup.seconds, "fanout_seconds": fanout.seconds,
            "seconds": setup.seconds + fanout.seconds,
            "round_trips": setup_count.round_trips + fanout_count.round_trips,
            "round_trips_per_place": (setup_count.round_trips + fanout_count.round_trips) / places}


def run(config: Config) -> list[Row]:
    rows = []
    big, small = config.size(9, 3), config.size(3, 2)
    for database in config.databases:
        full, part = _measure(database, big, config), _measure(database, small, config)
        per_place = full["round_trips_per_place"]
        spread = abs(per_place - part["round_trips_per_place"]) / part["round_trips_per_place"]
        ok = (full["seconds"] < MAX_SECONDS and spread < MAX_SPREAD and full["prep_dms"] == full["places"])
        result = (f"{full['seconds']:.2f} s ({full['setup_seconds']:.2f} set-up + {full['fanout_seconds']:.2f} prep "
                  f"round), {full['prep_dms']} prep DMs, {full['reminders_planned']} reminders, "
                  f"{full['openings_planned']} openings; {per_place:.1f} round trips/place "
                  f"({part['round_trips_per_place']:.1f} at {small} outcomes)")
        rows.append(Row(NAME, f"{database} {big} outcomes × 5 people", result,
                        target=f"< {MAX_SECONDS:.0f} s, round trips/place spread < {MAX_SPREAD:.0%}",
                        verdict=judge(ok, config), details={"full": full, "smaller": part, "spread": spread}))
    return rows
