"""Fan-out: a preparation round for 1,000 people in 250 sessions, against Slack's limits.

Why this floor: chat.postMessage may run at 250 a minute per workspace (after a burst) and one a
second per channel. No bot can deliver 1,000 DMs faster than those limits allow, so the time the
limits force is the floor and our time is judged against it. The floor is computed from the
very limits the fake enforces (`bot/fakeslack/limits.py`), so the two cannot drift apart.

Time is scaled: the fake and our pacer both run `SCALE` times faster than real time, so a
four-minute fan-out takes seconds; the table shows scaled (Slack) seconds, the JSON both.
Lost and duplicate DMs are counted where they land: in the fake's DM channels.

Two variants: `warm` (every time zone was checked today, as the brief and test_clock_process
seed it) and `cold` (checked two days ago: the prep round refreshes each person with
users.info, a Tier 4 method at 100 a minute, while it plans).
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import replace
from datetime import timedelta
from fnmatch import fnmatchcase

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
from bot.fakeslack import LIMITS, FakeSlack, Limit
from bot.services.due_work import process_due as process_due_items
from storage import Database
from tests.harness import BOT_TOKEN, TEAM, running_bot

NAME = "fanout"
SCALE = 10.0  # at 20x our in-process sender (~17 ms per DM on SQLite here) became the limit, not pacing
PER_SESSION = 4
MAX_OVER_FLOOR = 1.10


def limits_for(method: str) -> tuple[Limit, ...]:
    """The fake's buckets for `method` (first matching pattern wins, as in the fake itself)."""
    return next((limits for pattern, limits in LIMITS if fnmatchcase(method, pattern)), ())


def floor_seconds(per_channel: Counter[str], method: str = "chat.postMessage") -> float:
    """Least scaled seconds in which these messages can pass every bucket of `method`.

    Each bucket starts full (`burst` tokens) and refills at `per_minute`; a workspace bucket
    sees every message, a channel bucket only its own channel's. The slowest bucket decides.
    """
    worst = 0.0
    for limit in limits_for(method):
        loads = per_channel.values() if limit.scope == "channel" else [sum(per_channel.values())]
        for count in loads:
            worst = max(worst, max(0, count - limit.burst) / limit.per_second)
    return worst


def _user(session_index: int, participant_index: int) -> str:
    return f"UF{session_index:04d}{participant_index}"


def _prep_dms(fake: FakeSlack, user: str) -> int:
    """Prep DMs now in the user's DM channel at the fake (what they would see)."""
    return sum(1 for m in fake.messages(user) if "Voorbereiding" in m.get("text", ""))


def _fanout(config: Config, fake: FakeSlack, database: str, sessions: int, cold: bool) -> Row:
    people = [_user(i, j) for i in range(sessions) for j in range(PER_SESSION)]
    with fresh_database(database, config.workdir) as url:
        db = Database(url)
        checked = WORKING_MOMENT - timedelta(days=2) if cold else WORKING_MOMENT
        seeded = seed_sessions(db, sessions=sessions, per_session=PER_SESSION, running=False, user=_user,
                               now=WORKING_MOMENT, profile_checked_at=checked)
        seed_due(db, "prep_round", WORKING_MOMENT - timedelta(minutes=1), [(x.session_id, None, {}) for x in seeded])
        db.dispose()
        with running_bot(fake.url, url, start_sender=False, rate_scale=SCALE) as bot:
            deps = replace(bot.runtime.deps, clock=lambda: WORKING_MOMENT)  # a working Tuesday, 10:00
            fake.reset_calls()  # full buckets, no calls from earlier variants
            before = {user: _prep_dms(fake, user) for user in people}
            # Phase 1, planning: prep rounds -> one prep_dm per person -> outbox rows. Unscaled work
            # (SQL, Python), so it is timed on its own instead of being multiplied by SCALE.
            with StatementCounter(bot.db.engine) as counter, Stopwatch() as planning:
                while process_due_items(deps):
                    pass
            # Phase 2, delivery: the sender against the limits, from full buckets.
            floor = floor_seconds(Counter("D" + u for u in people))
            start = time.monotonic()
            bot.runtime.sender.start()
            deadline = start + max(60.0, 3 * floor / SCALE)
            while time.monotonic() < deadline:
                delivered = sum(1 for c in fake.calls_to("chat.postMessage") if c.status == 200
                                and (c.response or {}).get("ok"))
                if delivered >= len(people):
                    break
                time.sleep(0.05)
            time.sleep(0.5)  # anything sent twice would arrive now
            posts = [c for c in fake.calls_to("chat.postMessage") if c.status == 200 and (c.response or {}).get("ok")]
            refused = sum(1 for c in fake.calls_to("chat.postMessage") if c.status == 429)
            users_info = fake.calls_to("users.info")
    received = Counter({user: _prep_dms(fake, user) - before[user] for user in people})
    lost = sum(1 for user in people if received[user] == 0)
    duplicates = sum(count - 1 for count in received.values() if count > 1)
    real = (max(c.at for c in posts) - start) if posts else float("nan")
    scaled = real * SCALE
    ratio = scaled / floor if floor else None
    ok = ratio is not None and ratio <= MAX_OVER_FLOOR and lost == 0 and duplicates == 0
    variant = "cold profiles" if cold else "warm profiles"
    info_refused = sum(1 for c in users_info if c.status == 429)
    per_item = planning.seconds / max(1, len(people))
    result = (f"delivery {scaled:.0f} s scaled ({real:.1f} s real), lost {lost}, dup {duplicates}, "
              f"429s {refused}; planning {planning.seconds:.1f} s real ({per_item * 1000:.0f} ms/DM)")
    if cold:
        result += f", users.info {len(users_info)} ({info_refused} refused)"
    return Row(
        NAME, f"{database} {len(people)} DMs / {sessions} sessions, {variant}", result,
        floor=f"{floor:.0f} s (Slack limits)", ratio=ratio,
        target=f"≤ {MAX_OVER_FLOOR:.2f}× floor, 0 lost, 0 dup", verdict=judge(ok, config),
        details={"database": database, "participants": len(people), "sessions": sessions, "scale": SCALE,
                 "cold_profiles": cold, "real_seconds": real, "scaled_seconds": scaled,
                 "floor_scaled_seconds": floor, "floor_real_seconds": floor / SCALE,
                 "planning_real_seconds": planning.seconds, "planning_round_trips": counter.round_trips,
                 "planning_round_trips_per_dm": counter.round_trips / max(1, len(people)), "delivered": len(posts), "lost": lost,
                 "duplicates": duplicates, "post_429s": refused, "users_info_calls": len(users_info),
                 "users_info_429s": info_refused,
                 "first_post_real_seconds": (min(c.at for c in posts) - start) if posts else None},
    )


def run(config: Config) -> list[Row]:
    sessions = config.size(250, 5)
    rows = []
    with FakeSlack(enforce_limits=True, time_scale=SCALE) as fake:
        fake.add_team(TEAM, token=BOT_TOKEN, bot_user_id="UBOT", name="Gemeente Bench")
        fake.add_user("UCOORD", name="Carla", is_admin=True, team=TEAM)
        for i in range(sessions):
            for j in range(PER_SESSION):
                fake.add_user(_user(i, j), name=f"persoon {i}-{j}", team=TEAM)
        for database in config.databases:
            rows.append(_fanout(config, fake, database, sessions, cold=False))
        # Cold profiles change planning (users.info per person), not the database: one run suffices.
        rows.append(_fanout(config, fake, config.databases[0], sessions, cold=True))
    return rows
