"""The house rules, checked on the source: arrows point one way, no module imports itself round a
circle, modules stay small enough to read.

Why on the source (ast) and with function-level imports: an import inside a function is still
an arrow; hiding one there to dodge a cycle at start-up is exactly what these tests are for.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("bot", "flows", "storage")


def _modules() -> dict[str, Path]:
    found: dict[str, Path] = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts = parts[:-1]
            found[".".join(parts)] = path
    return found


MODULES = _modules()


def _target(name: str) -> str | None:
    """The project module an imported name lives in (longest known prefix), or None if not ours."""
    while name:
        if name in MODULES:
            return name
        name = name.rpartition(".")[0]
    return None


def _imports(module: str, path: Path) -> set[str]:
    """Every project module this one imports, anywhere in the file (functions included)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    out: set[str] = set()
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            names = [f"{base}.{a.name}" for a in node.names] + [base]
        for name in names:
            target = _target(name)
            if target and target != module and not module.startswith(target + "."):
                out.add(target)
    return out


GRAPH = {module: _imports(module, path) for module, path in MODULES.items()}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one member (Tarjan, iteratively)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[list[str]] = []
    counter = 0
    for start in graph:
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_the_project_has_no_import_cycle_function_level_imports_included():
    assert _cycles(GRAPH) == []


def test_the_cycle_finder_finds_a_planted_cycle():
    planted = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert _cycles(planted) == [["a", "b", "c"]]


def test_flows_and_storage_never_import_bot_and_storage_never_imports_flows():
    wrong = sorted(
        f"{module} -> {target}"
        for module, targets in GRAPH.items() for target in targets
        if (module.startswith(("flows", "storage")) and target.startswith("bot"))
        or (module.startswith("storage") and target.startswith("flows"))
    )
    assert wrong == []


def test_the_common_room_of_services_imports_no_use_case():
    """bot/services/common is what use cases stand on; it never reaches up into them."""
    wrong = sorted(
        f"{module} -> {target}"
        for module, targets in GRAPH.items() if module.startswith("bot.services.common")
        for target in targets
        if target.startswith("bot.services.") and not target.startswith("bot.services.common")
    )
    assert wrong == []


def test_listeners_never_touch_the_database():
    """Listeners parse, call one service and show its answer; the services open the unit of work."""
    listeners = [m for m in MODULES if m.startswith("bot.slack.listeners")]
    wrong = sorted(f"{m} -> {t}" for m in listeners for t in GRAPH[m]
                   if t.startswith("storage") or t == "bot.services.common.store")
    source = [m for m in listeners if ".db." in MODULES[m].read_text(encoding="utf-8")
              or "unit_of_work" in MODULES[m].read_text(encoding="utf-8")]
    assert wrong == [] and source == []


def test_every_outbox_row_is_written_through_the_one_way_out():
    """storage.outbox.enqueue is called from bot/slack/outgoing.py only (escaping, chunking, keys)."""
    callers = sorted(
        m for m, path in MODULES.items()
        if m not in ("storage.outbox", "bot.slack.outgoing") and "enqueue(" in path.read_text(encoding="utf-8")
    )
    assert callers == []


def test_tests_mirror_the_rooms():
    rooms = {p.name for p in (ROOT / "tests").iterdir() if p.is_dir() and not p.name.startswith("__")}
    assert {"flows", "storage", "bot", "e2e"} <= rooms
    loose = sorted(p.name for p in (ROOT / "tests").glob("test_*.py") if p.name != "test_architecture.py")
    assert loose == []


def test_the_graph_knows_the_arrows_it_should():
    """A sanity check of the reader itself: known arrows are seen, a function-level one too."""
    assert "bot.services.common.store" in GRAPH["bot.services.common.caller"]
    assert "flows.engine" in GRAPH["bot.services.common.store"]
    by_source = defaultdict(set)
    for module, targets in GRAPH.items():
        for target in targets:
            by_source[target].add(module)
    assert by_source["storage.outbox"] >= {"bot.slack.outgoing"}
