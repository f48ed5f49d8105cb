"""Planned sessions move: rescheduled (a weekend or a Dutch holiday warns, the past is refused,
every due item moves, everyone is told), cancelled (everyone is told, the preparation stays for a
new date), started now with a short preparation window, and 'remind now' outside working hours
only after the coordinator confirms."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from sqlalchemy import select

from storage.models import Answer, ConversationSession, DueItem
from tests.e2e.conftest import CHANNEL, COORDINATOR
from tests.e2e.rounds_support import (
    AMS,
    Clock,
    dms,
    make_round,
    open_modal,
    option,
    overview,
    prepare,
    reply_after,
    root_button,
    root_of,
    run_due,
    shown_button,
    submit,
    text_of,
    ticked,
    wait_for_dm,
)

OUTCOMES = [("Ouderen doen mee", ["USW1"], ["UBM1"]), ("Jongeren gezond", ["USW2"], ["UBM2"])]


def _due(bot, session_id: int) -> dict[str, tuple[datetime, str]]:
    with bot.db.reader() as s:
        rows = s.scalars(select(DueItem).where(DueItem.session_id == session_id))
        return {row.kind: (row.due_at, row.status) for row in rows}


def _reschedule(sender, slack, bot, session_id: int, on: str, at: str = "14:00", confirm: bool = False):
    view = open_modal(sender, slack, root_button(slack, bot, session_id, "session_reschedule"), COORDINATOR, CHANNEL)
    values = {"date": {"value": {"type": "datepicker", "selected_date": on}},
              "time": {"value": {"type": "timepicker", "selected_time": at}}}
    if confirm:
        values["confirm"] = ticked()
    return submit(sender, view, values, COORDINATOR)


def test_reschedule_warns_for_weekends_and_holidays_refuses_the_past_and_moves_everything(bot, slack, sender):
    clock = Clock(datetime(2027, 3, 1, 10, 0, tzinfo=AMS))
    bot.runtime.deps.clock = clock
    ouderen = make_round(bot, sender, slack, OUTCOMES, on="2027-03-10", at="14:00")["Ouderen doen mee"]

    assert "verleden" in json.loads(_reschedule(sender, slack, bot, ouderen, "2027-02-26").body)["errors"]["date"]
    weekend = json.loads(_reschedule(sender, slack, bot, ouderen, "2027-03-13").body)["errors"]["confirm"]
    assert "weekend" in weekend
    holiday = json.loads(_reschedule(sender, slack, bot, ouderen, "2027-04-27").body)["errors"]["confirm"]
    assert "feestdag" in holiday and "Koning" in holiday  # Koningsdag
    with bot.db.reader() as s:
        assert s.get(ConversationSession, ouderen).scheduled_at == datetime(2027, 3, 10, 14, 0, tzinfo=AMS)

    assert not _reschedule(sender, slack, bot, ouderen, "2027-03-18", "10:30").body.strip()
    with bot.db.reader() as s:
        assert s.get(ConversationSession, ouderen).scheduled_at == datetime(2027, 3, 18, 10, 30, tzinfo=AMS)
    due = _due(bot, ouderen)
    assert due["session_open"] == (datetime(2027, 3, 18, 10, 30, tzinfo=AMS), "pending")
    assert due["prep_summary"] == (datetime(2027, 3, 17, 10, 30, tzinfo=AMS), "pending")
    for user in ("USW1", "UBM1"):
        assert "is verzet naar" in text_of(wait_for_dm(bot, slack, user, "verzet naar")[-1])
    assert "18 maart 2027, 10:30" in text_of(root_of(slack, ouderen, bot))
    # a Saturday when the coordinator confirms it
    assert not _reschedule(sender, slack, bot, ouderen, "2027-03-20", confirm=True).body.strip()
    run_due(bot, clock, datetime(2027, 3, 18, 10, 30, tzinfo=AMS))
    with bot.db.reader() as s:
        assert s.get(ConversationSession, ouderen).status == "scheduled"  # not at the old moment
    run_due(bot, clock, datetime(2027, 3, 20, 14, 0, tzinfo=AMS))
    with bot.db.reader() as s:
        assert s.get(ConversationSession, ouderen).status == "running"


def test_cancel_tells_everyone_keeps_the_preparation_and_a_new_date_brings_it_back(bot, slack, sender):
    clock = Clock(datetime(2027, 3, 1, 10, 0, tzinfo=AMS))
    bot.runtime.deps.clock = clock
    sessions = make_round(bot, sender, slack, OUTCOMES, on="2027-03-10", at="14:00")
    jongeren = sessions["Jongeren gezond"]
    run_due(bot, clock, datetime(2027, 3, 3, 14, 0, tzinfo=AMS))
    prepare(sender, slack, shown_button(dms(slack, "USW2"), "prep_open", value=str(jongeren)), "USW2", "Sanne")

    view = open_modal(sender, slack, root_button(slack, bot, jongeren, "session_cancel"), COORDINATOR, CHANNEL)
    reason = {"reason": {"value": {"type": "plain_text_input", "value": "De wethouder kan niet <b>"}}}
    assert not submit(sender, view, reason, COORDINATOR).body.strip()
    told = text_of(wait_for_dm(bot, slack, "UBM2", "gaat niet door")[-1])
    assert "voorbereiding blijft bewaard" in told and "&lt;b&gt;" in told
    assert {status for _at, status in _due(bot, jongeren).values()} == {"cancelled"}
    assert "Geannuleerd (voorbereiding bewaard)" in overview(sender)
    assert "session_reschedule" in text_of(root_of(slack, jongeren, bot))
    run_due(bot, clock, datetime(2027, 3, 10, 14, 0, tzinfo=AMS))
    with bot.db.reader() as s:
        assert s.get(ConversationSession, jongeren).status == "scheduled"  # it did not open
        assert s.scalar(select(Answer.id).where(Answer.session_id == jongeren)) is not None  # prep kept

    assert not _reschedule(sender, slack, bot, jongeren, "2027-03-24").body.strip()
    assert _due(bot, jongeren)["session_open"] == (datetime(2027, 3, 24, 14, 0, tzinfo=AMS), "pending")
    shown = overview(sender)  # a date token: each reader sees their own zone; the fallback in words
    assert "Gepland: <!date^" in shown and "|24 maart 2027, 14:00>" in shown

    # UBM2's calendar followed along: invited, cancelled, invited again; one UID, SEQUENCE 0, 1, 2
    bot.drain()
    invites = [u["content"].decode("utf-8") for u in slack.uploads
               if u["filename"].endswith(".ics") and u["channel_id"] == "DUBM2"]
    assert [("METHOD:CANCEL" in ics, f"SEQUENCE:{n}" in ics) for n, ics in enumerate(invites)] == [
        (False, True), (True, True), (False, True)]
    assert len({line for ics in invites for line in ics.splitlines() if line.startswith("UID:")}) == 1
    assert "DTSTART:20270324T130000Z" in invites[-1]


def test_start_now_gives_a_short_preparation_window_first(bot, slack, sender):
    clock = Clock(datetime(2027, 3, 1, 10, 0, tzinfo=AMS))
    bot.runtime.deps.clock = clock
    ouderen = make_round(bot, sender, slack, OUTCOMES, on="2027-03-10", at="14:00")["Ouderen doen mee"]
    view = open_modal(sender, slack, root_button(slack, bot, ouderen, "session_start_now"), COORDINATOR, CHANNEL)
    assert not submit(sender, view, {"window": option("15"), "pace": option("async")}, COORDINATOR).body.strip()
    soon = wait_for_dm(bot, slack, "USW1", "begint over 15 minuten")[-1]
    prepare(sender, slack, shown_button([soon], "prep_open"), "USW1", "Snel nog even")
    run_due(bot, clock, clock.now + timedelta(minutes=14, seconds=30))
    summary = text_of([m for m in slack.messages(CHANNEL) if "Voorbereiding voor het gesprek" in m["text"]][-1])
    assert "Snel nog even" in summary
    with bot.db.reader() as s:
        assert s.get(ConversationSession, ouderen).status == "scheduled"
    run_due(bot, clock, clock.now + timedelta(minutes=1))
    with bot.db.reader() as s:
        assert s.get(ConversationSession, ouderen).status == "running"
    assert "Fase 1 van 8" in overview(sender)


def test_remind_now_outside_working_hours_asks_first(bot, slack, sender):
    clock = Clock(datetime(2027, 3, 1, 10, 0, tzinfo=AMS))
    bot.runtime.deps.clock = clock
    ouderen = make_round(bot, sender, slack, OUTCOMES, on="2027-03-10", at="14:00")["Ouderen doen mee"]
    clock.to(datetime(2027, 3, 1, 20, 30, tzinfo=AMS))
    before = len(slack.responses)
    remind = root_button(slack, bot, ouderen, "session_remind_missing")
    sender.block_action(remind["action_id"], remind["value"], user=COORDINATOR, channel=CHANNEL)
    asked = reply_after(slack, before)
    assert "buiten werktijd" in text_of(asked)
    assert not [m for m in dms(slack, "USW1") if "vriendelijke herinnering" in m["text"]]
    anyway = shown_button([asked], "session_remind_missing")
    before = len(slack.responses)
    sender.block_action(anyway["action_id"], anyway["value"], user=COORDINATOR, channel=CHANNEL)
    assert "verstuurd aan 2" in text_of(reply_after(slack, before))
    for user in ("USW1", "UBM1"):
        assert wait_for_dm(bot, slack, user, "vriendelijke herinnering")
    assert not [m for m in dms(slack, "USW2") if "vriendelijke herinnering" in m["text"]]  # another conversation
