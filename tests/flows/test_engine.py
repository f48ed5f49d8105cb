"""Every transition of the engine, and every illegal one, as tables."""

from __future__ import annotations

from datetime import timedelta

import pytest

from flows import engine as fe
from tests.flows.conftest import NOW, PEOPLE


def started(flow):
    state, events = fe.start_session(flow, PEOPLE, NOW)
    assert events == [fe.StageOpened("herkennen")]
    return state


def test_start_opens_first_stage_and_records_version(mini):
    state = started(mini)
    assert state.current_stage_id == "herkennen"
    assert state.flow_version == 3
    assert [s.status for s in state.stages.values()] == ["open", "pending", "pending", "pending"]
    assert state.visibility == "hidden"


@pytest.mark.parametrize(
    ("participants", "theme", "error"),
    [
        ({}, None, fe.NoParticipants),
        ({"U1": "burgemeester"}, None, fe.UnknownRole),
    ],
)
def test_start_refused(mini, participants, theme, error):
    with pytest.raises(error):
        fe.start_session(mini, participants, NOW, theme=theme)


def test_theme_required_when_flow_needs_it(mini):
    from dataclasses import replace

    themed = replace(mini, needs_theme=True)
    with pytest.raises(fe.NeedsTheme):
        fe.start_session(themed, PEOPLE, NOW, theme="   ")
    state, _ = fe.start_session(themed, PEOPLE, NOW, theme="overgewicht")
    assert state.theme == "overgewicht"


def test_record_and_edit_answer_while_open(mini):
    state = started(mini)
    state, events = fe.record_answer(mini, state, "USW1", "herkennen", "herken", "  Ja, zeker  ", NOW)
    assert events == [fe.AnswerRecorded("herkennen", "herken", "USW1", edited=False)]
    assert state.answers[("herkennen", "herken", "USW1")] == "Ja, zeker"
    state, events = fe.record_answer(mini, state, "USW1", "herkennen", "herken", "Deels", NOW)
    assert events == [fe.AnswerRecorded("herkennen", "herken", "USW1", edited=True)]
    assert state.answers[("herkennen", "herken", "USW1")] == "Deels"
    same, events = fe.record_answer(mini, state, "USW1", "herkennen", "herken", "Deels", NOW)
    assert events == [] and same == state


ILLEGAL_ANSWERS = [
    # (participant, stage, question, value, error, code)
    ("UXX", "herkennen", "herken", "x", fe.NotAParticipant, "not_a_participant"),
    ("USW1", "nope", "herken", "x", fe.UnknownStage, "unknown_stage"),
    ("USW1", "herkennen", "nope", "x", fe.UnknownQuestion, "unknown_question"),
    ("USW1", "wachten", "tips", "a", fe.StageNotOpen, "stage_not_open"),
    ("USW1", "herkennen", "herken", "   ", fe.InvalidAnswer, "answer_empty"),
    ("USW1", "herkennen", "herken", "x" * 3001, fe.InvalidAnswer, "answer_too_long"),
    ("USW1", "herkennen", "score", "6", fe.InvalidAnswer, "answer_not_on_scale"),
    ("USW1", "herkennen", "score", "vier", fe.InvalidAnswer, "answer_not_on_scale"),
]


@pytest.mark.parametrize(("who", "stage", "question", "value", "error", "code"), ILLEGAL_ANSWERS)
def test_illegal_answers(mini, who, stage, question, value, error, code):
    state = started(mini)
    with pytest.raises(error) as caught:
        fe.record_answer(mini, state, who, stage, question, value, NOW)
    assert caught.value.code == code


def test_role_not_meant_for_stage_is_refused(mini):
    state, _ = fe.advance(mini, started(mini), NOW)
    assert state.current_stage_id == "beleid"
    with pytest.raises(fe.RoleNotAllowed):
        fe.record_answer(mini, state, "USW1", "beleid", "bereik", "ja", NOW)
    state, _ = fe.record_answer(mini, state, "UBM1", "beleid", "bereik", "ja", NOW)
    assert fe.missing_answers(mini, state, "beleid") == {"UBM2"}


def test_answering_a_closed_stage_is_refused(mini):
    state, _ = fe.advance(mini, started(mini), NOW)
    with pytest.raises(fe.StageNotOpen):
        fe.record_answer(mini, state, "USW1", "herkennen", "herken", "te laat", NOW)


@pytest.mark.parametrize(("value", "stored"), [("b,a", "a,b"), ("c", "c"), (" a , c ", "a,c")])
def test_multiple_choice_is_normalised_in_option_order(mini, value, stored):
    state, _ = fe.advance(mini, started(mini), NOW)
    state, _ = fe.skip(mini, state, "beleid", NOW)
    assert state.current_stage_id == "wachten"
    state, _ = fe.record_answer(mini, state, "USW1", "wachten", "tips", value, NOW)
    assert state.answers[("wachten", "tips", "USW1")] == stored


@pytest.mark.parametrize("value", ["d", "a,a", ""])
def test_multiple_choice_rejects_unknown_or_repeated(mini, value):
    state, _ = fe.advance(mini, started(mini), NOW)
    state, _ = fe.skip(mini, state, "beleid", NOW)
    with pytest.raises(fe.InvalidAnswer):
        fe.record_answer(mini, state, "USW1", "wachten", "tips", value, NOW)


def test_advance_through_all_stages_and_not_past_the_end(mini):
    state = started(mini)
    seen = [state.current_stage_id]
    while True:
        try:
            state, events = fe.advance(mini, state, NOW)
        except fe.NoNextStage as exc:
            assert exc.code == "no_next_stage"
            break
        assert isinstance(events[0], fe.StageClosed) and isinstance(events[1], fe.StageOpened)
        seen.append(state.current_stage_id)
    assert seen == mini.stage_ids


def test_skip_pending_stage_is_passed_over_by_advance(mini):
    state = started(mini)
    state, events = fe.skip(mini, state, "beleid", NOW)
    assert events == [fe.StageSkipped("beleid")]
    state, events = fe.advance(mini, state, NOW)
    assert events == [fe.StageClosed("herkennen"), fe.StageOpened("wachten")]


def test_skip_open_stage_opens_next(mini):
    state, events = fe.skip(mini, started(mini), "herkennen", NOW)
    assert events == [fe.StageSkipped("herkennen"), fe.StageOpened("beleid")]
    with pytest.raises(fe.StageNotOpen):
        fe.skip(mini, state, "herkennen", NOW)


def test_all_answered_stage_closes_itself_on_tick(mini):
    state, _ = fe.advance(mini, started(mini), NOW)
    state, _ = fe.record_answer(mini, state, "UBM1", "beleid", "bereik", "ja", NOW)
    assert fe.tick(mini, state, NOW) == (state, [])
    state, _ = fe.record_answer(mini, state, "UBM2", "beleid", "bereik", "nee", NOW)
    assert fe.can_close(mini, state, "beleid", NOW)
    state, events = fe.tick(mini, state, NOW)
    assert events == [fe.StageClosed("beleid"), fe.StageOpened("wachten")]
    assert state.stages["wachten"].deadline == NOW + timedelta(hours=24)


def test_deadline_stage_closes_after_deadline_and_extend_moves_it(mini):
    state, _ = fe.advance(mini, started(mini), NOW)
    state, _ = fe.advance(mini, state, NOW)
    deadline = state.stages["wachten"].deadline
    assert fe.tick(mini, state, deadline - timedelta(seconds=1))[1] == []
    later = deadline + timedelta(days=1)
    extended, events = fe.extend(mini, state, "wachten", later)
    assert events == [fe.StageExtended("wachten", later)]
    assert fe.tick(mini, extended, deadline + timedelta(hours=1))[1] == []
    with pytest.raises(fe.NotExtendable):
        fe.extend(mini, extended, "wachten", deadline)
    _, events = fe.tick(mini, state, deadline)
    assert events[0] == fe.StageClosed("wachten")


def test_reopen_pauses_the_open_stage_and_keeps_answers(mini):
    state = started(mini)
    state, _ = fe.record_answer(mini, state, "USW1", "herkennen", "herken", "eerste", NOW)
    state, _ = fe.advance(mini, state, NOW)
    state, events = fe.reopen(mini, state, "herkennen", NOW)
    assert events == [fe.StagePaused("beleid"), fe.StageReopened("herkennen")]
    assert state.stages["beleid"].status == "pending"
    state, _ = fe.record_answer(mini, state, "USW1", "herkennen", "herken", "aangepast", NOW)
    state, events = fe.advance(mini, state, NOW)
    assert events == [fe.StageClosed("herkennen"), fe.StageOpened("beleid")]
    assert state.answers[("herkennen", "herken", "USW1")] == "aangepast"
    with pytest.raises(fe.StageNotOpen):
        fe.reopen(mini, state, "beleid", NOW)


def test_close_session_closes_open_stage_and_refuses_everything_after(mini):
    state = started(mini)
    state, events = fe.close_session(mini, state, NOW)
    assert events == [fe.StageClosed("herkennen"), fe.SessionClosed()]
    assert state.status == "closed" and state.closed_at == NOW
    for op in (
        lambda: fe.advance(mini, state, NOW),
        lambda: fe.skip(mini, state, "beleid", NOW),
        lambda: fe.reopen(mini, state, "herkennen", NOW),
        lambda: fe.extend(mini, state, "herkennen", NOW),
        lambda: fe.close_session(mini, state, NOW),
        lambda: fe.record_answer(mini, state, "USW1", "herkennen", "herken", "x", NOW),
    ):
        with pytest.raises(fe.SessionIsClosed):
            op()


def test_state_round_trips_through_json(mini):
    import json

    state = started(mini)
    state, _ = fe.record_answer(mini, state, "USW1", "herkennen", "herken", "ja", NOW)
    state, _ = fe.advance(mini, state, NOW)
    again = fe.SessionState.from_dict(json.loads(json.dumps(state.to_dict())))
    assert again == state


def test_stage_summary_groups_by_role_municipality_first(mini):
    state = started(mini)
    for who, text in [("USW1", "sw één"), ("UBM1", "bm één"), ("USW2", "sw twee")]:
        state, _ = fe.record_answer(mini, state, who, "herkennen", "herken", text, NOW)
    state, _ = fe.record_answer(mini, state, "UBM1", "herkennen", "score", "4", NOW)
    summary = fe.stage_summary(mini, state, "herkennen", "nl")
    herken = summary.questions[0]
    assert [role for role, _ in herken.by_role] == ["beleidsmedewerker", "sociaal_werker"]
    assert [(e.author, e.text) for e in herken.by_role[1][1]] == [("USW1", "sw één"), ("USW2", "sw twee")]
    assert summary.questions[1].by_role[0][1][0].text == "4 / 5"
    assert summary.count == 4


def test_anonymous_summary_has_no_authors(mini):
    state, _ = fe.start_session(mini, PEOPLE, NOW, visibility="anonymous")
    state, _ = fe.record_answer(mini, state, "USW2", "herkennen", "herken", "zeker", NOW)
    state, _ = fe.record_answer(mini, state, "USW1", "herkennen", "herken", "aardig", NOW)
    summary = fe.stage_summary(mini, state, "herkennen", "en", anonymous=True)
    entries = summary.questions[0].by_role[0][1]
    assert [e.author for e in entries] == [None, None]
    assert [e.text for e in entries] == ["aardig", "zeker"]  # neutral order, not answer order


def test_session_summary_has_conclusion(mini):
    state = started(mini)
    state, _ = fe.skip(mini, state, "beleid", NOW)
    state, _ = fe.skip(mini, state, "wachten", NOW)
    state, _ = fe.advance(mini, state, NOW)
    state, _ = fe.record_answer(mini, state, "UCO", "afsluiting", "conclusie", "We gaan door.", NOW)
    state, _ = fe.close_session(mini, state, NOW)
    summary = fe.session_summary(mini, state, "nl")
    assert summary.conclusion == ["We gaan door."]
    assert [s.stage_id for s in summary.stages] == ["herkennen", "afsluiting"]


def test_render_value(mini):
    beleid = mini.stage("beleid").questions[0]
    tips = mini.stage("wachten").questions[0]
    assert fe.render_value(beleid, "nee", "en") == "No"
    assert fe.render_value(tips, "a,c", "nl") == "A, C"


def test_coordinator_may_answer_but_is_not_awaited(mini):
    state = started(mini)
    assert "UCO" not in fe.missing_answers(mini, state, "herkennen")
    state, _ = fe.record_answer(mini, state, "UCO", "herkennen", "herken", "ook een blik", NOW)
    assert state.answers[("herkennen", "herken", "UCO")] == "ook een blik"
    assert fe.missing_answers(mini, state, "herkennen") == {"USW1", "USW2", "UBM1", "UBM2"}


def test_planned_session_waits_until_opened(mini):
    planned = fe.plan_session(mini, PEOPLE)
    assert planned.status == "scheduled" and planned.current_stage_id is None
    assert all(st.status == "pending" for st in planned.stages.values())
    with pytest.raises(fe.StageNotOpen):
        fe.record_answer(mini, planned, "USW1", "herkennen", "herken", "te vroeg", NOW)
    assert fe.tick(mini, planned, NOW) == (planned, [])
    state, events = fe.open_session(mini, planned, NOW)
    assert events == [fe.StageOpened("herkennen")] and state.status == "running" and state.started_at == NOW
    with pytest.raises(fe.StageNotOpen):
        fe.open_session(mini, state, NOW)
    cancelled, events = fe.close_session(mini, planned, NOW)
    assert cancelled.status == "closed" and events == [fe.SessionClosed()]
