"""Validation: each problem with the spreadsheet row, the column as in the file, and a sentence."""

from __future__ import annotations

import pytest

from bot.texts.problems import format_problem, format_problems  # storage gives codes, the bot words them
from storage.importing.validate import (
    Problem,
    is_bsn,
    parse_period,
    previous_period,
    validate_outcome_file,
)

HEADER = "Periode;Activiteit;Wijk;Bereik;Potentieel bereik;Doelen gesteld;Doelen behaald;Respondenten;" \
         "Tevredenheid;Tevreden\n"


def _problems(text: str) -> set[tuple[str, int | None, str | None]]:
    result = validate_outcome_file(text.encode("utf-8"))
    return {(p.code, p.row, p.column) for p in result.problems}


def test_every_kind_of_row_problem_with_row_and_column():
    text = HEADER + (
        "2024-Q1;Koffie;Noord;40;100;10;8;20;7,5;15\n"       # row 2: fine
        "2024-Q1;Koffie;Zuid;veel;100;10;8;20;7,5;15\n"      # row 3: text in a number column
        "2024-Q1;Koffie;Oost;-4;100;10;8;20;7,5;15\n"        # row 4: negative count
        "2024-Q1;Koffie;West;40;100;10;12;20;7,5;15\n"       # row 5: attained > set
        "2024-Q1;Koffie;Midden;140;100;10;8;20;7,5;15\n"     # row 6: reach > potential
        "2024-Q1;koffie;noord;40;100;10;8;20;7,5;15\n"       # row 7: duplicate of row 2
        "voorjaar;Koffie;Haven;40;100;10;8;20;7,5;15\n"      # row 8: unknown period
        "2024-Q1;Koffie;Dorp;40;100;10;8;20;11;15\n"         # row 9: mean above the scale
        "2024-Q1;Koffie;Veld;40;100;10;8;20;7,5;25\n"        # row 10: satisfied > respondents
        "2024-Q1;Koffie;Bos;40;100;10,5;8;20;7,5;15\n"       # row 11: count with a fraction
    )
    assert _problems(text) == {
        ("not_a_number", 3, "Bereik"),
        ("negative", 4, "Bereik"),
        ("attained_exceeds_set", 5, "Doelen behaald"),
        ("reach_exceeds_potential", 6, "Bereik"),
        ("duplicate_row", 7, None),
        ("unknown_period", 8, "Periode"),
        ("out_of_range", 9, "Tevredenheid"),
        ("satisfied_exceeds_respondents", 10, "Tevreden"),
        ("not_whole_number", 11, "Doelen gesteld"),
    }


def test_messages_in_dutch_and_english():
    result = validate_outcome_file((HEADER + "2024-Q1;Koffie;Noord;40;100;10;8;20;7,5;15\n"
                                    "2024-Q1;Koffie;Zuid;veel;100;10;8;20;7,5;15\n"
                                    "2024-Q1;Koffie;Noord;40;100;10;8;20;7,5;15\n").encode())
    assert format_problems(result.problems) == [
        "Rij 3, kolom ‘Bereik’: ‘veel’ is geen getal.",
        "Rij 4: dezelfde periode, activiteit en groep staan al in rij 2.",
    ]
    assert format_problem(result.problems[0], "en") == "Row 3, column ‘Bereik’: ‘veel’ is not a number."
    attained = validate_outcome_file((HEADER + "2024;A;;5;9;10;12;;;\n").encode()).problems[0]
    assert format_problem(attained) == ("Rij 2, kolom ‘Doelen behaald’: 12 doelen behaald is meer dan 10 doelen "
                                        "gesteld (‘Doelen gesteld’).")


def test_missing_columns():
    assert _problems("activiteit;bereik\nA;10\n") == {("missing_column", None, "periode")}
    assert _problems("periode;activiteit\n2024;A\n") == {("missing_column", None, "bereik")}
    assert _problems("periode;bereik;doelen behaald\n2024;9;3\n") == {("missing_column", None, "doelen gesteld")}
    message = format_problem(validate_outcome_file(b"activiteit;bereik\nA;10\n").problems[0])
    assert message == "De kolom ‘periode’ ontbreekt."


def test_empty_period_and_several_groups():
    problems = _problems("periode;wijk;geslacht;bereik\n;Noord;;10\n2024;Noord;vrouw;10\n2024;Zuid;totaal;12\n")
    assert problems == {("missing_value", 2, "periode"), ("several_groups", 3, None)}


@pytest.mark.parametrize(
    ("header", "cell"),
    [("Naam", "Jan Jansen"), ("E-mail", "x"), ("BSN", "1"), ("Geboortedatum", "1-1-1950"), ("Adres", "Dorpsstraat 1"),
     ("Telefoonnummer", "0612345678"), ("Naam deelnemer", "Piet")],
)
def test_personal_data_header_refuses_the_file(header, cell):
    result = validate_outcome_file(f"periode;bereik;{header}\n2024;10;{cell}\n".encode())
    assert result.refused and not result.ok
    assert [(p.code, p.column, p.params["reason"]) for p in result.problems] == [("personal_data", header, "header")]
    assert "persoonsgegevens" in format_problem(result.problems[0])


def test_personal_data_values_refuse_the_file_without_echoing_them():
    emails = validate_outcome_file(b"periode;bereik;opmerking\n2024;10;ok\n2024-Q1;3;mail jan@example.nl\n")
    assert emails.refused and [(p.row, p.column, p.params["reason"]) for p in emails.problems] == [
        (3, "opmerking", "email")]
    bsn = validate_outcome_file(b"periode;bereik;kenmerk\n2024;10;111222333\n")
    assert bsn.refused and bsn.problems[0].params == {"reason": "bsn", "cells": 1}
    text = format_problem(bsn.problems[0])
    assert "111222333" not in text and "BSN" in text
    # 'naam activiteit' names the activity, not a person.
    assert validate_outcome_file(b"periode;naam activiteit;bereik\n2024;Koffie;10\n").ok


def test_elfproef():
    assert is_bsn("111222333") and is_bsn("123456782")
    assert not is_bsn("123456789") and not is_bsn("000000000") and not is_bsn("12345678")


@pytest.mark.parametrize(
    ("cell", "canonical"),
    [("2024", "2024"), ("2024-Q1", "2024-Q1"), ("2024 K1", "2024-Q1"), ("Q1 2024", "2024-Q1"), ("k3-2024", "2024-Q3"),
     ("2024-03", "2024-03"), ("2024/3", "2024-03"), ("03-2024", "2024-03"), ("maart 2024", "2024-03"),
     ("2024H1", "2024-H1"), ("2024-H2", "2024-H2"), ("H1 2024", "2024-H1"), (2024, "2024"),
     ("2024-13", None), ("Q5 2024", None), ("voorjaar", None), ("24", None)],
)
def test_periods(cell, canonical):
    assert parse_period(cell) == canonical


def test_previous_period():
    assert [previous_period(p) for p in ("2024", "2024-Q1", "2024-Q3", "2024-H1", "2024-01", "2024-11")] == [
        "2023", "2023-Q4", "2024-Q2", "2023-H2", "2023-12", "2024-10"]


def test_problem_without_row_or_column_reads_as_a_sentence():
    assert format_problem(Problem("no_data_rows")) == "Het bestand heeft een kopregel maar geen rijen met cijfers."
