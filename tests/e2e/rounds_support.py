"""Helpers for the round tests: press only what the bot has shown, fill in the modals it opened.

Every helper goes through signed HTTP (the `SlackSender`) and reads what the fake Slack holds:
messages in channels and DMs, opened modals, published Home tabs, ephemeral replies.
"""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.services.due_work import process_due as process_due_items
from storage.models import ConversationSession, Round, RoundSession
from tests.e2e.conftest import CHANNEL, COORDINATOR, wait_for
from tests.harness import TEAM

AMS = ZoneInfo("Europe/Amsterdam")


class Clock:
    def __init__(self, start: datetime) -> None:
        self.now = start.astimezone(UTC)

    def __call__(self) -> datetime:
        return self.now

    def to(self, moment: datetime) -> None:
        assert moment >= self.now
        self.now = moment.astimezone(UTC)


def run_due(bot, clock: Clock, moment: datetime) -> None:
    clock.to(moment)
    process_due_items(bot.runtime.deps)
    bot.drain()


def text_of(item) -> str:
    return json.dumps(item, ensure_ascii=False)


def buttons(blocks: list[dict]) -> list[dict]:
    found = []
    for block in blocks or []:
        accessory = block.get("accessory") or {}
        if accessory.get("type") == "button":
            found.append(accessory)
        found += [e for e in block.get("elements", []) if isinstance(e, dict) and e.get("type") == "button"]
    return found


def dms(slack, user: str) -> list[dict]:
    return slack.messages(user)


def shown_button(messages: list[dict], action_id: str, *, value: str | None = None, containing: str | None = None):
    """The newest button with this action id in these messages (optionally with this value, or in a
    message containing a text)."""
    for message in reversed(messages):
        if containing and containing not in text_of(message):
            continue
        for button in buttons(message.get("blocks") or []):
            if button["action_id"] == action_id and (value is None or button["value"] == value):
                return button
    raise AssertionError(f"the bot showed no {action_id} button" + (f" with value {value}" if value else ""))


def press(sender, button: dict, user: str, channel: str | None = None):
    response = sender.block_action(button["action_id"], button["value"], user=user, channel=channel)
    assert response.status == 200
    return response


def open_modal(sender, slack, button: dict, user: str, channel: str | None = None) -> dict:
    before = len(slack.calls_to("views.open"))
    press(sender, button, user, channel)
    wait_for(lambda: len(slack.calls_to("views.open")) > before)
    return slack.calls_to("views.open")[-1].params["view"]


def submit(sender, view: dict, values: dict, user: str):
    """Submit a modal the bot opened; returns the response (an empty body means it closed)."""
    response = sender.view_submission(view["callback_id"], values, user=user,
                                      private_metadata=view.get("private_metadata", ""))
    assert response.status == 200
    return response


def reply_after(slack, before: int, timeout: float = 10.0) -> dict:
    """The first private (response_url) reply after `before` replies."""
    wait_for(lambda: len(slack.responses) > before, timeout)
    return slack.responses[before]["body"]


def share_file(sender, slack, user: str, content: bytes, name: str, text: str):
    file = slack.add_file(content, name=name, filetype=name.rsplit(".", 1)[-1], team=TEAM)
    response = sender.event({"type": "message", "subtype": "file_share", "channel": f"D{user}",
                             "channel_type": "im", "user": user, "text": text, "files": [file],
                             "ts": f"{time.time():.6f}"})
    assert response.status == 200


def wait_for_dm(bot, slack, user: str, containing: str, count: int = 1) -> list[dict]:
    def found():
        bot.drain()
        hits = [m for m in dms(slack, user) if containing in text_of(m)]
        return hits if len(hits) >= count else None
    return wait_for(found, timeout=20)


def round_sessions(bot) -> dict[str, int]:
    """Outcome name -> session id, for the newest round."""
    with bot.db.reader() as s:
        rnd = s.scalar(select(Round).order_by(Round.id.desc()))
        rows = s.execute(select(ConversationSession).join(RoundSession, RoundSession.session_id
                                                          == ConversationSession.id)
                         .where(RoundSession.round_id == rnd.id)).scalars().all()
        return {row.outcome.name: row.id for row in rows}


def overview(sender, user: str = COORDINATOR) -> str:
    """What `/gesprek ronde` shows this person now."""
    return text_of(sender.command_reply("ronde", user=user, channel=CHANNEL))


def root_of(slack, session_id: int, bot) -> dict:
    """A session's first message as the channel shows it now (after every chat.update)."""
    with bot.db.reader() as s:
        session = s.get(ConversationSession, session_id)
        channel, ts = session.channel_id, session.thread_ts
    return next(m for m in slack.messages(channel) if m["ts"] == ts)


def prepare(sender, slack, button: dict, user: str, text: str) -> None:
    """Press a 'prepare' button the bot showed and save an answer to every question."""
    view = open_modal(sender, slack, button, user)
    assert view["callback_id"] == "prep_answer"
    values = {b["block_id"]: {"value": {"type": "plain_text_input", "value": f"{text} ({b['block_id']})"}}
              for b in view["blocks"] if b.get("type") == "input"}
    response = submit(sender, view, values, user)
    assert not response.body.strip(), response.body


def answer(sender, slack, button: dict, user: str, text: str) -> None:
    """Press an 'answer' button the bot showed and answer every question (text or the first option)."""
    view = open_modal(sender, slack, button, user)
    assert view["callback_id"] == "answer_stage", view
    values = {}
    for block in view["blocks"]:
        if block.get("type") != "input":
            continue
        element = block["element"]
        if element["type"] == "plain_text_input":
            values[block["block_id"]] = {"value": {"type": "plain_text_input", "value": text}}
        else:
            values[block["block_id"]] = {"value": {"type": element["type"],
                                                   "selected_option": element["options"][0]}}
    response = submit(sender, view, values, user)
    assert not response.body.strip(), response.body


def option(value: str) -> dict:
    return {"value": {"type": "static_select", "selected_option": {"value": value}}}


def users(*ids: str) -> dict:
    return {"value": {"type": "multi_users_select", "selected_users": list(ids)}}


def typed(value: str) -> dict:
    return {"value": {"type": "plain_text_input", "value": value}}


def number(value: int) -> dict:
    return {"value": {"type": "number_input", "value": str(value)}}


def ticked(value: str = "yes") -> dict:
    return {"value": {"type": "checkboxes", "selected_options": [{"value": value}]}}


def round_modal(sender, slack, slots: int, user: str = COORDINATOR) -> dict:
    before = len(slack.calls_to("views.open"))
    assert sender.command(f"ronde nieuw {slots}", user=user, channel=CHANNEL).status == 200
    wait_for(lambda: len(slack.calls_to("views.open")) > before)
    view = slack.calls_to("views.open")[-1].params["view"]
    assert view["callback_id"] == "round_setup"
    return view


def round_values(name: str, outcomes: list[tuple[str, list[str], list[str]]], *, on: str | None = None,
                 at: str | None = None, flow: str = "duiding") -> dict:
    values = {"name": typed(name), "flow": option(flow),
              "channel": {"value": {"type": "conversations_select", "selected_conversation": CHANNEL}}}
    if on:
        values["date"] = {"value": {"type": "datepicker", "selected_date": on}}
    if at:
        values["time"] = {"value": {"type": "timepicker", "selected_time": at}}
    for slot, (outcome, social, policy) in enumerate(outcomes, start=1):
        values[f"o{slot}_name"] = typed(outcome)
        values[f"o{slot}_sw"] = users(*social)
        values[f"o{slot}_bm"] = users(*policy)
    return values


def make_round(bot, sender, slack, outcomes, **when) -> dict[str, int]:
    """A round set up through the modal; returns outcome -> session id."""
    view = round_modal(sender, slack, len(outcomes))
    response = submit(sender, view, round_values("Voorjaar", outcomes, **when), COORDINATOR)
    assert not response.body.strip(), response.body
    bot.drain()
    return round_sessions(bot)


def root_button(slack, bot, session_id: int, action_id: str) -> dict:
    return shown_button([root_of(slack, session_id, bot)], action_id)


def wait_shown(bot, slack, channel: str, action_id: str, *, value: str | None = None) -> dict:
    """A button the bot will show in this channel once a click's work is delivered."""
    def found():
        bot.drain()
        try:
            return shown_button(slack.messages(channel), action_id, value=value)
        except AssertionError:
            return None
    return wait_for(found)


def wait_message(bot, slack, channel: str, containing: str) -> dict:
    def found():
        bot.drain()
        return next((m for m in reversed(slack.messages(channel)) if containing in text_of(m)), None)
    return wait_for(found)
