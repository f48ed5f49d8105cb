"""Problems with an imported file as sentences people understand, in Dutch (default) or English.

Why here and not in storage: storage may not import the bot, and every text people read lives in
one catalogue (bot/locales, section `problems`). So storage/importing says *what* is wrong as a
code with its parameters (`Problem(code, params, row, column)`, `ReadError(code, params)`) and
this module says it in words: "Rij 7, kolom ‘bereik’: ‘veel’ is geen getal." Numbers are written
as people of that language write them (Babel): "200.000" / "200,000", "7,5" / "7.5".
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from bot.i18n import catalogue, normalise_language, t
from bot.texts.formatting import format_number
from storage.importing.validate import Problem

# Codes whose sentence is a whole sentence on its own (no row/column prefix).
_STANDALONE = frozenset({"missing_column", "too_many_problems", "no_data_rows", "empty_file", "unreadable_file",
                         "unsupported_format", "file_too_large", "too_many_rows", "too_many_columns",
                         "too_many_cells", "cell_too_long", "line_too_long", "xlsx_too_many_parts",
                         "xlsx_unpacked_too_large", "wrong_kind"})


def _key(problem: Problem) -> str:
    """The catalogue key of a problem: some codes have a sentence per variant."""
    if problem.code == "missing_column":
        if problem.params.get("any_figure"):
            return "missing_column_any_figure"
        if problem.params.get("needed_by"):
            return "missing_column_needed_by"
    if problem.code == "personal_data":
        return f"personal_data_{problem.params.get('reason', 'header')}"
    if problem.code == "xlsx_unpacked_too_large":
        return f"xlsx_unpacked_too_large_{problem.params.get('part', 'total')}"
    if problem.code == "wrong_kind" and problem.params.get("extension"):
        return "wrong_kind_named"
    return problem.code


def _number(value: object, lang: str) -> object:
    """12.0 → "12", 7.5 → "7,5", 200000 → "200.000": figures look like the person's own."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return value
    return format_number(value, lang)


def _params(problem: Problem, lang: str) -> dict[str, object]:
    """The sentence's parameters: what it shows rather than what the code knows."""
    params = {k: _number(v, lang) for k, v in problem.params.items()}
    if problem.code == "too_many_columns":
        from openpyxl.utils import get_column_letter

        params["letter"] = get_column_letter(min(int(problem.params["found"]), 18_278))
        params["max_letter"] = get_column_letter(int(problem.params["max"]))
    if problem.code == "wrong_kind":
        actual = str(problem.params.get("actual"))
        params["what"] = t(lang, f"problems.kinds.{actual}" if f"problems.kinds.{actual}" in catalogue("nl")
                           else "problems.kinds.binary")
    return params


def format_problem(problem: Problem, lang: str | None = "nl") -> str:
    """One problem as a sentence, e.g. "Rij 7, kolom ‘bereik’: ‘veel’ is geen getal."."""
    lang = normalise_language(lang)
    key = f"problems.{_key(problem)}"
    if key not in catalogue("nl"):
        return problem.code  # a code of a newer importer: at least say which
    body = t(lang, key, column=problem.column, row=problem.row, **_params(problem, lang))
    if problem.code in _STANDALONE:
        return body
    if problem.row is not None and problem.column:
        prefix = t(lang, "problems.prefix_row_column", row=problem.row, column=problem.column)
    elif problem.row is not None:
        prefix = t(lang, "problems.prefix_row", row=problem.row)
    elif problem.column:
        prefix = t(lang, "problems.prefix_column", column=problem.column)
    else:
        return body[:1].upper() + body[1:]
    return prefix + body


def format_problems(problems: Iterable[Problem], lang: str | None = "nl", limit: int | None = None) -> list[str]:
    """Sentences for a list of problems, at most `limit` (then a closing 'and N more')."""
    items = list(problems)
    shown = items if limit is None else items[:limit]
    lines = [format_problem(p, lang) for p in shown]
    hidden = len(items) - len(shown)
    if hidden > 0:
        lines.append(t(lang, "problems.more", count=format_number(hidden, lang)))
    return lines
