"""Load flow definitions from YAML files, check references between flows, keep them in a registry.

The per-file rules live in flows/parser.py (structure) and flows/parse_basics.py (texts,
ids, numbers); this module reads files, checks what needs more than one file (an option's
`suggests_flow` must name a flow that exists), and holds the loaded flows.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from flows import errors as E
from flows.model import Flow
from flows.parser import FlowParser

BUNDLED_DIR = Path(__file__).parent / "definitions"


def parse_flow(text: str, file: str = "<text>") -> tuple[Flow | None, list[E.FlowProblem]]:
    """Parse and validate one YAML document; returns the flow (if usable) and all problems."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        reason = getattr(exc, "problem", None) or str(exc)
        return None, [E.YamlSyntaxError(file, where, f"not valid YAML: {reason}")]
    parser = FlowParser(file)
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


def unknown_references(flow: Flow, known: set[str]) -> list[E.FlowProblem]:
    """Options whose `suggests_flow` names a flow that is not among `known` flow ids."""
    places = [(f"stages[{i}].questions[{j}]", q) for i, s in enumerate(flow.stages) for j, q in enumerate(s.questions)]
    if flow.preparation:
        places += [(f"preparation.questions[{j}]", q) for j, q in enumerate(flow.preparation.questions)]
    return [E.UnknownReference(flow.source, f"{where}.options[{k}].suggests_flow",
                               f"no flow with id {o.suggests_flow!r} is known")
            for where, q in places for k, o in enumerate(q.options)
            if o.suggests_flow and o.suggests_flow not in known]


def bundled_ids() -> set[str]:
    return {path.stem.split(".")[0] for path in BUNDLED_DIR.glob("*.yaml")}


def check_files(paths: Iterable[Path]) -> list[E.FlowProblem]:
    """Every problem in the given files (an empty list means they are all fine).

    A `suggests_flow` may name a bundled flow or any of the checked files.
    """
    problems: list[E.FlowProblem] = []
    seen: dict[tuple[str, int], str] = {}
    loaded: list[Flow] = []
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
        loaded.append(flow)
    known = bundled_ids() | {flow.id for flow in loaded}
    for flow in loaded:
        problems.extend(unknown_references(flow, known))
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
        """Bundled flows (a broken one raises) plus the coordinator's folders (broken files are skipped and reported)."""
        registry = cls()
        bundled = [load_flow(path) for path in sorted(BUNDLED_DIR.glob("*.yaml"))]
        broken = [p for flow in bundled for p in unknown_references(flow, {f.id for f in bundled})]
        if broken:
            raise E.FlowFileError(broken)  # a broken bundled flow is a bug: fail loudly
        for flow in bundled:
            registry.add(flow)
        extra: list[Flow] = []
        for folder in extra_dirs:
            for path in sorted(Path(folder).glob("*.y*ml")):
                try:
                    extra.append(load_flow(path))
                except E.FlowFileError as exc:
                    registry.problems.extend(exc.problems)
        known = {f.id for f in bundled} | {f.id for f in extra}
        for flow in extra:
            problems = unknown_references(flow, known)
            registry.problems.extend(problems)
            if not problems:
                registry.add(flow, replace=True)
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
