"""The state of one session: plain frozen values with a JSON form, and nothing else.

Why apart from the transitions: the bot stores this (sessions.state, answers in their own
table), tests build it, and every transition module reads it. Every field has a default in
`from_dict`, so a state saved before a field existed still loads.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

AnswerKey = tuple[str, str, str]  # (stage_id, question_id, participant)
ReactionKey = tuple[str, str, str, str, str]  # (stage_id, question_id, author, reactor, kind)


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _dt(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


@dataclass(frozen=True)
class StageState:
    status: str = "pending"  # pending | open | revealed | closed | skipped
    opened_at: datetime | None = None
    closed_at: datetime | None = None
    deadline: datetime | None = None
    revealed_at: datetime | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"status": self.status, "opened_at": _iso(self.opened_at), "closed_at": _iso(self.closed_at),
                "deadline": _iso(self.deadline), "revealed_at": _iso(self.revealed_at)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> StageState:
        return cls(data.get("status", "pending"), _dt(data.get("opened_at")), _dt(data.get("closed_at")),
                   _dt(data.get("deadline")), _dt(data.get("revealed_at")))


# ---- shared picture and conclusion consent ---------------------------------------------------


@dataclass(frozen=True)
class DraftVersion:
    number: int
    text: str
    author: str
    created_at: datetime


@dataclass(frozen=True)
class Proposal:
    id: str
    author: str
    text: str
    version: int  # the draft version it was proposed against
    status: str = "open"  # open | accepted | rejected | withdrawn


@dataclass(frozen=True)
class Agreement:
    """A short text the group stands behind: a stage's shared picture, or the conclusion.

    Confirmations are per person and belong to the current version: a new version empties
    them, because people agreed to words that are no longer there.
    """

    kind: str  # picture | conclusion
    versions: tuple[DraftVersion, ...] = ()
    confirmations: frozenset[str] = frozenset()
    proposals: tuple[Proposal, ...] = ()
    finalised_at: datetime | None = None

    @property
    def current(self) -> DraftVersion | None:
        return self.versions[-1] if self.versions else None

    @property
    def is_final(self) -> bool:
        return self.finalised_at is not None

    def open_proposals(self) -> tuple[Proposal, ...]:
        return tuple(p for p in self.proposals if p.status == "open")

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "versions": [[v.number, v.text, v.author, _iso(v.created_at)] for v in self.versions],
            "confirmations": sorted(self.confirmations),
            "proposals": [[p.id, p.author, p.text, p.version, p.status] for p in self.proposals],
            "finalised_at": _iso(self.finalised_at),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Agreement:
        return cls(
            kind=data.get("kind", "picture"),
            versions=tuple(DraftVersion(int(n), t, a, _dt(c)) for n, t, a, c in data.get("versions") or []),
            confirmations=frozenset(data.get("confirmations") or ()),
            proposals=tuple(Proposal(i, a, t, int(v), s) for i, a, t, v, s in data.get("proposals") or []),
            finalised_at=_dt(data.get("finalised_at")),
        )


# ---- dot vote -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Idea:
    id: str
    text: str
    source: str  # answer | added
    author: str | None


@dataclass(frozen=True)
class VoteState:
    """Ideas and each person's whole allocation of dots; tallies are derived, never stored."""

    status: str = "open"  # open | closed
    ideas: tuple[Idea, ...] = ()
    allocations: dict[str, dict[str, int]] = field(default_factory=dict)  # participant -> idea -> dots
    opened_at: datetime | None = None
    closed_at: datetime | None = None

    def idea(self, idea_id: str) -> Idea | None:
        return next((i for i in self.ideas if i.id == idea_id), None)

    def to_dict(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "ideas": [[i.id, i.text, i.source, i.author] for i in self.ideas],
            "allocations": {p: dict(a) for p, a in self.allocations.items()},
            "opened_at": _iso(self.opened_at),
            "closed_at": _iso(self.closed_at),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> VoteState:
        return cls(
            status=data.get("status", "open"),
            ideas=tuple(Idea(i, t, s, a) for i, t, s, a in data.get("ideas") or []),
            allocations={p: {k: int(v) for k, v in a.items()} for p, a in (data.get("allocations") or {}).items()},
            opened_at=_dt(data.get("opened_at")),
            closed_at=_dt(data.get("closed_at")),
        )


# ---- the session ----------------------------------------------------------------------------


@dataclass(frozen=True)
class SessionState:
    flow_id: str
    flow_version: int
    participants: dict[str, str]  # participant id (Slack user id) -> role; removed people stay here
    stages: dict[str, StageState]  # in flow order
    status: str = "running"  # scheduled | running | closed
    current_stage_id: str | None = None
    answers: dict[AnswerKey, str] = field(default_factory=dict)
    visibility: str = "hidden"
    theme: str | None = None
    started_at: datetime | None = None
    closed_at: datetime | None = None
    absent: frozenset[str] = frozenset()  # declined: not awaited, may come back
    removed: frozenset[str] = frozenset()  # taken out of the session: not awaited, answers kept
    agreements: dict[str, Agreement] = field(default_factory=dict)  # stage id -> picture or conclusion
    votes: dict[str, VoteState] = field(default_factory=dict)  # stage id -> dot vote
    reactions: dict[ReactionKey, str] = field(default_factory=dict)  # -> optional short text ('' if none)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (datetimes as ISO strings, answers as a list of 4-item lists)."""
        return {
            "flow_id": self.flow_id,
            "flow_version": self.flow_version,
            "participants": dict(self.participants),
            "stages": {sid: st.to_dict() for sid, st in self.stages.items()},
            "status": self.status,
            "current_stage_id": self.current_stage_id,
            "answers": [[s, q, p, v] for (s, q, p), v in self.answers.items()],
            "visibility": self.visibility,
            "theme": self.theme,
            "started_at": _iso(self.started_at),
            "closed_at": _iso(self.closed_at),
            "absent": sorted(self.absent),
            "removed": sorted(self.removed),
            "agreements": {sid: a.to_dict() for sid, a in self.agreements.items()},
            "votes": {sid: v.to_dict() for sid, v in self.votes.items()},
            "reactions": [[*key, text] for key, text in self.reactions.items()],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SessionState:
        return cls(
            flow_id=data["flow_id"],
            flow_version=int(data["flow_version"]),
            participants=dict(data.get("participants") or {}),
            stages={sid: StageState.from_dict(st) for sid, st in (data.get("stages") or {}).items()},
            status=data.get("status", "running"),
            current_stage_id=data.get("current_stage_id"),
            answers={(s, q, p): v for s, q, p, v in data.get("answers") or []},
            visibility=data.get("visibility", "hidden"),
            theme=data.get("theme"),
            started_at=_dt(data.get("started_at")),
            closed_at=_dt(data.get("closed_at")),
            absent=frozenset(data.get("absent") or ()),
            removed=frozenset(data.get("removed") or ()),
            agreements={sid: Agreement.from_dict(a) for sid, a in (data.get("agreements") or {}).items()},
            votes={sid: VoteState.from_dict(v) for sid, v in (data.get("votes") or {}).items()},
            reactions={(s, q, a, r, k): text for s, q, a, r, k, text in data.get("reactions") or []},
        )

    def answers_of(self, participant: str, stage_id: str) -> dict[str, str]:
        return {q: v for (s, q, p), v in self.answers.items() if s == stage_id and p == participant}

    def is_active(self, participant: str) -> bool:
        """Still in the session (not removed); absent people are still in it."""
        return participant in self.participants and participant not in self.removed

    def is_coordinator(self, participant: str) -> bool:
        return self.is_active(participant) and self.participants[participant] == "coordinator"
