"""Storage: answers written per second by 20 concurrent submitters, through the real HTTP path.

Why through HTTP and not straight into the tables: an answer is committed *before* Slack hears
"ok", inside the request, with the session row locked on PostgreSQL. The throughput people
feel is that whole path: signature check, Bolt, the unit of work, the outbox copy. And why
count rows: under concurrency, an answer that is acknowledged but not stored (lost), or stored
twice (duplicated), is the failure that matters more than speed. One in twenty submissions is
sent twice, as Slack does when an acknowledgement is slow; the unique key must absorb it.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import func, select

from benchmarks.common import WORKING_MOMENT, Config, Row, Stopwatch, fresh_database, seed_sessions
from benchmarks.common import verdict as judge
from bot.fakeslack import FakeSlack, SlackSender
from storage.models import Answer
from tests.harness import BOT_TOKEN, SIGNING_SECRET, TEAM, running_bot

NAME = "storage"
SUBMITTERS = 20
PER_SESSION = 4
QUESTIONS = ("opening_opvallend", "opening_vraag")
RESEND_EVERY = 20


def _user(session_index: int, participant_index: int) -> str:
    return f"US{session_index:04d}{participant_index}"


def _measure(config: Config, fake: FakeSlack, database: str, sessions: int) -> Row:
    with fresh_database(database, config.workdir) as url, running_bot(fake.url, url) as bot:
        seeded = seed_sessions(bot.db, sessions=sessions, per_session=PER_SESSION, running=True, user=_user,
                               now=WORKING_MOMENT, profile_checked_at=WORKING_MOMENT)
        sender = SlackSender(bot.url, SIGNING_SECRET, TEAM, api=fake)
        # Participant-major order: consecutive submissions go to different sessions, as when
        # many conversations run at once; every fourth submission of a session closes its stage.
        plan = [(seeded[i].session_id, _user(i, j)) for j in range(PER_SESSION) for i in range(sessions)]
        plan += [plan[k] for k in range(0, len(plan), RESEND_EVERY)]  # Slack's redeliveries

        failures: Counter[str] = Counter()
        slowest = [0.0]

        def submit(item: tuple[int, str]) -> bool:
            session_id, user = item
            values = {f"q:{q}": {"value": {"type": "plain_text_input", "value": f"{q} van {user}"}} for q in QUESTIONS}
            meta = json.dumps({"session": session_id, "stage": "opening"})
            start = time.perf_counter()
            try:
                response = sender.view_submission("answer_stage", values, user=user, private_metadata=meta)
            except Exception as exc:  # e.g. the client's 10 s timeout: stored or not, Slack would show an error
                failures[type(exc).__name__] += 1
                return False
            finally:
                slowest[0] = max(slowest[0], time.perf_counter() - start)
            if response.status != 200:
                failures[f"http_{response.status}"] += 1
            return response.status == 200

        with Stopwatch() as sw, ThreadPoolExecutor(SUBMITTERS, thread_name_prefix="submitter") as pool:
            acknowledged = sum(pool.map(submit, plan))
        with bot.db.reader() as s:
            stored = s.scalar(select(func.count()).select_from(Answer).where(Answer.stage_id == "opening"))
            distinct = s.scalar(select(func.count()).select_from(
                select(Answer.session_id, Answer.question_id, Answer.participant_id)
                .where(Answer.stage_id == "opening").distinct().subquery()))
    unique_submissions = sessions * PER_SESSION
    expected = unique_submissions * len(QUESTIONS)
    lost = max(0, expected - distinct)
    duplicated = stored - distinct
    rate = stored / sw.seconds
    ok = lost == 0 and duplicated == 0 and acknowledged == len(plan)
    return Row(
        NAME, f"{database} {len(plan)} submissions, {SUBMITTERS} submitters",
        f"{rate:.0f} answers/s ({len(plan) / sw.seconds:.0f} submissions/s), stored {stored}/{expected}, "
        f"lost {lost}, dup {duplicated}, unacknowledged {len(plan) - acknowledged}, slowest {slowest[0]:.1f} s",
        floor="", target="0 lost, 0 duplicated, all acknowledged", verdict=judge(ok, config),
        details={"database": database, "submissions": len(plan), "resent": len(plan) - unique_submissions,
                 "acknowledged": acknowledged, "seconds": sw.seconds, "answers_per_second": rate,
                 "submissions_per_second": len(plan) / sw.seconds, "stored": stored, "expected": expected,
                 "lost": lost, "duplicated": duplicated, "failures": dict(failures),
                 "slowest_seconds": slowest[0]},
    )


def run(config: Config) -> list[Row]:
    sessions = config.size(250, 10)
    with FakeSlack(enforce_limits=False) as fake:
        fake.add_team(TEAM, token=BOT_TOKEN, bot_user_id="UBOT", name="Gemeente Bench")
        for i in range(sessions):
            for j in range(PER_SESSION):
                fake.add_user(_user(i, j), name=f"persoon {i}-{j}", team=TEAM)
        return [_measure(config, fake, database, sessions) for database in config.databases]
