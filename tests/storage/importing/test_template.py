"""The template the bot hands out imports cleanly, in both formats."""

from __future__ import annotations

from storage.importing.stories import validate_story_file
from storage.importing.template import TEMPLATE_HEADERS, template_csv, template_xlsx, write_templates
from storage.importing.validate import validate_outcome_file


def test_template_round_trips(tmp_path):
    for data, name in ((template_csv(), "t.csv"), (template_xlsx(), "t.xlsx")):
        result = validate_outcome_file(data, name)
        assert result.ok, result.problems
        assert result.table.headers == TEMPLATE_HEADERS
        rows = result.frame.to_dict("records")
        assert [(r["period"], r["group_value"], r["reach"], r["potential_reach"], r["satisfaction_mean"])
                for r in rows] == [("2026-Q1", "Centrum", 42, 310, 7.8), ("2026-Q1", "Noord", 18, 145, 7.1)]
    assert template_csv().startswith("\ufeffperiode;activiteit".encode())
    assert validate_story_file(template_csv(stories=True)).ok
    assert validate_story_file(template_xlsx(stories=True), "v.xlsx").ok
    assert sorted(p.name for p in write_templates(tmp_path)) == [
        "uitkomsten-sjabloon.csv", "uitkomsten-sjabloon.xlsx", "verhalen-sjabloon.csv", "verhalen-sjabloon.xlsx"]
