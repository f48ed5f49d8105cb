"""Shared picture and conclusion consent: draft, confirm, propose, settle, finalise."""

from __future__ import annotations

import json

import pytest

from flows import engine as fe
from tests.flows.conftest import NOW, PEOPLE, answered

PICTURE = "We herkennen het beeld. Vooral ouderen in de wijk voelen zich minder alleen."


def revealed(flow, visibility=None):
    state = fe.start_session(flow, PEOPLE, NOW, visibility=visibility)[0]
    state = answered(flow, state, "herkennen", "herken", {"USW1": "ja", "UBM1": "deels"})
    return fe.reveal(flow, state, NOW)[0]


def drafted(flow, visibility=None):
    return fe.draft_agreement(flow, revealed(flow, visibility), "herkennen", "UCO", PICTURE, NOW)[0]


def at_closing(flow):
    state = fe.start_session(flow, PEOPLE, NOW)[0]
    state = fe.skip(flow, state, "verbeteren", NOW)[0]
    return fe.advance(flow, state, NOW)[0]


def test_the_coordinator_drafts_and_everyone_confirms_then_the_picture_is_final(together):
    state, events = fe.draft_agreement(together, revealed(together), "herkennen", "UCO", PICTURE, NOW)
    assert events == [fe.AgreementDrafted("herkennen", 1, "UCO")]
    for who in ("USW1", "USW2", "UBM1", "UBM2"):
        state, events = fe.confirm_agreement(together, state, "herkennen", who, 1, NOW)
        assert events == [fe.AgreementConfirmed("herkennen", 1, who)]
    summary = fe.agreement_summary(together, state, "herkennen")
    assert (summary.confirmed_count, summary.awaited_count, summary.not_yet) == (4, 4, ())
    state, events = fe.finalise_agreement(together, state, "herkennen", "UCO", NOW)
    assert events == [fe.AgreementFinalised("herkennen", 1)]
    final = fe.agreement_summary(together, state, "herkennen")
    assert final.status == "final" and final.text == PICTURE


def test_a_second_confirmation_counts_once(together):
    state, _ = fe.confirm_agreement(together, drafted(together), "herkennen", "USW1", 1, NOW)
    again, events = fe.confirm_agreement(together, state, "herkennen", "USW1", 1, NOW)
    assert events == [] and again is state
    assert fe.agreement_summary(together, again, "herkennen").confirmed_count == 1


def test_an_accepted_proposal_becomes_a_new_version_and_resets_confirmations(together):
    state, _ = fe.confirm_agreement(together, drafted(together), "herkennen", "USW1", 1, NOW)
    state, events = fe.propose_change(together, state, "herkennen", "UBM1", "We herkennen het deels.", NOW)
    assert events == [fe.ChangeProposed("herkennen", "p1", "UBM1")]
    state, events = fe.settle_proposal(together, state, "herkennen", "UCO", "p1", True, NOW)
    assert events == [fe.ProposalSettled("herkennen", "p1", True, 2)]
    summary = fe.agreement_summary(together, state, "herkennen")
    assert (summary.version, summary.text) == (2, "We herkennen het deels.")
    assert summary.confirmed_by == ("UBM1",)  # the proposer stands behind their own words, USW1 must look again
    with pytest.raises(fe.StaleVersion):
        fe.confirm_agreement(together, state, "herkennen", "USW2", 1, NOW)


def test_a_rejected_proposal_stays_on_record_and_the_version_stays(together):
    state, _ = fe.propose_change(together, drafted(together), "herkennen", "USW2", "Anders gezegd.", NOW)
    state, events = fe.settle_proposal(together, state, "herkennen", "UCO", "p1", False, NOW)
    assert events == [fe.ProposalSettled("herkennen", "p1", False, 1)]
    summary = fe.agreement_summary(together, state, "herkennen")
    assert summary.version == 1 and [(p.id, p.status) for p in summary.proposals] == [("p1", "rejected")]


def test_a_new_proposal_replaces_the_persons_open_one_and_confirming_withdraws_it(together):
    state, _ = fe.propose_change(together, drafted(together), "herkennen", "USW2", "Eerste idee.", NOW)
    state, _ = fe.propose_change(together, state, "herkennen", "USW2", "Beter idee.", NOW)
    assert [(p.text, p.status) for p in state.agreements["herkennen"].proposals] == [
        ("Eerste idee.", "withdrawn"), ("Beter idee.", "open")]
    state, _ = fe.confirm_agreement(together, state, "herkennen", "USW2", 1, NOW)
    assert state.agreements["herkennen"].open_proposals() == ()


def test_proposing_takes_back_ones_confirmation(together):
    state, _ = fe.confirm_agreement(together, drafted(together), "herkennen", "USW1", 1, NOW)
    state, _ = fe.propose_change(together, state, "herkennen", "USW1", "Toch anders.", NOW)
    summary = fe.agreement_summary(together, state, "herkennen")
    assert summary.confirmed_count == 0 and summary.open_proposals == 1


def test_the_same_draft_or_proposal_twice_is_a_double_click_not_a_new_version(together):
    state = drafted(together)
    same, events = fe.draft_agreement(together, state, "herkennen", "UCO", PICTURE, NOW)
    assert events == [] and same is state
    state, _ = fe.propose_change(together, state, "herkennen", "USW1", "Anders.", NOW)
    same, events = fe.propose_change(together, state, "herkennen", "USW1", "Anders.", NOW)
    assert events == [] and same is state


def test_finalising_twice_changes_nothing(together):
    state, _ = fe.finalise_agreement(together, drafted(together), "herkennen", "UCO", NOW)
    same, events = fe.finalise_agreement(together, state, "herkennen", "UCO", NOW)
    assert events == [] and same is state


def test_any_participant_may_draft_when_the_flow_allows_it(together):
    state = fe.start_session(together, PEOPLE, NOW, visibility="open")[0]
    state = fe.advance(together, state, NOW)[0]
    state, events = fe.draft_agreement(together, state, "verbeteren", "USW2", "Wij willen meer huisbezoeken.", NOW)
    assert events == [fe.AgreementDrafted("verbeteren", 1, "USW2")]


def test_declined_people_are_not_counted_among_those_who_should_confirm(together):
    state, _ = fe.set_absent(drafted(together), "UBM2", True)
    assert fe.agreement_summary(together, state, "herkennen").awaited_count == 3


def test_conclusion_consent_counts_the_whole_group_and_is_drafted_in_its_stage(together):
    state = at_closing(together)
    state, _ = fe.draft_agreement(together, state, "afsluiting", "UCO", "We gaan door met de huisbezoeken.", NOW)
    state, _ = fe.confirm_agreement(together, state, "afsluiting", "USW1", 1, NOW)
    state, _ = fe.propose_change(together, state, "afsluiting", "UBM1", "We gaan door, en meten vaker.", NOW)
    summary = fe.session_summary(together, state, "nl").consent
    assert (summary.kind, summary.confirmed_count, summary.awaited_count, summary.open_proposals) == (
        "conclusion", 1, 4, 1)
    with pytest.raises(fe.OpenProposals):
        fe.finalise_agreement(together, state, "afsluiting", "UCO", NOW)
    state, _ = fe.settle_proposal(together, state, "afsluiting", "UCO", "p1", True, NOW)
    state, _ = fe.finalise_agreement(together, state, "afsluiting", "UCO", NOW)
    closed, _ = fe.close_session(together, state, NOW)
    assert fe.session_summary(together, closed, "nl").agreed_conclusion == "We gaan door, en meten vaker."


def test_a_conclusion_may_be_longer_than_three_sentences(together):
    text = "Een. Twee. Drie. Vier."
    state, events = fe.draft_agreement(together, at_closing(together), "afsluiting", "UCO", text, NOW)
    assert events and state.agreements["afsluiting"].current.text == text


def test_anonymous_summaries_carry_counts_only(together):
    state = drafted(together, "anonymous")
    state, _ = fe.confirm_agreement(together, state, "herkennen", "USW1", 1, NOW)
    state, _ = fe.propose_change(together, state, "herkennen", "UBM1", "Iets anders.", NOW)
    summary = fe.agreement_summary(together, state, "herkennen", anonymous=True)
    assert summary.confirmed_by == () and summary.not_yet == () and summary.confirmed_count == 1
    assert [p.author for p in summary.proposals] == [None]
    assert "USW1" not in json.dumps(summary.__dict__, default=str)


def test_the_agreement_survives_the_json_round_trip(together):
    state, _ = fe.propose_change(together, drafted(together), "herkennen", "USW1", "Anders.", NOW)
    state, _ = fe.confirm_agreement(together, state, "herkennen", "UBM1", 1, NOW)
    assert fe.SessionState.from_dict(json.loads(json.dumps(state.to_dict()))) == state


ILLEGAL = [
    pytest.param(lambda f, s: fe.confirm_agreement(f, s, "herkennen", "USW1", 1, NOW), "revealed",
                 fe.NoDraft, "no_draft", id="confirm before draft"),
    pytest.param(lambda f, s: fe.propose_change(f, s, "herkennen", "USW1", "Iets.", NOW), "revealed",
                 fe.NoDraft, "no_draft", id="propose before draft"),
    pytest.param(lambda f, s: fe.confirm_agreement(f, s, "herkennen", "UXX", 1, NOW), "drafted",
                 fe.NotAParticipant, "not_a_participant", id="confirm by a non-participant"),
    pytest.param(lambda f, s: fe.confirm_agreement(f, fe.remove_participant(s, "USW1")[0], "herkennen", "USW1", 1,
                                                   NOW), "drafted",
                 fe.NoLongerParticipant, "participant_removed", id="confirm by a removed participant"),
    pytest.param(lambda f, s: fe.confirm_agreement(f, s, "herkennen", "USW1", 2, NOW), "drafted",
                 fe.StaleVersion, "stale_version", id="confirm a version that does not exist"),
    pytest.param(lambda f, s: fe.draft_agreement(f, s, "herkennen", "USW1", "Mijn beeld.", NOW), "revealed",
                 fe.NotCoordinator, "not_coordinator", id="draft by a participant when only the coordinator may"),
    pytest.param(lambda f, s: fe.draft_agreement(f, s, "herkennen", "UCO", "Te vroeg.", NOW), "open",
                 fe.StageNotRevealed, "stage_not_revealed", id="draft before the answers are revealed"),
    pytest.param(lambda f, s: fe.draft_agreement(f, fe.advance(f, s, NOW)[0], "herkennen", "UCO", "Te laat.", NOW),
                 "revealed", fe.StageNotRevealed, "stage_not_revealed", id="draft after the stage closed"),
    pytest.param(lambda f, s: fe.draft_agreement(f, s, "herkennen", "UCO", "Een. Twee. Drie. Vier.", NOW),
                 "revealed", fe.InvalidText, "too_many_sentences", id="a picture of four sentences"),
    pytest.param(lambda f, s: fe.draft_agreement(f, s, "herkennen", "UCO", "   ", NOW), "revealed",
                 fe.InvalidText, "text_empty", id="an empty draft"),
    pytest.param(lambda f, s: fe.draft_agreement(f, s, "herkennen", "UCO", "x" * 601, NOW), "revealed",
                 fe.InvalidText, "text_too_long", id="a draft that is too long"),
    pytest.param(lambda f, s: fe.settle_proposal(f, s, "herkennen", "USW1", "p1", True, NOW), "proposed",
                 fe.NotCoordinator, "not_coordinator", id="settle by a non-coordinator"),
    pytest.param(lambda f, s: fe.settle_proposal(f, s, "herkennen", "UCO", "p9", True, NOW), "proposed",
                 fe.UnknownProposal, "unknown_proposal", id="settle a proposal that does not exist"),
    pytest.param(lambda f, s: fe.settle_proposal(f, fe.settle_proposal(f, s, "herkennen", "UCO", "p1", False, NOW)[0],
                                                 "herkennen", "UCO", "p1", True, NOW), "proposed",
                 fe.ProposalAlreadySettled, "proposal_settled", id="settle the same proposal twice"),
    pytest.param(lambda f, s: fe.finalise_agreement(f, s, "herkennen", "USW1", NOW), "drafted",
                 fe.NotCoordinator, "not_coordinator", id="finalise by a non-coordinator"),
    pytest.param(lambda f, s: fe.finalise_agreement(f, s, "herkennen", "UCO", NOW), "revealed",
                 fe.NoDraft, "no_draft", id="finalise before draft"),
    pytest.param(lambda f, s: fe.finalise_agreement(f, s, "herkennen", "UCO", NOW), "proposed",
                 fe.OpenProposals, "open_proposals", id="finalise while a proposal is open"),
    pytest.param(lambda f, s: fe.propose_change(f, s, "herkennen", "USW1", "Nog iets.", NOW), "final",
                 fe.AgreementFinal, "agreement_final", id="propose after confirmed"),
    pytest.param(lambda f, s: fe.confirm_agreement(f, s, "herkennen", "USW1", 1, NOW), "final",
                 fe.AgreementFinal, "agreement_final", id="confirm after it was finalised"),
    pytest.param(lambda f, s: fe.draft_agreement(f, s, "herkennen", "UCO", "Nieuw beeld.", NOW), "final",
                 fe.AgreementFinal, "agreement_final", id="draft after it was finalised"),
    pytest.param(lambda f, s: fe.draft_agreement(f, s, "verbeteren", "UCO", "Geen plek.", NOW), "revealed",
                 fe.StageNotRevealed, "stage_not_revealed", id="draft in a stage that is not current"),
    pytest.param(lambda f, s: fe.draft_agreement(f, s, "nope", "UCO", "Nergens.", NOW), "revealed",
                 fe.UnknownStage, "unknown_stage", id="draft in a stage that does not exist"),
    pytest.param(lambda f, s: fe.draft_agreement(f, fe.close_session(f, s, NOW)[0], "afsluiting", "UCO", "Te laat.",
                                                 NOW), "revealed",
                 fe.SessionIsClosed, "session_closed", id="draft the conclusion after the session closed"),
]


@pytest.mark.parametrize(("step", "start", "error", "code"), ILLEGAL)
def test_illegal_agreement_steps_are_refused(together, step, start, error, code):
    state = fe.start_session(together, PEOPLE, NOW)[0]
    if start != "open":
        state = revealed(together)
    if start in ("drafted", "proposed", "final"):
        state = fe.draft_agreement(together, state, "herkennen", "UCO", PICTURE, NOW)[0]
    if start == "proposed":
        state = fe.propose_change(together, state, "herkennen", "UBM2", "Een ander beeld.", NOW)[0]
    if start == "final":
        state = fe.finalise_agreement(together, state, "herkennen", "UCO", NOW)[0]
    with pytest.raises(error) as caught:
        step(together, state)
    assert caught.value.code == code


def test_a_stage_without_picture_or_consent_has_no_agreement(mini):
    state = fe.reveal(mini, fe.start_session(mini, PEOPLE, NOW)[0], NOW)[0]
    with pytest.raises(fe.NoAgreementHere):
        fe.draft_agreement(mini, state, "herkennen", "UCO", "Iets.", NOW)
    assert fe.agreement_summary(mini, state, "herkennen") is None


@pytest.mark.parametrize(("text", "sentences"), [
    ("Eén zin.", 1), ("Bijv. de wijk doet mee. Ouderen ook.", 2), ("Wat? Echt! Ja.", 3),
    ("Eerste regel\ntweede regel", 2), ("Getal 3.5 blijft een zin.", 1),
])
def test_sentences_are_counted_as_a_reader_would(text, sentences):
    assert fe.count_sentences(text) == sentences
