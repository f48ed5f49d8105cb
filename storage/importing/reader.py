"""Read the CSV and XLSX files that Dutch offices really export, and parse their numbers.

Why this much care: a file that comes out of Excel on a Dutch laptop is Windows-1252 or UTF-8
with a BOM, separated by semicolons, with decimal commas ("7,5") and thousands dots ("1.234").
The same bytes read the wrong way give figures that look plausible but are wrong, and that is
worse than an error. So:

* Separator: sniffed by parsing the first lines with ';', tab, ',' and '|' and taking the one
  that gives the header the most columns *and* the other lines the same width.
* Encoding: BOM first (UTF-8, UTF-16), then strict UTF-8, then Windows-1252, then Latin-1.
* Numbers are parsed per *kind of column* (`parse_count`, `parse_decimal`):
  in a count column "1.234", "1,234" and "1 234" are 1234 (a count has no fraction, so a group of
  exactly three digits after the mark can only be thousands); "7,5" is not a whole number and is
  reported, never rounded. In a decimal column the last mark is the decimal mark when both occur
  ("1.234,5" = 1234.5), a single mark is a decimal mark ("7,5" = "7.5" = 7.5).
* Row numbers are those the user sees in the spreadsheet: the header is row 1 (or the row where
  the header really is, when a title sits above it) and blank lines still count.
* Limits (`limits.py`, docs/data-format.md): the bytes are first checked to be what the name
  says (`sniff.py`), then read in a streaming way (`xlsx.py`, `csvfile.py`) that refuses a file
  as soon as it crosses a limit, so no file costs more memory than the limits allow.

Everything here is pure: bytes in, a table of raw cells out.
"""

from __future__ import annotations

import csv
import io
import math
import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

import pandas as pd

from storage.importing.columns import ColumnMatch, known_field_count, match_header
from storage.importing.csvfile import read_csv_rows
from storage.importing.errors import ReadError
from storage.importing.limits import DEFAULT, Limits
from storage.importing.sniff import table_kind
from storage.importing.xlsx import read_xlsx

_SEPARATORS = (";", "\t", ",", "|")
_SNIFF_CHARS = 256 * 1024
_HEADER_SEARCH_ROWS = 20

MISSING_TOKENS = frozenset({"", "-", "\u2013", "\u2014", "nvt", "n.v.t.", "n.v.t", "n/a", "na", "."})

__all__ = ["RawTable", "ReadError", "cell_text", "decode", "is_missing", "parse_count", "parse_decimal",
           "read_table", "sniff_separator"]


@dataclass
class RawTable:
    """Cells as found in the file: `frame` has one column per header position (0..n-1), object dtype.

    `rows` holds the spreadsheet row number of each frame row (same order).
    """

    columns: list[ColumnMatch]
    frame: pd.DataFrame
    rows: pd.Series
    header_row: int
    kind: str  # 'csv' or 'xlsx'
    encoding: str | None = None
    separator: str | None = None

    @property
    def headers(self) -> list[str]:
        return [c.header for c in self.columns]


# ---- bytes -> text -----------------------------------------------------------------------------


def decode(data: bytes) -> tuple[str, str]:
    """Text and the encoding used; never raises (Latin-1 decodes any byte)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace"), "utf-16"
    for encoding in ("utf-8", "cp1252"):
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1"), "latin-1"


def sniff_separator(text: str) -> str:
    """The separator that gives the header the most columns and the next lines the same width."""
    lines = [line for line in text[:_SNIFF_CHARS].splitlines()[:60] if line.strip()]
    if not lines:
        return ","
    best, best_score = ",", (-1.0, 0)
    for sep in _SEPARATORS:
        try:
            records = [r for r in csv.reader(io.StringIO("\n".join(lines)), delimiter=sep) if any(r)]
        except csv.Error:
            continue
        if not records:
            continue
        header_width = len(records[0])
        if header_width < 2:
            continue
        consistent = sum(1 for r in records if len(r) == header_width) / len(records)
        score = (round(consistent, 2), header_width)
        if score > best_score:
            best, best_score = sep, score
    return best


# ---- reading -----------------------------------------------------------------------------------


def read_table(data: bytes, filename: str | None = None, *, limits: Limits = DEFAULT) -> RawTable:
    """Read CSV or XLSX bytes into a RawTable; raises ReadError for unreadable input or past a limit."""
    if len(data) > limits.file_bytes:
        raise ReadError("file_too_large", max_mb=limits.file_mb)
    if not data.strip():
        raise ReadError("empty_file")
    if table_kind(data, filename) == "xlsx":
        sheet = read_xlsx(data, limits)
        width = max((len(r) for r in sheet.values), default=0)
        frame = pd.DataFrame([r + [None] * (width - len(r)) for r in sheet.values], index=sheet.numbers,
                             dtype=object)
        return _to_table(frame, kind="xlsx")
    text, encoding = decode(data)
    # Old Mac line ends ('\r' alone) trip both parsers; Excel never puts them inside cells.
    text = text.replace("\x00", "").replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise ReadError("empty_file")
    separator = sniff_separator(text)
    frame = read_csv_rows(text, separator, limits)
    return _to_table(frame, kind="csv", encoding=encoding, separator=separator)


def _blank(frame: pd.DataFrame) -> pd.DataFrame:
    """True where a cell is empty (None, NaN or only whitespace); no copy of the cells as text."""
    return frame.apply(lambda column: column.map(_is_blank_cell).astype(bool))


def _is_blank_cell(value: object) -> bool:
    if value is None or value is pd.NA:
        return True
    if isinstance(value, float):
        return value != value
    return isinstance(value, str) and not value.strip()


def _to_table(frame: pd.DataFrame, *, kind: str, encoding: str | None = None,
              separator: str | None = None) -> RawTable:
    """Header and body from the rows with a value; `frame`'s index is the spreadsheet row number."""
    if frame.empty:
        raise ReadError("empty_file")
    frame.columns = range(frame.shape[1])
    blank = _blank(frame)
    filled_rows = (~blank).any(axis=1)
    if not filled_rows.any():
        raise ReadError("empty_file")
    header_row = _find_header(frame, filled_rows)
    headers = ["" if v is None or (isinstance(v, float) and math.isnan(v)) else str(v).strip()
               for v in frame.loc[header_row].tolist()]
    below = frame.index > header_row
    body = frame[below]
    body_blank = blank[below]
    # Columns without a header and without any value are spreadsheet noise.
    keep = [i for i, h in enumerate(headers) if h or not body_blank[i].all()]
    body = body[keep]
    body = body[~body_blank[keep].all(axis=1)]
    columns = [match_header(headers[i] or f"kolom {i + 1}", pos) for pos, i in enumerate(keep)]
    body = body.copy()
    body.columns = range(len(keep))
    rows = pd.Series(body.index.to_numpy(), dtype="int64")
    return RawTable(columns=columns, frame=body.reset_index(drop=True), rows=rows, header_row=int(header_row),
                    kind=kind, encoding=encoding, separator=separator)


def _find_header(frame: pd.DataFrame, filled_rows: pd.Series) -> int:
    """The first row that names at least two known columns, else the first non-empty row
    (title lines above the header are common in exports). Returns the spreadsheet row number."""
    candidates = list(filled_rows[filled_rows].index[:_HEADER_SEARCH_ROWS])
    for row in candidates:
        if known_field_count(frame.loc[row].tolist()) >= 2:
            return int(row)
    return int(candidates[0])


# ---- cells -> numbers --------------------------------------------------------------------------

_SPACES = re.compile(r"[\s\u00a0\u202f\u2009']+")
_DIGIT_GROUPS = {
    ".": re.compile(r"\d{1,3}(\.\d{3})+"),
    ",": re.compile(r"\d{1,3}(,\d{3})+"),
}
_PLAIN_INT = re.compile(r"\d+")
_ZERO_FRACTION = re.compile(r"(\d+|\d{1,3}(?:([.,])\d{3})+)([.,])0+")
_DECIMAL_BODY = re.compile(r"[\d.,]+")


def is_missing(cell: object) -> bool:
    """Empty cells and the usual 'nothing here' marks ('-', 'n.v.t.', '.')."""
    if cell is None:
        return True
    if isinstance(cell, float) and math.isnan(cell):
        return True
    if isinstance(cell, str):
        return cell.strip().casefold() in MISSING_TOKENS
    return bool(cell is pd.NA)


def _sign_and_body(text: str) -> tuple[int, str]:
    body = _SPACES.sub("", text.strip()).replace("\u2212", "-")
    sign = 1
    if body[:1] in "+-" and body:
        sign = -1 if body[0] == "-" else 1
        body = body[1:]
    return sign, body


def parse_count(cell: object) -> tuple[int | None, str | None]:
    """A whole number from a cell, or (None, problem code). Missing cells give (None, None)."""
    if is_missing(cell):
        return None, None
    if isinstance(cell, bool | datetime | date):
        return None, "not_a_number"
    if isinstance(cell, int):
        return int(cell), None
    if isinstance(cell, float | Decimal):
        value = float(cell)
        if not math.isfinite(value):
            return None, "not_a_number"
        return (int(value), None) if value.is_integer() else (None, "not_whole_number")
    sign, body = _sign_and_body(str(cell))
    if not body:
        return None, "not_a_number"
    if _PLAIN_INT.fullmatch(body):
        return sign * int(body), None
    for mark, pattern in _DIGIT_GROUPS.items():
        if pattern.fullmatch(body):
            return sign * int(body.replace(mark, "")), None
    zero = _ZERO_FRACTION.fullmatch(body)
    if zero and (zero.group(2) is None or zero.group(2) != zero.group(3)):
        return sign * int(re.sub(r"[.,]", "", zero.group(1))), None
    decimal, code = parse_decimal(cell)
    if code is None and decimal is not None:
        return None, "not_whole_number"
    return None, "not_a_number"


def parse_decimal(cell: object) -> tuple[float | None, str | None]:
    """A decimal number from a cell ('7,5', '7.5', '1.234,5'), or (None, problem code)."""
    if is_missing(cell):
        return None, None
    if isinstance(cell, bool | datetime | date):
        return None, "not_a_number"
    if isinstance(cell, int | float | Decimal):
        value = float(cell)
        return (value, None) if math.isfinite(value) else (None, "not_a_number")
    sign, body = _sign_and_body(str(cell))
    if not body or not _DECIMAL_BODY.fullmatch(body) or not any(ch.isdigit() for ch in body):
        return None, "not_a_number"
    dots, commas = body.count("."), body.count(",")
    if dots and commas:
        decimal_mark = "." if body.rfind(".") > body.rfind(",") else ","
        thousands = "," if decimal_mark == "." else "."
        whole, _, fraction = body.rpartition(decimal_mark)
        if not _DIGIT_GROUPS[thousands].fullmatch(whole) or not fraction.isdigit():
            return None, "not_a_number"
        return sign * float(f"{whole.replace(thousands, '')}.{fraction}"), None
    mark = "." if dots else ","
    count = dots or commas
    if count == 0:
        return sign * float(body), None
    if count == 1:
        whole, _, fraction = body.partition(mark)
        if not fraction.isdigit() or (whole and not whole.isdigit()):
            return None, "not_a_number"
        return sign * float(f"{whole or '0'}.{fraction}"), None
    if _DIGIT_GROUPS[mark].fullmatch(body):
        return sign * float(body.replace(mark, "")), None
    return None, "not_a_number"


def cell_text(cell: object) -> str:
    """A cell as the user typed it, for messages and text fields ('' when missing)."""
    if cell is None or (isinstance(cell, float) and math.isnan(cell)):
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, datetime):
        return cell.date().isoformat() if cell.time() == datetime.min.time() else cell.isoformat(sep=" ")
    return str(cell).strip()
