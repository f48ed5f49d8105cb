"""Check an outcome file and turn it into clean typed rows, or into a list of problems.

Why every problem carries row, column and a code with parameters (not a sentence): the same
problem is shown in Dutch or English (by the bot: bot/texts/problems.py), tested exactly, and counted. Row numbers
are the ones in the user's spreadsheet (header = row 1), columns are named as in the file.

Rules (also in docs/data-format.md):

* `periode` is required, and at least one figure column (`bereik`, `doelen gesteld`,
  `respondenten` or `tevredenheid`). `doelen behaald` needs `doelen gesteld`; `tevreden` and
  `tevredenheid` need `respondenten`; `potentieel bereik` needs `bereik`.
* Counts are whole numbers >= 0 and at most 2,147,483,647 (what the database stores); `tevredenheid` is a mean between 1 and the scale (5 or 10).
* doelen behaald <= doelen gesteld, bereik <= potentieel bereik, tevreden <= respondenten.
* One row per period + activity + group (a second one is a duplicate).
* Periods: 2024, 2024-Q1 / 2024 K1 / Q1 2024, 2024-03 / maart 2024, 2024-H1; stored as
  '2024', '2024-Q1', '2024-03', '2024-H1'.
* A column that looks like personal data (its header, or e-mail addresses or BSNs passing the
  elfproef in its cells) refuses the whole file: the bot only holds aggregates.

The work is done per *distinct cell value* and with pandas masks, so large files stay fast.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

import numpy as np
import pandas as pd

from storage.importing import columns as C
from storage.importing.reader import RawTable, ReadError, cell_text, parse_count, parse_decimal, read_table

MAX_PROBLEMS = 500
MAX_ACTIVITY = 200
MAX_GROUP = 100
MAX_COUNT = 2_147_483_647  # the database's INTEGER; no count of residents comes near it


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a file. `row`/`column` are as the user sees them; `params` fill the message."""

    code: str
    row: int | None = None
    column: str | None = None
    params: Mapping[str, object] = field(default_factory=dict)
    severity: str = "error"  # 'error' blocks the import, 'warning' does not


@dataclass
class OutcomeFile:
    """The result of validating one outcome file."""

    frame: pd.DataFrame  # row, period, activity, group_kind, group_value, figures..., satisfaction_scale
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    refused: bool = False  # personal data found: nothing else was checked
    satisfaction_scale: int | None = None
    table: RawTable | None = None

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def periods(self) -> list[str]:
        if self.frame.empty:
            return []
        return sorted(self.frame["period"].dropna().unique().tolist(), key=period_sort_key)


OUTPUT_COLUMNS = ["row", "period", "activity", "group_kind", "group_value", *C.NUMBER_FIELDS,
                  "satisfaction_scale"]


def empty_frame() -> pd.DataFrame:
    frame = pd.DataFrame({c: pd.Series(dtype="object") for c in OUTPUT_COLUMNS})
    return _typed(frame)


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    for name in C.COUNT_FIELDS:
        frame[name] = pd.array(frame[name], dtype="Int64")
    frame["satisfaction_mean"] = pd.array(frame["satisfaction_mean"], dtype="Float64")
    frame["satisfaction_scale"] = pd.array(frame["satisfaction_scale"], dtype="Int64")
    frame["row"] = frame["row"].astype("int64")
    return frame


# ---- periods -----------------------------------------------------------------------------------

_Y = r"((?:19|20)\d{2})"
_S = r"[\s\-/_.]*"
_QUARTER = r"(?:Q|K|KW|KWARTAAL|QUARTER|QTR)"
_HALF = r"(?:H|HJ|HALFJAAR|HALF|S|SEMESTER)"
_MONTHS = {
    "JAN": 1, "JANUARI": 1, "JANUARY": 1, "FEB": 2, "FEBRUARI": 2, "FEBRUARY": 2, "MRT": 3, "MAR": 3,
    "MAART": 3, "MARCH": 3, "APR": 4, "APRIL": 4, "MEI": 5, "MAY": 5, "JUN": 6, "JUNI": 6, "JUNE": 6,
    "JUL": 7, "JULI": 7, "JULY": 7, "AUG": 8, "AUGUSTUS": 8, "AUGUST": 8, "SEP": 9, "SEPT": 9,
    "SEPTEMBER": 9, "OKT": 10, "OCT": 10, "OKTOBER": 10, "OCTOBER": 10, "NOV": 11, "NOVEMBER": 11,
    "DEC": 12, "DECEMBER": 12,
}
_PERIOD_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(rf"^{_Y}$"), "year"),
    (re.compile(rf"^{_Y}{_S}{_QUARTER}{_S}([1-4])$"), "quarter"),
    (re.compile(rf"^{_QUARTER}{_S}([1-4]){_S}{_Y}$"), "quarter_rev"),
    (re.compile(rf"^([1-4])(?:E|STE|DE)?{_S}{_QUARTER}{_S}{_Y}$"), "quarter_rev"),
    (re.compile(rf"^{_Y}{_S}{_HALF}{_S}([12])$"), "half"),
    (re.compile(rf"^{_HALF}{_S}([12]){_S}{_Y}$"), "half_rev"),
    (re.compile(rf"^{_Y}[\-/.]\s*M?(\d{{1,2}})$"), "month"),
    (re.compile(rf"^{_Y}\s*M(\d{{1,2}})$"), "month"),
    (re.compile(rf"^(\d{{1,2}})[\-/.]\s*{_Y}$"), "month_rev"),
    (re.compile(rf"^([A-Z]+)\.?{_S}{_Y}$"), "month_name"),
]


def parse_period(cell: object) -> str | None:
    """Canonical period string ('2024', '2024-Q1', '2024-H1', '2024-03') or None if unknown."""
    if isinstance(cell, datetime | date):
        return f"{cell.year:04d}-{cell.month:02d}" if cell.day == 1 else None
    if isinstance(cell, bool):
        return None
    if isinstance(cell, int | float) and not isinstance(cell, bool):
        if float(cell).is_integer() and 1900 <= int(cell) <= 2100:
            return str(int(cell))
        return None
    text = cell_text(cell).upper()
    text = re.sub(r"\s+", " ", text).strip()
    for pattern, kind in _PERIOD_PATTERNS:
        match = pattern.match(text)
        if not match:
            continue
        a, *rest = match.groups()
        b = rest[0] if rest else None
        if kind == "year":
            return a
        if kind == "quarter":
            return f"{a}-Q{b}"
        if kind == "quarter_rev":
            return f"{b}-Q{a}"
        if kind == "half":
            return f"{a}-H{b}"
        if kind == "half_rev":
            return f"{b}-H{a}"
        year, month = (a, b) if kind == "month" else (b, a)
        if kind == "month_name":
            month_no = _MONTHS.get(a)
            if month_no is None:
                return None
            return f"{b}-{month_no:02d}"
        if 1 <= int(month) <= 12:
            return f"{year}-{int(month):02d}"
        return None
    return None


def period_kind(period: str) -> str:
    if len(period) == 4:
        return "year"
    return {"Q": "quarter", "H": "half"}.get(period[5], "month")


def period_sort_key(period: str) -> tuple[int, float, int]:
    """Sort periods in time order; within a year: months, quarters, halves, year by their start."""
    year = int(period[:4])
    kind = period_kind(period)
    if kind == "year":
        return year, 0.0, 3
    if kind == "quarter":
        return year, (int(period[6]) - 1) * 3 + 1, 1
    if kind == "half":
        return year, (int(period[6]) - 1) * 6 + 1, 2
    return year, float(int(period[5:7])), 0


def previous_period(period: str) -> str:
    """The period right before this one, of the same kind (2024-Q1 -> 2023-Q4)."""
    year = int(period[:4])
    kind = period_kind(period)
    if kind == "year":
        return str(year - 1)
    if kind in ("quarter", "half"):
        letter, number = period[5], int(period[6])
        last = 4 if letter == "Q" else 2
        return f"{year - 1}-{letter}{last}" if number == 1 else f"{year}-{letter}{number - 1}"
    month = int(period[5:7])
    return f"{year - 1}-12" if month == 1 else f"{year}-{month - 1:02d}"


# ---- personal data -----------------------------------------------------------------------------

EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}")
_NINE_DIGITS = re.compile(r"\d{9}")


def is_bsn(text: str) -> bool:
    """Nine digits passing the elfproef (9*d1 + 8*d2 + ... + 2*d8 - d9 divisible by 11), not all zero."""
    digits = re.sub(r"[\s.\-]", "", text)
    if not _NINE_DIGITS.fullmatch(digits) or set(digits) == {"0"}:
        return False
    total = sum(int(d) * w for d, w in zip(digits[:8], range(9, 1, -1), strict=True)) - int(digits[8])
    return total % 11 == 0


def _personal_data_problems(table: RawTable) -> list[Problem]:
    problems: list[Problem] = []
    for match in table.columns:
        if C.looks_personal(match.header):
            problems.append(Problem("personal_data", column=match.header, params={"reason": "header"}))
            continue
        column = table.frame[match.position]
        uniques = pd.Series(column.unique(), dtype=object)
        texts = uniques.map(cell_text)
        email = texts.str.contains(EMAIL, regex=True)
        candidates = texts[texts.str.fullmatch(r"[\d\s.\-]{9,13}")]
        bsn = pd.Series(False, index=texts.index)
        bsn.loc[candidates.index] = candidates.map(is_bsn).astype(bool)
        for reason, flags in (("email", email), ("bsn", bsn)):
            if flags.any():
                hits = column.isin(uniques[flags].tolist())
                problems.append(Problem(
                    "personal_data", row=int(table.rows[hits.to_numpy()].iloc[0]), column=match.header,
                    params={"reason": reason, "cells": int(hits.sum())},
                ))
    return problems


# ---- validation --------------------------------------------------------------------------------


class _Collector:
    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.truncated = False

    def add(self, problem: Problem) -> None:
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(problem)
        else:
            self.truncated = True

    def add_rows(self, code: str, mask: pd.Series, rows: pd.Series, column: str | None,
                 params: pd.DataFrame | None = None, **fixed: object) -> None:
        """One problem per row where mask is True (params per row from `params`)."""
        positions = np.flatnonzero(mask.to_numpy(dtype=bool, na_value=False))
        for pos in positions[: MAX_PROBLEMS + 1]:
            extra = {k: _plain(v) for k, v in params.iloc[pos].items()} if params is not None else {}
            self.add(Problem(code, row=int(rows.iloc[pos]), column=column, params={**fixed, **extra}))


def _plain(value: object) -> object:
    if value is None or value is pd.NA:
        return None
    if isinstance(value, np.generic):
        return value.item()
    return value


def validate_outcome_file(data: bytes, filename: str | None = None) -> OutcomeFile:
    """Read and check an outcome file (CSV or XLSX bytes)."""
    try:
        table = read_table(data, filename)
    except ReadError as exc:
        return OutcomeFile(frame=empty_frame(), problems=[Problem(exc.code, params=dict(exc.params))])
    return validate_table(table)


def validate_table(table: RawTable) -> OutcomeFile:
    """Check a RawTable; see the module docstring for the rules."""
    personal = _personal_data_problems(table)
    if personal:
        return OutcomeFile(frame=empty_frame(), problems=personal, refused=True, table=table)

    out = _Collector()
    warnings: list[Problem] = []
    by_field: dict[str, list[C.ColumnMatch]] = {}
    for match in table.columns:
        if match.field is None:
            warnings.append(Problem("ignored_column", column=match.header, severity="warning"))
        else:
            by_field.setdefault(match.field, []).append(match)

    period_cols = by_field.get(C.PERIOD, [])
    for name, matches in by_field.items():
        if name == C.PERIOD and _year_and_part(matches):
            continue
        dedicated = [m for m in matches if m.group_kind]
        plain = [m for m in matches if not m.group_kind]
        if len(plain) > 1:
            out.add(Problem("duplicate_column", column=plain[1].header,
                            params={"first": plain[0].header, "field": C.DUTCH_HEADER[name]}))
        if name == C.GROUP_VALUE and plain and dedicated:
            out.add(Problem("duplicate_column", column=dedicated[0].header,
                            params={"first": plain[0].header, "field": C.DUTCH_HEADER[name]}))

    def has(name: str) -> bool:
        return name in by_field

    if not period_cols:
        out.add(Problem("missing_column", column=C.DUTCH_HEADER[C.PERIOD]))
    if not any(has(f) for f in (C.REACH, C.GOALS_SET, C.RESPONDENTS, C.SATISFACTION_MEAN)):
        out.add(Problem("missing_column", column=C.DUTCH_HEADER[C.REACH], params={"any_figure": True}))
    for needs, needed in ((C.GOALS_ATTAINED, C.GOALS_SET), (C.SATISFIED, C.RESPONDENTS),
                          (C.SATISFACTION_MEAN, C.RESPONDENTS), (C.POTENTIAL_REACH, C.REACH)):
        if has(needs) and not has(needed):
            out.add(Problem("missing_column", column=C.DUTCH_HEADER[needed],
                            params={"needed_by": by_field[needs][0].header}))
    if out.problems:
        return OutcomeFile(frame=empty_frame(), problems=out.problems, warnings=warnings, table=table)

    frame = table.frame
    rows = table.rows
    n = len(frame)
    result = pd.DataFrame({"row": rows.to_numpy()})

    # Period.
    period_raw, period_header = _period_cells(frame, period_cols)
    period = _map_unique(period_raw, parse_period)
    missing_period = period_raw.map(cell_text, na_action="ignore").fillna("") == ""
    out.add_rows("missing_value", missing_period, rows, period_header)
    unknown = period.isna() & ~missing_period
    out.add_rows("unknown_period", unknown, rows, period_header,
                 params=pd.DataFrame({"value": period_raw.map(cell_text)}))
    result["period"] = period.to_numpy()

    # Activity.
    if has(C.ACTIVITY):
        activity_match = by_field[C.ACTIVITY][0]
        activity = frame[activity_match.position].map(cell_text)
        out.add_rows("too_long", activity.str.len() > MAX_ACTIVITY, rows, activity_match.header,
                     max=MAX_ACTIVITY)
        result["activity"] = activity.to_numpy()
    else:
        result["activity"] = ""

    # Groups.
    kinds, values = _groups(frame, rows, by_field, out)
    result["group_kind"] = kinds.to_numpy()
    result["group_value"] = values.to_numpy()

    # Figures.
    for name in C.NUMBER_FIELDS:
        if not has(name):
            result[name] = pd.NA
            continue
        match = by_field[name][0]
        raw = frame[match.position]
        parser = parse_decimal if name in C.DECIMAL_FIELDS else parse_count
        parsed = _map_unique(raw, parser)
        values_ = parsed.map(lambda p: p[0])
        codes = parsed.map(lambda p: p[1])
        texts = pd.DataFrame({"value": raw.map(cell_text)})
        for code in ("not_a_number", "not_whole_number"):
            out.add_rows(code, codes == code, rows, match.header, params=texts)
        numeric = pd.to_numeric(values_, errors="coerce")
        if name in C.COUNT_FIELDS:
            out.add_rows("negative", numeric < 0, rows, match.header, params=texts)
            too_large = (numeric > MAX_COUNT).fillna(False)
            out.add_rows("too_large", too_large, rows, match.header, params=texts, max=MAX_COUNT)
            numeric = numeric.where(~too_large)
        result[name] = numeric.to_numpy()

    scale = _satisfaction_scale(frame, rows, by_field, result, out, warnings)

    # Relations between figures (only where both are present and valid).
    for small, big, code in ((C.GOALS_ATTAINED, C.GOALS_SET, "attained_exceeds_set"),
                             (C.REACH, C.POTENTIAL_REACH, "reach_exceeds_potential"),
                             (C.SATISFIED, C.RESPONDENTS, "satisfied_exceeds_respondents")):
        if has(small) and has(big):
            mask = (result[small] > result[big]).fillna(False)
            out.add_rows(code, mask, rows, by_field[small][0].header,
                         params=pd.DataFrame({"value": result[small], "limit": result[big]}),
                         other=by_field[big][0].header)

    # Duplicates: same period + activity + group.
    key = pd.DataFrame({
        "period": result["period"],
        "activity": result["activity"].str.casefold(),
        "kind": result["group_kind"],
        "group": result["group_value"].str.casefold(),
    })
    valid_key = key["period"].notna()
    dup = key.duplicated(keep="first") & valid_key
    if dup.any():
        first_row = result["row"].groupby([key[c] for c in key.columns], dropna=False).transform("first")
        out.add_rows("duplicate_row", dup, rows, None, params=pd.DataFrame({"first_row": first_row}))

    out.problems.sort(key=lambda p: p.row or 0)
    if out.truncated:
        out.problems.append(Problem("too_many_problems", params={"shown": MAX_PROBLEMS}))
    if n == 0:
        out.add(Problem("no_data_rows"))
    result = _typed(result[OUTPUT_COLUMNS].copy()) if n else empty_frame()
    return OutcomeFile(frame=result, problems=out.problems, warnings=warnings, satisfaction_scale=scale,
                       table=table)


def _map_unique(column: pd.Series, func) -> pd.Series:
    """Apply `func` once per distinct cell value (files repeat values a lot)."""
    uniques = pd.unique(column)
    lookup = {_key(u): func(u) for u in uniques}
    return pd.Series([lookup[_key(v)] for v in column.tolist()], index=column.index, dtype=object)


def _key(value: object) -> object:
    """A dict key that keeps 1, 1.0 and '1' apart and treats NaN as one key."""
    if isinstance(value, float) and value != value:
        return ("nan",)
    return (type(value).__name__, value)


_YEAR_HEADERS = frozenset({"jaar", "year"})
_PART_HEADERS = {"kwartaal": "Q", "quarter": "Q", "maand": "M", "month": "M"}


def _year_and_part(matches: list[C.ColumnMatch]) -> tuple[C.ColumnMatch, C.ColumnMatch, str] | None:
    """'jaar' + 'kwartaal'/'maand' columns together make one period."""
    if len(matches) != 2:
        return None
    keys = [C.normalise(m.header) for m in matches]
    for i in (0, 1):
        other = 1 - i
        if keys[i] in _YEAR_HEADERS and keys[other] in _PART_HEADERS:
            return matches[i], matches[other], _PART_HEADERS[keys[other]]
    return None


def _period_cells(frame: pd.DataFrame, matches: list[C.ColumnMatch]) -> tuple[pd.Series, str]:
    combo = _year_and_part(matches)
    if combo is None:
        return frame[matches[0].position], matches[0].header
    year_m, part_m, letter = combo
    years = frame[year_m.position].map(cell_text)
    parts = frame[part_m.position].map(cell_text)

    def join(year: str, part: str) -> str:
        if not year and not part:
            return ""
        if part.isdigit():
            return f"{year}-Q{part}" if letter == "Q" else f"{year}-{part}"
        return f"{year} {part}".strip()

    combined = pd.Series([join(y, p) for y, p in zip(years, parts, strict=True)], index=frame.index, dtype=object)
    return combined, f"{year_m.header} + {part_m.header}"


def _groups(frame: pd.DataFrame, rows: pd.Series, by_field: dict[str, list[C.ColumnMatch]],
            out: _Collector) -> tuple[pd.Series, pd.Series]:
    """group_kind and group_value per row; 'Totaal'/'alle'/empty mean no group."""
    n = len(frame)
    kinds = pd.Series([""] * n, index=frame.index, dtype=object)
    values = pd.Series([""] * n, index=frame.index, dtype=object)
    filled_count = pd.Series(0, index=frame.index)
    dedicated = [m for m in by_field.get(C.GROUP_VALUE, []) if m.group_kind]
    plain = [m for m in by_field.get(C.GROUP_VALUE, []) if not m.group_kind]
    for match in dedicated:
        text = frame[match.position].map(cell_text)
        filled = ~text.map(C.normalise).isin(C.TOTAL_VALUES)
        filled_count += filled.astype(int)
        kinds = kinds.where(~filled, match.group_kind)
        values = values.where(~filled, text)
    if len(dedicated) > 1:
        names = ", ".join(m.header for m in dedicated)
        out.add_rows("several_groups", filled_count > 1, rows, None, columns=names)
    if plain:
        match = plain[0]
        text = frame[match.position].map(cell_text)
        filled = ~text.map(C.normalise).isin(C.TOTAL_VALUES)
        if C.GROUP_KIND in by_field:
            kind_match = by_field[C.GROUP_KIND][0]
            kind_text = frame[kind_match.position].map(cell_text)
            kind_norm = kind_text.map(C.group_kind_from_text)
            out.add_rows("missing_value", filled & (kind_norm == ""), rows, kind_match.header)
            kinds = kinds.where(~filled, kind_norm)
        else:
            kinds = kinds.where(~filled, "groep")
        values = values.where(~filled, text)
    out.add_rows("too_long", values.str.len() > MAX_GROUP, rows, None, max=MAX_GROUP)
    return kinds, values


def _satisfaction_scale(frame: pd.DataFrame, rows: pd.Series, by_field: dict[str, list[C.ColumnMatch]],
                        result: pd.DataFrame, out: _Collector, warnings: list[Problem]) -> int | None:
    """Check means against their scale (a 'schaal' column, or 10 / 5 inferred with a warning)."""
    if C.SATISFACTION_MEAN not in by_field:
        result["satisfaction_scale"] = pd.NA
        return None
    header = by_field[C.SATISFACTION_MEAN][0].header
    mean = result[C.SATISFACTION_MEAN]
    if C.SCALE in by_field:
        scale_match = by_field[C.SCALE][0]
        parsed = _map_unique(frame[scale_match.position], parse_count).map(lambda p: p[0])
        scale = pd.to_numeric(parsed, errors="coerce")
        bad = scale.notna() & ~scale.isin([5, 10])
        out.add_rows("bad_scale", bad, rows, scale_match.header,
                     params=pd.DataFrame({"value": frame[scale_match.position].map(cell_text)}))
        scale = scale.where(~bad)
        fallback = 10 if (mean > 5).any() else 5
        scale = scale.fillna(fallback)
        chosen = int(scale.mode().iloc[0]) if len(scale) else fallback
    else:
        chosen = 10 if (mean > 5).any() or mean.isna().all() else 5
        if mean.notna().any():
            warnings.append(Problem("satisfaction_scale_assumed", column=header, params={"scale": chosen},
                                    severity="warning"))
        scale = pd.Series(chosen, index=result.index)
    out_of_range = ((mean < 1) | (mean > scale)).fillna(False)
    out.add_rows("out_of_range", out_of_range, rows, header,
                 params=pd.DataFrame({"value": frame[by_field[C.SATISFACTION_MEAN][0].position].map(cell_text),
                                      "max": scale}), min=1)
    result["satisfaction_scale"] = scale.where(mean.notna()).to_numpy()
    return chosen
