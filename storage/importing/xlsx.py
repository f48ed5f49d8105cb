"""Read the first visible worksheet of an XLSX in bounded memory, refusing early past the limits.

Why not simply openpyxl's read-only `iter_rows`: it trusts the sheet's declared `<dimension>`
and pads every row to it, so 5 KB declaring `A1:XFD1048576` become a million rows of 16,384
cells (gigabytes); and its parse keeps every cleared `<row>` element attached to `<sheetData>`,
so memory grows with the rows. Here:

* before anything is parsed, the zip's parts are counted and their *unpacked* sizes checked
  (`Limits`); zipfile never yields more than a part's declared size, so the check is binding;
* openpyxl still reads the workbook, styles and shared strings (their sizes are bounded by the
  check above), and its date helpers turn numbers with a date format into dates;
* the worksheet XML goes through expat in 64 KB pieces with callbacks, so no element tree is
  built; no text may be longer than a cell can be and no tag longer than that either; the rows,
  columns and cells *with something in them* are counted as they come, so a file past a limit
  is refused when the first cell past it is seen, not after reading the rest.

The result holds only rows with a value, each with its spreadsheet row number.
"""

from __future__ import annotations

import io
import warnings
import zipfile
from dataclasses import dataclass
from xml.parsers import expat

from openpyxl.utils.cell import column_index_from_string
from openpyxl.utils.datetime import from_excel, from_ISO8601

from storage.importing.errors import ReadError
from storage.importing.limits import MB, Limits

_CHUNK = 64 * 1024
_MAX_ROW_NUMBER = 1_048_576  # Excel's last row


@dataclass
class SheetRows:
    """Rows with at least one value: spreadsheet row numbers and values (column 1 first)."""

    numbers: list[int]
    values: list[list[object]]


def read_xlsx(data: bytes, limits: Limits) -> SheetRows:
    """The first visible worksheet's filled rows; raises ReadError for anything unreadable or too big."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise ReadError("unreadable_file") from exc
    with archive:
        check_parts(infos, limits)
        if not _is_spreadsheet(archive):
            raise ReadError("wrong_kind", actual="zip")
        return _read_sheet(archive, _open_workbook(data), limits)


def check_parts(infos: list[zipfile.ZipInfo], limits: Limits) -> None:
    """Refuse a zip with too many parts, or parts that unpack to more than the limits allow."""
    if len(infos) > limits.xlsx_parts:
        raise ReadError("xlsx_too_many_parts", max=limits.xlsx_parts)
    total = 0
    for info in infos:
        name = info.filename.lower()
        if name.startswith("xl/worksheets/") and name.endswith(".xml"):
            part, limit = "sheet", limits.xlsx_sheet_bytes
        elif name.endswith("sharedstrings.xml"):
            part, limit = "strings", limits.xlsx_strings_bytes
        else:
            part, limit = "other", limits.xlsx_other_bytes
        if info.file_size > limit:
            raise ReadError("xlsx_unpacked_too_large", part=part, max_mb=max(1, limit // MB))
        total += info.file_size
    if total > limits.xlsx_total_bytes:
        raise ReadError("xlsx_unpacked_too_large", part="total", max_mb=max(1, limits.xlsx_total_bytes // MB))


def _is_spreadsheet(archive: zipfile.ZipFile) -> bool:
    """A zip is a workbook when its content types name a spreadsheet (a .docx or plain zip does not)."""
    try:
        manifest = archive.read("[Content_Types].xml")
    except (KeyError, zipfile.BadZipFile, OSError, ValueError, EOFError):
        return False
    return b"spreadsheetml.sheet.main" in manifest or b"ms-excel.sheet" in manifest


@dataclass
class _Workbook:
    """What reading one sheet needs from the workbook: where it is and how to turn cells into values."""

    sheet_path: str
    cells: _Cells


def _open_workbook(data: bytes) -> _Workbook:
    """openpyxl reads the manifest, shared strings, workbook and styles; not the sheets.

    Why openpyxl's reader step by step and not `load_workbook(read_only=True)`: that also opens
    every sheet to read its `<dimension>`, and a sheet without one is parsed whole right there
    (building elements it never frees); it also reads chart sheets with their pictures.
    """
    from openpyxl.reader.excel import ExcelReader
    from openpyxl.styles.stylesheet import apply_stylesheet

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about extensions it does not know
            reader = ExcelReader(io.BytesIO(data), read_only=True, data_only=True, keep_links=False)
            reader.read_manifest()
            reader.read_strings()
            reader.read_workbook()
            apply_stylesheet(reader.archive, reader.wb)
            sheets = [(sheet, rel) for sheet, rel in reader.parser.find_sheets()
                      if "chartsheet" not in (rel.Type or "") and rel.target in reader.valid_files]
    except Exception as exc:  # zip/xml errors of many kinds: the message is the same for the user
        raise ReadError("unreadable_file") from exc
    visible = next((rel.target for sheet, rel in sheets if (sheet.state or "visible") == "visible"), None)
    if visible is None:
        raise ReadError("empty_file")
    wb = reader.wb
    # `_date_formats` / `_timedelta_formats` are the style ids with a date or duration format, which
    # apply_stylesheet sets and openpyxl's own cell parser reads (tests/storage/importing/test_xlsx.py).
    return _Workbook(visible, _Cells(reader.shared_strings, wb.epoch, wb._date_formats, wb._timedelta_formats))


def _read_sheet(archive: zipfile.ZipFile, workbook: _Workbook, limits: Limits) -> SheetRows:
    reader = _SheetReader(workbook.cells, limits)
    try:
        with archive.open(workbook.sheet_path) as source:
            reader.read(source)
    except ReadError:
        raise
    except (expat.ExpatError, zipfile.BadZipFile, KeyError, IndexError, ValueError, TypeError, OSError,
            EOFError, OverflowError) as exc:
        raise ReadError("unreadable_file") from exc
    return SheetRows(reader.numbers, reader.values)


class _Cells:
    """A cell's value from its type, style and text, as openpyxl's read-only parser gives it."""

    def __init__(self, strings, epoch, date_formats, timedelta_formats) -> None:
        self.strings = strings
        self.epoch = epoch
        self.date_formats = date_formats
        self.timedelta_formats = timedelta_formats

    def value(self, kind: str, style: str | None, text: str) -> object:
        if kind == "inlineStr":
            return text or None
        if not text:
            return None
        if kind == "s":
            return self.strings[int(text)]
        if kind == "b":
            return bool(int(text))
        if kind in ("str", "e"):
            return text
        if kind == "d":
            return from_ISO8601(text)
        number = float(text) if any(mark in text for mark in ".eE") else int(text)
        style_id = int(style or 0)
        if style_id in self.date_formats:
            try:
                return from_excel(number, self.epoch, timedelta=style_id in self.timedelta_formats)
            except (OverflowError, ValueError):
                return "#VALUE!"  # a date serial out of range, shown as Excel shows it
        return number


# Element names as expat reports them with namespace_separator=" ": transitional and strict OOXML.
_CELL, _ROW, _DATA, _TEXT, _PHONETIC = "c", "row", "sheetData", "text", "rPh"
_TAGS: dict[str, str] = {}
for _namespace in ("http://schemas.openxmlformats.org/spreadsheetml/2006/main",
                   "http://purl.oclc.org/ooxml/spreadsheetml/main"):
    _TAGS.update({f"{_namespace} c": _CELL, f"{_namespace} row": _ROW, f"{_namespace} sheetData": _DATA,
                  f"{_namespace} v": _TEXT, f"{_namespace} t": _TEXT, f"{_namespace} rPh": _PHONETIC})


class _Finished(Exception):
    """</sheetData> was read: nothing after it holds values."""


class _SheetReader:
    """Expat callbacks over one worksheet (see the module docstring).

    No element tree is built: a cell is its type, style, position and text, kept only until its
    end tag; a row is a dict of the values in it, kept only when it has one.
    """

    def __init__(self, cells: _Cells, limits: Limits) -> None:
        self.cells = cells
        self.limits = limits
        self.numbers: list[int] = []
        self.values: list[list[object]] = []
        self.filled = 0
        self.depth = 0
        self.in_data = False  # inside <sheetData>
        self.in_row = False
        self.row_number = 0
        self.row: dict[int, object] = {}
        self.column = 0
        self.cell: tuple[int, str, str | None] | None = None  # column, type, style
        self.text: list[str] = []
        self.text_chars = 0
        self.collect = False  # inside <v>, or <t> of an inline string (not its phonetic <rPh>)
        self.phonetic = False

    def read(self, source) -> None:
        parser = expat.ParserCreate(namespace_separator=" ")
        parser.buffer_text = True
        parser.StartElementHandler = self._start
        parser.EndElementHandler = self._end
        parser.CharacterDataHandler = self._text
        parser.StartDoctypeDeclHandler = _refuse_declarations  # no workbook needs a DTD; XML bombs do
        parser.EntityDeclHandler = _refuse_declarations
        guard = _TagGuard(limits_bytes(self.limits), self.limits.cell_chars)
        try:
            while chunk := source.read(_CHUNK):
                guard.check(chunk)
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
        except _Finished:
            return

    def _start(self, name: str, attrs: dict[str, str]) -> None:
        self.depth += 1
        tag = _TAGS.get(name)
        if self.cell is not None:
            if tag is _PHONETIC:
                self.phonetic = True
            self.collect = tag is _TEXT and not self.phonetic
        elif tag is _CELL and self.in_row and self.depth == 4:
            self._start_cell(attrs)
        elif tag is _ROW and self.in_data and self.depth == 3:
            self._start_row(attrs.get("r"))
        elif tag is _DATA and self.depth == 2:
            self.in_data = True

    def _end(self, name: str) -> None:
        self.depth -= 1
        if self.cell is not None:
            self.collect = False
            tag = _TAGS.get(name)
            if tag is _CELL and self.depth == 3:
                self._end_cell()
            elif tag is _PHONETIC:
                self.phonetic = False
        elif self.in_row and self.depth == 2:
            self._end_row()
        elif self.in_data and self.depth == 1:
            raise _Finished

    def _text(self, data: str) -> None:
        if self.collect:
            self.text_chars += len(data)
            if self.text_chars > self.limits.cell_chars:
                raise ReadError("cell_too_long", max=self.limits.cell_chars)
            self.text.append(data)

    def _start_row(self, text: str | None) -> None:
        number = int(text) if text is not None else self.row_number + 1
        if number <= self.row_number or number > _MAX_ROW_NUMBER:
            raise ReadError("unreadable_file")  # Excel writes rows once each, in order
        self.row_number, self.row, self.column, self.in_row = number, {}, 0, True

    def _start_cell(self, attrs: dict[str, str]) -> None:
        reference = attrs.get("r")
        if reference:
            letters = reference.rstrip("0123456789")
            self.column = column_index_from_string(letters)
        else:
            self.column += 1
        self.cell = (self.column, attrs.get("t", "n"), attrs.get("s"))
        self.text, self.text_chars, self.collect, self.phonetic = [], 0, False, False

    def _end_cell(self) -> None:
        column, kind, style = self.cell
        self.cell = None
        value = self.cells.value(kind, style, "".join(self.text))
        if value is None or value == "":
            return
        limits = self.limits
        if self.row_number > limits.rows:
            raise ReadError("too_many_rows", found=self.row_number, max=limits.rows)
        if column > limits.columns:
            raise ReadError("too_many_columns", found=column, max=limits.columns)
        self.filled += 1
        if self.filled > limits.cells:
            raise ReadError("too_many_cells", max=limits.cells)
        self.row[column] = value

    def _end_row(self) -> None:
        self.in_row = False
        if self.row:
            values: list[object] = [None] * max(self.row)
            for column, value in self.row.items():
                values[column - 1] = value
            self.numbers.append(self.row_number)
            self.values.append(values)
            self.row = {}


def _refuse_declarations(*_args: object) -> None:
    raise ReadError("unreadable_file")


def limits_bytes(limits: Limits) -> int:
    """The longest text or tag allowed in the XML: a full cell, escaped, in four-byte UTF-8."""
    return limits.cell_chars * 6 + 1024


class _TagGuard:
    """Refuses XML with a run of more than `limit` bytes without '<' or '>' before expat buffers it.

    Expat hands text over in pieces, but holds a whole start tag before it calls us; this keeps a
    tag with a million attributes from growing its buffer. The limit is larger than a chunk, so
    only runs that cross chunk boundaries need checking.
    """

    def __init__(self, limit: int, cell_chars: int) -> None:
        assert limit > _CHUNK
        self.limit = limit
        self.cell_chars = cell_chars
        self.carry = 0  # length of the run without '<' or '>' at the end of the previous chunk

    def check(self, chunk: bytes) -> None:
        marks = [i for i in (chunk.find(b"<"), chunk.find(b">")) if i >= 0]
        if not marks:
            self.carry += len(chunk)
        elif self.carry + min(marks) > self.limit:
            raise ReadError("cell_too_long", max=self.cell_chars)
        else:
            self.carry = len(chunk) - max(chunk.rfind(b"<"), chunk.rfind(b">")) - 1
        if self.carry > self.limit:
            raise ReadError("cell_too_long", max=self.cell_chars)
