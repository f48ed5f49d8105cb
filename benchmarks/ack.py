"""Acknowledgement latency: our bot against a bare Bolt app, same requests, same server, same run.

Why a bare Bolt app as the floor: Slack gives 3 seconds to acknowledge. What Bolt, the stdlib
WSGI server and urllib cost is not ours to cut; what we add on top (the second signature check,
the answer committed *before* `ack()`, the language lookup) is. The ratio ours/bare says how much
we add, on this machine, independent of how fast the machine is.

The three requests are the ones people make most: an answer submitted through the modal (a
database write before the acknowledgement), `/gesprek help` (a read, then an ephemeral reply
in the acknowledgement) and a button click (acknowledged at once, work continues after).
Client and servers share one process (and its GIL) for both apps alike, so absolute numbers are
pessimistic but the ratio is fair.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from wsgiref.simple_server import make_server

from slack_bolt import Ack, App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk import WebClient
from sqlalchemy import Engine

from benchmarks.common import (
    CHANNEL,
    WORKING_MOMENT,
    Config,
    Row,
    StatementCounter,
    fresh_database,
    percentile,
    seed_sessions,
)
from benchmarks.common import verdict as judge
from bot.fakeslack import FakeSlack, SlackSender
from bot.web.server import _QuietHandler, _ThreadingServer
from tests.harness import BOT_TOKEN, SIGNING_SECRET, TEAM, running_bot

NAME = "ack"
KINDS = ("answer", "command", "button")
SESSIONS = 20
ANSWERING = 4  # of 5 participants per session: one never answers, so the stage stays open
MAX_RATIO = 1.5
SLACK_DEADLINE = 3.0


@dataclass
class Sample:
    latencies: list[float]
    errors: int
    seconds: float

    def summary(self) -> dict[str, float]:
        return {
            "n": len(self.latencies), "errors": self.errors,
            "p50_ms": percentile(self.latencies, 50) * 1000, "p99_ms": percentile(self.latencies, 99) * 1000,
            "max_ms": max(self.latencies) * 1000, "requests_per_s": len(self.latencies) / self.seconds,
        }


def _user(session_index: int, participant_index: int) -> str:
    return f"UA{session_index:03d}{participant_index}"


@contextmanager
def bare_bolt(api_url: str) -> Iterator[str]:
    """A Bolt app that only acknowledges, served exactly like ours (threaded stdlib WSGI server)."""
    client = WebClient(base_url=api_url, token=BOT_TOKEN)
    app = App(signing_secret=SIGNING_SECRET, token=BOT_TOKEN, client=client, process_before_response=False)

    def ack_only(ack: Ack) -> None:
        ack()

    app.command("/gesprek")(ack_only)
    app.action("answer_open")(ack_only)
    app.view("answer_stage")(ack_only)
    server = make_server("127.0.0.1", 0, SlackRequestHandler(app), server_class=_ThreadingServer,
                         handler_class=_QuietHandler)
    thread = threading.Thread(target=server.serve_forever, name="bare-bolt", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()


def _request(sender: SlackSender, kind: str, session_id: int, user: str, n: int) -> Callable[[], bool]:
    """One prepared request; calling it sends it and says whether the bot acknowledged plainly."""
    if kind == "answer":
        values = {"q:opening_opvallend": {"value": {"type": "plain_text_input", "value": f"antwoord {n} van {user}"}}}
        meta = json.dumps({"session": session_id, "stage": "opening"})

        def send() -> bool:
            response = sender.view_submission("answer_stage", values, user=user, private_metadata=meta)
            return response.status == 200 and not response.body.strip()  # a body would be modal errors
    elif kind == "command":
        def send() -> bool:
            return sender.command("help", user=user, channel=CHANNEL).status == 200
    else:
        def send() -> bool:
            return sender.block_action("answer_open", f"{session_id}:opening", user=user,
                                       channel=CHANNEL).status == 200
    return send


def _plan(sender: SlackSender, kind: str, session_ids: list[int], count: int, offset: int) -> list[Callable[[], bool]]:
    """Requests spread round-robin over sessions and their answering participants."""
    plan = []
    for n in range(offset, offset + count):
        index = n % len(session_ids)
        user = _user(index, (n // len(session_ids)) % ANSWERING)
        plan.append(_request(sender, kind, session_ids[index], user, n))
    return plan


def _timed(send: Callable[[], bool]) -> tuple[float, bool]:
    start = time.perf_counter()
    try:
        ok = send()
    except Exception:
        ok = False
    return time.perf_counter() - start, ok


def measure(plan: list[Callable[[], bool]], concurrency: int) -> Sample:
    """Closed loop: `concurrency` clients, each sending its next request when the last one returns."""
    start = time.perf_counter()
    if concurrency == 1:
        results = [_timed(send) for send in plan]
    else:
        with ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="client") as pool:
            results = list(pool.map(_timed, plan))
    seconds = time.perf_counter() - start
    return Sample([r[0] for r in results], sum(1 for r in results if not r[1]), seconds)


def _settle(fake: FakeSlack, clicks: int, timeout: float = 10.0) -> None:
    """Let button clicks finish their work after the ack (views.open) before the next case starts."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and len(fake.calls_to("views.open")) < clicks:
        time.sleep(0.05)


def _run_target(fake: FakeSlack, url: str, session_ids: list[int], sizes: dict[int, int], warmup: int,
                engine: Engine | None = None) -> tuple[dict[tuple[str, int], Sample], dict[tuple[str, int], float]]:
    """Every kind at every concurrency; with `engine`, also SQL statements per request."""
    sender = SlackSender(url, SIGNING_SECRET, TEAM, api=fake)
    samples: dict[tuple[str, int], Sample] = {}
    statements: dict[tuple[str, int], float] = {}
    offset = 0
    for kind in KINDS:
        measure(_plan(sender, kind, session_ids, warmup, offset), 1)
        offset += warmup
        for concurrency, count in sizes.items():
            plan = _plan(sender, kind, session_ids, count, offset)
            if engine is None:
                samples[(kind, concurrency)] = measure(plan, concurrency)
            else:
                with StatementCounter(engine) as counter:
                    samples[(kind, concurrency)] = measure(plan, concurrency)
                statements[(kind, concurrency)] = counter.round_trips / count
            offset += count
    return samples, statements


def run(config: Config) -> list[Row]:
    sizes = {1: config.size(200, 10), 20: config.size(400, 20)}
    warmup = config.size(20, 2)
    rows: list[Row] = []
    with FakeSlack(enforce_limits=False) as fake:
        fake.add_team(TEAM, token=BOT_TOKEN, bot_user_id="UBOT", name="Gemeente Bench")
        fake.add_user("UCOORD", name="Carla", is_admin=True, team=TEAM)
        for i in range(SESSIONS):
            for j in range(ANSWERING + 1):
                fake.add_user(_user(i, j), name=f"persoon {i}-{j}", team=TEAM)
        with bare_bolt(fake.url) as url:
            bare, _ = _run_target(fake, url, list(range(1, SESSIONS + 1)), sizes, warmup)
        for (kind, concurrency), sample in bare.items():
            s = sample.summary()
            rows.append(Row(NAME, f"bare Bolt {kind} c={concurrency}",
                            f"p50 {s['p50_ms']:.1f} / p99 {s['p99_ms']:.1f} / max {s['max_ms']:.1f} ms",
                            floor="(floor)", details={"target": "bare", "kind": kind, "concurrency": concurrency,
                                                      **s}))
        for database in config.databases:
            with fresh_database(database, config.workdir) as db_url, running_bot(fake.url, db_url) as bot:
                seeded = seed_sessions(bot.db, sessions=SESSIONS, per_session=ANSWERING + 1, running=True,
                                       user=_user, now=WORKING_MOMENT, profile_checked_at=WORKING_MOMENT)
                before = len(fake.calls_to("views.open"))
                ours, trips = _run_target(fake, bot.url, [x.session_id for x in seeded], sizes, warmup,
                                          engine=bot.db.engine)
                _settle(fake, before + warmup + sum(sizes.values()))
            for (kind, concurrency), sample in ours.items():
                s = sample.summary()
                floor = bare[(kind, concurrency)].summary()
                ratio = s["p99_ms"] / floor["p99_ms"] if floor["p99_ms"] else None
                ok = (ratio is not None and ratio <= MAX_RATIO and s["max_ms"] < SLACK_DEADLINE * 1000
                      and s["errors"] == 0)
                rows.append(Row(
                    NAME, f"{database} {kind} c={concurrency}",
                    f"p50 {s['p50_ms']:.1f} / p99 {s['p99_ms']:.1f} / max {s['max_ms']:.1f} ms"
                    + (f", {s['errors']} errors" if s["errors"] else ""),
                    floor=f"bare p99 {floor['p99_ms']:.1f} ms", ratio=ratio,
                    target=f"p99 ≤ {MAX_RATIO}× bare, max < {SLACK_DEADLINE:g} s", verdict=judge(ok, config),
                    details={"target": database, "kind": kind, "concurrency": concurrency, **s,
                             "db_round_trips_per_request": round(trips[(kind, concurrency)], 1),
                             "bare": floor},
                ))
    return rows

