"""Messy, real-world-shaped files: every figure checked against values typed by hand."""

from __future__ import annotations

import io

import pandas as pd
import pytest
from openpyxl import Workbook

from storage.importing.reader import decode, parse_count, parse_decimal, read_table, sniff_separator
from storage.importing.validate import validate_outcome_file


def _row(result, number: int) -> dict:
    frame = result.frame
    return frame[frame["row"] == number].iloc[0].to_dict()


@pytest.mark.parametrize(
    ("text", "expected"),
    [("1.234", 1234), ("1,234", 1234), ("1 234", 1234), ("1\u00a0234", 1234), ("12.345.678", 12345678),
     ("1.234,00", 1234), ("12", 12), ("0", 0), ("-3", -3), ("\u22127", -7), ("", None), ("-", None),
     ("n.v.t.", None), (42, 42), (42.0, 42)],
)
def test_counts_read_the_dutch_way(text, expected):
    assert parse_count(text) == (expected, None)


@pytest.mark.parametrize(("text", "code"), [("7,5", "not_whole_number"), ("1.5", "not_whole_number"),
                                            ("veel", "not_a_number"), ("1,2,3", "not_a_number"),
                                            (7.5, "not_whole_number"), ("12%", "not_a_number")])
def test_counts_never_round_or_guess(text, code):
    assert parse_count(text) == (None, code)


@pytest.mark.parametrize(("text", "expected"), [("7,5", 7.5), ("7.5", 7.5), ("8", 8.0), ("1.234,5", 1234.5),
                                                ("1,234.5", 1234.5), (" 6,25 ", 6.25), (7.25, 7.25)])
def test_decimals(text, expected):
    assert parse_decimal(text) == (expected, None)


def test_separator_and_encoding_sniffing():
    assert sniff_separator('a;b;c\n1;"2,5";3\n') == ";"
    assert sniff_separator('a,b,c\n1,"2,5",3\n') == ","
    assert sniff_separator("a\tb\n1\t2\n") == "\t"
    assert decode("é".encode("cp1252")) == ("é", "cp1252")
    assert decode("\ufeffé".encode()) == ("é", "utf-8-sig")
    assert decode("é".encode()) == ("é", "utf-8")


WINDOWS_1252_SEMICOLONS = (
    '"Periode";"Activiteit";"WIJK";"Bereik";"Potentiëel  Bereik";"Doelen gesteld";"DOELEN behaald";'
    '"Respondenten";"Tevredenheid";"Tevreden"\r\n'
    "2024 K1;Café-ontmoeting;Centrum;1.234;10.500;300;210;120;7,5;96\r\n"
    "Q1 2024;Café-ontmoeting;Noordëind;56;1.002;40;31;30;8,1;27\r\n"
    '2024-Q1;"Wandelen; samen";Totaal;78;;20;15;10;6,9;6\r\n'
).encode("cp1252")


def test_windows_1252_semicolons_decimal_commas_thousands_dots():
    result = validate_outcome_file(WINDOWS_1252_SEMICOLONS, "export.csv")
    assert result.ok, result.problems
    assert result.table.encoding == "cp1252" and result.table.separator == ";"
    assert len(result.frame) == 3
    first = _row(result, 2)
    assert first["period"] == "2024-Q1"
    assert first["activity"] == "Café-ontmoeting"
    assert (first["group_kind"], first["group_value"]) == ("wijk", "Centrum")
    assert (first["reach"], first["potential_reach"]) == (1234, 10500)
    assert (first["goals_set"], first["goals_attained"]) == (300, 210)
    assert (first["respondents"], first["satisfaction_mean"], first["satisfied"]) == (120, 7.5, 96)
    second = _row(result, 3)
    assert second["group_value"] == "Noordëind" and second["potential_reach"] == 1002
    assert second["satisfaction_mean"] == pytest.approx(8.1)
    third = _row(result, 4)
    assert third["activity"] == "Wandelen; samen"
    assert (third["group_kind"], third["group_value"]) == ("", "")  # 'Totaal' = no group
    assert third["reach"] == 78 and pd.isna(third["potential_reach"])
    assert third["satisfaction_mean"] == pytest.approx(6.9)
    assert result.satisfaction_scale == 10


UTF8_BOM_COMMAS = (
    "\ufeffperiode,activiteit,leeftijdsgroep,bereik,doelen gesteld,doelen behaald,respondenten,tevredenheid\r\n"
    '2024-03,Huiskamer,65-74,"1 234",50,41,20,"4,2"\r\n'
    "\r\n"
    "maart 2024,Huiskamer,75+,87,30,12,25,3.8\r\n"
).encode()


def test_utf8_bom_commas_blank_line_counts_as_a_row():
    result = validate_outcome_file(UTF8_BOM_COMMAS, "export.csv")
    assert result.ok, result.problems
    assert result.table.encoding == "utf-8-sig" and result.table.separator == ","
    assert result.frame["row"].tolist() == [2, 4]  # the blank line is row 3 in the spreadsheet
    a, b = _row(result, 2), _row(result, 4)
    assert (a["period"], a["group_kind"], a["group_value"], a["reach"]) == ("2024-03", "leeftijdsgroep", "65-74",
                                                                            1234)
    assert (a["goals_set"], a["goals_attained"], a["satisfaction_mean"]) == (50, 41, 4.2)
    assert (b["period"], b["reach"], b["goals_attained"], b["satisfaction_mean"]) == ("2024-03", 87, 12, 3.8)
    assert result.satisfaction_scale == 5  # every mean <= 5
    assert [w.code for w in result.warnings] == ["satisfaction_scale_assumed"]


def _xlsx(rows: list[list[object]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_xlsx_with_title_row_numbers_and_text_numbers():
    data = _xlsx([
        ["Rapportage welzijn 2024"],
        [],
        ["Periode", "Activiteit", "Geslacht", "Bereik", "Doelen gesteld", "Doelen behaald", "Respondenten",
         "Tevredenheid", "Tevreden"],
        ["2024-H1", "Maatjes", "vrouw", 120, 80, 64, 50, 7.8, 41],
        [2024, "Maatjes", "man", "1.050", "60", "45", 40, "7,1", 30],
    ])
    result = validate_outcome_file(data, "rapport.xlsx")
    assert result.ok, result.problems
    assert result.table.kind == "xlsx" and result.table.header_row == 3
    assert result.frame["row"].tolist() == [4, 5]
    a, b = _row(result, 4), _row(result, 5)
    assert (a["period"], a["group_kind"], a["group_value"], a["reach"], a["satisfaction_mean"]) == (
        "2024-H1", "geslacht", "vrouw", 120, 7.8)
    assert (b["period"], b["reach"], b["goals_set"], b["goals_attained"], b["satisfaction_mean"]) == (
        "2024", 1050, 60, 45, 7.1)


def test_xlsx_error_rows_are_spreadsheet_rows():
    data = _xlsx([["Titel"], ["periode", "bereik"], ["2024", 10], ["2024-Q9", "veel"]])
    result = validate_outcome_file(data, "x.xlsx")
    assert {(p.code, p.row, p.column) for p in result.problems} == {
        ("unknown_period", 4, "periode"), ("not_a_number", 4, "bereik")}


def test_jaar_and_kwartaal_columns_make_one_period():
    data = b"Jaar;Kwartaal;Bereik\n2024;1;10\n2024;Q2;12\n"
    result = validate_outcome_file(data)
    assert result.ok, result.problems
    assert result.frame["period"].tolist() == ["2024-Q1", "2024-Q2"]


def test_unreadable_and_empty_files():
    assert validate_outcome_file(b"").problems[0].code == "empty_file"
    assert validate_outcome_file(b"PK\x03\x04garbage", "x.xlsx").problems[0].code == "unreadable_file"
    assert validate_outcome_file(b"\xd0\xcf\x11\xe0old", "x.xls").problems[0].code == "unsupported_format"
    with pytest.raises(Exception):  # noqa: B017 - any ReadError subclass
        read_table(b"   \n  ")
