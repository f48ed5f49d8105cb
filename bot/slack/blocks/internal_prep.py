"""Modals of an internal preparation: which party starts one (and who leads it), and what it shares.

Why the share is a list of the party's own stages plus its conclusion: the party sees exactly
what it is about to hand over and ticks it; nothing is shared by default.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.i18n import t
from bot.slack.blocks.inputs import (
    chosen,
    chosen_many,
    element,
    input_block,
    modal,
    option,
    select,
    text_input,
    text_of,
)
from bot.slack.blocks.kit import context, plain
from bot.slack.ids import View

CONCLUSION = "conclusion"


def internal_modal(lang: str, session_id: int, parties: list[str], initial: str) -> dict:
    options = [option(t(lang, f"sides.{party}"), party) for party in parties]
    blocks = [context(t(lang, "rounds.internal.explain")),
              input_block("party", t(lang, "rounds.internal.party"), select(options, initial)),
              input_block("leader", t(lang, "rounds.internal.leader"), {"type": "users_select"}, optional=True,
                          hint=t(lang, "rounds.internal.leader_hint"))]
    return modal(View.INTERNAL.value, t(lang, "rounds.internal.title"), t(lang, "rounds.internal.submit"),
                 t(lang, "start.cancel"), blocks, {"session": session_id})


def parse_internal(values: dict) -> tuple[str, str | None]:
    leader = element(values, "leader").get("selected_user")
    return chosen(values, "party"), leader if isinstance(leader, str) and 0 < len(leader) <= 32 else None


def share_modal(lang: str, session_id: int, stages: list[tuple[str, str]], current: dict) -> dict:
    """Tick what goes to the joint preparation summary: stages (answers by role, no names), the
    conclusion, and a note."""
    options = [{"text": plain(title, 150), "value": stage_id} for stage_id, title in stages]
    options.append({"text": plain(t(lang, "rounds.internal.share_conclusion"), 150), "value": CONCLUSION})
    picked = set(current.get("stages") or []) | ({CONCLUSION} if current.get("conclusion") else set())
    element: dict = {"type": "checkboxes", "options": options[:10]}
    initial = [o for o in options[:10] if o["value"] in picked]
    if initial:
        element["initial_options"] = initial
    blocks = [context(t(lang, "rounds.internal.share_explain")),
              input_block("stages", t(lang, "rounds.internal.share_what"), element, optional=True),
              input_block("note", t(lang, "rounds.internal.note"),
                          text_input(initial=current.get("note"), max_length=2000, multiline=True), optional=True)]
    return modal(View.SHARE.value, t(lang, "rounds.internal.share_title"), t(lang, "rounds.internal.share_submit"),
                 t(lang, "start.cancel"), blocks, {"session": session_id})


@dataclass(frozen=True)
class ShareChoice:
    stages: list[str]
    conclusion: bool
    note: str


def parse_share(values: dict) -> ShareChoice:
    picked = chosen_many(values, "stages")
    return ShareChoice([p for p in picked if p != CONCLUSION], CONCLUSION in picked, text_of(values, "note"))
