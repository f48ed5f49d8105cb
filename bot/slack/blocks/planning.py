"""Modals for steering one session: who takes part, start now, a new moment, cancel, more time.

Why confirmations are fields in the modal (a checkbox) and not a second dialog: the modal
stays open with what the coordinator chose, the warning appears next to the field it is
about, and ticking the box and submitting again is the confirmation.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time

from bot.i18n import t
from bot.slack.blocks.inputs import (
    chosen,
    chosen_many,
    date_of,
    input_block,
    modal,
    number_of,
    option,
    select,
    text_input,
    text_of,
    time_of,
    users_of,
)
from bot.slack.blocks.kit import context, plain, section
from bot.slack.ids import View

ADD_INPUTS = (("add_sw", "sociaal_werker"), ("add_bm", "beleidsmedewerker"), ("add_coordinator", "coordinator"),
              ("add_other", "other"))
PREP_WINDOWS = (15, 30, 60)  # minutes of preparation a coordinator can give before starting now
YES = "yes"


def _checkbox(block_id: str, label: str, text: str, *, checked: bool = False) -> dict:
    box = {"text": plain(text, 150), "value": YES}
    element: dict = {"type": "checkboxes", "options": [box]}
    if checked:
        element["initial_options"] = [box]
    return input_block(block_id, label, element, optional=True)


def _number(initial: int, low: int, high: int) -> dict:
    return {"type": "number_input", "is_decimal_allowed": False, "initial_value": str(initial),
            "min_value": str(low), "max_value": str(high)}


# ---- people --------------------------------------------------------------------------------------


def people_modal(lang: str, session_id: int, outcome: str, current: str, removable: list[tuple[str, str]],
                 *, series: bool) -> dict:
    """Add people by role, remove people, confirm when a party would be left without anyone."""
    blocks = [section(f"*{outcome}*"), context(current)]
    blocks += [input_block(block_id, t(lang, "rounds.people.add_as", role=t(lang, f"roles.{role}")),
                           {"type": "multi_users_select"}, optional=True) for block_id, role in ADD_INPUTS]
    if removable:
        blocks.append(input_block("remove", t(lang, "rounds.people.remove"),
                                  {"type": "multi_static_select",
                                   "options": [option(label, uid) for uid, label in removable][:100]},
                                  optional=True, hint=t(lang, "rounds.people.remove_hint")))
    blocks.append(_checkbox("confirm", t(lang, "rounds.people.confirm_label"), t(lang, "rounds.people.confirm")))
    if series:
        blocks.append(_checkbox("series", t(lang, "rounds.people.series_label"), t(lang, "rounds.people.series"),
                                checked=True))
    return modal(View.PEOPLE.value, t(lang, "rounds.people.title"), t(lang, "answer.submit"),
                 t(lang, "start.cancel"), blocks, {"session": session_id})


@dataclass(frozen=True)
class PeopleChange:
    adds: dict[str, str]  # user -> role
    removes: list[str]
    confirm: bool
    series: bool


def parse_people(values: dict) -> PeopleChange:
    adds: dict[str, str] = {}
    for block_id, role in ADD_INPUTS:
        for user in users_of(values, block_id):
            adds.setdefault(user, role)
    return PeopleChange(adds, chosen_many(values, "remove"), YES in chosen_many(values, "confirm"),
                        YES in chosen_many(values, "series"))


# ---- start now, reschedule, cancel -------------------------------------------------------------------


def start_now_modal(lang: str, session_id: int, outcome: str) -> dict:
    """Start a planned session now: a short preparation window (or skip it on purpose), and the pace."""
    windows = [option(t(lang, "rounds.start.window", minutes=m), str(m)) for m in PREP_WINDOWS]
    windows.append(option(t(lang, "rounds.start.no_window"), "0"))
    paces = [option(t(lang, "rounds.start.pace_live"), "live"), option(t(lang, "rounds.start.pace_async"), "async")]
    blocks = [
        section(f"*{outcome}*"),
        input_block("window", t(lang, "rounds.start.window_label"), select(windows, str(PREP_WINDOWS[0])),
                    hint=t(lang, "rounds.start.window_hint")),
        input_block("pace", t(lang, "rounds.start.pace_label"), select(paces, "live")),
        input_block("minutes", t(lang, "rounds.start.minutes"), _number(10, 1, 240), optional=True),
        input_block("days", t(lang, "rounds.start.days"), _number(2, 1, 30), optional=True),
    ]
    return modal(View.START_NOW.value, t(lang, "rounds.start.title"), t(lang, "rounds.start.submit"),
                 t(lang, "start.cancel"), blocks, {"session": session_id})


@dataclass(frozen=True)
class StartNow:
    window: int  # minutes of preparation; 0 = start without
    pace: str
    minutes: int | None
    days: int | None


def parse_start_now(values: dict) -> StartNow:
    window = int(chosen(values, "window")) if chosen(values, "window").isdecimal() else PREP_WINDOWS[0]
    pace = chosen(values, "pace") if chosen(values, "pace") in ("live", "async") else "async"
    return StartNow(window, pace, number_of(values, "minutes"), number_of(values, "days"))


def reschedule_modal(lang: str, session_id: int, outcome: str, current: date | None, at: time | None) -> dict:
    element: dict = {"type": "datepicker"}
    if current:
        element["initial_date"] = current.isoformat()
    clock: dict = {"type": "timepicker", "initial_time": (at or time(14, 0)).strftime("%H:%M")}
    blocks = [section(f"*{outcome}*"), input_block("date", t(lang, "start.date"), element),
              input_block("time", t(lang, "start.time"), clock),
              _checkbox("confirm", t(lang, "rounds.move.confirm_label"), t(lang, "rounds.move.confirm"))]
    return modal(View.RESCHEDULE.value, t(lang, "rounds.move.title"), t(lang, "rounds.move.submit"),
                 t(lang, "start.cancel"), blocks, {"session": session_id})


def parse_reschedule(values: dict) -> tuple[date | None, time | None, bool]:
    return date_of(values, "date"), time_of(values, "time"), YES in chosen_many(values, "confirm")


def cancel_modal(lang: str, session_id: int, outcome: str) -> dict:
    blocks = [section(t(lang, "rounds.cancel.explain", outcome=outcome)),
              input_block("reason", t(lang, "rounds.cancel.reason"), text_input(max_length=500, multiline=True),
                          optional=True)]
    return modal(View.CANCEL.value, t(lang, "rounds.cancel.title"), t(lang, "rounds.cancel.submit"),
                 t(lang, "rounds.cancel.keep"), blocks, {"session": session_id})


def parse_cancel(values: dict) -> str:
    return text_of(values, "reason")


# ---- more time ------------------------------------------------------------------------------------


def extend_modal(lang: str, session_id: int, stage_id: str, stage_title: str, *, live: bool) -> dict:
    """More time for the current stage: minutes in a live session, working days otherwise."""
    label = t(lang, "rounds.pace.extend_minutes") if live else t(lang, "rounds.pace.extend_days")
    blocks = [section(f"*{stage_title}*"),
              input_block("amount", label, _number(5 if live else 1, 1, 240 if live else 30))]
    return modal(View.EXTEND.value, t(lang, "rounds.pace.extend_title"), t(lang, "rounds.pace.extend_submit"),
                 t(lang, "start.cancel"), blocks, {"session": session_id, "stage": stage_id})


def parse_extend(values: dict) -> int | None:
    return number_of(values, "amount")
