"""The table of due work: which use case handles which kind of due row.

Why an explicit table: the processor (common/due.py) must not know the use cases, and a
registry filled by import side effects hid both the list and an import cycle. Adding a kind of
due work means adding a row here.
"""

from __future__ import annotations

from bot.runtime.deps import Deps
from bot.services.common.due import Handler, process_due_items
from bot.services.cycle.followup import action_due
from bot.services.cycle.series import next_cycle
from bot.services.preparation.reminders import reminder
from bot.services.preparation.rounds import prep_dm, prep_round, prep_summary, session_open
from bot.services.rounds.fanout import round_prep, round_prep_dm, round_reminder
from bot.services.rounds.timing import stage_timer

HANDLERS: dict[str, Handler] = {
    "prep_round": prep_round,
    "prep_dm": prep_dm,
    "prep_summary": prep_summary,
    "session_open": session_open,
    "reminder": reminder,
    "action_due": action_due,
    "next_cycle": next_cycle,
    "round_prep": round_prep,
    "round_prep_dm": round_prep_dm,
    "round_reminder": round_reminder,
    "stage_timer": stage_timer,
}


def process_due(deps: Deps, *, limit: int = 500) -> int:
    """Claim and handle everything that is due now (the clock's job)."""
    return process_due_items(deps, HANDLERS, limit=limit)
