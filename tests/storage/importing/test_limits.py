"""Files past the documented limits, or not what their name says, are refused in words naming the limit.

The memory tests run the reader in a child process whose address space is capped a few hundred
megabytes above what Python, pandas and openpyxl take on their own: a reader that trusted a
declared size or kept a whole sheet would hit MemoryError there; ours must refuse cleanly.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import storage
from bot.texts.problems import format_problem  # storage gives codes, the bot words them
from storage.importing.errors import ReadError
from storage.importing.limits import DEFAULT, Limits
from storage.importing.reader import read_table
from storage.importing.sniff import content_kind, table_kind
from storage.importing.validate import Problem, validate_outcome_file
from tests.storage.importing import hostile_files as H

ROOT = Path(storage.__file__).resolve().parents[1]  # the repository whose code is under test


def _refusal(data: bytes, filename: str | None = None, limits: Limits = DEFAULT) -> tuple[str, dict]:
    with pytest.raises(ReadError) as caught:
        read_table(data, filename, limits=limits)
    return caught.value.code, caught.value.params


def _sentences(code: str, **params: object) -> tuple[str, str]:
    problem = Problem(code, params=params)
    return format_problem(problem, "nl"), format_problem(problem, "en")


def test_a_csv_past_the_row_limit_is_refused_at_the_first_filled_row_past_it():
    assert _refusal(H.outcome_csv(1_200), "x.csv", Limits(rows=1_000)) == (
        "too_many_rows", {"found": 1_001, "max": 1_000})
    # Blank lines past the limit are not rows with something in them.
    assert read_table(H.outcome_csv(998) + b"\n" * 5_000, "x.csv", limits=Limits(rows=1_000)).rows.iloc[-1] == 999


def test_a_csv_at_the_real_row_limit_is_read_and_one_row_more_is_refused():
    assert len(read_table(H.outcome_csv(199_999), "x.csv").frame) == 199_999
    assert _refusal(H.outcome_csv(200_000), "x.csv") == ("too_many_rows", {"found": 200_001, "max": 200_000})


def test_csv_columns_and_cells_limits_in_both_readers():
    wide = ";".join(f"kolom {i}" for i in range(61)).encode() + b"\n" + b"1;" * 60 + b"1\n"
    assert _refusal(wide, "x.csv") == ("too_many_columns", {"found": 61, "max": 60})
    # Ragged rows go through the csv module: the same limit, found in row 3.
    ragged = b"periode;bereik\n2024;1\n" + b";" * 70 + b"x\n"
    assert _refusal(ragged, "x.csv") == ("too_many_columns", {"found": 71, "max": 60})
    # Trailing empty fields (Excel exports a formatted range) are not columns with something in them.
    assert read_table(b"periode;bereik" + b";" * 200 + b"\n2024;1" + b";" * 200 + b"\n", "x.csv").headers == [
        "periode", "bereik"]
    assert _refusal(H.outcome_csv(100), "x.csv", Limits(cells=300)) == ("too_many_cells", {"max": 300})


def test_a_csv_line_of_megabytes_is_refused_before_parsing():
    code, params = _refusal(b"periode;bereik\n" + b";" * 3_000_000 + b"\n", "x.csv")
    assert (code, params) == ("line_too_long", {"found": 2, "max": 60 * 32_767})


def test_a_file_over_the_size_limit_is_refused_without_reading_it():
    assert _refusal(b"periode;bereik\n" + b"2024;1\n" * 10, "x.csv", Limits(file_bytes=50)) == (
        "file_too_large", {"max_mb": 0})
    assert validate_outcome_file(b"x" * (DEFAULT.file_bytes + 1), "x.csv").problems[0].params == {"max_mb": 20}


@pytest.mark.parametrize(("data", "kind"), [
    (b"%PDF-1.7\n...", "pdf"), (b"\x89PNG\r\n\x1a\n\0\0", "image"), (b"\xff\xd8\xff\xe0", "image"),
    (b"MZ\x90\0", "program"), (b"\x1f\x8b\x08\0", "archive"), (bytes(range(256)) * 10, "binary"),
    ("periode;bereik\n2024;1\n".encode("utf-16-le"), "text"), ("periode;bereik\n".encode("utf-16"), "text"),
    ("periode;bereik\n2024;é\n".encode("cp1252"), "text"), (b"PK\x03\x04", "zip"),
])
def test_content_kind_by_the_bytes(data, kind):
    assert content_kind(data) == kind


def test_a_file_that_is_not_what_its_name_says_is_refused_saying_what_it_is():
    xlsx = H.many_rows_xlsx(3)
    assert _refusal(b"%PDF-1.7 ...", "cijfers.csv") == ("wrong_kind", {"actual": "pdf", "extension": "csv"})
    assert _refusal(xlsx, "cijfers.csv") == ("wrong_kind", {"actual": "xlsx", "extension": "csv"})
    assert _refusal(b"periode;bereik\n2024;1\n", "cijfers.xlsx") == (
        "wrong_kind", {"actual": "text", "extension": "xlsx"})
    assert _refusal(b"\x89PNG\r\n\x1a\n....", None) == ("wrong_kind", {"actual": "image", "extension": ""})
    assert _refusal(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1...", "renamed.xlsx") == (
        "unsupported_format", {"format": "xls"})
    # Without a name (or with one we do not know) the content decides.
    assert table_kind(xlsx, None) == "xlsx" and table_kind(b"a;b\n1;2\n", "export.dat") == "csv"
    nl, en = _sentences("wrong_kind", actual="pdf", extension="csv")
    assert nl == ("Het bestand heet ‘.csv’, maar is een PDF. Stuur een CSV- of Excel-bestand (.xlsx) met de naam "
                  "die erbij hoort.")
    assert en.startswith("The file is called ‘.csv’ but is a PDF.")


def test_every_refusal_names_its_limit_in_dutch_and_english():
    assert _sentences("too_many_rows", found=1_048_576, max=200_000) == (
        "In rij 1.048.576 staat nog iets, maar ik lees hoogstens 200.000 rijen. Haal weg wat er niet bij hoort "
        "(ook ver naar beneden) of verdeel de gegevens over meer bestanden.",
        "Row 1,048,576 still holds something, but I read at most 200,000 rows. Remove what does not belong "
        "(also far down) or spread the data over more files.")
    nl, en = _sentences("too_many_columns", found=16_384, max=60)
    assert "kolom XFD" in nl and "hoogstens 60 kolommen (A tot en met BH)" in nl
    assert "Column XFD" in en and "at most 60 columns (A to BH)" in en
    assert "meer dan 2.500.000 gevulde vakken" in _sentences("too_many_cells", max=2_500_000)[0]
    assert "more than 32,767 characters" in _sentences("cell_too_long", max=32_767)[1]
    assert "groter dan 10 MB" in _sentences("xlsx_unpacked_too_large", part="strings", max_mb=10)[0]
    assert "meer dan 1.000 onderdelen" in _sentences("xlsx_too_many_parts", max=1_000)[0]


_CHILD = textwrap.dedent("""
    import json, resource, sys
    from storage.importing.validate import validate_outcome_file
    data = open(sys.argv[1], "rb").read()
    size = int(open("/proc/self/status").read().split("VmSize:")[1].split()[0]) * 1024
    headroom = int(sys.argv[3]) * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (size + headroom, size + headroom))
    try:
        result = validate_outcome_file(data, sys.argv[2])
    except MemoryError:
        print(json.dumps({"memory_error": True}))
        sys.exit(3)
    print(json.dumps({"codes": [p.code for p in result.problems], "params": [dict(p.params) for p in result.problems],
                      "rows": len(result.frame)}))
""")


def _in_capped_child(tmp_path, data: bytes, filename: str, headroom_mb: int = 250) -> dict:
    """Validate `data` in a child whose address space may grow `headroom_mb` past its size after imports."""
    path = tmp_path / filename
    path.write_bytes(data)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}
    done = subprocess.run([sys.executable, "-c", _CHILD, str(path), filename, str(headroom_mb)], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.slow
@pytest.mark.parametrize(("name", "make", "code"), [
    ("declared.xlsx", H.declared_huge_xlsx, "too_many_rows"),
    ("million.xlsx", lambda: H.many_rows_xlsx(1_000_000), "too_many_rows"),
    ("strings.xlsx", H.shared_strings_bomb, "xlsx_unpacked_too_large"),
    ("rows.csv", lambda: H.outcome_csv(500_000), "too_many_rows"),
])
def test_hostile_files_are_refused_in_bounded_memory(tmp_path, name, make, code):
    result = _in_capped_child(tmp_path, make(), name)
    assert result["codes"] == [code] and result["rows"] == 0


@pytest.mark.slow
def test_a_file_at_the_limits_is_read_in_bounded_memory(tmp_path):
    """The largest file the limits allow (200,000 rows, a dozen filled columns) is read, not refused."""
    header = "periode;activiteit;wijk;bereik;potentieel bereik;doelen gesteld;doelen behaald;respondenten;" \
             "tevredenheid;tevreden;schaal;opmerking"
    lines = [header] + [";".join([*map(str, H.outcome_values(i)[:4]), "300", "20", "12", "15", "7,5", "10", "10",
                                  "goed"]) for i in range(199_998)]
    result = _in_capped_child(tmp_path, ("\n".join(lines) + "\n").encode(), "groot.csv", headroom_mb=400)
    assert result["codes"] == [] and result["rows"] == 199_998


def test_a_count_too_large_for_the_database_is_a_problem_not_a_crash():
    result = validate_outcome_file(b"periode;activiteit;bereik;doelen gesteld\n2024;A;9999999999;1\n"
                                   b"2024;B;1;100000000000000000000\n")
    assert [(p.code, p.row, p.column) for p in result.problems] == [
        ("too_large", 2, "bereik"), ("too_large", 3, "doelen gesteld")]
    assert format_problem(result.problems[0]) == (
        "Rij 2, kolom ‘bereik’: ‘9999999999’ is te groot; een aantal kan hoogstens 2.147.483.647 zijn.")
