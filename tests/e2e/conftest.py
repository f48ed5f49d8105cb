"""End-to-end fixtures: the fake Slack, the real bot over HTTP, and a signed-request sender."""

from __future__ import annotations

import json
import time

import pytest

from bot.fakeslack import FakeSlack, SlackSender
from tests.harness import BOT_TOKEN, SIGNING_SECRET, TEAM, running_bot

CHANNEL = "C0CHAN"
COORDINATOR = "UCOORD"
SOCIAL = ("USW1", "USW2")
POLICY = ("UBM1", "UBM2")
OUTSIDER = "UOUT"


@pytest.fixture
def slack():
    with FakeSlack(enforce_limits=True, time_scale=50.0) as fake:
        fake.add_team(TEAM, token=BOT_TOKEN, bot_user_id="UBOT", name="Gemeente Test")
        fake.add_user(COORDINATOR, name="Carla", is_admin=True, team=TEAM)
        for uid, name in zip(SOCIAL + POLICY + (OUTSIDER,), ("Sam", "Sanne", "Bas", "Bente", "Otto"), strict=True):
            fake.add_user(uid, name=name, team=TEAM)
        yield fake
        assert images_without_alt_text(fake.uploads) == [], "every uploaded image needs alt text (alt_txt)"


IMAGE_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF87a", b"GIF89a")


def images_without_alt_text(uploads: list[dict]) -> list[str]:
    """Names of uploaded images that came without alt text: checked after every end-to-end test,
    so a new chart or picture anywhere in the bot cannot reach screen-reader users as a blank."""
    return [u["filename"] for u in uploads
            if bytes(u.get("content") or b"").startswith(IMAGE_MAGIC) and not (u.get("alt_txt") or "").strip()]


@pytest.fixture
def bot(slack, database_url):
    with running_bot(slack.url, database_url) as running:
        yield running


@pytest.fixture
def sender(bot, slack):
    return SlackSender(bot.url, SIGNING_SECRET, TEAM, api=slack)


class Conversation:
    """Drives the bot like people in Slack would, one signed request at a time."""

    def __init__(self, bot, slack, sender) -> None:
        self.bot, self.slack, self.sender = bot, slack, sender

    def last_view(self, user: str | None = None) -> dict:
        calls = [c for c in self.slack.calls_to("views.open")]
        assert calls, "no modal was opened"
        return calls[-1].params["view"]

    def start(self, flow: str, outcome: str, *, visibility: str = "hidden", social=SOCIAL, policy=POLICY,
              theme: str | None = None, user: str = COORDINATOR) -> int:
        before = len(self.slack.calls_to("views.open"))
        response = self.sender.command("start", user=user, channel=CHANNEL)
        assert response.status == 200
        wait_for(lambda: len(self.slack.calls_to("views.open")) > before)
        view = self.last_view()
        assert view["callback_id"] == "start_session"
        values = {
            "flow": {"value": {"type": "static_select", "selected_option": {"value": flow}}},
            "outcome_new": {"value": {"type": "plain_text_input", "value": outcome}},
            "channel": {"value": {"type": "conversations_select", "selected_conversation": CHANNEL}},
            "participants_sw": {"value": {"type": "multi_users_select", "selected_users": list(social)}},
            "participants_bm": {"value": {"type": "multi_users_select", "selected_users": list(policy)}},
            "visibility": {"value": {"type": "static_select", "selected_option": {"value": visibility}}},
        }
        if theme:
            values["theme"] = {"value": {"type": "plain_text_input", "value": theme}}
        response = self.sender.view_submission("start_session", values, user=user,
                                               private_metadata=view.get("private_metadata", ""))
        assert response.status == 200 and not response.body.strip(), response.body
        self.bot.drain()
        from sqlalchemy import func, select

        from storage.models import ConversationSession

        with self.bot.db.reader() as s:
            return s.scalar(select(func.max(ConversationSession.id)))

    def answer(self, session_id: int, stage_id: str, user: str, values: dict[str, str]) -> None:
        before = len(self.slack.calls_to("views.open"))
        response = self.sender.block_action("answer_open", f"{session_id}:{stage_id}", user=user, channel=CHANNEL)
        assert response.status == 200
        wait_for(lambda: len(self.slack.calls_to("views.open")) > before)
        view = self.last_view()
        assert view["callback_id"] == "answer_stage", view
        state = {}
        for block in view["blocks"]:
            if block.get("type") != "input":
                continue
            qid = block["block_id"][2:]
            element = block["element"]
            value = values.get(qid, "")
            if element["type"] == "plain_text_input":
                state[block["block_id"]] = {"value": {"type": "plain_text_input", "value": value}}
            elif element["type"] == "checkboxes":
                state[block["block_id"]] = {"value": {"type": "checkboxes", "selected_options": [
                    {"value": v} for v in value.split(",") if v]}}
            else:
                state[block["block_id"]] = {"value": {"type": "radio_buttons",
                                                      "selected_option": {"value": value} if value else None}}
        response = self.sender.view_submission("answer_stage", state, user=user,
                                               private_metadata=view["private_metadata"])
        assert response.status == 200
        assert not response.body.strip(), f"modal refused: {response.body}"

    def modal_for(self, session_id: int, stage_id: str, user: str) -> dict:
        before = len(self.slack.calls_to("views.open"))
        self.sender.block_action("answer_open", f"{session_id}:{stage_id}", user=user, channel=CHANNEL)
        wait_for(lambda: len(self.slack.calls_to("views.open")) > before)
        return self.last_view()

    def stage_of(self, session_id: int) -> str | None:
        from storage.models import ConversationSession

        with self.bot.db.reader() as s:
            return s.get(ConversationSession, session_id).current_stage_id

    def status_of(self, session_id: int) -> str:
        from storage.models import ConversationSession

        with self.bot.db.reader() as s:
            return s.get(ConversationSession, session_id).status

    def click(self, action_id: str, session_id: int, stage_id: str, user: str = COORDINATOR):
        before = len(self.slack.responses)
        response = self.sender.block_action(action_id, f"{session_id}:{stage_id}", user=user, channel=CHANNEL)
        assert response.status == 200
        return before

    def thread_texts(self) -> str:
        """Everything visible in the channel (all threads), as one string to search."""
        return json.dumps(self.slack.messages(CHANNEL), ensure_ascii=False)


def wait_for(predicate, timeout: float = 10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.02)
    raise AssertionError("condition not met in time")


@pytest.fixture
def conversation(bot, slack, sender):
    return Conversation(bot, slack, sender)
