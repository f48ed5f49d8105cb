"""Revealing a stage: answering stops, answers are shown, the stage stays current until advanced."""

from __future__ import annotations

from datetime import timedelta

import pytest

from flows import engine as fe
from tests.flows.conftest import NOW, PEOPLE, answered


def started(flow, visibility=None):
    return fe.start_session(flow, PEOPLE, NOW, visibility=visibility)[0]


def test_revealing_stops_answers_and_keeps_the_stage_current(together):
    state = answered(together, started(together), "herkennen", "herken", {"USW1": "ja"})
    later = NOW + timedelta(minutes=5)
    state, events = fe.reveal(together, state, later)
    assert events == [fe.StageRevealed("herkennen")]
    assert state.current_stage_id == "herkennen"
    assert state.stages["herkennen"].status == "revealed" and state.stages["herkennen"].revealed_at == later
    with pytest.raises(fe.StageNotOpen):
        fe.record_answer(together, state, "USW2", "herkennen", "herken", "te laat", NOW)


def test_revealing_twice_changes_nothing(together):
    state, _ = fe.reveal(together, started(together), NOW)
    same, events = fe.reveal(together, state, NOW)
    assert events == [] and same is state


def test_advancing_a_revealed_stage_closes_it_and_opens_the_next(together):
    state, _ = fe.reveal(together, started(together), NOW)
    state, events = fe.advance(together, state, NOW)
    assert events == [fe.StageClosed("herkennen"), fe.StageOpened("verbeteren")]


def test_advancing_an_open_stage_still_closes_it_directly(together):
    _, events = fe.advance(together, started(together), NOW)
    assert events == [fe.StageClosed("herkennen"), fe.StageOpened("verbeteren")]


def test_an_all_answered_stage_where_the_group_works_together_is_revealed_not_closed(together):
    state, _ = fe.advance(together, started(together), NOW)
    everyone = {who: f"idee van {who}" for who in ("USW1", "USW2", "UBM1", "UBM2")}
    state = answered(together, state, "verbeteren", "idee", everyone)
    state, events = fe.tick(together, state, NOW)
    assert events == [fe.StageRevealed("verbeteren")]
    assert fe.tick(together, state, NOW) == (state, [])  # the coordinator moves on, not the clock


def test_a_revealed_stage_can_be_reopened_for_answers(together):
    state, _ = fe.reveal(together, started(together), NOW)
    state, events = fe.reopen(together, state, "herkennen", NOW)
    assert events == [fe.StageReopened("herkennen")]
    assert state.stages["herkennen"].status == "open"


def test_extending_and_closing_the_session_work_on_a_revealed_stage(together):
    state, _ = fe.reveal(together, started(together), NOW)
    state, events = fe.extend(together, state, "herkennen", NOW + timedelta(days=1))
    assert events == [fe.StageExtended("herkennen", NOW + timedelta(days=1))]
    state, events = fe.close_session(together, state, NOW)
    assert events == [fe.StageClosed("herkennen"), fe.SessionClosed()]


def test_a_stage_without_questions_cannot_be_revealed(mini):
    from dataclasses import replace

    info = replace(mini, stages=(replace(mini.stages[0], kind="info", questions=()), *mini.stages[1:]))
    state = fe.start_session(info, PEOPLE, NOW)[0]
    with pytest.raises(fe.StageNotOpen):
        fe.reveal(info, state, NOW)


@pytest.mark.parametrize(("visibility", "status_after", "visible"), [
    ("hidden", "open", False), ("anonymous", "open", False), ("open", "open", True),
    ("hidden", "revealed", True), ("anonymous", "closed", True),
])
def test_answers_are_visible_once_revealed_or_at_once_in_an_open_session(together, visibility, status_after, visible):
    state = started(together, visibility)
    if status_after == "revealed":
        state, _ = fe.reveal(together, state, NOW)
    elif status_after == "closed":
        state, _ = fe.advance(together, state, NOW)
    assert fe.answers_visible(state, "herkennen") is visible
