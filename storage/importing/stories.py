"""Stories behind the figures ('tellen en vertellen'): free text with a period and optional group.

Read with the same reader as the figures (same separators, encodings, header matching) so an
office can keep one habit. Columns: `periode` and `verhaal` (or tekst/story/toelichting) are
required; `activiteit` and a group (`groep`, `wijk`, `leeftijdsgroep`, `geslacht`) are optional.

Why the personal-data check also looks *inside* the text: stories are where a name, an e-mail
address or a BSN slips in. E-mail addresses and BSN-like numbers refuse the file; names cannot
be detected reliably, so docs/data-format.md asks people to anonymise stories before upload.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd

from storage.importing import columns as C
from storage.importing.reader import RawTable, ReadError, cell_text, read_table
from storage.importing.validate import (
    MAX_ACTIVITY,
    MAX_GROUP,
    Problem,
    _Collector,
    _map_unique,
    _personal_data_problems,
    is_bsn,
    parse_period,
    period_sort_key,
)

MAX_TEXT = 4000
STORY_COLUMNS = ["row", "period", "activity", "group_value", "text"]
_NINE_DIGIT_RUN = re.compile(r"(?<!\d)\d(?:[\s.\-]?\d){8}(?!\d)")


@dataclass
class StoryFile:
    """The result of validating a stories file."""

    frame: pd.DataFrame
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    refused: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def periods(self) -> list[str]:
        return sorted(self.frame["period"].dropna().unique().tolist(), key=period_sort_key)


def _empty() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="object") for c in STORY_COLUMNS})


def validate_story_file(data: bytes, filename: str | None = None) -> StoryFile:
    """Read and check a stories file (CSV or XLSX bytes)."""
    try:
        table = read_table(data, filename)
    except ReadError as exc:
        return StoryFile(frame=_empty(), problems=[Problem(exc.code, params=dict(exc.params))])
    return validate_story_table(table)


def _bsn_in_text(text: str) -> bool:
    return any(is_bsn(m.group(0)) for m in _NINE_DIGIT_RUN.finditer(text))


def validate_story_table(table: RawTable) -> StoryFile:
    personal = _personal_data_problems(table)
    for match in table.columns:
        if any(p.column == match.header for p in personal):
            continue
        texts = table.frame[match.position].map(cell_text)
        hits = texts.map(_bsn_in_text).astype(bool)
        if hits.any():
            personal.append(Problem("personal_data", row=int(table.rows[hits.to_numpy()].iloc[0]),
                                    column=match.header, params={"reason": "bsn", "cells": int(hits.sum())}))
    if personal:
        return StoryFile(frame=_empty(), problems=personal, refused=True)

    out = _Collector()
    by_field: dict[str, list[C.ColumnMatch]] = {}
    warnings: list[Problem] = []
    for match in table.columns:
        if match.field is None:
            warnings.append(Problem("ignored_column", column=match.header, severity="warning"))
        else:
            by_field.setdefault(match.field, []).append(match)
    for name in (C.PERIOD, C.TEXT):
        if name not in by_field:
            out.add(Problem("missing_column", column=C.DUTCH_HEADER[name]))
    if out.problems:
        return StoryFile(frame=_empty(), problems=out.problems, warnings=warnings)

    frame, rows = table.frame, table.rows
    period_match = by_field[C.PERIOD][0]
    period_raw = frame[period_match.position]
    period = _map_unique(period_raw, parse_period)
    period_text = period_raw.map(cell_text)
    out.add_rows("missing_value", period_text == "", rows, period_match.header)
    out.add_rows("unknown_period", period.isna() & (period_text != ""), rows, period_match.header,
                 params=pd.DataFrame({"value": period_text}))

    text_match = by_field[C.TEXT][0]
    text = frame[text_match.position].map(cell_text)
    out.add_rows("missing_text", text == "", rows, text_match.header)
    out.add_rows("too_long", text.str.len() > MAX_TEXT, rows, text_match.header, max=MAX_TEXT)

    activity = (frame[by_field[C.ACTIVITY][0].position].map(cell_text) if C.ACTIVITY in by_field
                else pd.Series("", index=frame.index))
    out.add_rows("too_long", activity.str.len() > MAX_ACTIVITY, rows, None, max=MAX_ACTIVITY)

    group = pd.Series("", index=frame.index, dtype=object)
    for match in by_field.get(C.GROUP_VALUE, []):
        cells = frame[match.position].map(cell_text)
        filled = ~cells.map(C.normalise).isin(C.TOTAL_VALUES)
        group = group.where(~filled | (group != ""), cells)
    out.add_rows("too_long", group.str.len() > MAX_GROUP, rows, None, max=MAX_GROUP)

    result = pd.DataFrame({
        "row": rows.to_numpy(),
        "period": period.to_numpy(),
        "activity": activity.to_numpy(),
        "group_value": group.to_numpy(),
        "text": text.to_numpy(),
    })
    out.problems.sort(key=lambda p: p.row or 0)
    if result.empty:
        out.add(Problem("no_data_rows"))
    return StoryFile(frame=result, problems=out.problems, warnings=warnings)
