"""One test per authorisation rule, with real signed requests; anonymity end to end."""

from __future__ import annotations

import json
import logging

from sqlalchemy import func, select

from bot.report import build_report, render_html, render_markdown
from storage.models import Answer, ConversationSession
from tests.e2e.conftest import CHANNEL, COORDINATOR, OUTSIDER, POLICY, SOCIAL, wait_for


def answers_count(bot) -> int:
    with bot.db.reader() as s:
        return s.scalar(select(func.count()).select_from(Answer))


def test_only_coordinators_start_sessions(conversation, bot, slack, sender):
    reply = sender.command("start", user="USW1", channel=CHANNEL)
    assert reply.status == 200 and "coördinator" in reply.json["text"]
    assert not slack.calls_to("views.open")
    forged = sender.view_submission("start_session", {
        "flow": {"value": {"type": "static_select", "selected_option": {"value": "duiding"}}},
        "outcome_new": {"value": {"type": "plain_text_input", "value": "Niet van mij"}},
        "channel": {"value": {"type": "conversations_select", "selected_conversation": CHANNEL}},
        "participants_sw": {"value": {"type": "multi_users_select", "selected_users": ["USW1"]}},
    }, user="USW1")
    assert "coördinator" in json.dumps(forged.json["errors"], ensure_ascii=False)
    with bot.db.reader() as s:
        assert s.scalar(select(func.count()).select_from(ConversationSession)) == 0


def test_only_participants_answer(conversation, bot, slack, sender):
    session_id = conversation.start("duiding", "Minder eenzame ouderen")
    n = len(slack.responses)
    sender.block_action("answer_open", f"{session_id}:opening", user=OUTSIDER, channel=CHANNEL)
    wait_for(lambda: len(slack.responses) > n)
    assert "doet niet mee" in slack.responses[-1]["body"]["text"]
    forged = sender.view_submission("answer_stage", {"q:opening_opvalt": {"value": {
        "type": "plain_text_input", "value": "ik ben er niet bij"}}}, user=OUTSIDER,
        private_metadata=json.dumps({"session": session_id, "stage": "opening"}))
    assert forged.status == 200 and "errors" in forged.body
    assert answers_count(bot) == 0


def test_a_person_sees_and_edits_only_their_own_answer(conversation, bot, slack, sender):
    flow = bot.runtime.deps.flows.get("duiding")
    session_id = conversation.start("duiding", "Minder eenzame ouderen")
    first_q = flow.stage("opening").questions[0].id
    conversation.answer(session_id, "opening", "USW1", {first_q: "alleen-van-USW1"})
    # USW2's modal is empty; USW1's own modal holds their answer, and they can change it
    view_other = conversation.modal_for(session_id, "opening", "USW2")
    assert "alleen-van-USW1" not in json.dumps(view_other)
    view_own = conversation.modal_for(session_id, "opening", "USW1")
    assert "alleen-van-USW1" in json.dumps(view_own)
    conversation.answer(session_id, "opening", "USW1", {first_q: "bijgewerkt-door-USW1"})
    with bot.db.reader() as s:
        values = s.scalars(select(Answer.value)).all()
    assert values == ["bijgewerkt-door-USW1"]
    # once the stage closes, editing is refused politely and nothing changes
    conversation.click("stage_advance", session_id, "opening")
    wait_for(lambda: conversation.stage_of(session_id) != "opening")
    late = sender.view_submission("answer_stage", {f"q:{first_q}": {"value": {
        "type": "plain_text_input", "value": "te laat"}}}, user="USW1",
        private_metadata=json.dumps({"session": session_id, "stage": "opening"}))
    assert "errors" in late.body
    with bot.db.reader() as s:
        assert s.scalars(select(Answer.value)).all() == ["bijgewerkt-door-USW1"]


def test_status_shows_names_only_to_those_who_may_see_them(conversation, bot, slack, sender):
    conversation.start("duiding", "Zichtbaar resultaat")
    conversation.start("duiding", "Anoniem resultaat", visibility="anonymous")
    participant_view = sender.command_reply("status", user="USW1")["text"]
    assert "Zichtbaar resultaat" in participant_view and "<@USW2>" in participant_view
    anonymous_line = participant_view[participant_view.index("Anoniem resultaat"):]
    assert "<@" not in anonymous_line and "4" in anonymous_line
    outsider_view = sender.command_reply("status", user=OUTSIDER)["text"]
    assert "Zichtbaar resultaat" not in outsider_view and "Anoniem resultaat" not in outsider_view


def test_anonymous_author_appears_nowhere(conversation, bot, slack, sender, caplog):
    caplog.set_level(logging.INFO)
    flow = bot.runtime.deps.flows.get("duiding")
    session_id = conversation.start("duiding", "Anoniem resultaat", visibility="anonymous")
    secret = {q.id: f"anoniem-geheim-{q.id}" for q in flow.stage("opening").questions}
    conversation.answer(session_id, "opening", "USW2", secret)
    for number, user in enumerate(("USW1",) + POLICY):
        conversation.answer(session_id, "opening", user, {q.id: f"ander-antwoord-{number}" for q in
                                                          flow.stage("opening").questions})
    conversation.click("stage_advance", session_id, "opening")
    wait_for(lambda: conversation.stage_of(session_id) != "opening")
    conversation.click("session_close", session_id, "herkennen")
    wait_for(lambda: conversation.status_of(session_id) == "closed")
    bot.drain()
    channel = json.dumps(slack.messages(CHANNEL), ensure_ascii=False)
    assert "anoniem-geheim-" in channel  # the answer is revealed...
    for user in SOCIAL + POLICY:
        assert user not in channel  # ...but nobody's id is anywhere in the channel
    # every call to Slack except the author's own private copy
    for call in slack.calls:
        text = json.dumps(call.params, ensure_ascii=False)
        if "anoniem-geheim-" in text:
            assert call.params.get("channel") in (CHANNEL, "USW2"), call.method
            if call.params.get("channel") == CHANNEL:
                assert "USW2" not in text
    report = build_report(bot.db, bot.runtime.deps.flows, session_id)
    for exported in (render_html(report), render_markdown(report)):
        assert "anoniem-geheim-" in exported
        for user in SOCIAL + POLICY:
            assert user not in exported
    logs = caplog.text
    assert "anoniem-geheim-" not in logs and "USW2" not in logs
    assert COORDINATOR  # the coordinator still steers; they just never see who wrote what


def test_outcome_focus_nudge_is_private(conversation, bot, slack, sender):
    """An answer about activities only gets a private nudge back to what it brought residents."""
    flow = bot.runtime.deps.flows.get("duiding")
    session_id = conversation.start("duiding", "Minder eenzame ouderen")
    conversation.click("stage_advance", session_id, "opening")
    wait_for(lambda: conversation.stage_of(session_id) == "herkennen")
    stage = flow.stage("herkennen")
    focus = next(q for q in stage.questions if q.outcome_focus)
    activity_only = "We hebben dit jaar veertig activiteiten georganiseerd met gemiddeld twaalf deelnemers per keer."
    conversation.answer(session_id, "herkennen", "USW1", {q.id: activity_only if q.id == focus.id else "ja"
                                                         for q in stage.questions})
    conversation.answer(session_id, "herkennen", "USW2", {q.id: "Bewoners voelen zich minder eenzaam en kennen "
                                                                 "hun buren weer." for q in stage.questions})
    bot.drain()
    nudge = "vooral over de activiteiten zelf"
    assert nudge in json.dumps(slack.messages("DUSW1"), ensure_ascii=False)
    assert nudge not in json.dumps(slack.messages("DUSW2"), ensure_ascii=False)
    assert nudge not in json.dumps(slack.messages(CHANNEL), ensure_ascii=False)
