"""What the rows of a round mean together: one conversation per outcome, or the problems.

Why apart from reading the file: the modal gives the same kind of rows (an outcome, people by
role, a flow, a channel, a moment), and the same rules must hold for both: every person is a
known Slack user, nobody appears twice in one conversation, each conversation has someone of
both parties (gemeente and aanbieder), and an outcome has one flow, one channel, one moment.
A channel or moment given once in the whole file holds for every outcome (one channel with a
thread per conversation, one shared moment).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.services.rounds.problems import Problem
from bot.services.rounds.sheet import CHANNEL, FLOW, MOMENT, PERSON, SheetRow
from flows.roles import side_of_role
from storage.importing.columns import normalise

PARTIES = ("gemeente", "aanbieder")
MAX_OUTCOMES = 30


@dataclass
class OutcomePlan:
    name: str
    first_row: int
    flow_id: str = ""
    channel_id: str = ""
    moment: datetime | None = None  # aware; None: planned without a date (started by hand)
    participants: dict[str, str] = field(default_factory=dict)  # Slack user id -> role


@dataclass(frozen=True)
class RoundPlan:
    name: str
    outcomes: list[OutcomePlan]

    @property
    def moment(self) -> datetime | None:
        return min((o.moment for o in self.outcomes if o.moment), default=None)

    @property
    def people(self) -> set[str]:
        return {user for o in self.outcomes for user in o.participants}


@dataclass(frozen=True)
class Defaults:
    flow_id: str
    channel_id: str | None
    tz: ZoneInfo
    now: datetime
    headers: dict[str, str] = field(default_factory=dict)  # as written in the file, for messages


def _header(defaults: Defaults, name: str, fallback: str) -> str:
    return defaults.headers.get(name, fallback)


def _shared(rows: Iterable[SheetRow], attr: str) -> object | None:
    """The value of a column when the whole file gives exactly one (else None)."""
    values = {getattr(r, attr) for r in rows if getattr(r, attr) is not None}
    return values.pop() if len(values) == 1 else None


def plan_round(name: str, rows: list[SheetRow], resolved: dict[str, str | None],
               defaults: Defaults) -> tuple[RoundPlan | None, list[Problem]]:
    """A plan for every outcome, or (None, problems): nothing is created while one problem stands."""
    problems: list[Problem] = []
    plans: dict[str, OutcomePlan] = {}
    seen: dict[tuple[str, str], int] = {}
    chosen: dict[tuple[str, str], tuple[object, int]] = {}
    for row in rows:
        key = normalise(row.outcome)
        plan = plans.setdefault(key, OutcomePlan(row.outcome, row.row))
        user = resolved.get(row.who)
        if user is None:
            problems.append(Problem("unknown_user", row.row, _header(defaults, PERSON, "deelnemer"),
                                    {"value": row.who}))
            continue
        if (key, user) in seen:
            problems.append(Problem("duplicate_row", row.row, None, {"first_row": seen[(key, user)]}))
            continue
        seen[(key, user)] = row.row
        plan.participants[user] = row.role
        for attr in (FLOW, CHANNEL, MOMENT):
            value = getattr(row, attr)
            if value is None:
                continue
            first = chosen.setdefault((key, attr), (value, row.row))
            if first[0] != value:
                problems.append(Problem("conflicting_value", row.row, _header(defaults, attr, attr),
                                        {"first_row": first[1]}))
    if len(plans) > MAX_OUTCOMES:
        problems.append(Problem("too_many_outcomes", params={"max": MAX_OUTCOMES}))
    shared_channel = _shared(rows, CHANNEL) or defaults.channel_id
    shared_moment = _shared(rows, MOMENT)
    any_moment = any(r.moment is not None for r in rows)
    for key, plan in plans.items():
        plan.flow_id = str(chosen.get((key, FLOW), (defaults.flow_id,))[0])
        plan.channel_id = str(chosen.get((key, CHANNEL), (shared_channel,))[0] or "")
        local = chosen.get((key, MOMENT), (shared_moment,))[0]
        plan.moment = local.replace(tzinfo=defaults.tz) if isinstance(local, datetime) else None
        problems += _outcome_problems(plan, any_moment, defaults)
    if problems:
        return None, problems
    return RoundPlan(name, list(plans.values())), []


def _outcome_problems(plan: OutcomePlan, any_moment: bool, defaults: Defaults) -> list[Problem]:
    found: list[Problem] = []
    at = {"outcome": plan.name}
    if not plan.channel_id:
        found.append(Problem("missing_channel", plan.first_row, None, at))
    if any_moment and plan.moment is None:
        found.append(Problem("missing_moment", plan.first_row, None, at))
    if plan.moment is not None and plan.moment <= defaults.now:
        found.append(Problem("moment_in_past", plan.first_row, None, at))
    if plan.participants:
        sides = {side_of_role(role) for role in plan.participants.values()}
        found += [Problem("missing_party", plan.first_row, None, {**at, "party": party})
                  for party in PARTIES if party not in sides]
    return found
