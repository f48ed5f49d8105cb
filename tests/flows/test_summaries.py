"""Summaries: coordinator-only answers stay with the coordinator; pictures and votes come along."""

from __future__ import annotations

import pytest

from flows import engine as fe
from tests.flows.conftest import NOW, PEOPLE, answered


def with_worry(flow, visibility=None):
    state = fe.start_session(flow, PEOPLE, NOW, visibility=visibility)[0]
    state = answered(flow, state, "herkennen", "herken", {"USW1": "Ja", "UBM1": "Deels"})
    state = answered(flow, state, "herkennen", "zorg", {"USW2": "Ik ben bang voor bezuinigingen"})
    return fe.reveal(flow, state, NOW)[0]


@pytest.mark.parametrize(("viewer", "questions"), [
    ("participant", ["herken"]), ("coordinator", ["herken", "zorg"]),
])
def test_answers_for_the_coordinator_only_reach_only_the_coordinators_view(together, viewer, questions):
    summary = fe.stage_summary(together, with_worry(together), "herkennen", "nl", viewer=viewer)
    assert [q.question_id for q in summary.questions] == questions


def test_the_default_view_is_the_participants_so_nothing_private_leaks_by_accident(together):
    state = with_worry(together)
    texts = [e.text for s in fe.session_summary(together, state, "nl").stages
             for q in s.questions for _r, es in q.by_role for e in es]
    assert "Ik ben bang voor bezuinigingen" not in texts and "Ja" in texts
    coordinator = fe.session_summary(together, state, "nl", viewer="coordinator")
    assert coordinator.stages[0].questions[1].visible_to == "coordinator"


def test_a_stage_summary_brings_its_picture_and_its_vote(together):
    state = fe.draft_agreement(together, with_worry(together), "herkennen", "UCO", "We herkennen het.", NOW)[0]
    summary = fe.stage_summary(together, state, "herkennen", "nl")
    assert summary.picture.text == "We herkennen het." and summary.picture.status == "draft"
    assert summary.vote is None and summary.status == "revealed"
    assert "herkennen" in [s.stage_id for s in fe.session_summary(together, state, "nl").stages]


def test_a_picture_stage_without_a_draft_says_so(together):
    summary = fe.stage_summary(together, with_worry(together), "herkennen", "nl")
    assert summary.picture.status == "none" and summary.picture.text is None


def test_answer_references_in_summaries_resolve_to_the_same_answer(together):
    state = with_worry(together, "anonymous")
    summary = fe.stage_summary(together, state, "herkennen", "nl", anonymous=True)
    for _role, entries in summary.questions[0].by_role:
        for entry in entries:
            stage_id, question_id, author = fe.resolve_answer(state, entry.ref)
            assert state.answers[(stage_id, question_id, author)] == entry.text
