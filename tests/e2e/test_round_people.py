"""People come and go: a round set up in the modal, a late joiner who prepares and then answers,
a removed person whose answer stays (marked), the last of a party only with confirmation, and
the only coordinator never; progress and the overview follow the current people."""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import select

from storage.models import ConversationSession, Participant, Person, Series
from tests.e2e.conftest import CHANNEL, COORDINATOR, wait_for
from tests.e2e.rounds_support import (
    AMS,
    Clock,
    answer,
    dms,
    make_round,
    open_modal,
    option,
    overview,
    prepare,
    root_button,
    root_of,
    round_modal,
    round_values,
    run_due,
    shown_button,
    submit,
    text_of,
    ticked,
    users,
    wait_for_dm,
    wait_message,
    wait_shown,
)


def _status(bot, session_id: int) -> dict[str, str]:
    with bot.db.reader() as s:
        rows = s.execute(select(Person.slack_user_id, Participant.status).join(
            Participant, Participant.person_id == Person.id).where(Participant.session_id == session_id)).all()
        return dict(rows)


def _people(sender, slack, bot, session_id: int, values: dict):
    view = open_modal(sender, slack, root_button(slack, bot, session_id, "session_people"), COORDINATOR, CHANNEL)
    assert view["callback_id"] == "session_people"
    return submit(sender, view, values, COORDINATOR)


def test_the_round_modal_refuses_an_outcome_without_a_party_and_then_creates_the_round(bot, slack, sender):
    bot.runtime.deps.clock = Clock(datetime(2027, 3, 1, 10, 0, tzinfo=AMS))
    view = round_modal(sender, slack, 2)
    outcomes = [("Ouderen doen mee", ["USW1"], ["UBM1"]), ("Jongeren gezond", ["USW2"], [])]
    response = submit(sender, view, round_values("Voorjaar", outcomes, on="2027-03-10", at="14:00"), COORDINATOR)
    errors = json.loads(response.body)["errors"]
    assert "niemand van de Gemeente" in errors["o2_bm"]
    past = submit(sender, view, round_values("Voorjaar", outcomes[:1], on="2027-02-10"), COORDINATOR)
    assert "verleden" in json.loads(past.body)["errors"]["date"]
    outcomes[1] = ("Jongeren gezond", ["USW2"], ["UBM2"])
    response = submit(sender, view, round_values("Voorjaar", outcomes, on="2027-03-10", at="14:00"), COORDINATOR)
    assert not response.body.strip(), response.body
    assert "2 gesprekken met samen 4 deelnemers" in text_of(wait_for_dm(bot, slack, COORDINATOR, "staat klaar")[-1])


def test_people_join_late_leave_and_the_last_of_a_party_or_coordinator_is_guarded(bot, slack, sender):
    clock = Clock(datetime(2027, 3, 1, 10, 0, tzinfo=AMS))
    bot.runtime.deps.clock = clock
    sessions = make_round(bot, sender, slack, [("Ouderen doen mee", ["USW1"], ["UBM1"]),
                                               ("Jongeren gezond", ["USW2"], ["UBM2"])], on="2027-03-10", at="14:00")
    ouderen, jongeren = sessions["Ouderen doen mee"], sessions["Jongeren gezond"]

    # a planned session: Bente joins late and gets her preparation at once
    assert not _people(sender, slack, bot, ouderen, {"add_bm": users("UBM2")}).body.strip()
    run_due(bot, clock, clock.now)
    invite = shown_button(dms(slack, "UBM2"), "prep_open", value=str(ouderen))
    prepare(sender, slack, invite, "UBM2", "Bente is later")
    wait_for(lambda: "Voorbereid: 1 van 5" in overview(sender))
    assert "UBM2" in text_of(root_of(slack, ouderen, bot))  # the first message shows who takes part

    # the only person of the gemeente in 'Jongeren gezond' needs a confirmation; the coordinator never goes
    response = _people(sender, slack, bot, jongeren, {"remove": {"value": {
        "type": "multi_static_select", "selected_options": [{"value": "UBM2"}]}}})
    assert "Gemeente niemand meer" in json.loads(response.body)["errors"]["confirm"]
    response = _people(sender, slack, bot, jongeren, {"remove": {"value": {
        "type": "multi_static_select", "selected_options": [{"value": COORDINATOR}]}}})
    assert "enige coördinator" in json.loads(response.body)["errors"]["remove"]
    assert _status(bot, jongeren)["UBM2"] == "active"
    response = _people(sender, slack, bot, jongeren, {"remove": {"value": {
        "type": "multi_static_select", "selected_options": [{"value": "UBM2"}]}}, "confirm": ticked()})
    assert not response.body.strip()
    assert _status(bot, jongeren)["UBM2"] == "removed"
    assert "Je doet niet meer mee" in text_of(wait_for_dm(bot, slack, "UBM2", "niet meer mee")[-1])

    # the conversation starts without preparation; Sam answers the first stage
    view = open_modal(sender, slack, root_button(slack, bot, ouderen, "session_start_now"), COORDINATOR, CHANNEL)
    assert not submit(sender, view, {"window": option("0"), "pace": option("async")}, COORDINATOR).body.strip()
    stage = wait_shown(bot, slack, CHANNEL, "answer_open", value=f"{ouderen}:opening")
    answer(sender, slack, stage, "USW1", "Sam ziet meer ouderen in de huiskamer.")

    # Sanne joins the running session: she gets what happened so far and answers the open stage
    assert not _people(sender, slack, bot, ouderen, {"add_sw": users("USW2")}).body.strip()
    welcome = wait_for_dm(bot, slack, "USW2", "Je doet mee aan het gesprek over Ouderen doen mee")[-1]
    answer(sender, slack, shown_button([welcome], "answer_open"), "USW2", "Sanne: de buurvrouw komt mee.")
    wait_for(lambda: "2 van 4 geantwoord" in overview(sender))

    # Sam leaves: his answer stays (marked), nobody waits for him any more
    assert not _people(sender, slack, bot, ouderen, {"remove": {"value": {
        "type": "multi_static_select", "selected_options": [{"value": "USW1"}]}}}).body.strip()
    wait_for(lambda: "1 van 3 geantwoord" in overview(sender))
    advance = shown_button(slack.messages(CHANNEL), "stage_advance", value=f"{ouderen}:opening")
    sender.block_action(advance["action_id"], advance["value"], user=COORDINATOR, channel=CHANNEL)
    reveal = text_of(wait_message(bot, slack, CHANNEL, "Antwoorden uit fase"))
    assert "Sam ziet meer ouderen" in reveal and "niet meer in het gesprek" in reveal
    assert "Sanne: de buurvrouw" in reveal


def test_people_of_a_series_change_for_its_next_sessions(bot, slack, sender):
    clock = Clock(datetime(2027, 3, 1, 10, 0, tzinfo=AMS))
    bot.runtime.deps.clock = clock
    before = len(slack.calls_to("views.open"))
    sender.command("start", user=COORDINATOR, channel=CHANNEL)
    wait_for(lambda: len(slack.calls_to("views.open")) > before)
    values = {"flow": option("duiding"), "outcome_new": {"value": {"type": "plain_text_input", "value": "Wijk"}},
              "channel": {"value": {"type": "conversations_select", "selected_conversation": CHANNEL}},
              "participants_sw": users("USW1"), "participants_bm": users("UBM1"),
              "date": {"value": {"type": "datepicker", "selected_date": "2027-03-16"}},
              "repeat": option("kwartaal")}
    assert not sender.view_submission("start_session", values, user=COORDINATOR).body.strip()
    bot.drain()
    session_id = _newest_session(bot)
    assert not _people(sender, slack, bot, session_id, {"add_sw": users("USW2"), "remove": {"value": {
        "type": "multi_static_select", "selected_options": [{"value": "USW1"}]}}, "series": ticked()}).body.strip()
    with bot.db.reader() as s:
        series = s.scalar(select(Series))
        assert {p["user"] for p in series.participants} == {"UBM1", "USW2", COORDINATOR}


def _newest_session(bot) -> int:
    with bot.db.reader() as s:
        return s.scalar(select(ConversationSession.id).order_by(ConversationSession.id.desc()))
