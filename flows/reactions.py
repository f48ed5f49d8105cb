"""Reacting to each other's revealed answers: "herken ik", "zie ik anders", "vraag".

Rules:
- only in stages whose flow allows it (`reactions: true`), only once the answers are shown
  (revealed or closed, or while open in an open session), and not after the session closed;
- only participants (not removed), never on one's own answer;
- one reaction of each kind per person per answer, with an optional text of at most
  REACTION_TEXT_MAX characters; reacting again with the same kind replaces the text;
  withdrawing removes it (withdrawing what is not there changes nothing).

An answer is named by a reference, not by its author: `answer_ref(state, stage, question,
author)`. In an anonymous session the reference is the answer's place in a neutral order
(by text), so a reaction button never carries the author's id. Reopening an anonymous stage
and changing answers can shift those places; the bot re-renders after every reveal.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from flows import events as ev
from flows import transition_errors as E
from flows.guards import answers_visible, clean_text, require_participant, require_running
from flows.model import Flow
from flows.state import SessionState

REACTION_KINDS: tuple[str, ...] = ("herken_ik", "zie_ik_anders", "vraag")
REACTION_TEXT_MAX = 500

Step = tuple[SessionState, list[ev.Event]]


def _authors_in_order(state: SessionState, stage_id: str, question_id: str) -> list[str]:
    found = [(value, author) for (sid, qid, author), value in state.answers.items()
             if sid == stage_id and qid == question_id]
    return [author for _value, author in sorted(found)]


def answer_ref(state: SessionState, stage_id: str, question_id: str, author: str) -> str:
    """A reference to one answer that is safe to put in a button (see the module docstring)."""
    if (stage_id, question_id, author) not in state.answers:
        raise E.UnknownAnswer(f"{stage_id}:{question_id}")
    if state.visibility != "anonymous":
        return f"{stage_id}:{question_id}:{author}"
    return f"{stage_id}:{question_id}:#{_authors_in_order(state, stage_id, question_id).index(author) + 1}"


def resolve_answer(state: SessionState, ref: str) -> tuple[str, str, str]:
    """(stage id, question id, author) for a reference, or UnknownAnswer."""
    parts = (ref or "").split(":")
    if len(parts) != 3:
        raise E.UnknownAnswer(ref)
    stage_id, question_id, who = parts
    if state.visibility == "anonymous":
        # Anonymous sessions accept only places, never ids, so no button can carry one.
        authors = _authors_in_order(state, stage_id, question_id)
        place = who[1:] if who.startswith("#") else ""
        if not place.isdigit() or not 1 <= int(place) <= len(authors):
            raise E.UnknownAnswer(ref)
        who = authors[int(place) - 1]
    if (stage_id, question_id, who) not in state.answers:
        raise E.UnknownAnswer(ref)
    return stage_id, question_id, who


def _check(flow: Flow, state: SessionState, reactor: str, ref: str, kind: str) -> tuple[str, str, str]:
    require_running(state)
    require_participant(state, reactor)
    if kind not in REACTION_KINDS:
        raise E.UnknownReactionKind(kind)
    stage_id = (ref or "").split(":")[0]
    if not flow.has_stage(stage_id) or (ref or "").count(":") != 2:
        raise E.UnknownAnswer(ref)
    if not flow.stage(stage_id).reactions:
        raise E.NoReactionsHere(stage_id)
    if not answers_visible(state, stage_id):
        raise E.StageNotRevealed(stage_id)
    found = resolve_answer(state, ref)
    question = flow.stage(stage_id).question(found[1])
    if question is None or question.visible_to != "everyone":
        raise E.UnknownAnswer(ref)  # answers only the coordinator sees cannot be reacted to
    return found


def react(flow: Flow, state: SessionState, reactor: str, ref: str, kind: str, text: str = "",
          now: datetime | None = None) -> Step:  # noqa: ARG001 - every transition takes `now`
    """Add (or replace the text of) the person's reaction of this kind to one answer."""
    stage_id, question_id, author = _check(flow, state, reactor, ref, kind)
    if author == reactor:
        raise E.OwnAnswer(ref)
    clean = clean_text(text, REACTION_TEXT_MAX) if (text or "").strip() else ""
    key = (stage_id, question_id, author, reactor, kind)
    edited = key in state.reactions
    if edited and state.reactions[key] == clean:
        return state, []
    return replace(state, reactions={**state.reactions, key: clean}), [ev.ReactionAdded(ref, reactor, kind, edited)]


def withdraw_reaction(flow: Flow, state: SessionState, reactor: str, ref: str, kind: str,
                      now: datetime | None = None) -> Step:  # noqa: ARG001 - every transition takes `now`
    """Take one's reaction back; nothing happens when there was none (a double click)."""
    stage_id, question_id, author = _check(flow, state, reactor, ref, kind)
    key = (stage_id, question_id, author, reactor, kind)
    if key not in state.reactions:
        return state, []
    reactions = {k: v for k, v in state.reactions.items() if k != key}
    return replace(state, reactions=reactions), [ev.ReactionWithdrawn(ref, reactor, kind)]


# ---- what people see ------------------------------------------------------------------------


@dataclass(frozen=True)
class ReactionView:
    kind: str
    reactor: str | None  # None when anonymous
    text: str


@dataclass(frozen=True)
class Reactions:
    """The reactions to one answer: counts per kind (every kind present, zero included) and the items."""

    counts: dict[str, int]
    items: tuple[ReactionView, ...]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def reactions_to(state: SessionState, stage_id: str, question_id: str, author: str, *,
                 anonymous: bool = False) -> Reactions:
    """Reactions to one answer, in the kinds' order; anonymous: no reactor ids, neutral order."""
    found = [(kind, reactor, text) for (s, q, a, reactor, kind), text in state.reactions.items()
             if (s, q, a) == (stage_id, question_id, author)]
    order = list(state.participants)
    found.sort(key=lambda r: (REACTION_KINDS.index(r[0]), r[2] if anonymous else order.index(r[1])))
    items = tuple(ReactionView(kind, None if anonymous else reactor, text) for kind, reactor, text in found)
    counts = {kind: sum(1 for r in found if r[0] == kind) for kind in REACTION_KINDS}
    return Reactions(counts, items)
