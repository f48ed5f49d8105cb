"""Hostile and oversized spreadsheets, built byte by byte (shared by the tests and the benchmarks).

Why by hand and not with openpyxl's writer: the hostile part *is* the bytes. openpyxl writes an
honest `<dimension>` and honest zip headers; an attacker does not. Writing the few XML parts of
an XLSX ourselves lets a test declare `A1:XFD1048576` over two cells, put a cell in column XFD,
or pack 60 MB of shared strings into a few kilobytes. Everything is deterministic: the same
arguments give the same bytes, so a benchmark measures the same file on every run.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable, Iterator

from openpyxl.utils import get_column_letter

_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    "</Types>"
)
ROOT_RELS = (
    f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{_PKG_REL}">'
    f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
WORKBOOK = (
    f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{_NS}" xmlns:r="{_REL}">'
    '<sheets><sheet name="Blad1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{_PKG_REL}">'
    f'<Relationship Id="rId1" Type="{_REL}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{_REL}/sharedStrings" Target="sharedStrings.xml"/>'
    "</Relationships>"
)

HEADER = ["periode", "activiteit", "wijk", "bereik", "doelen gesteld", "doelen behaald"]
_WIJKEN = ["Centrum", "Noord", "Oost", "Zuid", "West", "Haven", "Dorp", "Veld"]


def _cell(column: int, row: int, value: object, strings: dict[str, int] | None = None) -> str:
    ref = f"{get_column_letter(column)}{row}"
    if isinstance(value, int | float):
        return f'<c r="{ref}"><v>{value}</v></c>'
    if strings is not None:  # Excel's way: the text once in sharedStrings.xml, its index in the cell
        return f'<c r="{ref}" t="s"><v>{strings.setdefault(str(value), len(strings))}</v></c>'
    text = str(value).replace("&", "&amp;").replace("<", "&lt;")
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def row_xml(number: int, values: Iterable[object], *, first_column: int = 1,
            strings: dict[str, int] | None = None) -> str:
    cells = "".join(_cell(first_column + i, number, v, strings) for i, v in enumerate(values) if v is not None)
    return f'<row r="{number}">{cells}</row>'


def xlsx(rows: Iterable[str], *, dimension: str | None = None, shared_strings: Iterable[str] = (),
         compresslevel: int = 6) -> bytes:
    """An XLSX whose only sheet holds the given `<row>` elements (streamed into the zip)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=compresslevel) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as part:
            part.write(f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{_NS}">'.encode())
            if dimension:
                part.write(f'<dimension ref="{dimension}"/>'.encode())
            part.write(b"<sheetData>")
            batch: list[str] = []
            for row in rows:
                batch.append(row)
                if len(batch) >= 2000:
                    part.write("".join(batch).encode())
                    batch.clear()
            part.write("".join(batch).encode())
            part.write(b"</sheetData></worksheet>")
        with archive.open("xl/sharedStrings.xml", "w") as part:
            part.write(f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{_NS}">'.encode())
            for text in shared_strings:
                part.write(f"<si><t>{text}</t></si>".encode())
            part.write(b"</sst>")
    return buffer.getvalue()


def outcome_values(i: int) -> list[object]:
    """Row i of a plausible outcome file (deterministic; period + activity + wijk unique up to 800,000)."""
    year, quarter = 1900 + (i // 4000) % 200, 1 + (i // 1000) % 4
    return [f"{year}-Q{quarter}", f"Activiteit {i % 1000 // 8}", _WIJKEN[i % 8], 40 + i % 60, 20, 10 + i % 10]


def outcome_rows(count: int) -> Iterator[str]:
    """Header plus `count` data rows as sheet XML."""
    yield row_xml(1, HEADER)
    for i in range(count):
        yield row_xml(i + 2, outcome_values(i))


def declared_huge_xlsx() -> bytes:
    """A few kilobytes that declare the whole sheet (A1:XFD1048576), with one cell in the last row."""
    rows = [row_xml(1, HEADER), row_xml(2, outcome_values(0)), row_xml(1_048_576, ["x"], first_column=16_384)]
    return xlsx(rows, dimension="A1:XFD1048576")


def many_rows_xlsx(count: int) -> bytes:
    """A header and `count` rows of period, activity and reach, written as Excel writes them
    (shared strings): 1,000,000 rows give a file of a few megabytes that unpacks to ~100 MB."""
    strings: dict[str, int] = {}

    def rows() -> Iterator[str]:
        yield row_xml(1, ["periode", "activiteit", "bereik"], strings=strings)
        for i in range(count):
            period, activity, _, reach, *_ = outcome_values(i)
            yield row_xml(i + 2, [period, activity, reach], strings=strings)

    # The sheet is written first, so the strings it uses are known when sharedStrings.xml follows.
    return xlsx(rows(), dimension=f"A1:C{count + 1}", shared_strings=strings, compresslevel=9)


def shared_strings_bomb(count: int = 1_000_000) -> bytes:
    """A million tiny shared strings: some 40 kilobytes that unpack to 16 megabytes."""
    return xlsx([row_xml(1, HEADER)], shared_strings=("x" for _ in range(count)), compresslevel=9)


def outcome_csv(count: int, *, separator: str = ";") -> bytes:
    """A header and `count` data rows as a Dutch CSV (deterministic)."""
    lines = [separator.join(HEADER)]
    lines.extend(separator.join(str(v) for v in outcome_values(i)) for i in range(count))
    return ("\n".join(lines) + "\n").encode()
