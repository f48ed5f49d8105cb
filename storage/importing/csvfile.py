"""Read CSV text in chunks, keeping only rows with a value, refusing early past the limits.

Why chunks: pandas' C parser is fast but reads everything it is given; a 20 MB file of short
lines is millions of rows. Read in chunks of a bounded number of cells, every chunk is checked
(last filled row, last filled column, filled cells) before the next is read, so a file past a
limit is refused after the chunk that crossed it, and blank rows never pile up in memory.

Why the stdlib csv module as a second reader: the C parser refuses a row wider than the first
("ragged" files, e.g. a title line above the header, or a trailing separator on some lines).
The csv module takes any width, one record at a time, under the same checks. Both give the same
thing: a frame whose index is the spreadsheet row number (header = row 1, blank lines count).
"""

from __future__ import annotations

import csv
import io
import re

import pandas as pd

from storage.importing.errors import ReadError
from storage.importing.limits import Limits

_CHUNK_CELLS = 400_000
_EXCEL_COLUMNS = 16_384


def read_csv_rows(text: str, separator: str, limits: Limits) -> pd.DataFrame:
    """Rows with a value, indexed by spreadsheet row number; ReadError past a limit."""
    _check_line_length(text, limits)
    width = _first_record_width(text, separator, limits)
    try:
        return _read_chunked(text, separator, limits, chunk_rows=max(100, _CHUNK_CELLS // max(width, 1)))
    except pd.errors.EmptyDataError as exc:
        raise ReadError("empty_file") from exc
    except (pd.errors.ParserError, ValueError):
        return _read_records(text, separator, limits)


def _check_line_length(text: str, limits: Limits) -> None:
    """No line may be longer than a full row of full cells (a bound that also bounds the parsers)."""
    longest = limits.columns * limits.cell_chars
    match = re.search(rf"(?m)^[^\n]{{{longest + 1}}}", text)  # anchored at line starts: one pass
    if match:
        raise ReadError("line_too_long", found=text.count("\n", 0, match.start()) + 1, max=longest)


def _first_record_width(text: str, separator: str, limits: Limits) -> int:
    """Fields in the first line; a first line past the columns limit with a value there is refused."""
    first = text.split("\n", 1)[0]
    try:
        record = next(csv.reader([first], delimiter=separator), [])
    except csv.Error:
        return 1
    _check_width(record, limits)
    return len(record)


def _check_width(record: list[str], limits: Limits) -> None:
    last = _last_filled(record)
    if last > limits.columns:
        raise ReadError("too_many_columns", found=last, max=limits.columns)
    if len(record) > _EXCEL_COLUMNS:
        raise ReadError("too_many_columns", found=len(record), max=limits.columns)


def _last_filled(record: list[str]) -> int:
    for position in range(len(record), 0, -1):
        if record[position - 1].strip():
            return position
    return 0


def _read_chunked(text: str, separator: str, limits: Limits, *, chunk_rows: int) -> pd.DataFrame:
    chunks = pd.read_csv(io.StringIO(text), sep=separator, header=None, dtype=str, keep_default_na=False,
                         skip_blank_lines=False, quotechar='"', engine="c", chunksize=chunk_rows)
    kept: list[pd.DataFrame] = []
    filled_cells = 0
    for chunk in chunks:
        chunk.index = chunk.index + 1  # spreadsheet row numbers
        filled = chunk.notna() & chunk.apply(lambda column: column.str.strip() != "")
        rows = filled.any(axis=1)
        beyond = rows[rows & (rows.index > limits.rows)]
        if len(beyond):
            raise ReadError("too_many_rows", found=int(beyond.index[0]), max=limits.rows)
        columns = filled.any(axis=0)
        if columns.any() and int(columns[columns].index[-1]) + 1 > limits.columns:
            raise ReadError("too_many_columns", found=int(columns[columns].index[-1]) + 1, max=limits.columns)
        filled_cells += int(filled.to_numpy().sum())
        if filled_cells > limits.cells:
            raise ReadError("too_many_cells", max=limits.cells)
        if rows.any():
            kept.append(chunk[rows].iloc[:, : limits.columns])
    if not kept:
        return pd.DataFrame(dtype=object)
    return pd.concat(kept).astype(object)


def _read_records(text: str, separator: str, limits: Limits) -> pd.DataFrame:
    """The csv module, one record at a time, for files whose rows differ in width."""
    numbers: list[int] = []
    records: list[list[str]] = []
    filled_cells = 0
    try:
        for number, record in enumerate(csv.reader(io.StringIO(text), delimiter=separator), start=1):
            last = _last_filled(record)
            if not last:
                continue
            if number > limits.rows:
                raise ReadError("too_many_rows", found=number, max=limits.rows)
            _check_width(record, limits)
            filled_cells += sum(1 for cell in record[:last] if cell.strip())
            if filled_cells > limits.cells:
                raise ReadError("too_many_cells", max=limits.cells)
            numbers.append(number)
            records.append(record[:last])
    except csv.Error as exc:
        raise ReadError("unreadable_file") from exc
    width = max((len(r) for r in records), default=0)
    return pd.DataFrame([r + [""] * (width - len(r)) for r in records], index=numbers, dtype=object)
