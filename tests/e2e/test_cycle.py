"""A whole cycle on a controllable clock: planning, prep DMs in each person's own time zone
across a DST change, nudges only in working hours and never on a holiday, the cap and the
coordinator overview, the prep summary, the opening, and the next session of the series
with the open action carried over."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.services.due_work import process_due as process_due_items
from storage.models import Action, ConversationSession, Workspace
from tests.e2e.conftest import CHANNEL, COORDINATOR, wait_for
from tests.harness import TEAM

AMS = ZoneInfo("Europe/Amsterdam")
CUR = ZoneInfo("America/Curacao")


class Clock:
    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def to(self, moment: datetime) -> None:
        assert moment >= self.now
        self.now = moment.astimezone(UTC)


def dms_to(slack, user: str) -> list:
    return [c for c in slack.calls_to("chat.postMessage") if c.params.get("channel") == user]


def run_due(bot, clock: Clock, moment: datetime) -> None:
    clock.to(moment)
    process_due_items(bot.runtime.deps)
    bot.drain()


def assert_next_cycle_note(slack, planned: datetime, fallback: str, carried: str) -> None:
    """The old thread hears when the next session is (a date token) and how many actions carry over."""
    notes = [c.params["text"] for c in slack.calls_to("chat.postMessage") if "volgende gesprek" in c.params.get("text", "")]
    assert len(notes) == 1 and carried in notes[0], notes
    assert f"<!date^{int(planned.timestamp())}^{{date_long_pretty}} {{time}}|{fallback}>" in notes[0], notes


def start_planned(conversation, slack, *, on: str, at: str, repeat: str = "kwartaal") -> int:
    before = len(slack.calls_to("views.open"))
    conversation.sender.command("start", user=COORDINATOR, channel=CHANNEL)
    wait_for(lambda: len(slack.calls_to("views.open")) > before)
    values = {
        "flow": {"value": {"type": "static_select", "selected_option": {"value": "duiding"}}},
        "outcome_new": {"value": {"type": "plain_text_input", "value": "Minder eenzame ouderen"}},
        "channel": {"value": {"type": "conversations_select", "selected_conversation": CHANNEL}},
        "participants_sw": {"value": {"type": "multi_users_select", "selected_users": ["USW1", "USW2"]}},
        "participants_bm": {"value": {"type": "multi_users_select", "selected_users": ["UBM1", "UBM2"]}},
        "date": {"value": {"type": "datepicker", "selected_date": on}},
        "time": {"value": {"type": "timepicker", "selected_time": at}},
        "repeat": {"value": {"type": "static_select", "selected_option": {"value": repeat}}},
    }
    response = conversation.sender.view_submission("start_session", values, user=COORDINATOR)
    assert response.status == 200 and not response.body.strip(), response.body
    conversation.bot.drain()
    with conversation.bot.db.reader() as s:
        return s.scalar(select(ConversationSession.id).order_by(ConversationSession.id.desc()))


def prepare(conversation, slack, session_id: int, user: str, text: str) -> None:
    before = len(slack.calls_to("views.open"))
    conversation.sender.block_action("prep_open", str(session_id), user=user)
    wait_for(lambda: len(slack.calls_to("views.open")) > before)
    view = slack.calls_to("views.open")[-1].params["view"]
    assert view["callback_id"] == "prep_answer"
    state = {b["block_id"]: {"value": {"type": "plain_text_input", "value": f"{text} ({b['block_id']})"}}
             for b in view["blocks"] if b.get("type") == "input"}
    response = conversation.sender.view_submission("prep_answer", state, user=user,
                                                   private_metadata=view["private_metadata"])
    assert response.status == 200 and not response.body.strip(), response.body


def test_whole_cycle_on_a_controlled_clock(conversation, bot, slack):
    slack.add_user("USW2", name="Sanne", tz="America/Curacao", team=TEAM)
    slack.add_user("UBM1", name="Bas", tz="Europe/London", team=TEAM)
    clock = Clock(datetime(2027, 3, 17, 10, 0, tzinfo=AMS).astimezone(UTC))
    bot.runtime.deps.clock = clock
    with bot.db.unit_of_work() as s:
        s.add(Workspace(team_id=TEAM, language="nl", coordinator_ids=[],
                        settings={"max_nudges": 2, "nudge_every_hours": 24}))

    # planned for the first Tuesday of April, after the switch to summer time (28 March)
    session_id = start_planned(conversation, slack, on="2027-04-06", at="14:00")
    with bot.db.reader() as s:
        session = s.get(ConversationSession, session_id)
        assert session.status == "scheduled" and session.series_id is not None
        assert session.scheduled_at == datetime(2027, 4, 6, 14, 0, tzinfo=AMS)
    assert "gepland" in json.dumps(slack.messages(CHANNEL)[-1], ensure_ascii=False)

    # nothing before the prep round (7 days ahead: Tuesday 30 March 14:00 CEST = 12:00 UTC)
    run_due(bot, clock, datetime(2027, 3, 30, 13, 59, tzinfo=AMS))
    assert not dms_to(slack, "USW1")
    run_due(bot, clock, datetime(2027, 3, 30, 14, 0, tzinfo=AMS))
    for user in ("USW1", "UBM1", "UBM2", COORDINATOR):
        assert len(dms_to(slack, user)) == 1, user
    # 08:00 on Curaçao: too early there; her DM waits until 09:00 her time
    assert not dms_to(slack, "USW2")
    run_due(bot, clock, datetime(2027, 3, 30, 9, 0, tzinfo=CUR))
    assert len(dms_to(slack, "USW2")) == 1
    prep_dm = json.dumps(dms_to(slack, "USW1")[0].params, ensure_ascii=False)
    assert "samen te leren" in prep_dm and "Welke cijfers en verhalen" in prep_dm
    assert "potentiële bereik" not in prep_dm  # the municipality's homework is not asked of the provider
    assert "potentiële bereik" in json.dumps(dms_to(slack, "UBM2")[0].params, ensure_ascii=False)

    for user in ("USW1", "UBM1", "UBM2", COORDINATOR):
        prepare(conversation, slack, session_id, user, f"voorbereiding van {user}")

    # USW2 does not prepare: nudged on the next two working days at 09:00 her time, then the cap
    run_due(bot, clock, datetime(2027, 3, 31, 9, 0, tzinfo=CUR))
    run_due(bot, clock, datetime(2027, 4, 1, 9, 0, tzinfo=CUR))
    nudges = [c for c in dms_to(slack, "USW2") if "vriendelijke herinnering" in c.params.get("text", "")]
    assert len(nudges) == 2
    for call in nudges:  # sent at allowed moments in her own time zone
        assert call.params["text"]
    assert not any("vriendelijke herinnering" in c.params.get("text", "") for c in dms_to(slack, "USW1"))
    overview_before = [c for c in dms_to(slack, COORDINATOR) if "ontbreekt" in c.params.get("text", "")]
    assert overview_before == []
    run_due(bot, clock, datetime(2027, 4, 2, 9, 0, tzinfo=CUR))
    overview = [c for c in dms_to(slack, COORDINATOR) if "ontbreekt" in c.params.get("text", "")]
    assert len(overview) == 1 and "<@USW2>" in json.dumps(overview[0].params)
    assert len([c for c in dms_to(slack, "USW2") if "vriendelijke herinnering" in c.params.get("text", "")]) == 2

    # prep summary one day ahead, in the thread: who prepared, points by role
    run_due(bot, clock, datetime(2027, 4, 5, 14, 0, tzinfo=AMS))
    summary = json.dumps(slack.messages(CHANNEL)[-1], ensure_ascii=False)
    assert "Voorbereid" in summary and "<@USW1>" in summary and "<@USW2>" in summary  # USW2 as not prepared
    assert "voorbereiding van UBM1" in summary and "Beleidsmedewerker" in summary

    # the session opens at 14:00 on the day
    run_due(bot, clock, datetime(2027, 4, 6, 14, 0, tzinfo=AMS))
    with bot.db.reader() as s:
        assert s.get(ConversationSession, session_id).status == "running"
    assert "Fase 1" in json.dumps(slack.messages(CHANNEL)[-1], ensure_ascii=False)

    # an action is agreed, the coordinator closes: the next quarter is planned with the action carried over
    with bot.db.unit_of_work() as s:
        s.add(Action(session_id=session_id, what="Huisbezoeken bij 75-plussers", owner_party="aanbieder"))
    conversation.click("session_close", session_id, "opening")
    wait_for(lambda: bot.db.reader().__enter__().get(ConversationSession, session_id).status == "closed")
    run_due(bot, clock, clock.now + timedelta(minutes=1))
    with bot.db.reader() as s:
        nxt = s.scalars(select(ConversationSession).where(ConversationSession.id != session_id)).one()
        assert nxt.status == "scheduled" and nxt.series_id is not None
        assert nxt.scheduled_at == datetime(2027, 7, 6, 14, 0, tzinfo=AMS)  # first Tuesday of July
        carried = s.scalars(select(Action).where(Action.session_id == nxt.id)).all()
        assert [a.what for a in carried] == ["Huisbezoeken bij 75-plussers"] and carried[0].carried_from_id
    assert_next_cycle_note(slack, datetime(2027, 7, 6, 14, 0, tzinfo=AMS), "6 juli 2027, 14:00", "1 open actie gaat mee")
    # its prep round asks about the carried action first
    run_due(bot, clock, datetime(2027, 6, 29, 14, 0, tzinfo=AMS))
    text = json.dumps(dms_to(slack, "USW1")[-1].params, ensure_ascii=False)
    assert text.index("acties van vorige keer") < text.index("Welke cijfers")
    assert "Huisbezoeken bij 75-plussers" in text


def test_no_nudge_on_kings_day(conversation, bot, slack):
    clock = Clock(datetime(2027, 4, 26, 10, 0, tzinfo=AMS).astimezone(UTC))
    bot.runtime.deps.clock = clock
    with bot.db.unit_of_work() as s:
        s.add(Workspace(team_id=TEAM, language="nl", coordinator_ids=[], settings={"nudge_every_hours": 24}))
    session_id = conversation.start("duiding", "Jongeren doen mee")
    assert session_id
    run_due(bot, clock, datetime(2027, 4, 27, 10, 0, tzinfo=AMS))  # Koningsdag
    assert not [c for c in dms_to(slack, "USW1") if "vriendelijke herinnering" in c.params.get("text", "")]
    run_due(bot, clock, datetime(2027, 4, 28, 8, 59, tzinfo=AMS))
    assert not [c for c in dms_to(slack, "USW1") if "vriendelijke herinnering" in c.params.get("text", "")]
    run_due(bot, clock, datetime(2027, 4, 28, 9, 0, tzinfo=AMS))
    nudges = [c for c in dms_to(slack, "USW1") if "vriendelijke herinnering" in c.params.get("text", "")]
    assert len(nudges) == 1 and "Mijn antwoord" in json.dumps(nudges[0].params, ensure_ascii=False)


def test_snooze_absence_and_decline_are_respected(conversation, bot, slack):
    clock = Clock(datetime(2027, 3, 1, 10, 0, tzinfo=AMS).astimezone(UTC))
    bot.runtime.deps.clock = clock
    with bot.db.unit_of_work() as s:
        s.add(Workspace(team_id=TEAM, language="nl", coordinator_ids=[], settings={"nudge_every_hours": 24}))
    session_id = conversation.start("duiding", "Minder eenzame ouderen")
    # USW1 declines, UBM1 is away until Friday, USW2 snoozes at noon
    conversation.sender.block_action("remind_decline", str(session_id), user="USW1")
    clock.to(datetime(2027, 3, 1, 12, 0, tzinfo=AMS))
    conversation.sender.block_action("remind_snooze", str(session_id), user="USW2")
    before = len(slack.calls_to("views.open"))
    conversation.sender.block_action("remind_absent", str(session_id), user="UBM1")
    wait_for(lambda: len(slack.calls_to("views.open")) > before)
    view = slack.calls_to("views.open")[-1].params["view"]
    response = conversation.sender.view_submission(
        "absent_until", {"until": {"value": {"type": "datepicker", "selected_date": "2027-03-05"}}},
        user="UBM1", private_metadata=view["private_metadata"])
    assert response.status == 200 and not response.body.strip(), response.body
    wait_for(lambda: len(slack.responses) >= 2)
    run_due(bot, clock, datetime(2027, 3, 2, 10, 0, tzinfo=AMS))
    nudged = {c.params["channel"] for c in slack.calls_to("chat.postMessage") if "vriendelijke herinnering" in c.params.get("text", "")}
    assert nudged == {"UBM2"}  # USW2 snoozed until noon, UBM1 away, USW1 declined
    run_due(bot, clock, datetime(2027, 3, 2, 12, 0, tzinfo=AMS))
    nudged = [c.params["channel"] for c in slack.calls_to("chat.postMessage") if "vriendelijke herinnering" in c.params.get("text", "")]
    assert nudged.count("USW2") == 1
    run_due(bot, clock, datetime(2027, 3, 3, 10, 0, tzinfo=AMS))
    nudged = [c.params["channel"] for c in slack.calls_to("chat.postMessage") if "vriendelijke herinnering" in c.params.get("text", "")]
    assert "USW2" in nudged and "UBM1" not in nudged and "USW1" not in nudged
    run_due(bot, clock, datetime(2027, 3, 8, 10, 0, tzinfo=AMS))
    nudged = [c.params["channel"] for c in slack.calls_to("chat.postMessage") if "vriendelijke herinnering" in c.params.get("text", "")]
    assert "UBM1" in nudged and "USW1" not in nudged
