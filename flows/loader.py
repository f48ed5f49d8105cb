"""Load flow definitions from YAML, validate them, and keep them in a registry.

Why a hand-written validator instead of a schema library: coordinators edit these files,
so every message must name the file, the place and the reason in plain words, and report
all problems at once. The rules are few and live in one place (`_Parser`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from flows import errors as E
from flows.model import (
    FLOW_SIDES,
    LANGUAGES,
    QUESTION_KINDS,
    STAGE_ENDS,
    STAGE_KINDS,
    VISIBILITIES,
    Flow,
    Option,
    Preparation,
    Question,
    Stage,
    Text,
)
from flows.roles import ROLES

BUNDLED_DIR = Path(__file__).parent / "definitions"

FLOW_ID = re.compile(r"^[a-z][a-z0-9-]{1,40}$")
ITEM_ID = re.compile(r"^[a-z][a-z0-9_]{1,40}$")
OPTION_ID = re.compile(r"^[a-z][a-z0-9_]{0,40}$")

# Length limits follow where Slack shows the text (header 150, input label 2000, option 75).
TITLE_MAX = 80
SUMMARY_MAX = 300
INTRO_MAX = 2500
LABEL_MAX = 300
OPTION_MAX = 75
MAX_QUESTIONS = 6
MAX_OPTIONS = 10
MAX_STAGES = 20


class _Parser:
    """Turns one parsed YAML document into a Flow, collecting problems instead of stopping."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[E.FlowProblem] = []

    def problem(self, cls: type[E.FlowProblem], where: str, reason: str) -> None:
        self.problems.append(cls(self.file, where, reason))

    # -- primitives ------------------------------------------------------------------
    def fields(self, data: Any, where: str, required: set[str], optional: set[str]) -> dict | None:
        if not isinstance(data, dict):
            self.problem(E.WrongType, where, f"expected a mapping with fields, got {_kind(data)}")
            return None
        for name in sorted(required - data.keys()):
            self.problem(E.MissingField, _join(where, name), "this field is required")
        for name in sorted(data.keys() - required - optional, key=str):
            known = ", ".join(sorted(required | optional))
            self.problem(E.UnknownField, _join(where, str(name)), f"unknown field; known fields: {known}")
        return data

    def text(self, data: Any, where: str, limit: int) -> Text:
        if isinstance(data, str):
            self.problem(E.MissingTranslation, where, "give the text in both languages: {nl: ..., en: ...}")
            return Text(data, data)
        if not isinstance(data, dict):
            self.problem(E.WrongType, where, f"expected {{nl: ..., en: ...}}, got {_kind(data)}")
            return Text("", "")
        values: dict[str, str] = {}
        for lang in LANGUAGES:
            value = data.get(lang)
            if value is None or (isinstance(value, str) and not value.strip()):
                self.problem(E.MissingTranslation, _join(where, lang), f"the {lang} text is missing")
                values[lang] = ""
            elif not isinstance(value, str):
                self.problem(E.WrongType, _join(where, lang), f"expected text, got {_kind(value)}")
                values[lang] = str(value)
            else:
                values[lang] = value.strip()
                if len(values[lang]) > limit:
                    self.problem(E.TextTooLong, _join(where, lang),
                                 f"{len(values[lang])} characters; at most {limit} fit here")
        for extra in sorted(set(data) - set(LANGUAGES), key=str):
            self.problem(E.UnknownField, _join(where, str(extra)), "only the languages nl and en are supported")
        return Text(values["nl"], values["en"])

    def choice(self, data: dict, name: str, where: str, allowed: tuple[str, ...], default: str) -> str:
        value = data.get(name, default)
        if value not in allowed:
            self.problem(E.InvalidValue, _join(where, name), f"{value!r} is not one of: {', '.join(allowed)}")
            return default
        return value

    def boolean(self, data: dict, name: str, where: str, default: bool = False) -> bool:
        value = data.get(name, default)
        if not isinstance(value, bool):
            self.problem(E.WrongType, _join(where, name), f"expected true or false, got {value!r}")
            return default
        return value

    def integer(self, data: dict, name: str, where: str, low: int, high: int) -> int | None:
        value = data.get(name)
        if value is None:
            return None
        if not isinstance(value, int) or isinstance(value, bool):
            self.problem(E.WrongType, _join(where, name), f"expected a whole number, got {value!r}")
            return None
        if not low <= value <= high:
            self.problem(E.InvalidValue, _join(where, name), f"{value} is outside {low}..{high}")
            return None
        return value

    def ident(self, data: dict, where: str, pattern: re.Pattern[str], seen: set[str]) -> str:
        value = data.get("id")
        if not isinstance(value, str) or not pattern.match(value):
            if "id" in data:
                self.problem(E.InvalidValue, _join(where, "id"),
                             f"{value!r} is not a valid id (lowercase letters, digits, '_' or '-')")
            return str(value)
        if value in seen:
            self.problem(E.DuplicateId, _join(where, "id"), f"id {value!r} is used more than once")
        seen.add(value)
        return value

    def roles(self, data: dict, where: str) -> frozenset[str] | None:
        if "roles" not in data:
            return None
        value = data["roles"]
        if not isinstance(value, list) or not value:
            self.problem(E.WrongType, _join(where, "roles"), "expected a non-empty list of roles")
            return None
        for i, role in enumerate(value):
            if role not in ROLES:
                self.problem(E.InvalidValue, f"{where}.roles[{i}]",
                             f"unknown role {role!r}; roles are: {', '.join(ROLES)}")
        return frozenset(r for r in value if r in ROLES) or None

    # -- structure -------------------------------------------------------------------
    def question(self, data: Any, where: str, seen: set[str], *, with_roles: bool) -> Question | None:
        optional = {"hint", "required", "outcome_focus", "conclusion", "scale", "options"}
        if with_roles:
            optional.add("roles")
        d = self.fields(data, where, {"id", "kind", "label"}, optional)
        if d is None:
            return None
        qid = self.ident(d, where, ITEM_ID, seen)
        kind = self.choice(d, "kind", where, QUESTION_KINDS, "text")
        label = self.text(d.get("label"), _join(where, "label"), LABEL_MAX)
        hint = self.text(d["hint"], _join(where, "hint"), LABEL_MAX) if "hint" in d else None
        scale_min, scale_max, low, high = 1, 5, None, None
        if kind == "scale":
            s = self.fields(d.get("scale"), _join(where, "scale"), {"min", "max"}, {"low", "high"})
            if s is not None:
                scale_min = self.integer(s, "min", _join(where, "scale"), 0, 10) or 0
                scale_max = self.integer(s, "max", _join(where, "scale"), 1, 10) or 10
                if scale_min >= scale_max:
                    self.problem(E.InvalidValue, _join(where, "scale"), "min must be smaller than max")
                low = self.text(s["low"], _join(where, "scale.low"), OPTION_MAX) if "low" in s else None
                high = self.text(s["high"], _join(where, "scale.high"), OPTION_MAX) if "high" in s else None
        elif "scale" in d:
            self.problem(E.UnknownField, _join(where, "scale"), "only questions of kind 'scale' have a scale")
        options: list[Option] = []
        if kind in ("single", "multiple"):
            raw = d.get("options")
            if not isinstance(raw, list) or not 2 <= len(raw) <= MAX_OPTIONS:
                self.problem(E.InvalidValue, _join(where, "options"),
                             f"a choice question needs 2 to {MAX_OPTIONS} options")
                raw = raw if isinstance(raw, list) else []
            option_ids: set[str] = set()
            for i, item in enumerate(raw):
                ow = f"{where}.options[{i}]"
                od = self.fields(item, ow, {"id", "label"}, set())
                if od is not None:
                    options.append(Option(self.ident(od, ow, OPTION_ID, option_ids),
                                          self.text(od.get("label"), _join(ow, "label"), OPTION_MAX)))
        elif "options" in d:
            self.problem(E.UnknownField, _join(where, "options"), "only choice questions have options")
        return Question(
            id=qid, kind=kind, label=label, hint=hint,
            required=self.boolean(d, "required", where, True),
            outcome_focus=self.boolean(d, "outcome_focus", where),
            conclusion=self.boolean(d, "conclusion", where),
            scale_min=scale_min, scale_max=scale_max, scale_low=low, scale_high=high,
            options=tuple(options), roles=self.roles(d, where) if with_roles else None,
        )

    def questions(self, raw: Any, where: str, seen: set[str], *, with_roles: bool = False) -> tuple[Question, ...]:
        if raw is None:
            return ()
        if not isinstance(raw, list):
            self.problem(E.WrongType, where, f"expected a list of questions, got {_kind(raw)}")
            return ()
        if len(raw) > MAX_QUESTIONS:
            self.problem(E.InvalidValue, where, f"{len(raw)} questions; at most {MAX_QUESTIONS} fit in one modal")
        out = [self.question(item, f"{where}[{i}]", seen, with_roles=with_roles) for i, item in enumerate(raw)]
        return tuple(q for q in out if q is not None)

    def stage(self, data: Any, where: str, stage_ids: set[str], question_ids: set[str]) -> Stage | None:
        d = self.fields(data, where, {"id", "kind", "title", "intro"},
                        {"questions", "roles", "ends", "deadline_hours", "shows_data"})
        if d is None:
            return None
        sid = self.ident(d, where, ITEM_ID, stage_ids)
        kind = self.choice(d, "kind", where, STAGE_KINDS, "questions")
        questions = self.questions(d.get("questions"), _join(where, "questions"), question_ids)
        if kind == "questions" and not questions:
            self.problem(E.MissingField, _join(where, "questions"), "a stage of kind 'questions' needs questions")
        if kind != "questions" and questions:
            self.problem(E.InvalidValue, _join(where, "questions"), f"a stage of kind '{kind}' has no questions")
        ends = self.choice(d, "ends", where, STAGE_ENDS, "coordinator")
        hours = self.integer(d, "deadline_hours", where, 1, 720)
        if ends == "deadline" and hours is None and "deadline_hours" not in d:
            self.problem(E.MissingField, _join(where, "deadline_hours"), "required when ends: deadline")
        if ends == "all_answered" and kind != "questions":
            self.problem(E.InvalidValue, _join(where, "ends"), "only a stage with questions can end when all answered")
        return Stage(
            id=sid, kind=kind,
            title=self.text(d.get("title"), _join(where, "title"), TITLE_MAX),
            intro=self.text(d.get("intro"), _join(where, "intro"), INTRO_MAX),
            questions=questions, roles=self.roles(d, where), ends=ends, deadline_hours=hours,
            shows_data=self.boolean(d, "shows_data", where),
        )

    def flow(self, data: Any) -> Flow | None:
        d = self.fields(data, "", {"id", "version", "title", "stages"},
                        {"side", "summary", "needs_theme", "visibility", "uses_data", "preparation"})
        if d is None:
            return None
        fid = d.get("id")
        if not isinstance(fid, str) or not FLOW_ID.match(fid):
            if "id" in d:
                self.problem(E.InvalidValue, "id", f"{fid!r} is not a valid flow id (lowercase, digits, '-')")
            fid = str(fid)
        version = self.integer(d, "version", "", 1, 10_000) or 1
        preparation = None
        if "preparation" in d:
            p = self.fields(d["preparation"], "preparation", {"purpose"}, {"questions"})
            if p is not None:
                preparation = Preparation(
                    purpose=self.text(p.get("purpose"), "preparation.purpose", INTRO_MAX),
                    questions=self.questions(p.get("questions"), "preparation.questions", set(), with_roles=True),
                )
        raw_stages = d.get("stages")
        if not isinstance(raw_stages, list) or not raw_stages:
            if "stages" in d:
                self.problem(E.WrongType, "stages", "expected a non-empty list of stages")
            raw_stages = []
        if len(raw_stages) > MAX_STAGES:
            self.problem(E.InvalidValue, "stages", f"{len(raw_stages)} stages; at most {MAX_STAGES}")
        stage_ids: set[str] = set()
        question_ids: set[str] = set()
        stages = [self.stage(item, f"stages[{i}]", stage_ids, question_ids) for i, item in enumerate(raw_stages)]
        return Flow(
            id=fid, version=version,
            side=self.choice(d, "side", "", FLOW_SIDES, "overig"),
            title=self.text(d.get("title"), "title", TITLE_MAX),
            summary=self.text(d["summary"], "summary", SUMMARY_MAX) if "summary" in d else Text("", ""),
            stages=tuple(s for s in stages if s is not None),
            needs_theme=self.boolean(d, "needs_theme", ""),
            visibility=self.choice(d, "visibility", "", VISIBILITIES, "hidden"),
            uses_data=self.boolean(d, "uses_data", ""),
            preparation=preparation,
            source=self.file,
        )


def _join(where: str, name: str) -> str:
    return f"{where}.{name}" if where else name


def _kind(value: Any) -> str:
    return {dict: "a mapping", list: "a list", str: "text", int: "a number", float: "a number",
            bool: "true/false", type(None): "nothing"}.get(type(value), type(value).__name__)


def parse_flow(text: str, file: str = "<text>") -> tuple[Flow | None, list[E.FlowProblem]]:
    """Parse and validate one YAML document; returns the flow (if usable) and all problems."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        reason = getattr(exc, "problem", None) or str(exc)
        return None, [E.YamlSyntaxError(file, where, f"not valid YAML: {reason}")]
    parser = _Parser(file)
    flow = parser.flow(data)
    return (flow if not parser.problems else None), parser.problems


def load_flow(path: Path) -> Flow:
    """Load one file; raises FlowFileError with every problem found."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise E.FlowFileError([E.YamlSyntaxError(str(path), "", f"cannot read the file: {exc}")]) from exc
    flow, problems = parse_flow(text, str(path))
    if problems or flow is None:
        raise E.FlowFileError(problems)
    if Path(path).stem.split(".")[0] != flow.id:
        raise E.FlowFileError([E.InvalidValue(str(path), "id",
                                              f"the file name must start with the flow id ({flow.id}.yaml)")])
    return flow


def check_files(paths: Iterable[Path]) -> list[E.FlowProblem]:
    """Every problem in the given files (an empty list means they are all fine)."""
    problems: list[E.FlowProblem] = []
    seen: dict[tuple[str, int], str] = {}
    for path in paths:
        try:
            flow = load_flow(Path(path))
        except E.FlowFileError as exc:
            problems.extend(exc.problems)
            continue
        key = (flow.id, flow.version)
        if key in seen:
            problems.append(E.DuplicateFlow(str(path), "id", f"{flow.id} v{flow.version} is also in {seen[key]}"))
        seen[key] = str(path)
    return problems


@dataclass
class FlowRegistry:
    """All flows a bot knows: the bundled ones plus files in the coordinator's folder.

    Several versions of one flow may be loaded (e.g. `duiding.v1.yaml` kept next to a newer
    `duiding.yaml`) so a running session keeps the version it started with.
    """

    flows: dict[tuple[str, int], Flow] = field(default_factory=dict)
    problems: list[E.FlowProblem] = field(default_factory=list)

    @classmethod
    def load(cls, extra_dirs: Iterable[Path] = ()) -> FlowRegistry:
        registry = cls()
        for path in sorted(BUNDLED_DIR.glob("*.yaml")):
            registry.add(load_flow(path))  # a broken bundled flow is a bug: fail loudly
        for folder in extra_dirs:
            for path in sorted(Path(folder).glob("*.y*ml")):
                try:
                    registry.add(load_flow(path), replace=True)
                except E.FlowFileError as exc:
                    registry.problems.extend(exc.problems)
        return registry

    def add(self, flow: Flow, *, replace: bool = False) -> None:
        key = (flow.id, flow.version)
        if key in self.flows and not replace:
            raise E.FlowFileError([E.DuplicateFlow(flow.source, "id", f"{flow.id} v{flow.version} twice")])
        self.flows[key] = flow

    def get(self, flow_id: str, version: int | None = None) -> Flow:
        """The exact version when asked (and loaded), else the newest version of that id."""
        if version is not None and (flow_id, version) in self.flows:
            return self.flows[(flow_id, version)]
        versions = [v for (fid, v) in self.flows if fid == flow_id]
        if not versions:
            raise E.UnknownFlow(flow_id)
        return self.flows[(flow_id, max(versions))]

    def all(self) -> list[Flow]:
        """The newest version of every flow, in a stable order."""
        newest: dict[str, Flow] = {}
        for (fid, version), flow in sorted(self.flows.items()):
            if fid not in newest or version > newest[fid].version:
                newest[fid] = flow
        return list(newest.values())
