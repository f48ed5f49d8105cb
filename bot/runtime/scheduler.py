"""APScheduler 3.11 set-up: jobs trigger processing; our own tables say what is due.

Choices made on purpose (see docs/ in slack-platform notes):
- One job store in our database (SQLAlchemyJobStore), fixed job ids with
  `replace_existing=True`, so a restart never adds copies.
- `coalesce=True` and `misfire_grace_time=None`: after downtime an overdue trigger runs
  once, not zero times (the 1 s default would silently skip it) and not N times.
- The job function is module-level and takes no objects (jobs are pickled); it reaches
  the process's dependencies through `bot.runtime.jobs`.
"""

from __future__ import annotations

from datetime import datetime

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot.runtime import jobs
from bot.runtime.deps import Deps

TICK_SECONDS = 30
JOB_DEFAULTS = {"coalesce": True, "misfire_grace_time": None, "max_instances": 1}


def make_scheduler(deps: Deps, *, blocking: bool) -> BackgroundScheduler:
    cls = BlockingScheduler if blocking else BackgroundScheduler
    scheduler = cls(
        jobstores={"default": SQLAlchemyJobStore(engine=deps.db.engine, tablename="apscheduler_jobs")},
        executors={"default": ThreadPoolExecutor(2)},
        job_defaults=JOB_DEFAULTS,
        timezone=deps.settings.tz,
    )
    scheduler.add_job(
        jobs.process_due,
        trigger=IntervalTrigger(seconds=deps.settings.tick_seconds or TICK_SECONDS, timezone=deps.settings.tz),
        next_run_time=datetime.now(deps.settings.tz),  # catch up right after a restart
        id="process-due",
        name="process due prep rounds, reminders and follow-ups",
        replace_existing=True,
    )
    scheduler.add_job(
        jobs.retention,
        trigger=CronTrigger(hour=3, minute=17, timezone=deps.settings.tz),
        id="retention",
        name="remove raw answers after the workspace's retention period",
        replace_existing=True,
    )
    return scheduler


def start_scheduler(deps: Deps, *, blocking: bool) -> BackgroundScheduler:
    jobs.bind(deps)
    scheduler = make_scheduler(deps, blocking=blocking)
    scheduler.start()
    return scheduler
