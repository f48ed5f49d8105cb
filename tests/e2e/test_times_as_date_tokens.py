"""Times in Slack messages are date tokens, so each reader sees them in their own time zone.

Before: a stage deadline was printed with strftime on the stored UTC value ("Deadline:
10-03-2027 13:30" for a 14:30 deadline in Amsterdam, and the wrong hour for everyone abroad).
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime

from sqlalchemy import select

from storage.models import SessionStage, Workspace
from tests.e2e.conftest import CHANNEL, wait_for
from tests.harness import TEAM

TOKEN = re.compile(r"<!date\^(\d+)\^\{date_long_pretty\} \{time\}\|([^>|]+)>")


def _deadline(bot, session_id: int, stage_id: str) -> datetime:
    with bot.db.reader() as s:
        return s.scalar(select(SessionStage.deadline).where(SessionStage.session_id == session_id,
                                                            SessionStage.stage_id == stage_id))


def test_an_extended_stage_deadline_is_a_date_token_with_the_real_instant(conversation, bot, slack):
    session_id = conversation.start("duiding", "Minder eenzame ouderen in Oosterwolde")
    stage_id = conversation.stage_of(session_id)
    updates = len(slack.calls_to("chat.update"))
    conversation.click("stage_extend", session_id, stage_id)
    wait_for(lambda: bot.drain() or len(slack.calls_to("chat.update")) > updates)
    shown = json.dumps(slack.calls_to("chat.update")[-1].params["blocks"], ensure_ascii=False)
    tokens = TOKEN.findall(shown)
    assert len(tokens) == 1, shown
    unix, fallback = tokens[0]
    deadline = _deadline(bot, session_id, stage_id)
    assert int(unix) == int(deadline.timestamp())
    # The fallback is Dutch (the session's language) and has the month in words, no dd-mm-yyyy.
    assert re.fullmatch(r"\d{1,2} [a-z]+ 20\d\d, \d\d:\d\d", fallback), fallback
    assert not re.search(r"\d\d-\d\d-20\d\d", shown)
    assert slack.messages(CHANNEL)  # the stage message itself was posted in the channel


def _tokens(payload) -> list[tuple[str, str]]:
    return TOKEN.findall(json.dumps(payload, ensure_ascii=False))


def test_a_planned_session_shows_its_time_as_a_token_with_each_persons_zone_as_fallback(conversation, bot, slack):
    """The root in the channel falls back to the workspace's zone; a prep invite to someone on
    Curaçao falls back to hers (08:00 there is 14:00 in Amsterdam). Slack itself shows each reader
    the time in their own zone, so both carry the same instant."""
    from tests.e2e.test_cycle import AMS, CUR, Clock, dms_to, run_due, start_planned

    slack.add_user("USW2", name="Sanne", tz="America/Curacao", team=TEAM)
    clock = Clock(datetime(2027, 3, 17, 10, 0, tzinfo=AMS).astimezone(UTC))
    bot.runtime.deps.clock = clock
    with bot.db.unit_of_work() as s:
        s.add(Workspace(team_id=TEAM, language="nl", coordinator_ids=[], settings={}))
    start_planned(conversation, slack, on="2027-04-06", at="14:00")
    planned = int(datetime(2027, 4, 6, 14, 0, tzinfo=AMS).timestamp())
    root = slack.messages(CHANNEL)[-1]
    assert (str(planned), "6 april 2027, 14:00") in _tokens(root["blocks"]), root
    assert "<!date^" not in json.dumps(root["blocks"][0], ensure_ascii=False)  # the header is plain_text

    run_due(bot, clock, datetime(2027, 3, 30, 9, 0, tzinfo=CUR))  # the prep round, at 09:00 on Curaçao
    invite = dms_to(slack, "USW2")[0].params
    assert (str(planned), "6 april 2027, 08:00") in _tokens(invite["blocks"]), invite


def test_a_snooze_is_confirmed_with_a_token_and_an_absence_with_a_date_in_words(conversation, bot, slack):
    session_id = conversation.start("duiding", "Minder eenzame ouderen")
    before = len(slack.responses)
    conversation.sender.block_action("remind_snooze", str(session_id), user="USW1")
    wait_for(lambda: len(slack.responses) > before)
    reply = slack.responses[-1]["body"]
    tokens = _tokens(reply)
    assert len(tokens) == 1 and re.fullmatch(r"\d{1,2} [a-z]+ 20\d\d, \d\d:\d\d", tokens[0][1]), reply

    before = len(slack.calls_to("views.open"))
    conversation.sender.block_action("remind_absent", str(session_id), user="UBM1")
    wait_for(lambda: len(slack.calls_to("views.open")) > before)
    view = slack.calls_to("views.open")[-1].params["view"]
    conversation.sender.view_submission(
        "absent_until", {"until": {"value": {"type": "datepicker", "selected_date": "2027-03-05"}}},
        user="UBM1", private_metadata=view["private_metadata"])
    wait_for(lambda: bot.drain() or any("5 maart 2027" in c.params.get("text", "")
                                        for c in slack.calls_to("chat.postMessage") if c.params["channel"] == "UBM1"))
