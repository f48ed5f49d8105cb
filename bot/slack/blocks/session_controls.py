"""The coordinator's buttons on a session's first message: people, and for a planned session
start now, move, remind, prepare internally, cancel.

Why on the first message: that message stays at the top of the session's thread whatever
happens below it, and it is updated (chat.update) whenever the session changes, so the
buttons it shows are always the ones that make sense now. Anyone may see them; the services
behind them refuse politely who may not use them.
"""

from __future__ import annotations

from bot.i18n import t
from bot.slack.blocks.kit import actions, button
from bot.slack.ids import Action


def session_controls(lang: str, session_id: int, *, status: str, cancelled: bool = False,
                     internal: bool = False) -> dict | None:
    """The actions block for a session in this state (None for a closed one)."""
    value = str(session_id)
    people = button(t(lang, "rounds.controls.people"), Action.SESSION_PEOPLE, value)
    if status == "closed":
        return None
    if internal:
        return actions(button(t(lang, "rounds.controls.share"), Action.INTERNAL_SHARE, value, style="primary"),
                       people, block_id="session_controls")
    if status == "running":
        return actions(people, button(t(lang, "rounds.controls.remind_running"), Action.SESSION_REMIND, value),
                       block_id="session_controls")
    if cancelled:
        return actions(button(t(lang, "rounds.controls.new_date"), Action.SESSION_RESCHEDULE, value, style="primary"),
                       people, block_id="session_controls")
    return actions(
        people,
        button(t(lang, "rounds.controls.start_now"), Action.SESSION_START_NOW, value, style="primary"),
        button(t(lang, "rounds.controls.reschedule"), Action.SESSION_RESCHEDULE, value),
        button(t(lang, "rounds.controls.remind_prep"), Action.SESSION_REMIND, value),
        button(t(lang, "rounds.controls.internal"), Action.SESSION_INTERNAL, value),
        button(t(lang, "rounds.controls.cancel"), Action.SESSION_CANCEL, value, style="danger"),
        block_id="session_controls",
    )
