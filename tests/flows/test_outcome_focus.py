"""The outcome-focus heuristic on typical answers, Dutch and English."""

from __future__ import annotations

import pytest

from flows.outcome_focus import answers_drift, needs_outcome_nudge, stage_drift


@pytest.mark.parametrize(
    ("answer", "nudge"),
    [
        ("We hebben dit jaar twaalf activiteiten georganiseerd met gemiddeld twintig deelnemers per keer.", True),
        ("We organised 12 activities and workshops with about twenty participants in each session.", True),
        ("Door de koffieochtenden voelen bewoners zich minder eenzaam en kennen ze hun buren beter.", False),
        ("The activities helped residents feel less lonely and more independent at home.", False),
        ("Twaalf activiteiten.", False),  # too short to judge
        ("", False),
        ("Wij hebben de cursus vaker aangeboden, de groep was vol en het programma liep strak.", True),
    ],
)
def test_heuristic(answer, nudge):
    assert needs_outcome_nudge(answer) is nudge


def test_accents_and_case_do_not_matter():
    assert not needs_outcome_nudge("De ACTIVITEITEN hebben CLIËNTEN veel opgeleverd, zeggen ze zelf vaak genoeg.")


@pytest.mark.parametrize(("answer", "nudge"), [
    # Dutch compounds: residents inside a longer word still count as talking about residents ...
    ("Op de inloopochtend komen elke week veel buurtbewoners die elkaar daar ontmoeten en spreken.", False),
    ("De cursus werd goed bezocht en wijkbewoners vragen inmiddels zelf om een vervolg daarop.", False),
    ("Op de speelmiddag in de cursusruimte waren veel buurtkinderen die nu samen buiten spelen.", False),
    # ... and activities inside a longer word count as talking about activities.
    ("Het activiteitenaanbod is flink uitgebreid met twee extra avonden per week erbij.", True),
    ("Het beweegprogramma liep het hele jaar door, elke dinsdag en donderdag in de sporthal.", True),
    ("We hebben een weerbaarheidstraining opgezet op drie scholen, in totaal twaalf keer.", True),
    # short stems only match at the start of a word: "uren" is not found in "buren"
    ("Ze gingen met de buren naar de markt en daarna samen koken bij iemand thuis.", False),
])
def test_dutch_compounds_are_recognised(answer, nudge):
    assert needs_outcome_nudge(answer) is nudge


ACTIVITIES = "We hebben het activiteitenaanbod uitgebreid met drie nieuwe cursussen op maandag en woensdag."
OUTCOME = "Door de huisbezoeken voelen ouderen zich minder eenzaam en durven ze vaker hulp te vragen."
SHORT = "Prima gegaan."


@pytest.mark.parametrize(("answers", "judged", "drifting", "hint"), [
    pytest.param([ACTIVITIES, ACTIVITIES, OUTCOME], 3, 2, True, id="two of three drift: hint"),
    pytest.param([ACTIVITIES, OUTCOME, OUTCOME], 3, 1, False, id="one of three drifts: no hint"),
    pytest.param([ACTIVITIES, ACTIVITIES, OUTCOME, OUTCOME], 4, 2, False, id="half is not most"),
    pytest.param([ACTIVITIES, ACTIVITIES], 2, 2, False, id="two answers are too few to judge a stage"),
    pytest.param([ACTIVITIES, ACTIVITIES, SHORT, SHORT, OUTCOME], 3, 2, True, id="short answers are not judged"),
    pytest.param([], 0, 0, False, id="no answers: no hint"),
])
def test_most_answers_of_a_stage_drifting_gives_the_coordinator_a_hint(answers, judged, drifting, hint):
    drift = answers_drift(answers)
    assert (drift.judged, drift.drifting, drift.hint) == (judged, drifting, hint)


def test_stage_drift_reads_the_outcome_focused_answers_of_a_stage(mini):
    from dataclasses import replace

    from flows import engine as fe
    from tests.flows.conftest import NOW, PEOPLE, answered

    herkennen = mini.stages[0]
    focused = replace(herkennen, questions=(replace(herkennen.questions[0], outcome_focus=True),
                                            *herkennen.questions[1:]))
    flow = replace(mini, stages=(focused, *mini.stages[1:]))
    state = fe.start_session(flow, PEOPLE, NOW)[0]
    state = answered(flow, state, "herkennen", "herken", {"USW1": ACTIVITIES, "USW2": ACTIVITIES, "UBM1": OUTCOME})
    assert stage_drift(flow, state, "herkennen").hint
    assert not stage_drift(mini, state, "herkennen").hint  # without outcome_focus nothing is judged
