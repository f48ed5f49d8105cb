"""Who is awaited, once: declining, coming back, joining late and being removed."""

from __future__ import annotations

import json

import pytest

from flows import engine as fe
from tests.flows.conftest import NOW, PEOPLE, answered


def started(flow, people=PEOPLE):
    return fe.start_session(flow, people, NOW)[0]


def at_beleid(mini):
    """The mini flow at its all_answered stage for the two policy officers."""
    return fe.advance(mini, started(mini), NOW)[0]


def test_declining_makes_an_all_answered_stage_close_when_everyone_else_answered(mini):
    state = answered(mini, at_beleid(mini), "beleid", "bereik", {"UBM1": "ja"})
    assert fe.tick(mini, state, NOW)[1] == []  # still waiting for UBM2
    state, events = fe.set_absent(state, "UBM2", True)
    assert events == [fe.AbsenceChanged("UBM2", True)]
    assert fe.missing_answers(mini, state, "beleid") == set()
    state, events = fe.tick(mini, state, NOW)
    assert events == [fe.StageClosed("beleid"), fe.StageOpened("wachten")]


def test_a_stage_where_everyone_declined_does_not_close_by_itself(mini):
    state = at_beleid(mini)
    state, _ = fe.set_absent(state, "UBM1", True)
    state, _ = fe.set_absent(state, "UBM2", True)
    assert fe.eligible(mini, state, "beleid") == []
    assert not fe.can_close(mini, state, "beleid", NOW)


AWAITED = [
    # (who declines, who is removed, stage, who the stage waits for)
    ((), (), "herkennen", ["USW1", "USW2", "UBM1", "UBM2"]),
    (("USW1",), (), "herkennen", ["USW2", "UBM1", "UBM2"]),
    ((), ("UBM2",), "herkennen", ["USW1", "USW2", "UBM1"]),
    (("USW1",), ("UBM2",), "beleid", ["UBM1"]),
    (("UCO",), (), "afsluiting", ["UCO2"]),
    ((), ("UCO",), "afsluiting", ["UCO2"]),
    ((), (), "afsluiting", ["UCO", "UCO2"]),
]


@pytest.mark.parametrize(("declined", "removed", "stage", "expected"), AWAITED)
def test_who_a_stage_waits_for(mini, declined, removed, stage, expected):
    state = started(mini, {**PEOPLE, "UCO2": "coordinator"})
    for who in declined:
        state, _ = fe.set_absent(state, who, True)
    for who in removed:
        state, _ = fe.remove_participant(state, who)
    assert fe.eligible(mini, state, stage) == expected
    assert fe.missing_answers(mini, state, stage) == set(expected)


def test_coordinators_are_not_awaited_by_the_session_as_a_whole(mini):
    state = started(mini)
    assert fe.awaited(state) == ["USW1", "USW2", "UBM1", "UBM2"]
    state, _ = fe.set_absent(state, "USW2", True)
    assert fe.awaited(state) == ["USW1", "UBM1", "UBM2"]
    assert not fe.is_awaited(state, "USW2") and fe.is_awaited(state, "UCO")


def test_coming_back_makes_someone_awaited_again_and_declining_twice_changes_nothing(mini):
    state = started(mini)
    state, _ = fe.set_absent(state, "USW1", True)
    again, events = fe.set_absent(state, "USW1", True)
    assert events == [] and again is state
    state, events = fe.set_absent(state, "USW1", False)
    assert events == [fe.AbsenceChanged("USW1", False)]
    assert "USW1" in fe.missing_answers(mini, state, "herkennen")


def test_someone_who_declined_may_still_answer_and_their_answer_stays(mini):
    state = started(mini)
    state, _ = fe.set_absent(state, "USW1", True)
    state = answered(mini, state, "herkennen", "herken", {"USW1": "toch nog iets"})
    summary = fe.stage_summary(mini, state, "herkennen", "nl")
    assert [e.text for _role, entries in summary.questions[0].by_role for e in entries] == ["toch nog iets"]


def test_a_late_joiner_is_awaited_from_the_moment_they_join(mini):
    state = started(mini)
    state, events = fe.add_participant(state, "UNEW", "sociaal_werker")
    assert events == [fe.ParticipantAdded("UNEW", "sociaal_werker")]
    assert "UNEW" in fe.missing_answers(mini, state, "herkennen")
    state = answered(mini, state, "herkennen", "herken", {"UNEW": "ik ben er nu ook"})
    assert "UNEW" not in fe.missing_answers(mini, state, "herkennen")


def test_a_removed_participant_keeps_their_answers_marked_as_removed(mini):
    state = answered(mini, started(mini), "herkennen", "herken", {"USW1": "eerst dit", "USW2": "en dit"})
    state, events = fe.remove_participant(state, "USW1")
    assert events == [fe.ParticipantRemoved("USW1")]
    entries = fe.stage_summary(mini, state, "herkennen", "nl").questions[0].by_role[0][1]
    assert [(e.author, e.text, e.removed) for e in entries] == [("USW1", "eerst dit", True), ("USW2", "en dit", False)]
    with pytest.raises(fe.NoLongerParticipant) as caught:
        fe.record_answer(mini, state, "USW1", "herkennen", "herken", "nog eentje", NOW)
    assert caught.value.code == "participant_removed"


def test_removing_twice_changes_nothing_and_adding_again_brings_someone_back(mini):
    state, _ = fe.remove_participant(started(mini), "USW1")
    same, events = fe.remove_participant(state, "USW1")
    assert events == [] and same is state
    state, events = fe.add_participant(state, "USW1", "beleidsmedewerker")
    assert events == [fe.ParticipantAdded("USW1", "beleidsmedewerker")]
    assert state.participants["USW1"] == "beleidsmedewerker" and "USW1" not in state.removed


def test_adding_someone_who_already_takes_part_with_the_same_role_changes_nothing(mini):
    state = started(mini)
    same, events = fe.add_participant(state, "USW1", "sociaal_werker")
    assert events == [] and same is state


REFUSED = [
    # (step, error, code)
    (lambda s: fe.set_absent(s, "UXX", True), fe.NotAParticipant, "not_a_participant"),
    (lambda s: fe.add_participant(s, "UNEW", "burgemeester"), fe.UnknownRole, "unknown_role"),
    (lambda s: fe.add_participant(s, "USW1", "beleidsmedewerker"), fe.AlreadyParticipant, "already_participant"),
    (lambda s: fe.remove_participant(s, "UXX"), fe.NotAParticipant, "not_a_participant"),
    (lambda s: fe.remove_participant(s, "UCO"), fe.LastCoordinator, "last_coordinator"),
    (lambda s: fe.set_absent(fe.remove_participant(s, "USW1")[0], "USW1", True), fe.NoLongerParticipant,
     "participant_removed"),
]


@pytest.mark.parametrize(("step", "error", "code"), REFUSED)
def test_refused_changes_to_who_takes_part(mini, step, error, code):
    with pytest.raises(error) as caught:
        step(started(mini))
    assert caught.value.code == code


def test_the_last_remaining_participant_cannot_be_removed(mini):
    state = started(mini, {"USW1": "sociaal_werker", "USW2": "sociaal_werker"})
    state, _ = fe.remove_participant(state, "USW1")
    with pytest.raises(fe.NoParticipants):
        fe.remove_participant(state, "USW2")


def test_a_coordinator_can_be_removed_when_another_one_stays(mini):
    state = started(mini, {**PEOPLE, "UCO2": "coordinator"})
    state, _ = fe.remove_participant(state, "UCO")
    assert state.is_coordinator("UCO2") and not state.is_coordinator("UCO")


def test_nobody_comes_or_goes_after_the_session_closed(mini):
    state, _ = fe.close_session(mini, started(mini), NOW)
    for step in (lambda: fe.set_absent(state, "USW1", True), lambda: fe.add_participant(state, "UNEW", "other"),
                 lambda: fe.remove_participant(state, "USW1")):
        with pytest.raises(fe.SessionIsClosed):
            step()


def test_absent_and_removed_people_survive_the_json_round_trip(mini):
    state, _ = fe.set_absent(started(mini), "USW2", True)
    state, _ = fe.remove_participant(state, "UBM1")
    data = json.loads(json.dumps(state.to_dict()))
    assert data["absent"] == ["USW2"] and data["removed"] == ["UBM1"]
    assert fe.SessionState.from_dict(data) == state


def test_a_state_saved_before_absence_existed_still_loads_with_nobody_absent(mini):
    data = started(mini).to_dict()
    for key in ("absent", "removed", "agreements", "votes", "reactions"):
        data.pop(key)
    for stage in data["stages"].values():
        stage.pop("revealed_at")
    state = fe.SessionState.from_dict(data)
    assert state.absent == frozenset() and state.removed == frozenset() and state.votes == {}
