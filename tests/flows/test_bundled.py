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
