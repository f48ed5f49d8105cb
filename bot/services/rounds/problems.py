"""What is wrong with a round file, as sentences with the row the coordinator sees.

Why the import's own `Problem` (code, row, column, params): the same shape means the same way
of telling it ("Rij 4, kolom ‘deelnemer’: …"), and a file that cannot be read at all (empty,
the old Excel format, too large) gets exactly the sentence the data import gives.
"""

from __future__ import annotations

from collections.abc import Iterable

from bot.i18n import t
from bot.texts.problems import format_problem
from storage.importing.validate import Problem

__all__ = ["Problem", "problem_body", "problem_line", "problem_lines"]


def _params(problem: Problem, lang: str) -> dict[str, object]:
    params: dict[str, object] = {"column": problem.column or "", **problem.params}
    if "party" in params:
        params["party"] = t(lang, f"sides.{params['party']}")
    return params


def problem_line(problem: Problem, lang: str) -> str:
    try:
        body = t(lang, f"rounds.problems.{problem.code}", **_params(problem, lang))
    except KeyError:  # a problem of the reader itself: the data import says it best
        return format_problem(problem, lang)
    if problem.row is not None and problem.column:
        return t(lang, "rounds.problems.prefix_row_column", row=problem.row, column=problem.column) + body
    if problem.row is not None:
        return t(lang, "rounds.problems.prefix_row", row=problem.row) + body
    return body


def problem_lines(problems: Iterable[Problem], lang: str, limit: int = 25) -> list[str]:
    items = sorted(problems, key=lambda p: (p.row is None, p.row or 0))
    lines = [problem_line(p, lang) for p in items[:limit]]
    if len(items) > limit:
        lines.append(t(lang, "rounds.problems.more", count=len(items) - limit))
    return lines


def problem_body(problem: Problem, lang: str) -> str:
    """The sentence without its row (for an error shown next to a field in a modal)."""
    try:
        return t(lang, f"rounds.problems.{problem.code}", **_params(problem, lang))
    except KeyError:
        return format_problem(problem, lang)
