"""The Home tab through the fake Slack: a participant's prompts, a coordinator's overview,
and paging when there are more items than fit in one view (100 blocks)."""

from __future__ import annotations

import json
import time

from bot.services.conversation.starting import start_session
from bot.slack.blocks.start_modal import StartRequest
from tests.e2e.conftest import CHANNEL, COORDINATOR, wait_for
from tests.harness import TEAM

MANY = 45


def _seed_sessions(bot, count: int) -> None:
    deps = bot.runtime.deps
    for i in range(count):
        request = StartRequest(flow_id="duiding", outcome_id=None, outcome_name=f"Resultaat {i:02d} <b>",
                               channel_id=CHANNEL, participants={"USW1": "sociaal_werker", "UBM1": "beleidsmedewerker"},
                               theme=None, on_date=None, at_time=None, visibility="hidden")
        start_session(deps, TEAM, COORDINATOR, request, request_key=f"seed-{i}")
    bot.drain(60)


def _open_home(sender, bot, slack, user: str) -> dict:
    before = len(slack.views_published(user))
    sender.event({"type": "app_home_opened", "user": user, "channel": "D" + user, "tab": "home",
                  "event_ts": f"{time.time():.6f}"})
    wait_for(lambda: bot.drain() or len(slack.views_published(user)) > before)
    return slack.views_published(user)[-1]["view"]


def _buttons(view: dict) -> list[dict]:
    found = []
    for block in view["blocks"]:
        if block.get("accessory", {}).get("type") == "button":
            found.append(block["accessory"])
        found += [e for e in block.get("elements", []) if e.get("type") == "button"]
    return found


def test_participant_home_with_paging(conversation, bot, slack, sender):
    _seed_sessions(bot, MANY)
    view = _open_home(sender, bot, slack, "USW1")
    assert view["type"] == "home" and len(view["blocks"]) <= 100
    answer = [b for b in _buttons(view) if b["action_id"] == "answer_open"]
    assert 0 < len(answer) < MANY  # a first page of prompts, each with its answer button
    more = [b for b in _buttons(view) if b["action_id"] == "home_show_more"]
    assert more, "a 'show more' button when not everything fits"
    text = json.dumps(view, ensure_ascii=False)
    assert "&lt;b&gt;" in text and "<b>" not in text  # outcome names are escaped
    assert "Voor coördinatoren" not in text  # a participant sees no coordinator section

    before = len(slack.views_published("USW1"))
    sender.block_action("home_show_more", more[0]["value"], user="USW1")
    wait_for(lambda: bot.drain() or len(slack.views_published("USW1")) > before)
    bigger = slack.views_published("USW1")[-1]["view"]
    assert len(bigger["blocks"]) <= 100
    assert len([b for b in _buttons(bigger) if b["action_id"] == "answer_open"]) > len(answer)

    # answering from the Home tab opens the same modal as the stage message
    sid_stage = answer[0]["value"]
    before_modals = len(slack.calls_to("views.open"))
    sender.block_action("answer_open", sid_stage, user="USW1")
    wait_for(lambda: len(slack.calls_to("views.open")) > before_modals)
    assert slack.calls_to("views.open")[-1].params["view"]["callback_id"] == "answer_stage"


def test_coordinator_home_shows_running_sessions_and_buttons(conversation, bot, slack, sender):
    _seed_sessions(bot, 3)
    view = _open_home(sender, bot, slack, COORDINATOR)
    text = json.dumps(view, ensure_ascii=False)
    assert "Voor coördinatoren" in text and "Lopende gesprekken" in text
    assert "0 van 2 geantwoord" in text
    ids = {b["action_id"] for b in _buttons(view)}
    assert {"home_start_session", "home_import_data"} <= ids
    # the import button explains how to share a file
    sender.block_action("home_import_data", "import", user=COORDINATOR)
    wait_for(lambda: any("CSV" in r["body"].get("text", "") for r in slack.responses)
             or any("CSV" in c.params.get("text", "") for c in slack.calls_to("chat.postMessage")
                    if c.params.get("channel") == COORDINATOR))
