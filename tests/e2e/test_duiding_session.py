"""A full `duiding` conversation driven only through signed HTTP requests to /slack/events.

Asserts on what was stored and on what the fake Slack server received: nothing revealed
before a stage closes, the reveal grouped by role, the summary complete, actions stored.
"""

from __future__ import annotations

import json

from sqlalchemy import select

from bot.services.common.store import load
from storage.models import Action, Answer, ConversationSession, Participant, Person, SessionStage
from tests.e2e.conftest import CHANNEL, COORDINATOR, OUTSIDER, POLICY, SOCIAL, wait_for
from tests.harness import TEAM

PARTICIPANTS = SOCIAL + POLICY


def values_for(flow, stage_id: str, user: str) -> dict[str, str]:
    """A recognisable answer per question and person, so tests can find each one back."""
    values = {}
    for q in flow.stage(stage_id).questions:
        if q.kind == "text":
            values[q.id] = f"antwoord-{user}-{q.id}"
        elif q.kind == "scale":
            values[q.id] = str(q.scale_max)
        else:
            values[q.id] = q.options[0].id
    return values


def current_stage(bot, session_id: int) -> str | None:
    with bot.db.reader() as s:
        return s.get(ConversationSession, session_id).current_stage_id


def stage_status(bot, session_id: int, stage_id: str) -> str:
    with bot.db.reader() as s:
        row = s.scalar(select(SessionStage).where(SessionStage.session_id == session_id,
                                                  SessionStage.stage_id == stage_id))
        return row.status if row is not None else "pending"


def session_status(bot, session_id: int) -> str:
    with bot.db.reader() as s:
        return s.get(ConversationSession, session_id).status


def stored_answers(bot, session_id: int) -> dict[tuple[str, str, str], str]:
    with bot.db.reader() as s:
        rows = s.execute(select(Answer, Person).join(Participant, Participant.id == Answer.participant_id)
                         .join(Person, Person.id == Participant.person_id)
                         .where(Answer.session_id == session_id)).all()
        return {(a.stage_id, a.question_id, p.slack_user_id): a.value for a, p in rows}


def advance(conversation, session_id: int, stage_id: str) -> None:
    conversation.click("stage_advance", session_id, stage_id)
    wait_for(lambda: current_stage(conversation.bot, session_id) != stage_id)
    conversation.bot.drain()


def test_full_duiding_session(conversation, bot, slack):
    flow = bot.runtime.deps.flows.get("duiding")
    session_id = conversation.start("duiding", "Minder eenzame ouderen in Oosterwolde")
    root = slack.messages(CHANNEL)[0]
    assert "Minder eenzame ouderen" in json.dumps(root, ensure_ascii=False)

    for stage in flow.stages:
        assert current_stage(bot, session_id) == stage.id
        if stage.kind == "questions":
            answerers = [COORDINATOR] if stage.roles == frozenset({"coordinator"}) else PARTICIPANTS
            for user in answerers:
                conversation.answer(session_id, stage.id, user, values_for(flow, stage.id, user))
                bot.drain()
                if stage_status(bot, session_id, stage.id) == "open":  # still open: nothing revealed yet
                    visible = conversation.thread_texts()
                    for value in values_for(flow, stage.id, user).values():
                        if value.startswith("antwoord-"):
                            assert value not in visible, f"{value} shown before {stage.id} closed"
            # each participant got a private copy of their own answers, and only their own
            for user in answerers:
                dm = json.dumps(slack.messages("D" + user), ensure_ascii=False)
                mine = [v for v in values_for(flow, stage.id, user).values() if v.startswith("antwoord-")]
                assert all(v in dm for v in mine)
                others = [u for u in answerers if u != user]
                assert not any(f"antwoord-{o}-" in dm for o in others)
        elif stage.kind == "actions":
            before = len(slack.calls_to("views.open"))
            conversation.click("action_add", session_id, stage.id, user="USW1")
            wait_for(lambda b=before: len(slack.calls_to("views.open")) > b)
            view = conversation.last_view()
            assert view["callback_id"] == "add_action"
            response = conversation.sender.view_submission("add_action", {
                "what": {"value": {"type": "plain_text_input", "value": "Huisbezoeken bij 75-plussers"}},
                "party": {"value": {"type": "static_select", "selected_option": {"value": "aanbieder"}}},
                "owner": {"value": {"type": "users_select", "selected_user": "USW1"}},
                "due": {"value": {"type": "datepicker", "selected_date": "2027-03-01"}},
            }, user="USW1", private_metadata=view["private_metadata"])
            assert response.status == 200 and not response.body.strip(), response.body
        if stage.id == flow.stage_ids[-1]:
            break
        if current_stage(bot, session_id) == stage.id:  # not closed by itself (all answered)
            advance(conversation, session_id, stage.id)
        else:
            bot.drain()
        if stage.kind == "questions" and stage.id != "afsluiting":
            visible = conversation.thread_texts()
            for user in PARTICIPANTS:
                for value in values_for(flow, stage.id, user).values():
                    if value.startswith("antwoord-"):
                        assert value in visible, f"{value} not revealed after {stage.id} closed"
            # grouped by role: the municipality's view first, then the provider's
            title = stage.title.get("nl")
            reveal = next(m for m in reversed(slack.messages(CHANNEL)) if m.get("text", "").startswith("Antwoorden uit")
                          and title in m["text"])
            text = json.dumps(reveal, ensure_ascii=False)
            assert text.index("Beleidsmedewerker") < text.index("Sociaal werker")

    conversation.click("session_close", session_id, flow.stage_ids[-1])
    wait_for(lambda: session_status(bot, session_id) == "closed")
    bot.drain()

    answers = stored_answers(bot, session_id)
    expected = {(st.id, q, u): v for st in flow.stages if st.kind == "questions"
                for u in ([COORDINATOR] if st.roles == frozenset({"coordinator"}) else PARTICIPANTS)
                for q, v in values_for(flow, st.id, u).items()}
    assert answers == expected

    summary = next(m for m in reversed(slack.messages(CHANNEL)) if "Samenvatting" in json.dumps(m, ensure_ascii=False))
    text = json.dumps([m for m in slack.messages(CHANNEL) if m.get("ts") >= summary["ts"]], ensure_ascii=False)
    for (stage_id, _q, user), value in expected.items():
        if value.startswith("antwoord-") and stage_id != "afsluiting":
            assert value in text
            assert f"<@{user}>" in text
    assert "Huisbezoeken bij 75-plussers" in text
    assert "antwoord-UCOORD" in text  # the conclusion
    with bot.db.reader() as s:
        action = s.scalars(select(Action).where(Action.session_id == session_id)).one()
        assert (action.owner_party, str(action.due_date)) == ("aanbieder", "2027-03-01")


def test_anonymous_summary_shows_no_names(conversation, bot, slack):
    flow = bot.runtime.deps.flows.get("duiding")
    session_id = conversation.start("duiding", "Jongeren doen mee", visibility="anonymous")
    for user in PARTICIPANTS:
        conversation.answer(session_id, "opening", user, values_for(flow, "opening", user))
    advance(conversation, session_id, "opening")
    reveal = json.dumps(slack.messages(CHANNEL)[-2:], ensure_ascii=False)
    for user in PARTICIPANTS:
        assert f"antwoord-{user}-" in reveal
        assert f"<@{user}>" not in reveal
    conversation.click("session_close", session_id, "herkennen")
    wait_for(lambda: session_status(bot, session_id) == "closed")
    bot.drain()
    everything = conversation.thread_texts()
    after_start = everything[everything.index("opening") if "opening" in everything else 0:]
    for user in PARTICIPANTS:
        assert f"<@{user}>" not in json.dumps(slack.messages(CHANNEL)[1:], ensure_ascii=False)
    assert after_start


def test_two_sessions_in_one_channel_do_not_mix(conversation, bot, slack):
    flow = bot.runtime.deps.flows.get("duiding")
    first = conversation.start("duiding", "Minder eenzame ouderen", social=("USW1",), policy=("UBM1",))
    second = conversation.start("duiding", "Meer jongeren aan het werk", social=("USW2",), policy=("UBM2",))
    assert first != second
    conversation.answer(first, "opening", "USW1", {q: "eerste-gesprek" for q in values_for(flow, "opening", "x")})
    conversation.answer(second, "opening", "USW2", {q: "tweede-gesprek" for q in values_for(flow, "opening", "x")})
    # USW1 is not in the second session: refused politely, nothing stored
    before = len(slack.calls_to("views.open"))
    conversation.click("answer_open", second, "opening", user="USW1")
    wait_for(lambda: len(slack.responses) > 0)
    assert len(slack.calls_to("views.open")) == before
    with bot.db.reader() as s:
        first_state = load(s, bot.runtime.deps.flows, first, TEAM).state
        second_state = load(s, bot.runtime.deps.flows, second, TEAM).state
    assert {v for v in first_state.answers.values() if "gesprek" in v} == {"eerste-gesprek"}
    assert {v for v in second_state.answers.values() if "gesprek" in v} == {"tweede-gesprek"}
    # each session's thread only ever shows its own answers
    advance(conversation, first, "opening")
    threads = {}
    for message in slack.messages(CHANNEL):
        threads.setdefault(message.get("thread_ts") or message["ts"], []).append(message)
    assert len([k for k, v in threads.items() if v]) == 2
    for msgs in threads.values():
        text = json.dumps(msgs, ensure_ascii=False)
        assert not ("eerste-gesprek" in text and "tweede-gesprek" in text)


def test_non_coordinator_control_is_refused_and_changes_nothing(conversation, bot, slack):
    session_id = conversation.start("duiding", "Minder eenzame ouderen")
    for action_id in ("stage_advance", "stage_skip", "session_close", "stage_extend"):
        before = len(slack.responses)
        conversation.click(action_id, session_id, "opening", user="USW1")
        wait_for(lambda b=before: len(slack.responses) > b)
        reply = slack.responses[-1]["body"]
        assert reply.get("response_type") == "ephemeral"
        assert "coördinator" in reply["text"]
    conversation.click("stage_advance", session_id, "opening", user=OUTSIDER)
    wait_for(lambda: "coördinator" in slack.responses[-1]["body"].get("text", ""))
    assert current_stage(bot, session_id) == "opening"
    assert session_status(bot, session_id) == "running"


def test_report_button_after_closing_posts_the_report_in_the_thread(conversation, bot, slack):
    session_id = conversation.start("duiding", "Minder eenzame ouderen")
    conversation.answer(session_id, "opening", "USW1", values_for(bot.runtime.deps.flows.get("duiding"),
                                                                  "opening", "USW1"))
    conversation.click("session_close", session_id, "opening")
    wait_for(lambda: session_status(bot, session_id) == "closed")
    bot.drain()
    summary = next(m for m in reversed(slack.messages(CHANNEL)) if "Samenvatting" in json.dumps(m, ensure_ascii=False))
    button = next(e for b in summary["blocks"] if b["type"] == "actions" for e in b["elements"]
                  if e["action_id"] == "report_make")
    conversation.sender.block_action("report_make", button["value"], user="USW1", channel=CHANNEL)

    def report_message():
        bot.drain()
        return next((m for m in slack.messages(CHANNEL)
                     if any(b.get("block_id") == "report_files" for b in m.get("blocks", []))), None)

    message = wait_for(report_message)
    assert message["thread_ts"] == summary["thread_ts"]
    shown = json.dumps(message["blocks"], ensure_ascii=False)
    assert "Conclusie" in shown and "BOT_PUBLIC_URL" in shown  # no public address here: no link, says why
    # the PDF and the spreadsheet buttons are there; the PDF arrives in the thread
    buttons = {e["action_id"] for b in message["blocks"] if b["type"] == "actions" for e in b["elements"]}
    assert buttons == {"report_pdf", "report_xlsx"}
    conversation.sender.block_action("report_pdf", button["value"], user="USW1", channel=CHANNEL)
    upload = wait_for(lambda: bot.drain() or slack.uploads, timeout=60)[-1]
    assert upload["filename"] == f"verslag-{session_id}.pdf" and upload["content"].startswith(b"%PDF")
    # someone outside the session gets a polite no and no file
    before = len(slack.uploads)
    n = len(slack.responses)
    conversation.sender.block_action("report_pdf", button["value"], user=OUTSIDER, channel=CHANNEL)
    wait_for(lambda: len(slack.responses) > n)
    bot.drain()
    assert len(slack.uploads) == before
