"""Validation of flow files: every problem named with file, location and reason."""

from __future__ import annotations

import pytest

from flows import FlowRegistry, check_files, errors, parse_flow
from tests.flows.conftest import MINI


def problems_of(text: str) -> list[errors.FlowProblem]:
    return parse_flow(text, "x.yaml")[1]


BROKEN = [
    # (replace this, with this, expected class, expected location)
    ("version: 3", "version: drie", errors.WrongType, "version"),
    ("kind: scale", "kind: slider", errors.InvalidValue, "stages[0].questions[1].kind"),
    ("roles: [beleidsmedewerker]", "roles: [wethouder]", errors.InvalidValue, "stages[1].roles[0]"),
    ("- id: beleid", "- id: herkennen", errors.DuplicateId, "stages[1].id"),
    ("title: {nl: \"Gemeente\", en: \"Municipality\"}", "title: {nl: \"Gemeente\"}", errors.MissingTranslation,
     "stages[1].title.en"),
    ("ends: all_answered", "ends: sometimes", errors.InvalidValue, "stages[1].ends"),
    ("    deadline_hours: 24\n", "", errors.MissingField, "stages[2].deadline_hours"),
    ("    kind: questions\n    roles", "    kind: questions\n    colour: red\n    roles", errors.UnknownField,
     "stages[1].colour"),
    ("scale: {min: 1, max: 5}", "scale: {min: 5, max: 1}", errors.InvalidValue, "stages[0].questions[1].scale"),
    ("          - {id: nee, label: {nl: \"Nee\", en: \"No\"}}\n", "", errors.InvalidValue,
     "stages[1].questions[0].options"),
    ("title: {nl: \"Mini\", en: \"Mini\"}", "title: {nl: \"" + "M" * 81 + "\", en: \"Mini\"}", errors.TextTooLong,
     "title.nl"),
    ("id: mini", "id: Mini Flow", errors.InvalidValue, "id"),
]


@pytest.mark.parametrize(("old", "new", "cls", "location"), BROKEN)
def test_each_problem_has_its_class_and_location(old, new, cls, location):
    assert old in MINI, old
    found = problems_of(MINI.replace(old, new, 1))
    assert any(type(p) is cls and p.location == location for p in found), found
    problem = next(p for p in found if type(p) is cls)
    assert problem.file == "x.yaml" and problem.reason
    assert str(problem).startswith("x.yaml: ")


def test_yaml_syntax_error_names_line():
    found = problems_of("id: [unclosed\n")
    assert len(found) == 1 and isinstance(found[0], errors.YamlSyntaxError)
    assert found[0].location.startswith("line ")


def test_all_problems_reported_at_once():
    broken = MINI.replace("version: 3", "version: 0").replace("ends: all_answered", "ends: never")
    assert len(problems_of(broken)) >= 2


def test_check_files_and_registry_with_extra_folder(tmp_path):
    good = tmp_path / "mini.yaml"
    good.write_text(MINI, encoding="utf-8")
    bad = tmp_path / "kapot.yaml"
    bad.write_text(MINI.replace("id: mini", "id: kapot").replace("kind: text", "kind: essay", 1), encoding="utf-8")
    assert check_files([good]) == []
    problems = check_files([good, bad])
    assert [p.file for p in problems] == [str(bad)]
    registry = FlowRegistry.load([tmp_path])
    assert registry.get("mini").version == 3
    assert [p.file for p in registry.problems] == [str(bad)]


def test_file_name_must_match_id(tmp_path):
    path = tmp_path / "andere-naam.yaml"
    path.write_text(MINI, encoding="utf-8")
    [problem] = check_files([path])
    assert problem.location == "id"


def test_registry_keeps_old_versions_for_running_sessions(tmp_path):
    (tmp_path / "mini.yaml").write_text(MINI, encoding="utf-8")
    (tmp_path / "mini.v2.yaml").write_text(MINI.replace("version: 3", "version: 2"), encoding="utf-8")
    registry = FlowRegistry.load([tmp_path])
    assert registry.get("mini", 2).version == 2
    assert registry.get("mini").version == 3
    assert registry.get("mini", 99).version == 3
    with pytest.raises(errors.UnknownFlow):
        registry.get("bestaat-niet")
