"""How persistent the bot is, per workspace: preparation lead times, nudge cadence and cap.

Why configurable: a municipality that meets monthly wants a shorter run-up than one that
meets twice a year, and some teams want fewer nudges. Defaults follow the issue: prep
round 7 days ahead, summary 1 day ahead, a nudge every 2 working days, at most 3.
Workspace settings (JSON) override any field, e.g. {"max_nudges": 2}.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import time, timedelta

from bot.services.common.worktime import WorkingHours


@dataclass(frozen=True)
class Policy:
    prep_lead_days: float = 7
    prep_summary_hours: float = 24
    nudge_every_hours: float = 48
    max_nudges: int = 3
    action_warn_days: int = 3
    work_start: str = "09:00"
    work_end: str = "17:00"

    @property
    def prep_lead(self) -> timedelta:
        return timedelta(days=self.prep_lead_days)

    @property
    def prep_summary_lead(self) -> timedelta:
        return timedelta(hours=self.prep_summary_hours)

    @property
    def nudge_every(self) -> timedelta:
        return timedelta(hours=self.nudge_every_hours)

    @property
    def hours(self) -> WorkingHours:
        return WorkingHours(time.fromisoformat(self.work_start), time.fromisoformat(self.work_end))

    @classmethod
    def from_settings(cls, settings: dict | None) -> Policy:
        known = {f.name: f.type for f in fields(cls)}
        values = {}
        for key, value in (settings or {}).items():
            if key in known:
                try:
                    values[key] = type(getattr(cls, key))(value)
                except (TypeError, ValueError):
                    continue
        return cls(**values)
