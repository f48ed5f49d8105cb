"""Choosing together what to improve: a dot vote on ideas.

Rules (documented in docs/flows.md, each refusal its own error class):
- the coordinator opens the vote once the stage's answers are visible; every answer to the
  flow's `ideas_from` question becomes an idea (an answer written as a list of lines gives
  one idea per line), the same idea written twice counts once;
- while the vote is open anyone in the session adds ideas (the same text twice is one idea);
- each person has `votes` dots (default 3) and may put up to `votes_per_idea` of them on one
  idea (default: all of them);
- a person always submits their whole allocation (`set_votes`), which replaces the earlier
  one: changing one's mind never adds dots, and a double click cannot count twice;
- tallies stay hidden while the vote is open (`vote_tallies` refuses); once the coordinator
  closes it, ideas are ranked by dots and equal counts share a rank (a tie is a tie);
- closing the stage closes its vote; after that votes and ideas are refused.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime

from flows import events as ev
from flows import transition_errors as E
from flows.guards import (
    clean_text,
    require_coordinator,
    require_participant,
    require_stage,
    require_together_phase,
)
from flows.model import DotVote as VoteRule
from flows.model import Flow
from flows.participation import eligible
from flows.state import Idea, SessionState, VoteState

IDEA_MAX = 300
MAX_IDEAS = 50

Step = tuple[SessionState, list[ev.Event]]
_BULLET = re.compile(r"^\s*(?:[-*•–]|\d+[.)])\s+")


def _rule(flow: Flow, stage_id: str) -> VoteRule:
    rule = require_stage(flow, stage_id).dot_vote
    if rule is None:
        raise E.NoVoteHere(stage_id)
    return rule


def _key(text: str) -> str:
    return " ".join(text.lower().split()).rstrip(".!")


def ideas_in_answer(text: str) -> list[str]:
    """One idea per list line when an answer is written as a list, else the whole answer."""
    lines = [line for line in text.splitlines() if line.strip()]
    if len(lines) > 1 and sum(1 for line in lines if _BULLET.match(line)) >= len(lines) - 1:
        return [_BULLET.sub("", line).strip() for line in lines if _BULLET.sub("", line).strip()]
    return [text.strip()]


def open_vote(flow: Flow, state: SessionState, stage_id: str, coordinator: str, now: datetime) -> Step:
    """Start the vote with the ideas found in the answers (opening twice changes nothing)."""
    rule = _rule(flow, stage_id)
    require_together_phase(state, stage_id)
    require_coordinator(state, coordinator)
    existing = state.votes.get(stage_id)
    if existing is not None:
        if existing.status == "closed":
            raise E.VoteAlreadyClosed(stage_id)
        return state, []
    answers = sorted((value, author) for (sid, qid, author), value in state.answers.items()
                     if sid == stage_id and qid == rule.ideas_from)
    ideas: list[Idea] = []
    seen: set[str] = set()
    for value, author in answers:
        for text in ideas_in_answer(value):
            if _key(text) not in seen and len(ideas) < MAX_IDEAS:
                seen.add(_key(text))
                ideas.append(Idea(f"i{len(ideas) + 1}", text, "answer", author))
    vote = VoteState(status="open", ideas=tuple(ideas), opened_at=now)
    return replace(state, votes={**state.votes, stage_id: vote}), [ev.VoteOpened(stage_id)]


def _open_vote(flow: Flow, state: SessionState, stage_id: str) -> VoteState:
    _rule(flow, stage_id)
    vote = state.votes.get(stage_id)
    if vote is None:
        raise E.VoteNotOpen(stage_id)
    if vote.status != "open":
        raise E.VoteAlreadyClosed(stage_id)
    require_together_phase(state, stage_id)
    return vote


def add_idea(flow: Flow, state: SessionState, stage_id: str, participant: str, text: str,
             now: datetime) -> Step:  # noqa: ARG001 - every transition takes `now`
    """A new idea while the vote is open; an idea that is already there is not added twice."""
    vote = _open_vote(flow, state, stage_id)
    require_participant(state, participant)
    clean = clean_text(text, IDEA_MAX)
    if any(_key(i.text) == _key(clean) for i in vote.ideas):
        return state, []
    if len(vote.ideas) >= MAX_IDEAS:
        raise E.TooManyIdeas(stage_id)
    idea = Idea(f"i{len(vote.ideas) + 1}", clean, "added", participant)
    vote = replace(vote, ideas=(*vote.ideas, idea))
    return replace(state, votes={**state.votes, stage_id: vote}), [ev.IdeaAdded(stage_id, idea.id)]


def _clean_allocation(rule: VoteRule, vote: VoteState, allocation: Mapping[str, int]) -> dict[str, int]:
    if not isinstance(allocation, Mapping):
        raise E.InvalidVotes()
    clean: dict[str, int] = {}
    for idea_id, dots in allocation.items():
        if not isinstance(dots, int) or isinstance(dots, bool) or dots < 0:
            raise E.InvalidVotes(str(idea_id))
        if vote.idea(idea_id) is None:
            raise E.UnknownIdea(str(idea_id))
        if dots > rule.votes_per_idea:
            raise E.TooManyVotesOnIdea(str(idea_id))
        if dots:
            clean[idea_id] = dots
    if sum(clean.values()) > rule.votes:
        raise E.TooManyVotes(str(sum(clean.values())))
    return clean


def set_votes(flow: Flow, state: SessionState, stage_id: str, participant: str, allocation: Mapping[str, int],
              now: datetime) -> Step:  # noqa: ARG001 - every transition takes `now`
    """Replace the person's whole allocation {idea id: dots}; an empty one takes all dots back."""
    vote = _open_vote(flow, state, stage_id)
    rule = _rule(flow, stage_id)
    require_participant(state, participant)
    clean = _clean_allocation(rule, vote, allocation)
    if vote.allocations.get(participant, {}) == clean:
        return state, []
    allocations = {p: a for p, a in vote.allocations.items() if p != participant}
    if clean:
        allocations[participant] = clean
    vote = replace(vote, allocations=allocations)
    return replace(state, votes={**state.votes, stage_id: vote}), [ev.VotesSet(stage_id, participant)]


def close_vote(flow: Flow, state: SessionState, stage_id: str, coordinator: str, now: datetime) -> Step:
    """The coordinator ends the vote; tallies become visible. Closing twice changes nothing."""
    _rule(flow, stage_id)
    require_coordinator(state, coordinator)
    vote = state.votes.get(stage_id)
    if vote is None:
        raise E.VoteNotOpen(stage_id)
    if vote.status == "closed":
        return state, []
    require_together_phase(state, stage_id)
    vote = replace(vote, status="closed", closed_at=now)
    return replace(state, votes={**state.votes, stage_id: vote}), [ev.VoteClosed(stage_id)]


def votes_of(state: SessionState, stage_id: str, participant: str) -> dict[str, int]:
    """A person's own allocation (to pre-fill their voting form); never someone else's."""
    vote = state.votes.get(stage_id)
    return dict(vote.allocations.get(participant, {})) if vote else {}


def vote_tallies(state: SessionState, stage_id: str) -> dict[str, int]:
    """Dots per idea id, only for a closed vote (open: VoteStillOpen; none: VoteNotOpen)."""
    vote = state.votes.get(stage_id)
    if vote is None:
        raise E.VoteNotOpen(stage_id)
    if vote.status != "closed":
        raise E.VoteStillOpen(stage_id)
    tallies = {idea.id: 0 for idea in vote.ideas}
    for allocation in vote.allocations.values():
        for idea_id, dots in allocation.items():
            tallies[idea_id] = tallies.get(idea_id, 0) + dots
    return tallies


# ---- what people see ------------------------------------------------------------------------


@dataclass(frozen=True)
class IdeaView:
    id: str
    text: str
    source: str
    author: str | None  # None when anonymous
    votes: int | None  # None while the vote is open
    rank: int | None  # 1 = most dots; equal dots share a rank
    tied: bool  # another idea has the same number of dots


@dataclass(frozen=True)
class VoteSummary:
    stage_id: str
    status: str  # open | closed
    ideas: tuple[IdeaView, ...]  # closed: by rank; open: in the order they came
    voters: int  # people who placed dots
    awaited_count: int
    votes_per_person: int
    votes_per_idea: int

    def top(self, n: int) -> tuple[IdeaView, ...]:
        """The ideas ranked n or better (ties included, so possibly more than n); closed votes only."""
        return tuple(i for i in self.ideas if i.rank is not None and i.rank <= n and (i.votes or 0) > 0)


def vote_summary(flow: Flow, state: SessionState, stage_id: str, *, anonymous: bool = False) -> VoteSummary | None:
    """The vote of a stage, or None when no vote was opened there."""
    rule = flow.stage(stage_id).dot_vote
    vote = state.votes.get(stage_id)
    if rule is None or vote is None:
        return None
    tallies = vote_tallies(state, stage_id) if vote.status == "closed" else None
    ideas = []
    for idea in vote.ideas:
        votes = tallies[idea.id] if tallies is not None else None
        rank = 1 + sum(1 for v in tallies.values() if v > votes) if tallies is not None else None
        tied = tallies is not None and sum(1 for v in tallies.values() if v == votes) > 1
        ideas.append(IdeaView(idea.id, idea.text, idea.source, None if anonymous else idea.author, votes, rank, tied))
    if tallies is not None:
        ideas.sort(key=lambda i: (i.rank, int(i.id[1:])))
    return VoteSummary(stage_id, vote.status, tuple(ideas), len(vote.allocations),
                       len(eligible(flow, state, stage_id)), rule.votes, rule.votes_per_idea)
