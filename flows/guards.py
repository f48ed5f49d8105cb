"""The checks every transition shares: is the session running, is this a stage, who is asking.

Why one module: the same question ("may this person do this now?") is asked by answers,
reactions, pictures and votes; answering it in one place keeps the refusals consistent.
"""

from __future__ import annotations

import re

from flows import transition_errors as E
from flows.model import Flow, Stage
from flows.state import SessionState


def require_running(state: SessionState) -> None:
    if state.status == "closed":
        raise E.SessionIsClosed()


def require_stage(flow: Flow, stage_id: str) -> Stage:
    if not flow.has_stage(stage_id):
        raise E.UnknownStage(stage_id)
    return flow.stage(stage_id)


def require_participant(state: SessionState, participant: str) -> str:
    """The participant's role; refuses strangers and removed people."""
    if participant not in state.participants:
        raise E.NotAParticipant(participant)
    if participant in state.removed:
        raise E.NoLongerParticipant(participant)
    return state.participants[participant]


def require_coordinator(state: SessionState, participant: str) -> None:
    require_participant(state, participant)
    if not state.is_coordinator(participant):
        raise E.NotCoordinator(participant)


def answers_visible(state: SessionState, stage_id: str) -> bool:
    """Whether the stage's answers are shown to the group now.

    Hidden and anonymous sessions show them once the stage is revealed or closed; an open
    session shows them as they come in, so they are visible while the stage is open too.
    """
    status = state.stages[stage_id].status
    if status in ("revealed", "closed"):
        return True
    return status == "open" and state.visibility == "open"


def require_together_phase(state: SessionState, stage_id: str) -> None:
    """Pictures and votes live while the stage is current and its answers are visible."""
    require_running(state)
    status = state.stages[stage_id].status
    if status not in ("open", "revealed") or not answers_visible(state, stage_id):
        raise E.StageNotRevealed(stage_id)


def clean_text(value: str, limit: int, *, sentences: int | None = None) -> str:
    """A typed text, trimmed and checked: not empty, not too long, not too many sentences."""
    text = re.sub(r"[ \t]+", " ", (value or "").replace("\x00", "")).strip()
    if not text:
        raise E.InvalidText("text_empty")
    if len(text) > limit:
        raise E.InvalidText("text_too_long")
    if sentences is not None and count_sentences(text) > sentences:
        raise E.InvalidText("too_many_sentences")
    return text


_SENTENCE_END = re.compile(r"[.!?…]+[\"')\]]*\s+(?=[A-ZÀ-Þ0-9\"'(‘“])|\n+")


def count_sentences(text: str) -> int:
    """Sentences in a short text: a full stop, question or exclamation mark followed by a
    capital (so "bijv. de wijk" stays one sentence), or a line break."""
    return len([part for part in _SENTENCE_END.split(text.strip()) if part.strip()])
