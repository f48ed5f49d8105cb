"""Reactions on revealed answers: who may react, when, how often, and what summaries show."""

from __future__ import annotations

import json

import pytest

from flows import engine as fe
from tests.flows.conftest import NOW, PEOPLE, answered


def revealed(flow, visibility=None):
    state = fe.start_session(flow, PEOPLE, NOW, visibility=visibility)[0]
    state = answered(flow, state, "herkennen", "herken", {"USW1": "Bewoners komen vaker", "UBM1": "Herken ik niet"})
    return fe.reveal(flow, state, NOW)[0]


def ref(state, author="USW1"):
    return fe.answer_ref(state, "herkennen", "herken", author)


def test_a_participant_reacts_to_someone_elses_revealed_answer_and_it_counts(together):
    state = revealed(together)
    state, events = fe.react(together, state, "UBM1", ref(state), "herken_ik", "", NOW)
    assert events == [fe.ReactionAdded(ref(state), "UBM1", "herken_ik", edited=False)]
    state, _ = fe.react(together, state, "UBM2", ref(state), "vraag", "Hoeveel vaker?", NOW)
    entry = fe.stage_summary(together, state, "herkennen", "nl").questions[0].by_role[1][1][0]
    assert entry.author == "USW1"
    assert entry.reactions.counts == {"herken_ik": 1, "zie_ik_anders": 0, "vraag": 1}
    assert [(r.kind, r.reactor, r.text) for r in entry.reactions.items] == [
        ("herken_ik", "UBM1", ""), ("vraag", "UBM2", "Hoeveel vaker?")]


def test_one_reaction_of_each_kind_per_person_and_answer_again_replaces_the_text(together):
    state = revealed(together)
    state, _ = fe.react(together, state, "UBM1", ref(state), "vraag", "Waarom?", NOW)
    state, events = fe.react(together, state, "UBM1", ref(state), "vraag", "Sinds wanneer?", NOW)
    assert events == [fe.ReactionAdded(ref(state), "UBM1", "vraag", edited=True)]
    same, events = fe.react(together, state, "UBM1", ref(state), "vraag", "Sinds wanneer?", NOW)
    assert events == [] and same is state
    state, _ = fe.react(together, state, "UBM1", ref(state), "zie_ik_anders", "", NOW)
    counts = fe.reactions_to(state, "herkennen", "herken", "USW1").counts
    assert counts == {"herken_ik": 0, "zie_ik_anders": 1, "vraag": 1}


def test_a_reaction_can_be_withdrawn_and_withdrawing_twice_changes_nothing(together):
    state = revealed(together)
    state, _ = fe.react(together, state, "UBM1", ref(state), "herken_ik", "", NOW)
    state, events = fe.withdraw_reaction(together, state, "UBM1", ref(state), "herken_ik", NOW)
    assert events == [fe.ReactionWithdrawn(ref(state), "UBM1", "herken_ik")]
    same, events = fe.withdraw_reaction(together, state, "UBM1", ref(state), "herken_ik", NOW)
    assert events == [] and same is state and state.reactions == {}


def test_reactions_are_still_possible_once_the_stage_closed(together):
    state = fe.advance(together, revealed(together), NOW)[0]
    state, events = fe.react(together, state, "UBM2", ref(state), "herken_ik", "", NOW)
    assert events


def test_anonymous_sessions_use_places_not_ids_and_summaries_name_no_reactors(together):
    state = revealed(together, "anonymous")
    reference = ref(state)
    assert "USW1" not in reference and reference == "herkennen:herken:#1"  # "Bewoners…" sorts before "Herken…"
    state, _ = fe.react(together, state, "UBM2", reference, "zie_ik_anders", "Ik zie minder bewoners", NOW)
    summary = fe.stage_summary(together, state, "herkennen", "nl", anonymous=True)
    dumped = json.dumps([q.__dict__ for q in summary.questions], default=lambda o: o.__dict__)
    assert "UBM2" not in dumped and "USW1" not in dumped
    entry = next(e for _r, es in summary.questions[0].by_role for e in es if e.text == "Bewoners komen vaker")
    assert entry.reactions.counts["zie_ik_anders"] == 1 and entry.reactions.items[0].reactor is None
    with pytest.raises(fe.UnknownAnswer):
        fe.react(together, state, "UBM2", "herkennen:herken:USW1", "vraag", "", NOW)


def test_reactions_survive_the_json_round_trip(together):
    state = revealed(together)
    state, _ = fe.react(together, state, "UBM1", ref(state), "vraag", "Hoe dan?", NOW)
    assert fe.SessionState.from_dict(json.loads(json.dumps(state.to_dict()))) == state


def stage_open(flow):
    return fe.start_session(flow, PEOPLE, NOW)[0]


ILLEGAL = [
    pytest.param(lambda f, s: fe.react(f, stage_open(f), "UBM1", "herkennen:herken:USW1", "vraag", "", NOW),
                 fe.StageNotRevealed, "stage_not_revealed", id="a reaction before the stage is revealed"),
    pytest.param(lambda f, s: fe.react(f, s, "UXX", ref(s), "vraag", "", NOW),
                 fe.NotAParticipant, "not_a_participant", id="a reaction by a non-participant"),
    pytest.param(lambda f, s: fe.react(f, s, "USW1", ref(s), "herken_ik", "", NOW),
                 fe.OwnAnswer, "own_answer", id="a reaction to ones own answer"),
    pytest.param(lambda f, s: fe.react(f, s, "UBM1", ref(s), "applaus", "", NOW),
                 fe.UnknownReactionKind, "unknown_reaction_kind", id="a kind of reaction that does not exist"),
    pytest.param(lambda f, s: fe.react(f, s, "UBM1", ref(s), "vraag", "x" * 501, NOW),
                 fe.InvalidText, "text_too_long", id="a reaction text over 500 characters"),
    pytest.param(lambda f, s: fe.react(f, s, "UBM1", "herkennen:herken:UBM2", "vraag", "", NOW),
                 fe.UnknownAnswer, "unknown_answer", id="a reaction to an answer that does not exist"),
    pytest.param(lambda f, s: fe.react(f, s, "UBM1", "onzin", "vraag", "", NOW),
                 fe.UnknownAnswer, "unknown_answer", id="a reference that is no reference"),
    pytest.param(lambda f, s: fe.react(f, answered(f, fe.reopen(f, s, "herkennen", NOW)[0], "herkennen", "zorg",
                                                   {"USW2": "Ik maak me zorgen"}),
                                       "UBM1", "herkennen:zorg:USW2", "vraag", "", NOW),
                 fe.StageNotRevealed, "stage_not_revealed", id="a reaction while the stage is reopened"),
    pytest.param(lambda f, s: fe.react(f, fe.close_session(f, s, NOW)[0], "UBM1", ref(s), "vraag", "", NOW),
                 fe.SessionIsClosed, "session_closed", id="a reaction after the session closed"),
    pytest.param(lambda f, s: fe.react(f, fe.remove_participant(s, "UBM1")[0], "UBM1", ref(s), "vraag", "", NOW),
                 fe.NoLongerParticipant, "participant_removed", id="a reaction by a removed participant"),
]


@pytest.mark.parametrize(("step", "error", "code"), ILLEGAL)
def test_illegal_reactions_are_refused(together, step, error, code):
    with pytest.raises(error) as caught:
        step(together, revealed(together))
    assert caught.value.code == code


def test_answers_only_the_coordinator_sees_cannot_be_reacted_to(together):
    state = fe.start_session(together, PEOPLE, NOW)[0]
    state = answered(together, state, "herkennen", "zorg", {"USW2": "Ik maak me zorgen"})
    state = fe.reveal(together, state, NOW)[0]
    with pytest.raises(fe.UnknownAnswer):
        fe.react(together, state, "UBM1", "herkennen:zorg:USW2", "vraag", "", NOW)


def test_a_stage_without_reactions_refuses_them(mini):
    state = fe.start_session(mini, PEOPLE, NOW)[0]
    state = answered(mini, state, "herkennen", "herken", {"USW1": "ja"})
    state = fe.advance(mini, state, NOW)[0]
    with pytest.raises(fe.NoReactionsHere):
        fe.react(mini, state, "UBM1", "herkennen:herken:USW1", "vraag", "", NOW)
