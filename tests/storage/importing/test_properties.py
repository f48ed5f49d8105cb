"""Property tests: random cells never crash the reader/validator; a file imports fully or not at all."""

from __future__ import annotations

import string

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from storage.importing.reader import parse_count, parse_decimal
from storage.importing.save import import_outcome_data
from storage.importing.validate import validate_outcome_file
from tests.storage.importing.conftest import counts

CELL = st.one_of(
    st.text(alphabet=string.digits + ".,- ;\"'éë€abcQK@\t", max_size=12),
    st.integers(-10_000, 10_000).map(str),
    st.sampled_from(["2024", "2024-Q1", "Q2 2024", "2024-03", "veel", "", "1.234", "7,5", "-", "n.v.t."]),
)
HEADERS = ["periode", "activiteit", "wijk", "bereik", "potentieel bereik", "doelen gesteld", "doelen behaald",
           "respondenten", "tevredenheid", "tevreden"]


def _csv(rows: list[list[str]], sep: str) -> bytes:
    def quote(cell: str) -> str:
        return '"' + cell.replace('"', '""') + '"'
    lines = [sep.join(HEADERS)] + [sep.join(quote(c) for c in row) for row in rows]
    return "\n".join(lines).encode("utf-8")


@settings(max_examples=150, deadline=None)
@given(st.one_of(st.text(max_size=20), st.integers(), st.floats(allow_nan=True), st.none()))
def test_number_parsers_never_crash(cell):
    for parser in (parse_count, parse_decimal):
        value, code = parser(cell)
        assert value is None or code is None


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=300))
def test_random_bytes_never_crash(data):
    result = validate_outcome_file(data)
    assert result.ok or result.problems


@settings(max_examples=30, deadline=None)
@given(st.lists(st.lists(CELL, min_size=len(HEADERS), max_size=len(HEADERS)), min_size=1, max_size=6),
       st.sampled_from([";", ","]))
def test_random_cells_never_crash_and_problems_have_rows(rows, sep):
    result = validate_outcome_file(_csv(rows, sep))
    for problem in result.problems:
        assert problem.code
        assert problem.row is None or 2 <= problem.row <= len(rows) + 1


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.lists(CELL, min_size=len(HEADERS), max_size=len(HEADERS)), min_size=1, max_size=4))
def test_a_file_imports_fully_or_not_at_all(db, outcome, rows):
    workspace_id, outcome_id = outcome
    before = counts(db)
    data = _csv(rows, ";")
    result = import_outcome_data(db, workspace_id=workspace_id, outcome_id=outcome_id, data=data)
    after = counts(db)
    if result.ok:
        assert after["datasets"] == before["datasets"] + 1
        periods_rows = validate_outcome_file(data).frame
        assert result.rows == len(periods_rows)
    else:
        assert after == before
