"""Turn one parsed YAML document into a Flow: the structure (flow, stages, questions, options)
and the stage options for working together (shared picture, dot vote, conclusion consent,
reactions). Problems are collected, never raised; see docs/flows.md for the format.
"""

from __future__ import annotations

from typing import Any

from flows import errors as E
from flows.model import (
    AUDIENCES,
    DRAFTERS,
    FLOW_SIDES,
    QUESTION_KINDS,
    STAGE_ENDS,
    STAGE_KINDS,
    VISIBILITIES,
    ConclusionConsent,
    DotVote,
    Flow,
    Option,
    Preparation,
    Question,
    SharedPicture,
    Stage,
    Text,
)
from flows.parse_basics import FLOW_ID, ITEM_ID, OPTION_ID, Checks, join, kind_of

# Length limits follow where Slack shows the text (header 150, input label 2000, option 75).
TITLE_MAX = 80
SUMMARY_MAX = 300
INTRO_MAX = 2500
LABEL_MAX = 300
OPTION_MAX = 75
MAX_QUESTIONS = 6
MAX_OPTIONS = 10
MAX_STAGES = 20
MAX_VOTES = 10

QUESTION_FIELDS = {"hint", "required", "outcome_focus", "conclusion", "scale", "options", "visible_to"}
STAGE_FIELDS = {"questions", "roles", "ends", "deadline_hours", "shows_data", "shared_picture", "dot_vote",
                "conclusion_consent", "reactions"}


class FlowParser(Checks):
    """Builds a Flow from one YAML document, collecting problems instead of stopping."""

    flow_id = ""

    def option(self, data: Any, where: str, seen: set[str]) -> Option | None:
        d = self.fields(data, where, {"id", "label"}, {"suggests_flow"})
        if d is None:
            return None
        suggests = d.get("suggests_flow")
        if suggests is not None and (not isinstance(suggests, str) or not FLOW_ID.match(suggests)):
            self.problem(E.InvalidValue, join(where, "suggests_flow"), f"{suggests!r} is not a valid flow id")
            suggests = None
        elif suggests is not None and suggests == self.flow_id:
            self.problem(E.InvalidValue, join(where, "suggests_flow"), f"a flow cannot suggest itself ({suggests})")
        return Option(self.ident(d, where, OPTION_ID, seen), self.text(d.get("label"), join(where, "label"), OPTION_MAX),
                      suggests)

    def scale(self, d: dict, where: str) -> tuple[int, int, Text | None, Text | None]:
        s = self.fields(d.get("scale"), join(where, "scale"), {"min", "max"}, {"low", "high"})
        if s is None:
            return 1, 5, None, None
        scale_min = self.integer(s, "min", join(where, "scale"), 0, 10) or 0
        scale_max = self.integer(s, "max", join(where, "scale"), 1, 10) or 10
        if scale_min >= scale_max:
            self.problem(E.InvalidValue, join(where, "scale"), "min must be smaller than max")
        low = self.optional_text(s, "low", join(where, "scale"), OPTION_MAX)
        return scale_min, scale_max, low, self.optional_text(s, "high", join(where, "scale"), OPTION_MAX)

    def options(self, d: dict, where: str) -> tuple[Option, ...]:
        raw = d.get("options")
        if not isinstance(raw, list) or not 2 <= len(raw) <= MAX_OPTIONS:
            self.problem(E.InvalidValue, join(where, "options"), f"a choice question needs 2 to {MAX_OPTIONS} options")
            raw = raw if isinstance(raw, list) else []
        seen: set[str] = set()
        found = [self.option(item, f"{where}.options[{i}]", seen) for i, item in enumerate(raw)]
        return tuple(o for o in found if o is not None)

    def question(self, data: Any, where: str, seen: set[str], *, with_roles: bool) -> Question | None:
        """A stage or preparation question; `with_roles` only for preparation (who is asked)."""
        d = self.fields(data, where, {"id", "kind", "label"}, QUESTION_FIELDS | ({"roles"} if with_roles else set()))
        if d is None:
            return None
        qid = self.ident(d, where, ITEM_ID, seen)
        kind = self.choice(d, "kind", where, QUESTION_KINDS, "text")
        scale_min, scale_max, low, high = self.scale(d, where) if kind == "scale" else (1, 5, None, None)
        if kind != "scale" and "scale" in d:
            self.problem(E.UnknownField, join(where, "scale"), "only questions of kind 'scale' have a scale")
        options = self.options(d, where) if kind in ("single", "multiple") else ()
        if kind not in ("single", "multiple") and "options" in d:
            self.problem(E.UnknownField, join(where, "options"), "only choice questions have options")
        visible_to = self.choice(d, "visible_to", where, AUDIENCES, "everyone")
        conclusion = self.boolean(d, "conclusion", where)
        if conclusion and visible_to != "everyone":
            self.problem(E.OptionNotAllowed, join(where, "visible_to"),
                         "a conclusion is shown to everyone, so it cannot be visible to the coordinator only")
        return Question(
            id=qid, kind=kind, label=self.text(d.get("label"), join(where, "label"), LABEL_MAX),
            hint=self.optional_text(d, "hint", where, LABEL_MAX),
            required=self.boolean(d, "required", where, True),
            outcome_focus=self.boolean(d, "outcome_focus", where), conclusion=conclusion,
            scale_min=scale_min, scale_max=scale_max, scale_low=low, scale_high=high,
            options=options, roles=self.roles(d, where) if with_roles else None, visible_to=visible_to,
        )

    def questions(self, raw: Any, where: str, seen: set[str], *, with_roles: bool = False) -> tuple[Question, ...]:
        if raw is None:
            return ()
        if not isinstance(raw, list):
            self.problem(E.WrongType, where, f"expected a list of questions, got {kind_of(raw)}")
            return ()
        if len(raw) > MAX_QUESTIONS:
            self.problem(E.InvalidValue, where, f"{len(raw)} questions; at most {MAX_QUESTIONS} fit in one modal")
        out = [self.question(item, f"{where}[{i}]", seen, with_roles=with_roles) for i, item in enumerate(raw)]
        return tuple(q for q in out if q is not None)

    # -- working together ------------------------------------------------------------
    def flag_or_fields(self, d: dict, name: str, where: str, optional: set[str]) -> dict | None:
        """`name: true` (defaults), `name: false`/absent (off), or a mapping with options."""
        value = d.get(name)
        if value is None or value is False:
            return None
        if value is True:
            return {}
        return self.fields(value, join(where, name), set(), optional)

    def shared_picture(self, d: dict, where: str) -> SharedPicture | None:
        p = self.flag_or_fields(d, "shared_picture", where, {"drafted_by", "label"})
        if p is None:
            return None
        w = join(where, "shared_picture")
        return SharedPicture(self.choice(p, "drafted_by", w, DRAFTERS, "coordinator"),
                             self.optional_text(p, "label", w, LABEL_MAX))

    def conclusion_consent(self, d: dict, where: str) -> ConclusionConsent | None:
        c = self.flag_or_fields(d, "conclusion_consent", where, {"label"})
        if c is None:
            return None
        return ConclusionConsent(self.optional_text(c, "label", join(where, "conclusion_consent"), LABEL_MAX))

    def dot_vote(self, d: dict, where: str, questions: tuple[Question, ...]) -> DotVote | None:
        """The vote's rule; its ideas must come from a text question of the same stage that everyone sees."""
        if "dot_vote" not in d:
            return None
        w = join(where, "dot_vote")
        v = self.fields(d["dot_vote"], w, {"ideas_from"}, {"votes", "votes_per_idea", "label"})
        if v is None:
            return None
        source = v.get("ideas_from")
        question = next((q for q in questions if q.id == source), None)
        if "ideas_from" in v and question is None:
            self.problem(E.UnknownReference, join(w, "ideas_from"), f"{source!r} is not a question of this stage")
        elif question is not None and question.kind != "text":
            self.problem(E.OptionNotAllowed, join(w, "ideas_from"), "ideas come from a question of kind 'text'")
        elif question is not None and question.visible_to != "everyone":
            self.problem(E.OptionNotAllowed, join(w, "ideas_from"),
                         "ideas are shown to everyone, so they cannot come from a coordinator-only question")
        votes = self.integer(v, "votes", w, 1, MAX_VOTES) or 3
        per_idea = self.integer(v, "votes_per_idea", w, 1, MAX_VOTES) or votes
        if per_idea > votes:
            self.problem(E.InvalidValue, join(w, "votes_per_idea"), f"{per_idea} is more than votes ({votes})")
            per_idea = votes
        return DotVote(str(source), votes, per_idea, self.optional_text(v, "label", w, LABEL_MAX))

    def together(self, d: dict, where: str, kind: str, questions: tuple[Question, ...]) -> dict[str, Any]:
        """The options for working together, refused on stages without questions."""
        found = {"shared_picture": self.shared_picture(d, where), "dot_vote": self.dot_vote(d, where, questions),
                 "conclusion_consent": self.conclusion_consent(d, where),
                 "reactions": self.boolean(d, "reactions", where)}
        used = [name for name, value in found.items() if value]
        if kind != "questions" and used:
            for name in used:
                self.problem(E.OptionNotAllowed, join(where, name), "only a stage of kind 'questions' has this")
        if found["shared_picture"] and found["conclusion_consent"]:
            self.problem(E.OptionNotAllowed, join(where, "conclusion_consent"),
                         "a stage agrees on one text: a shared picture or the conclusion, not both")
        return found

    # -- structure -------------------------------------------------------------------
    def stage(self, data: Any, where: str, stage_ids: set[str], question_ids: set[str]) -> Stage | None:
        """One stage; question ids are unique across the whole flow (`question_ids`)."""
        d = self.fields(data, where, {"id", "kind", "title", "intro"}, STAGE_FIELDS)
        if d is None:
            return None
        sid = self.ident(d, where, ITEM_ID, stage_ids)
        kind = self.choice(d, "kind", where, STAGE_KINDS, "questions")
        questions = self.questions(d.get("questions"), join(where, "questions"), question_ids)
        if kind == "questions" and not questions:
            self.problem(E.MissingField, join(where, "questions"), "a stage of kind 'questions' needs questions")
        if kind != "questions" and questions:
            self.problem(E.InvalidValue, join(where, "questions"), f"a stage of kind '{kind}' has no questions")
        ends = self.choice(d, "ends", where, STAGE_ENDS, "coordinator")
        hours = self.integer(d, "deadline_hours", where, 1, 720)
        if ends == "deadline" and hours is None and "deadline_hours" not in d:
            self.problem(E.MissingField, join(where, "deadline_hours"), "required when ends: deadline")
        if ends == "all_answered" and kind != "questions":
            self.problem(E.InvalidValue, join(where, "ends"), "only a stage with questions can end when all answered")
        return Stage(
            id=sid, kind=kind, title=self.text(d.get("title"), join(where, "title"), TITLE_MAX),
            intro=self.text(d.get("intro"), join(where, "intro"), INTRO_MAX),
            questions=questions, roles=self.roles(d, where), ends=ends, deadline_hours=hours,
            shows_data=self.boolean(d, "shows_data", where), **self.together(d, where, kind, questions),
        )

    def preparation(self, d: dict) -> Preparation | None:
        if "preparation" not in d:
            return None
        p = self.fields(d["preparation"], "preparation", {"purpose"}, {"questions"})
        if p is None:
            return None
        return Preparation(
            purpose=self.text(p.get("purpose"), "preparation.purpose", INTRO_MAX),
            questions=self.questions(p.get("questions"), "preparation.questions", set(), with_roles=True),
        )

    def stages(self, d: dict) -> tuple[Stage, ...]:
        """All stages in order; only one of them may ask consent for the conclusion."""
        raw = d.get("stages")
        if not isinstance(raw, list) or not raw:
            if "stages" in d:
                self.problem(E.WrongType, "stages", "expected a non-empty list of stages")
            raw = []
        if len(raw) > MAX_STAGES:
            self.problem(E.InvalidValue, "stages", f"{len(raw)} stages; at most {MAX_STAGES}")
        stage_ids: set[str] = set()
        question_ids: set[str] = set()
        found = [self.stage(item, f"stages[{i}]", stage_ids, question_ids) for i, item in enumerate(raw)]
        stages = tuple(s for s in found if s is not None)
        consent = [i for i, s in enumerate(stages) if s.conclusion_consent is not None]
        for i in consent[1:]:
            self.problem(E.OptionNotAllowed, f"stages[{i}].conclusion_consent",
                         "only one stage of a flow asks consent for the conclusion")
        return stages

    def flow(self, data: Any) -> Flow | None:
        """The whole document; `flow_id` is kept so options cannot suggest their own flow."""
        d = self.fields(data, "", {"id", "version", "title", "stages"},
                        {"side", "summary", "needs_theme", "visibility", "uses_data", "preparation"})
        if d is None:
            return None
        fid = d.get("id")
        if not isinstance(fid, str) or not FLOW_ID.match(fid):
            if "id" in d:
                self.problem(E.InvalidValue, "id", f"{fid!r} is not a valid flow id (lowercase, digits, '-')")
            fid = str(fid)
        self.flow_id = fid
        return Flow(
            id=fid, version=self.integer(d, "version", "", 1, 10_000) or 1,
            side=self.choice(d, "side", "", FLOW_SIDES, "overig"),
            title=self.text(d.get("title"), "title", TITLE_MAX),
            summary=self.text(d["summary"], "summary", SUMMARY_MAX) if "summary" in d else Text("", ""),
            stages=self.stages(d),
            needs_theme=self.boolean(d, "needs_theme", ""),
            visibility=self.choice(d, "visibility", "", VISIBILITIES, "hidden"),
            uses_data=self.boolean(d, "uses_data", ""),
            preparation=self.preparation(d),
            source=self.file,
        )
