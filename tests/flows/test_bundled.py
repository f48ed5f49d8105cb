"""The bundled flows load, cover the domain brief's stages, and run from start to close."""

from __future__ import annotations

import pytest

from flows import BUNDLED_DIR, FlowRegistry, check_files
from flows import engine as fe
from tests.flows.conftest import NOW, PEOPLE

REGISTRY = FlowRegistry.load()
EXPECTED = {
    "duiding": ["opening", "herkennen", "begrijpen", "waarderen", "verbeteren", "afsluiting", "acties", "evaluatie"],
    "zonder-data": ["kennis", "wat_werkt", "aanpak", "resultaat", "afsluiting", "acties", "evaluatie"],
    "veranderverhaal": None,
    "transformatiedialoog": None,
    "evaluatie": None,
    "voorbereiding": ["materiaal", "beeld", "herkennen_begrijpen", "gesprek", "zorgen", "afsluiting", "acties",
                      "evaluatie"],
}


def test_all_bundled_files_pass_check():
    files = sorted(BUNDLED_DIR.glob("*.yaml"))
    assert {f.stem for f in files} == set(EXPECTED)
    assert check_files(files) == []


@pytest.mark.parametrize("flow_id", sorted(EXPECTED))
def test_flow_shape(flow_id):
    flow = REGISTRY.get(flow_id)
    if EXPECTED[flow_id]:
        assert flow.stage_ids == EXPECTED[flow_id]
    assert flow.preparation is not None and flow.preparation.questions
    assert "evaluatie" in flow.stage_ids and "afsluiting" in flow.stage_ids
    assert any(q.conclusion for s in flow.stages for q in s.questions)
    for stage in flow.stages:
        assert stage.title.nl and stage.title.en and stage.intro.nl and stage.intro.en


def test_duiding_shows_data_at_opening_and_zonder_data_needs_theme():
    assert REGISTRY.get("duiding").stage("opening").shows_data
    assert REGISTRY.get("zonder-data").needs_theme
    assert any(q.outcome_focus for s in REGISTRY.get("duiding").stages for q in s.questions)


def test_preparation_differs_by_side():
    prep = REGISTRY.get("duiding").preparation
    provider = {q.id for q in prep.questions_for("sociaal_werker")}
    municipality = {q.id for q in prep.questions_for("beleidsmedewerker")}
    assert provider != municipality and provider & municipality  # own homework plus shared questions


@pytest.mark.parametrize("flow_id", sorted(EXPECTED))
def test_runs_from_start_to_close(flow_id):
    flow = REGISTRY.get(flow_id)
    state, _ = fe.start_session(flow, PEOPLE, NOW, theme="overgewicht bij jongeren")
    while True:
        stage = flow.stage(state.current_stage_id)
        for who, role in PEOPLE.items():
            if stage.kind != "questions" or not stage.answered_by(role):
                continue
            for q in stage.questions:
                value = {"text": "Bewoners voelen zich minder eenzaam.", "scale": str(q.scale_max)}.get(
                    q.kind, q.options[0].id if q.options else "")
                state, _ = fe.record_answer(flow, state, who, stage.id, q.id, value, NOW)
        state, _ = fe.tick(flow, state, NOW)
        if state.current_stage_id != stage.id:
            continue  # closed by itself (everyone answered): answer the next stage
        if state.current_stage_id == flow.stage_ids[-1] and state.stages[flow.stage_ids[-1]].status != "open":
            break
        try:
            state, _ = fe.advance(flow, state, NOW)
        except fe.NoNextStage:
            break
        except fe.StageNotOpen:
            break
    state, _ = fe.close_session(flow, state, NOW)
    summary = fe.session_summary(flow, state, "nl")
    assert summary.conclusion and summary.stages


def test_duiding_builds_a_shared_picture_votes_on_improvements_and_asks_consent_for_the_conclusion():
    flow = REGISTRY.get("duiding")
    assert [s.id for s in flow.stages if s.shared_picture] == ["herkennen", "begrijpen", "waarderen"]
    vote = flow.stage("verbeteren").dot_vote
    assert vote.ideas_from == "verbeteren_wat" and vote.votes == 3
    assert flow.stage("verbeteren").question("verbeteren_wat").required  # the vote needs ideas
    assert [s.id for s in flow.stages if s.conclusion_consent] == ["afsluiting"]


@pytest.mark.parametrize("flow_id", ["duiding", "voorbereiding"])
def test_at_most_two_questions_per_stage_are_required(flow_id):
    flow = REGISTRY.get(flow_id)
    for stage in flow.stages:
        assert sum(q.required for q in stage.questions) <= 2, stage.id


def test_choosing_to_do_other_things_suggests_a_theory_of_change_conversation():
    option = REGISTRY.get("duiding").stage("verbeteren").question("verbeteren_spoor").option("andere_dingen")
    assert option.suggests_flow == "veranderverhaal"
    assert REGISTRY.get(option.suggests_flow).side == "voorkant"


@pytest.mark.parametrize("flow_id", sorted(EXPECTED))
def test_worries_in_the_preparation_are_for_the_coordinator_only(flow_id):
    prep = REGISTRY.get(flow_id).preparation
    worries = [q for q in prep.questions if q.visible_to == "coordinator"]
    assert [q.id for q in worries] == ["prep_zorgen"]
    assert not worries[0].required
    assert "prep_zorgen" not in {q.id for q in prep.questions_visible_to("participant")}


@pytest.mark.parametrize("flow_id", ["duiding", "veranderverhaal", "zonder-data", "transformatiedialoog",
                                     "voorbereiding"])
def test_flows_that_reach_a_conclusion_together_use_the_new_ways_of_working(flow_id):
    flow = REGISTRY.get(flow_id)
    assert flow.stage("afsluiting").conclusion_consent is not None
    assert any(s.shared_picture for s in flow.stages)


def test_transformatiedialoog_lets_people_react_and_asks_residents_their_own_question():
    flow = REGISTRY.get("transformatiedialoog")
    assert {s.id for s in flow.stages if s.reactions} >= {"ambitie", "eigen_rol"}
    resident = {q.id for q in flow.preparation.questions_for("bewoner")}
    professional = {q.id for q in flow.preparation.questions_for("politie")}
    assert "prep_bewoner" in resident - professional


def test_voorbereiding_keeps_worries_with_the_coordinator_and_shares_only_what_the_party_agrees():
    flow = REGISTRY.get("voorbereiding")
    assert flow.stage("zorgen").question("zorgen_wat").visible_to == "coordinator"
    assert flow.stage("afsluiting").question("afsluiting_delen").conclusion
    assert flow.stage("afsluiting").conclusion_consent is not None
    assert flow.stage("materiaal").shows_data and flow.stage("beeld").shared_picture


def test_a_duiding_session_works_together_from_reveal_to_the_agreed_conclusion():
    flow = REGISTRY.get("duiding")
    people = {"USW1": "sociaal_werker", "USW2": "sociaal_werker", "UBM1": "beleidsmedewerker",
              "UBM2": "beleidsmedewerker", "UCO": "coordinator"}
    state, _ = fe.start_session(flow, people, NOW)
    state, _ = fe.advance(flow, state, NOW)  # past the opening
    for stage_id in ("herkennen", "begrijpen", "waarderen"):
        stage = flow.stage(stage_id)
        for who in ("USW1", "USW2", "UBM1", "UBM2"):
            for q in (q for q in stage.questions if q.required):
                value = "4" if q.kind == "scale" else f"{who} ziet dat bewoners zich minder alleen voelen."
                state, _ = fe.record_answer(flow, state, who, stage_id, q.id, value, NOW)
        assert fe.missing_answers(flow, state, stage_id) == set()
        state, _ = fe.reveal(flow, state, NOW)
        first_required = next(q for q in stage.questions if q.required and q.kind == "text")
        ref = fe.answer_ref(state, stage_id, first_required.id, "USW1")
        state, _ = fe.react(flow, state, "UBM1", ref, "herken_ik", "", NOW)
        state, _ = fe.draft_agreement(flow, state, stage_id, "UCO", "Bewoners voelen zich minder alleen.", NOW)
        for who in ("USW1", "USW2", "UBM1", "UBM2"):
            state, _ = fe.confirm_agreement(flow, state, stage_id, who, 1, NOW)
        state, _ = fe.finalise_agreement(flow, state, stage_id, "UCO", NOW)
        state, _ = fe.advance(flow, state, NOW)
    ideas = {"USW1": "- Vaker huisbezoeken\n- Een buddy", "USW2": "Een buddy", "UBM1": "Samen met de huisarts",
             "UBM2": "Vaker huisbezoeken"}
    for who, text in ideas.items():
        state, _ = fe.record_answer(flow, state, who, "verbeteren", "verbeteren_wat", text, NOW)
        state, _ = fe.record_answer(flow, state, who, "verbeteren", "verbeteren_spoor", "zelfde_beter", NOW)
    state, _ = fe.reveal(flow, state, NOW)
    state, _ = fe.open_vote(flow, state, "verbeteren", "UCO", NOW)
    assert len(state.votes["verbeteren"].ideas) == 3
    for who in ("USW1", "USW2", "UBM1", "UBM2"):
        state, _ = fe.set_votes(flow, state, "verbeteren", who, {"i1": 2, "i2": 1}, NOW)
    state, _ = fe.close_vote(flow, state, "verbeteren", "UCO", NOW)
    summary = fe.stage_summary(flow, state, "verbeteren", "nl")
    assert [(i.votes, i.rank) for i in summary.vote.ideas] == [(8, 1), (4, 2), (0, 3)]
    state, _ = fe.advance(flow, state, NOW)
    state, _ = fe.draft_agreement(flow, state, "afsluiting", "UCO", "We doen dezelfde dingen beter.", NOW)
    for who in ("USW1", "USW2", "UBM1", "UBM2"):
        state, _ = fe.confirm_agreement(flow, state, "afsluiting", who, 1, NOW)
    state, _ = fe.finalise_agreement(flow, state, "afsluiting", "UCO", NOW)
    state, _ = fe.close_session(flow, state, NOW)
    result = fe.session_summary(flow, state, "nl")
    assert result.agreed_conclusion == "We doen dezelfde dingen beter."
    assert (result.consent.confirmed_count, result.consent.awaited_count) == (4, 4)
    assert [s.picture.status for s in result.stages if s.picture] == ["final", "final", "final"]
