"""The streaming XLSX reader: the same values openpyxl gives, and hostile sheets refused by their limit."""

from __future__ import annotations

import io
import struct
import zipfile
from datetime import datetime

import pytest
from openpyxl import Workbook, load_workbook

from storage.importing.errors import ReadError
from storage.importing.limits import DEFAULT, MB, Limits
from storage.importing.reader import read_table
from storage.importing.xlsx import read_xlsx
from tests.storage.importing import hostile_files as H


def _saved(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _code(data: bytes, limits: Limits = DEFAULT) -> tuple[str, dict]:
    with pytest.raises(ReadError) as caught:
        read_xlsx(data, limits)
    return caught.value.code, caught.value.params


def test_values_are_those_openpyxl_reads_dates_booleans_numbers_and_texts():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["periode", "bereik", "tevredenheid", "datum", "klopt", "tekst"])
    sheet.append(["2024-Q1", 12, 7.25, datetime(2024, 3, 1), True, "Café ‘t Hoekje & zo"])
    sheet.append([None, -3, 1e-7, datetime(1999, 12, 31, 13, 30), False, "  spaties  "])
    sheet["H5"] = "ver weg"  # a gap row and a gap column
    data = _saved(workbook)

    expected = [[c for c in row] for row in load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True)]
    read = read_xlsx(data, DEFAULT)

    assert read.numbers == [1, 2, 3, 5]
    by_number = dict(zip(read.numbers, read.values, strict=True))
    for number, row in by_number.items():
        full = expected[number - 1]
        assert row == full[: len(row)] and not any(full[len(row):])
    assert by_number[2][3] == datetime(2024, 3, 1) and by_number[2][4] is True


def test_shared_strings_inline_rich_text_without_phonetic_hints_and_cells_without_r():
    rows = [
        '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>',
        # no r on the row nor on the cells: positions follow from the order
        '<row><c t="inlineStr"><is><r><t>20</t></r><r><t>24</t></r><rPh><t>x</t></rPh></is></c><c><v>5</v></c>'
        "</row>",
        '<row r="4"><c r="B4" t="str"><v>3</v></c><c r="A4" t="e"><v>#N/A</v></c></row>',
    ]
    data = H.xlsx(rows, shared_strings=["periode", "bereik"])
    read = read_xlsx(data, DEFAULT)
    assert read.numbers == [1, 2, 4]
    assert read.values == [["periode", "bereik"], ["2024", 5], ["#N/A", "3"]]


def test_the_declared_dimension_is_not_trusted():
    data = H.declared_huge_xlsx()
    assert len(data) < 5_000
    code, params = _code(data)
    assert (code, params) == ("too_many_rows", {"found": 1_048_576, "max": 200_000})
    # Under a larger row limit the stray cell in column XFD is what crosses a limit.
    code, params = _code(data, Limits(rows=2_000_000))
    assert (code, params) == ("too_many_columns", {"found": 16_384, "max": 60})


def test_a_sheet_with_more_rows_than_the_limit_is_refused_at_the_first_row_past_it():
    code, params = _code(H.many_rows_xlsx(1_000), Limits(rows=500))
    assert (code, params) == ("too_many_rows", {"found": 501, "max": 500})


def test_empty_cells_far_away_do_not_count_only_cells_with_something_in_them():
    rows = [H.row_xml(1, ["periode", "bereik"]), H.row_xml(2, ["2024", 3]),
            '<row r="900000"><c r="XFD900000" s="1"/><c r="XFC900000" t="s"/></row>']
    read = read_xlsx(H.xlsx(rows, dimension="A1:XFD900000"), DEFAULT)
    assert read.numbers == [1, 2]


def test_too_many_filled_cells_are_refused_while_reading():
    code, params = _code(H.many_rows_xlsx(100), Limits(cells=150))
    assert (code, params) == ("too_many_cells", {"max": 150})


def test_a_cell_longer_than_excel_allows_is_refused():
    rows = [H.row_xml(1, ["periode", "verhaal"]), H.row_xml(2, ["2024", "x" * 40_000])]
    assert _code(H.xlsx(rows)) == ("cell_too_long", {"max": 32_767})


def test_a_tag_of_megabytes_is_refused_before_it_is_buffered():
    attributes = " ".join(f'a{i}="{i}"' for i in range(200_000))
    rows = [H.row_xml(1, ["periode", "bereik"]), f'<row r="2"><c r="A2" {attributes}><v>1</v></c></row>']
    assert _code(H.xlsx(rows))[0] == "cell_too_long"


def test_rows_out_of_order_and_dtds_are_unreadable():
    backwards = [H.row_xml(5, ["periode", "bereik"]), H.row_xml(3, ["2024", 3])]
    assert _code(H.xlsx(backwards))[0] == "unreadable_file"
    parts = _parts(H.xlsx([H.row_xml(1, ["periode"])]))
    parts["xl/worksheets/sheet1.xml"] = parts["xl/worksheets/sheet1.xml"].replace(
        b'<?xml version="1.0" encoding="UTF-8"?>',
        b'<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>')
    assert _code(_zip(parts))[0] == "unreadable_file"


def _zip(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def test_a_zip_bomb_of_shared_strings_is_refused_before_unpacking():
    data = H.shared_strings_bomb()
    assert len(data) < 100_000
    assert _code(data) == ("xlsx_unpacked_too_large", {"part": "strings", "max_mb": 10})


def test_parts_are_counted_and_measured_unpacked():
    parts = {"[Content_Types].xml": H.CONTENT_TYPES.encode()}
    parts.update({f"xl/media/image{i}.png": b"" for i in range(1_001)})
    assert _code(_zip(parts)) == ("xlsx_too_many_parts", {"max": 1_000})
    assert _code(H.many_rows_xlsx(2_000), Limits(xlsx_sheet_bytes=MB // 10)) == (
        "xlsx_unpacked_too_large", {"part": "sheet", "max_mb": 1})
    picture = {**_parts(H.many_rows_xlsx(3)), "xl/media/image1.png": b"\0" * (11 * MB)}
    assert _code(_zip(picture)) == ("xlsx_unpacked_too_large", {"part": "other", "max_mb": 10})


def _parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_a_part_that_unpacks_to_more_than_its_header_says_is_unreadable():
    name = b"xl/worksheets/sheet1.xml"
    data = bytearray(_zip(_parts(H.many_rows_xlsx(5_000))))
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        info = archive.getinfo(name.decode())
    # Claim a tenth of the real unpacked size, in the local header and in the central directory
    # (the last copy of the name is the central directory's; its record starts 46 bytes before).
    claimed = info.file_size // 10
    central = bytes(data).rindex(name) - 46
    assert data[info.header_offset:info.header_offset + 4] == b"PK\x03\x04" and data[central:central + 4] == (
        b"PK\x01\x02")
    struct.pack_into("<I", data, info.header_offset + 22, claimed)
    struct.pack_into("<I", data, central + 24, claimed)
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        assert archive.getinfo(name.decode()).file_size == claimed
    assert _code(bytes(data))[0] == "unreadable_file"


def test_a_word_file_or_plain_zip_named_xlsx_is_named_for_what_it_is():
    docx = _zip({"[Content_Types].xml": b'<Types><Override ContentType="application/vnd.openxmlformats-'
                 b'officedocument.wordprocessingml.document.main+xml"/></Types>', "word/document.xml": b"<w/>"})
    with pytest.raises(ReadError) as caught:
        read_table(docx, "cijfers.xlsx")
    assert (caught.value.code, caught.value.params) == ("wrong_kind", {"actual": "zip"})


def test_only_the_first_visible_sheet_is_read():
    workbook = Workbook()
    hidden = workbook.active
    hidden.title = "oud"
    hidden.append(["periode", "bereik"])
    hidden.append(["2020", 1])
    hidden.sheet_state = "hidden"
    shown = workbook.create_sheet("cijfers")
    shown.append(["periode", "bereik"])
    shown.append(["2024", 2])
    assert read_xlsx(_saved(workbook), DEFAULT).values == [["periode", "bereik"], ["2024", 2]]
