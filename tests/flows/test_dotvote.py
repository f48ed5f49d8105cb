"""Dot vote: ideas from answers and new ones, whole allocations, hidden tallies, ties."""

from __future__ import annotations

import json

import pytest

from flows import engine as fe
from tests.flows.conftest import NOW, PEOPLE, answered

IDEAS = {
    "USW1": "Vaker huisbezoeken",
    "USW2": "- Een buddy voor nieuwe bewoners\n- Vaker huisbezoeken",
    "UBM1": "Samen met de huisarts signaleren",
    "UBM2": "vaker huisbezoeken.",
}


def at_vote(flow, visibility=None):
    state = fe.start_session(flow, PEOPLE, NOW, visibility=visibility)[0]
    state = fe.advance(flow, state, NOW)[0]
    state = answered(flow, state, "verbeteren", "idee", IDEAS)
    state = fe.tick(flow, state, NOW)[0]  # all answered: revealed, not closed
    return fe.open_vote(flow, state, "verbeteren", "UCO", NOW)[0]


def idea_id(state, text):
    return next(i.id for i in state.votes["verbeteren"].ideas if i.text == text)


def test_opening_the_vote_turns_answers_into_ideas_once_each(together):
    state = at_vote(together)
    texts = [i.text for i in state.votes["verbeteren"].ideas]
    assert sorted(texts) == ["Een buddy voor nieuwe bewoners", "Samen met de huisarts signaleren",
                             "Vaker huisbezoeken"]
    assert all(i.source == "answer" for i in state.votes["verbeteren"].ideas)


def test_an_answer_written_as_a_list_gives_one_idea_per_line():
    assert fe.ideas_in_answer("1. Eerst dit\n2) Dan dat\n* En zo") == ["Eerst dit", "Dan dat", "En zo"]
    assert fe.ideas_in_answer("Eén gedachte\nover twee regels") == ["Eén gedachte\nover twee regels"]


def test_anyone_may_add_an_idea_while_the_vote_is_open_and_the_same_idea_is_added_once(together):
    state, events = fe.add_idea(together, at_vote(together), "verbeteren", "UBM2", "Een wijkavond", NOW)
    assert events == [fe.IdeaAdded("verbeteren", "i4")]
    same, events = fe.add_idea(together, state, "verbeteren", "USW1", "een  wijkavond", NOW)
    assert events == [] and same is state


def test_changing_ones_votes_replaces_them_and_never_adds_more(together):
    state = at_vote(together)
    visits, buddy = idea_id(state, "Vaker huisbezoeken"), idea_id(state, "Een buddy voor nieuwe bewoners")
    state, events = fe.set_votes(together, state, "verbeteren", "USW1", {visits: 2, buddy: 1}, NOW)
    assert events == [fe.VotesSet("verbeteren", "USW1")]
    state, _ = fe.set_votes(together, state, "verbeteren", "USW1", {buddy: 2}, NOW)
    assert fe.votes_of(state, "verbeteren", "USW1") == {buddy: 2}
    state, _ = fe.close_vote(together, state, "verbeteren", "UCO", NOW)
    assert fe.vote_tallies(state, "verbeteren")[buddy] == 2 and fe.vote_tallies(state, "verbeteren")[visits] == 0


def test_a_double_click_on_the_same_allocation_counts_once(together):
    state = at_vote(together)
    visits = idea_id(state, "Vaker huisbezoeken")
    state, _ = fe.set_votes(together, state, "verbeteren", "USW1", {visits: 1}, NOW)
    same, events = fe.set_votes(together, state, "verbeteren", "USW1", {visits: 1}, NOW)
    assert events == [] and same is state


def test_an_empty_allocation_takes_all_dots_back(together):
    state = at_vote(together)
    state, _ = fe.set_votes(together, state, "verbeteren", "USW1", {"i1": 1}, NOW)
    state, _ = fe.set_votes(together, state, "verbeteren", "USW1", {}, NOW)
    assert fe.votes_of(state, "verbeteren", "USW1") == {} and state.votes["verbeteren"].allocations == {}


def test_tallies_stay_hidden_until_the_coordinator_closes_the_vote(together):
    state, _ = fe.set_votes(together, at_vote(together), "verbeteren", "USW1", {"i1": 2}, NOW)
    with pytest.raises(fe.VoteStillOpen):
        fe.vote_tallies(state, "verbeteren")
    summary = fe.vote_summary(together, state, "verbeteren")
    assert summary.status == "open" and summary.voters == 1
    assert all(i.votes is None and i.rank is None for i in summary.ideas)


def test_closed_votes_rank_ideas_by_dots(together):
    state = at_vote(together)
    state, _ = fe.set_votes(together, state, "verbeteren", "USW1", {"i1": 2, "i2": 1}, NOW)
    state, _ = fe.set_votes(together, state, "verbeteren", "UBM1", {"i2": 1, "i3": 2}, NOW)
    state, _ = fe.set_votes(together, state, "verbeteren", "UBM2", {"i1": 1, "i2": 2}, NOW)
    state, _ = fe.close_vote(together, state, "verbeteren", "UCO", NOW)
    summary = fe.vote_summary(together, state, "verbeteren")
    assert [(i.id, i.votes, i.rank, i.tied) for i in summary.ideas] == [
        ("i2", 4, 1, False), ("i1", 3, 2, False), ("i3", 2, 3, False)]
    assert [i.id for i in summary.top(2)] == ["i2", "i1"]


def test_ties_are_reported_as_ties(together):
    state = at_vote(together)
    state, _ = fe.set_votes(together, state, "verbeteren", "USW1", {"i1": 2, "i2": 1}, NOW)
    state, _ = fe.set_votes(together, state, "verbeteren", "USW2", {"i2": 1}, NOW)
    state, _ = fe.close_vote(together, state, "verbeteren", "UCO", NOW)
    tied = fe.vote_summary(together, state, "verbeteren")
    assert [(i.id, i.votes, i.rank, i.tied) for i in tied.ideas] == [
        ("i1", 2, 1, True), ("i2", 2, 1, True), ("i3", 0, 3, False)]
    assert [i.id for i in tied.top(1)] == ["i1", "i2"]  # a tie for first place: both are on top


def test_closing_the_stage_closes_its_vote(together):
    state = at_vote(together)
    state, events = fe.advance(together, state, NOW)
    assert events[:2] == [fe.VoteClosed("verbeteren"), fe.StageClosed("verbeteren")]
    assert state.votes["verbeteren"].status == "closed"


def test_closing_the_vote_twice_changes_nothing(together):
    state, _ = fe.close_vote(together, at_vote(together), "verbeteren", "UCO", NOW)
    same, events = fe.close_vote(together, state, "verbeteren", "UCO", NOW)
    assert events == [] and same is state


def test_anonymous_vote_summaries_name_no_authors(together):
    state = at_vote(together, "anonymous")
    state, _ = fe.add_idea(together, state, "verbeteren", "UBM2", "Een wijkavond", NOW)
    summary = fe.vote_summary(together, state, "verbeteren", anonymous=True)
    assert {i.author for i in summary.ideas} == {None}


def test_the_vote_survives_the_json_round_trip(together):
    state, _ = fe.set_votes(together, at_vote(together), "verbeteren", "USW1", {"i1": 2}, NOW)
    assert fe.SessionState.from_dict(json.loads(json.dumps(state.to_dict()))) == state


def closed(flow, state):
    return fe.close_vote(flow, state, "verbeteren", "UCO", NOW)[0]


ILLEGAL = [
    pytest.param(lambda f, s: fe.set_votes(f, closed(f, s), "verbeteren", "USW1", {"i1": 1}, NOW),
                 fe.VoteAlreadyClosed, "vote_closed", id="votes after close"),
    pytest.param(lambda f, s: fe.add_idea(f, closed(f, s), "verbeteren", "USW1", "Nog een idee", NOW),
                 fe.VoteAlreadyClosed, "vote_closed", id="an idea after close"),
    pytest.param(lambda f, s: fe.open_vote(f, closed(f, s), "verbeteren", "UCO", NOW),
                 fe.VoteAlreadyClosed, "vote_closed", id="opening a closed vote again"),
    pytest.param(lambda f, s: fe.set_votes(f, s, "verbeteren", "USW1", {"i1": 2, "i2": 2}, NOW),
                 fe.TooManyVotes, "too_many_votes", id="more dots than a person has"),
    pytest.param(lambda f, s: fe.set_votes(f, s, "verbeteren", "USW1", {"i1": 3}, NOW),
                 fe.TooManyVotesOnIdea, "too_many_votes_on_idea", id="more dots on one idea than allowed"),
    pytest.param(lambda f, s: fe.set_votes(f, s, "verbeteren", "USW1", {"i99": 1}, NOW),
                 fe.UnknownIdea, "unknown_idea", id="a vote for an idea that does not exist"),
    pytest.param(lambda f, s: fe.set_votes(f, s, "verbeteren", "USW1", {"i1": -1}, NOW),
                 fe.InvalidVotes, "invalid_votes", id="a negative number of dots"),
    pytest.param(lambda f, s: fe.set_votes(f, s, "verbeteren", "USW1", {"i1": "2"}, NOW),
                 fe.InvalidVotes, "invalid_votes", id="dots that are not a whole number"),
    pytest.param(lambda f, s: fe.set_votes(f, s, "verbeteren", "UXX", {"i1": 1}, NOW),
                 fe.NotAParticipant, "not_a_participant", id="a vote by a non-participant"),
    pytest.param(lambda f, s: fe.close_vote(f, s, "verbeteren", "USW1", NOW),
                 fe.NotCoordinator, "not_coordinator", id="closing the vote is the coordinators"),
    pytest.param(lambda f, s: fe.open_vote(f, s, "herkennen", "UCO", NOW),
                 fe.NoVoteHere, "no_vote_here", id="a vote in a stage without one"),
    pytest.param(lambda f, s: fe.add_idea(f, s, "verbeteren", "USW1", " ", NOW),
                 fe.InvalidText, "text_empty", id="an empty idea"),
    pytest.param(lambda f, s: fe.add_idea(f, s, "verbeteren", "USW1", "x" * 301, NOW),
                 fe.InvalidText, "text_too_long", id="an idea that is too long"),
]


@pytest.mark.parametrize(("step", "error", "code"), ILLEGAL)
def test_illegal_vote_steps_are_refused(together, step, error, code):
    with pytest.raises(error) as caught:
        step(together, at_vote(together))
    assert caught.value.code == code


def test_the_vote_cannot_open_before_the_answers_are_revealed(together):
    state = fe.advance(together, fe.start_session(together, PEOPLE, NOW)[0], NOW)[0]
    with pytest.raises(fe.StageNotRevealed):
        fe.open_vote(together, state, "verbeteren", "UCO", NOW)


def test_votes_before_the_vote_opened_are_refused(together):
    state = fe.advance(together, fe.start_session(together, PEOPLE, NOW)[0], NOW)[0]
    state = fe.reveal(together, state, NOW)[0]
    with pytest.raises(fe.VoteNotOpen):
        fe.set_votes(together, state, "verbeteren", "USW1", {}, NOW)


def test_opening_twice_changes_nothing_and_only_a_coordinator_opens(together):
    state = at_vote(together)
    same, events = fe.open_vote(together, state, "verbeteren", "UCO", NOW)
    assert events == [] and same is state
    fresh = fe.reveal(together, fe.advance(together, fe.start_session(together, PEOPLE, NOW)[0], NOW)[0], NOW)[0]
    with pytest.raises(fe.NotCoordinator):
        fe.open_vote(together, fresh, "verbeteren", "USW1", NOW)


def test_ideas_stop_at_the_maximum(together):
    state = at_vote(together)
    for n in range(fe.MAX_IDEAS - len(state.votes["verbeteren"].ideas)):
        state, _ = fe.add_idea(together, state, "verbeteren", "USW1", f"Idee nummer {n}", NOW)
    with pytest.raises(fe.TooManyIdeas):
        fe.add_idea(together, state, "verbeteren", "USW1", "Nog eentje", NOW)
