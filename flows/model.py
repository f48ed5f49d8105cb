"""What a conversation flow is: immutable, validated data loaded from YAML.

Why frozen dataclasses: a flow is shared by every session that runs it (nine at once is
normal), so nothing may mutate it; and they cost nothing to build in engine tests.
Texts are bilingual (`Text`), because every participant reads in their own language.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

QuestionKind = Literal["text", "scale", "single", "multiple"]
StageKind = Literal["questions", "actions", "info"]
StageEnd = Literal["coordinator", "all_answered", "deadline"]
Visibility = Literal["hidden", "open", "anonymous"]
Audience = Literal["everyone", "coordinator"]
Drafter = Literal["coordinator", "anyone"]
Viewer = Literal["coordinator", "participant"]

QUESTION_KINDS: tuple[str, ...] = ("text", "scale", "single", "multiple")
STAGE_KINDS: tuple[str, ...] = ("questions", "actions", "info")
STAGE_ENDS: tuple[str, ...] = ("coordinator", "all_answered", "deadline")
VISIBILITIES: tuple[str, ...] = ("hidden", "open", "anonymous")
AUDIENCES: tuple[str, ...] = ("everyone", "coordinator")
DRAFTERS: tuple[str, ...] = ("coordinator", "anyone")
VIEWERS: tuple[str, ...] = ("coordinator", "participant")
FLOW_SIDES: tuple[str, ...] = ("voorkant", "achterkant", "overig")
LANGUAGES: tuple[str, ...] = ("nl", "en")


@dataclass(frozen=True)
class Text:
    """A text in Dutch and English; Dutch is the default and the fallback."""

    nl: str
    en: str

    def get(self, lang: str | None) -> str:
        return self.en if lang == "en" and self.en else self.nl


@dataclass(frozen=True)
class Option:
    id: str
    label: Text
    suggests_flow: str | None = None  # e.g. "veranderverhaal": the bot offers to plan that flow


@dataclass(frozen=True)
class Question:
    id: str
    kind: QuestionKind
    label: Text
    hint: Text | None = None
    required: bool = True
    outcome_focus: bool = False
    conclusion: bool = False
    scale_min: int = 1
    scale_max: int = 5
    scale_low: Text | None = None
    scale_high: Text | None = None
    options: tuple[Option, ...] = ()
    roles: frozenset[str] | None = None  # only used by preparation questions
    visible_to: Audience = "everyone"  # "coordinator": answers never shown to other participants

    def option(self, option_id: str) -> Option | None:
        return next((o for o in self.options if o.id == option_id), None)

    def asks(self, role: str) -> bool:
        return self.roles is None or role in self.roles

    def visible_for(self, viewer: str) -> bool:
        """Whether answers to this question may be shown to this viewer (coordinator|participant)."""
        return self.visible_to == "everyone" or viewer == "coordinator"


@dataclass(frozen=True)
class SharedPicture:
    """After the answers are revealed, the group agrees on one to three sentences."""

    drafted_by: Drafter = "coordinator"
    label: Text | None = None


@dataclass(frozen=True)
class DotVote:
    """Ideas from the answers to `ideas_from` (plus new ones) get dots; the coordinator closes."""

    ideas_from: str
    votes: int = 3
    votes_per_idea: int = 3
    label: Text | None = None


@dataclass(frozen=True)
class ConclusionConsent:
    """The coordinator drafts the conclusion, everyone confirms or proposes a change."""

    label: Text | None = None


@dataclass(frozen=True)
class Stage:
    id: str
    kind: StageKind
    title: Text
    intro: Text
    questions: tuple[Question, ...] = ()
    roles: frozenset[str] | None = None  # None: everyone answers
    ends: StageEnd = "coordinator"
    deadline_hours: int | None = None
    shows_data: bool = False
    shared_picture: SharedPicture | None = None
    dot_vote: DotVote | None = None
    conclusion_consent: ConclusionConsent | None = None
    reactions: bool = False

    def question(self, question_id: str) -> Question | None:
        return next((q for q in self.questions if q.id == question_id), None)

    def answered_by(self, role: str) -> bool:
        return self.roles is None or role in self.roles

    @property
    def agreement_kind(self) -> str | None:
        """'picture', 'conclusion' or None: which text the group agrees on in this stage."""
        if self.shared_picture is not None:
            return "picture"
        return "conclusion" if self.conclusion_consent is not None else None

    @property
    def works_together(self) -> bool:
        """True when the stage has a phase after its answers are revealed (picture or vote)."""
        return self.shared_picture is not None or self.dot_vote is not None


@dataclass(frozen=True)
class Preparation:
    purpose: Text
    questions: tuple[Question, ...] = ()

    def questions_for(self, role: str) -> tuple[Question, ...]:
        return tuple(q for q in self.questions if q.asks(role))

    def questions_visible_to(self, viewer: str) -> tuple[Question, ...]:
        """The questions whose answers this viewer may read in the preparation summary."""
        return tuple(q for q in self.questions if q.visible_for(viewer))


@dataclass(frozen=True)
class Flow:
    id: str
    version: int
    side: str
    title: Text
    summary: Text
    stages: tuple[Stage, ...]
    needs_theme: bool = False
    visibility: Visibility = "hidden"
    uses_data: bool = False
    preparation: Preparation | None = None
    source: str = field(default="", compare=False)

    @property
    def stage_ids(self) -> list[str]:
        return [s.id for s in self.stages]

    def stage(self, stage_id: str) -> Stage:
        for stage in self.stages:
            if stage.id == stage_id:
                return stage
        raise KeyError(stage_id)

    def has_stage(self, stage_id: str) -> bool:
        return any(s.id == stage_id for s in self.stages)

    def suggested_flows(self) -> set[str]:
        """Flow ids that choice options point to (`suggests_flow`); the registry checks they exist."""
        questions = [q for s in self.stages for q in s.questions]
        questions += list(self.preparation.questions) if self.preparation else []
        return {o.suggests_flow for q in questions for o in q.options if o.suggests_flow}

    def next_stage_id(self, stage_id: str) -> str | None:
        ids = self.stage_ids
        index = ids.index(stage_id)
        return ids[index + 1] if index + 1 < len(ids) else None
