"""Live and over days: a live session with minute timers shown and updated coarsely, the
coordinator prompted when time is up, more minutes, then the next stage with its own time;
and an asynchronous one with working days and an extension by days."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from storage.models import SessionStage
from tests.e2e.conftest import CHANNEL, COORDINATOR, wait_for
from tests.e2e.rounds_support import (
    AMS,
    Clock,
    dms,
    make_round,
    number,
    open_modal,
    option,
    overview,
    root_button,
    run_due,
    shown_button,
    submit,
    text_of,
    wait_for_dm,
)

OUTCOMES = [("Ouderen doen mee", ["USW1"], ["UBM1"]), ("Jongeren gezond", ["USW2"], ["UBM2"])]


def _stage_message(slack, bot, session_id: int, stage_id: str) -> str:
    """The stage's message as the channel shows it (waiting for a click's work to be delivered)."""
    def found():
        bot.drain()
        with bot.db.reader() as s:
            ts = s.scalar(select(SessionStage.message_ts).where(SessionStage.session_id == session_id,
                                                                SessionStage.stage_id == stage_id))
        return next((text_of(m) for m in slack.messages(CHANNEL) if ts and m["ts"] == ts), None)
    return wait_for(found)


def _start(sender, slack, bot, session_id: int, values: dict) -> None:
    view = open_modal(sender, slack, root_button(slack, bot, session_id, "session_start_now"), COORDINATOR, CHANNEL)
    assert not submit(sender, view, {"window": option("0"), **values}, COORDINATOR).body.strip()
    bot.drain()


def _time_up(slack) -> list[dict]:
    return [m for m in dms(slack, COORDINATOR) if "is om" in m["text"]]


def test_a_live_session_runs_on_minute_timers_with_an_extension(bot, slack, sender):
    clock = Clock(datetime(2027, 3, 1, 14, 0, tzinfo=AMS))
    bot.runtime.deps.clock = clock
    ouderen = make_round(bot, sender, slack, OUTCOMES)["Ouderen doen mee"]  # no date: started by hand
    start = clock.now
    _start(sender, slack, bot, ouderen, {"pace": option("live"), "minutes": number(10)})
    assert "nog 10 min" in _stage_message(slack, bot, ouderen, "opening")
    assert "live, 10 min per fase" in overview(sender)

    run_due(bot, clock, start + timedelta(minutes=2))
    assert "nog 8 min" in _stage_message(slack, bot, ouderen, "opening")  # updated coarsely, in place
    run_due(bot, clock, start + timedelta(minutes=6))
    assert "nog 4 min" in _stage_message(slack, bot, ouderen, "opening")
    assert _time_up(slack) == []

    run_due(bot, clock, start + timedelta(minutes=10))
    assert "de tijd is om" in _stage_message(slack, bot, ouderen, "opening")
    prompt = _time_up(slack)
    assert len(prompt) == 1 and "0 van 2 deelnemers hebben geantwoord" in prompt[0]["text"]

    view = open_modal(sender, slack, shown_button(prompt, "stage_extend_by"), COORDINATOR)
    assert view["callback_id"] == "stage_extend_by" and "minuten" in text_of(view)
    assert not submit(sender, view, {"amount": number(5)}, COORDINATOR).body.strip()
    bot.drain()
    assert "nog 5 min" in _stage_message(slack, bot, ouderen, "opening")
    assert "krijgt 5 minuten extra" in text_of(slack.messages(CHANNEL))

    run_due(bot, clock, start + timedelta(minutes=15))
    prompts = _time_up(slack)
    assert len(prompts) == 2
    advance = shown_button(prompts[-1:], "stage_advance")
    sender.block_action(advance["action_id"], advance["value"], user=COORDINATOR)
    assert "nog 10 min" in _stage_message(slack, bot, ouderen, "herkennen")  # the next stage, its own time
    assert "Fase 2 van 8" in overview(sender)


def test_an_asynchronous_session_has_working_days_and_is_extended_by_days(bot, slack, sender):
    clock = Clock(datetime(2027, 3, 5, 11, 0, tzinfo=AMS))  # a Friday
    bot.runtime.deps.clock = clock
    jongeren = make_round(bot, sender, slack, OUTCOMES)["Jongeren gezond"]
    _start(sender, slack, bot, jongeren, {"pace": option("async"), "days": number(2)})
    with bot.db.reader() as s:
        deadline = s.scalar(select(SessionStage.deadline).where(SessionStage.session_id == jongeren,
                                                                SessionStage.stage_id == "opening"))
    assert deadline == datetime(2027, 3, 9, 11, 0, tzinfo=AMS)  # two working days: Tuesday
    assert "9 maart 2027, 11:00" in _stage_message(slack, bot, jongeren, "opening")

    run_due(bot, clock, datetime(2027, 3, 9, 10, 59, tzinfo=AMS))
    assert _time_up(slack) == []
    run_due(bot, clock, datetime(2027, 3, 9, 11, 0, tzinfo=AMS))
    prompt = _time_up(slack)
    assert len(prompt) == 1
    view = open_modal(sender, slack, shown_button(prompt, "stage_extend_by"), COORDINATOR)
    assert "werkdagen" in text_of(view)
    assert not submit(sender, view, {"amount": number(1)}, COORDINATOR).body.strip()
    wait_for_dm(bot, slack, COORDINATOR, "is om")
    with bot.db.reader() as s:
        deadline = s.scalar(select(SessionStage.deadline).where(SessionStage.session_id == jongeren,
                                                                SessionStage.stage_id == "opening"))
    assert deadline == datetime(2027, 3, 10, 11, 0, tzinfo=AMS)
    assert "krijgt 1 werkdag(en) extra" in text_of(slack.messages(CHANNEL))
