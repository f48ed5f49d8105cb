"""A round file read and checked without Slack: rows, their problems by row, the plan per outcome."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from openpyxl import Workbook

from bot.services.rounds.checks import Defaults, plan_round
from bot.services.rounds.problems import problem_lines
from bot.services.rounds.sheet import parse_moment, parse_role, parse_who, read_sheet

AMS = ZoneInfo("Europe/Amsterdam")
NOW = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
FLOWS = {"duiding", "veranderverhaal"}

GOOD = (
    "Ronde najaar;;;;\n"  # a title line above the header, as Excel exports it
    "Resultaat;Rol;Deelnemer;Kanaal;Moment\n"
    "Ouderen doen mee;sociaal werker;sam@example.org;C0CHAN;12-11-2026 14:00\n"
    "Ouderen doen mee;Beleidsmedewerker;<@UBM1>;;\n"
    "Jongeren gezond;sociaal werker;USW2;;\n"
    "Jongeren gezond;gemeente;bas@example.org;;\n"
).encode("cp1252")


def _defaults(headers=None) -> Defaults:
    return Defaults("duiding", None, AMS, NOW, headers or {})


def test_cells_are_read_as_roles_people_and_moments():
    assert parse_role("Sociaal werker") == "sociaal_werker" and parse_role("gemeente") == "beleidsmedewerker"
    assert parse_role("Coördinator") == "coordinator" and parse_role("kok") is None
    assert parse_who("<@U0ABC|sam>") == "U0ABC" and parse_who(" Sam@Example.org ") == "sam@example.org"
    assert parse_who("Sam") is None
    assert parse_moment("12-11-2026 14:00") == datetime(2026, 11, 12, 14, 0)
    assert parse_moment("2026-11-12") == datetime(2026, 11, 12, 14, 0)  # a date alone means 14:00
    assert parse_moment("morgen") is None


def test_a_good_file_becomes_one_plan_per_outcome_with_the_shared_channel_and_moment():
    sheet = read_sheet(GOOD, "ronde.csv", FLOWS)
    assert sheet.problems == [] and [r.row for r in sheet.rows] == [3, 4, 5, 6]
    resolved = {"sam@example.org": "USW1", "UBM1": "UBM1", "USW2": "USW2", "bas@example.org": "UBM2"}
    plan, problems = plan_round("Najaar", sheet.rows, resolved, _defaults(sheet.headers))
    assert problems == []
    assert [(o.name, o.channel_id, o.participants) for o in plan.outcomes] == [
        ("Ouderen doen mee", "C0CHAN", {"USW1": "sociaal_werker", "UBM1": "beleidsmedewerker"}),
        ("Jongeren gezond", "C0CHAN", {"USW2": "sociaal_werker", "UBM2": "beleidsmedewerker"}),
    ]
    assert {o.moment for o in plan.outcomes} == {datetime(2026, 11, 12, 14, 0, tzinfo=AMS)}


def test_unknown_people_duplicates_missing_roles_and_a_missing_party_are_told_by_row():
    data = (
        b"resultaat;rol;deelnemer;kanaal\n"
        b"Ouderen doen mee;sociaal werker;USW1;C0CHAN\n"
        b"Ouderen doen mee;beleidsmedewerker;nobody@example.org;\n"
        b"Ouderen doen mee;sociaal werker;USW1;\n"
        b"Jongeren gezond;;USW2;\n"
        b"Jongeren gezond;sociaal werker;USW3;\n"
    )
    sheet = read_sheet(data, "ronde.csv", FLOWS)
    assert [(p.code, p.row) for p in sheet.problems] == [("missing_value", 5)]
    resolved = {"USW1": "USW1", "nobody@example.org": None, "USW3": "USW3"}
    plan, problems = plan_round("R", sheet.rows, resolved, _defaults(sheet.headers))
    assert plan is None
    lines = problem_lines([*sheet.problems, *problems], "nl")
    assert "Rij 3, kolom ‘deelnemer’: ‘nobody@example.org’ ken ik niet in deze Slack-werkruimte." in lines
    assert "Rij 4: deze persoon staat bij dit resultaat al in rij 2." in lines
    assert "Rij 5, kolom ‘rol’: dit vak is leeg, maar is verplicht." in lines
    assert any(line.startswith("Rij 2: bij ‘Ouderen doen mee’ doet niemand van de Gemeente mee") for line in lines)
    assert any(line.startswith("Rij 6: bij ‘Jongeren gezond’ doet niemand van de Gemeente mee") for line in lines)
    english = problem_lines(problems, "en")
    assert "Row 4: this person is already listed for this outcome in row 2." in english


def test_a_missing_column_and_a_moment_in_the_past_are_refused():
    sheet = read_sheet(b"resultaat;deelnemer\nA;USW1\n", "r.csv", FLOWS)
    assert [(p.code, p.column) for p in sheet.problems] == [("missing_column", "rol")]
    past = read_sheet(b"resultaat;rol;deelnemer;kanaal;moment\nA;sociaal werker;USW1;C0CHAN;01-01-2020 10:00\n"
                      b"A;beleidsmedewerker;UBM1;;\n", "r.csv", FLOWS)
    _plan, problems = plan_round("R", past.rows, {"USW1": "USW1", "UBM1": "UBM1"}, _defaults())
    assert [p.code for p in problems] == ["moment_in_past"]


def test_an_xlsx_file_with_excel_dates_is_read_like_a_csv():
    book = Workbook()
    sheet = book.active
    sheet.append(["Outcome", "Role", "E-mail", "Channel", "Date"])
    sheet.append(["Ouderen doen mee", "Social worker", "sam@example.org", "C0CHAN", datetime(2026, 11, 12, 14, 30)])
    sheet.append(["Ouderen doen mee", "Policy officer", "bas@example.org", None, None])
    buffer = io.BytesIO()
    book.save(buffer)
    read = read_sheet(buffer.getvalue(), "ronde.xlsx", FLOWS)
    assert read.problems == []
    assert [(r.role, r.who, r.moment) for r in read.rows] == [
        ("sociaal_werker", "sam@example.org", datetime(2026, 11, 12, 14, 30)),
        ("beleidsmedewerker", "bas@example.org", None)]
