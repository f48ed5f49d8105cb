"""Block Kit of a round: the set-up modal, the overview (command and Home tab), the combined reminder.

Pure functions from plain values to blocks; the services decide what is true and who may see
which names (bot/services/rounds/overview.py), these decide how it looks.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time
from typing import Any

from bot.i18n import t
from bot.slack.blocks.inputs import (
    channel_of,
    chosen,
    date_of,
    input_block,
    modal,
    option,
    select,
    text_input,
    text_of,
    time_of,
    users_of,
)
from bot.slack.blocks.kit import actions, button, context, divider, header, section
from bot.slack.ids import Action, View
from bot.slack.markup import mentions

SLOTS_DEFAULT = 3
SLOTS_MAX = 12
PARTY_INPUTS = (("sw", "sociaal_werker"), ("bm", "beleidsmedewerker"))


# ---- the set-up modal ---------------------------------------------------------------------------


def round_modal(lang: str, flows: list[tuple[str, str]], slots: int, channel_id: str | None = None) -> dict:
    """One modal for a whole round: name, flow, one channel (a thread per outcome), the shared
    moment, and per outcome its name and the people of both parties."""
    slots = min(max(slots, 1), SLOTS_MAX)
    blocks = [
        input_block("name", t(lang, "rounds.modal.name"), text_input(max_length=200)),
        input_block("flow", t(lang, "start.flow"), select([option(title, fid) for fid, title in flows], "duiding")),
        input_block("channel", t(lang, "rounds.modal.channel"),
                    {"type": "conversations_select", "filter": {"include": ["public", "private"],
                                                                "exclude_bot_users": True},
                     **({"initial_conversation": channel_id} if channel_id else {})},
                    hint=t(lang, "rounds.modal.channel_hint")),
        input_block("date", t(lang, "start.date"), {"type": "datepicker"}, optional=True,
                    hint=t(lang, "rounds.modal.date_hint")),
        input_block("time", t(lang, "start.time"), {"type": "timepicker"}, optional=True),
    ]
    for slot in range(1, slots + 1):
        blocks.append(input_block(f"o{slot}_name", t(lang, "rounds.modal.outcome", number=slot),
                                  text_input(max_length=200), optional=True))
        for key, role in PARTY_INPUTS:
            blocks.append(input_block(f"o{slot}_{key}", t(lang, f"roles.{role}") + f" ({slot})",
                                      {"type": "multi_users_select"}, optional=True))
    return modal(View.ROUND.value, t(lang, "rounds.modal.title"), t(lang, "rounds.modal.submit"),
                 t(lang, "start.cancel"), blocks, {"slots": slots})


@dataclass(frozen=True)
class RoundForm:
    name: str
    flow_id: str
    channel_id: str
    on_date: date | None
    at_time: time | None
    outcomes: list[tuple[int, str, dict[str, str]]]  # (slot, outcome name, {user: role})


def parse_round_form(values: dict, slots: int) -> RoundForm:
    """The modal's state as plain values (ValueError for a date or time that is not one)."""
    outcomes = []
    for slot in range(1, min(max(slots, 1), SLOTS_MAX) + 1):
        people: dict[str, str] = {}
        for key, role in PARTY_INPUTS:
            for user in users_of(values, f"o{slot}_{key}"):
                people.setdefault(user, role)
        name = " ".join(text_of(values, f"o{slot}_name").split())
        if name or people:
            outcomes.append((slot, name, people))
    return RoundForm(text_of(values, "name"), chosen(values, "flow"), channel_of(values, "channel"),
                     date_of(values, "date"), time_of(values, "time"), outcomes)


# ---- the overview --------------------------------------------------------------------------------


def _status_line(lang: str, line: Any) -> str:
    if line.status == "running":
        text = t(lang, "rounds.overview.running", number=line.stage_number, count=line.stage_count, stage=line.stage)
        if line.pace == "live":
            text += " · " + t(lang, "rounds.overview.live", minutes=line.minutes or "")
        return text
    if line.status == "planned":
        return t(lang, "rounds.overview.planned", date=line.when)
    return t(lang, f"rounds.overview.{line.status}")


def _awaited_line(lang: str, line: Any) -> str:
    if line.status == "running" and line.expected:
        text = t(lang, "rounds.overview.answered", answered=line.answered, expected=line.expected)
    elif line.status in ("planned", "unplanned", "cancelled"):
        text = t(lang, "rounds.overview.prepared", answered=line.answered, expected=line.expected)
    else:
        return ""
    if line.missing:
        text += " · " + t(lang, "rounds.overview.missing", names=mentions(line.missing))
    return text


def conversation_text(lang: str, line: Any) -> str:
    parts = [f"*{line.outcome}* · {line.flow}", _status_line(lang, line)]
    awaited = _awaited_line(lang, line)
    if awaited:
        parts.append(awaited)
    if line.open_actions:
        parts.append(t(lang, "rounds.overview.actions", count=line.open_actions))
    for internal in line.internal:
        key = "rounds.overview.internal_shared" if internal.shared else "rounds.overview.internal"
        parts.append(t(lang, key, party=t(lang, f"sides.{internal.party}"), stage=internal.stage or "–"))
    return "\n".join(parts)


def totals_text(lang: str, overview: Any) -> str:
    return t(lang, "rounds.overview.totals", prepared=overview.prepared, people=overview.people,
             planned=overview.count("planned"), running=overview.count("running"),
             closed=overview.count("closed"), cancelled=overview.count("cancelled"))


def overview_blocks(lang: str, overview: Any, *, controls: bool) -> list[dict]:
    """A round as blocks: totals, then each conversation; coordinators get its buttons."""
    blocks: list[dict] = [header(t(lang, "rounds.overview.title", name=overview.name)),
                          context(totals_text(lang, overview))]
    for line in overview.lines:
        value = str(line.session_id)
        accessory = (button(t(lang, "rounds.controls.people"), Action.SESSION_PEOPLE, value)
                     if controls and line.status != "closed" else None)
        blocks.append(section(conversation_text(lang, line), accessory=accessory))
        if controls and line.status in ("planned", "unplanned"):
            blocks.append(actions(
                button(t(lang, "rounds.controls.start_now"), Action.SESSION_START_NOW, value),
                button(t(lang, "rounds.controls.reschedule"), Action.SESSION_RESCHEDULE, value),
                button(t(lang, "rounds.controls.cancel"), Action.SESSION_CANCEL, value, style="danger"),
                block_id=f"planned_{line.session_id}"))
        elif controls and line.status == "cancelled":
            blocks.append(actions(button(t(lang, "rounds.controls.new_date"), Action.SESSION_RESCHEDULE, value),
                                  block_id=f"cancelled_{line.session_id}"))
    if controls:
        value = str(overview.round_id)
        blocks.append(actions(button(t(lang, "rounds.controls.remind_round"), Action.ROUND_REMIND, value),
                              button(t(lang, "rounds.controls.report"), Action.ROUND_REPORT, value),
                              block_id=f"round_{overview.round_id}"))
    return blocks


def overview_text(lang: str, overview: Any) -> str:
    """The notification text (and what a screen reader says first)."""
    return t(lang, "rounds.overview.title", name=overview.name) + " – " + totals_text(lang, overview)


# ---- the combined reminder ------------------------------------------------------------------------


def combined_reminder_blocks(lang: str, text: str, items: list[tuple[int, str]],
                             lines: list[str] | None = None, *, stages: list[tuple[int, str, str]] = ()) -> list[dict]:
    """One reminder for several conversations: 'prepare' per planned one, 'answer' per open stage."""
    blocks: list[dict] = [section(text)]
    for session_id, outcome in items[:40]:
        blocks.append(section(f"• *{outcome}*", accessory=button(t(lang, "prep.button"), Action.PREP_OPEN,
                                                                  str(session_id), style="primary")))
    for session_id, stage_id, label in stages[:40]:
        blocks.append(section(f"• {label}", accessory=button(t(lang, "session.answer_button"), Action.ANSWER_OPEN,
                                                              f"{session_id}:{stage_id}", style="primary")))
    if lines:
        blocks += [divider(), section("\n".join(lines))]
    return blocks
