"""Validation of flow files: every problem named with file, location and reason."""

from __future__ import annotations

import pytest

from flows import FlowRegistry, check_files, errors, parse_flow
from tests.flows.conftest import MINI, TOGETHER


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


def test_the_options_for_working_together_are_read(together):
    herkennen, verbeteren, afsluiting = together.stages
    assert herkennen.shared_picture.drafted_by == "coordinator" and herkennen.reactions
    assert herkennen.question("zorg").visible_to == "coordinator"
    assert verbeteren.shared_picture.drafted_by == "anyone"
    assert (verbeteren.dot_vote.ideas_from, verbeteren.dot_vote.votes, verbeteren.dot_vote.votes_per_idea) == (
        "idee", 3, 2)
    assert afsluiting.conclusion_consent is not None and afsluiting.agreement_kind == "conclusion"


def test_votes_per_idea_defaults_to_all_of_a_persons_votes():
    flow, problems = parse_flow(TOGETHER.replace("votes: 3, votes_per_idea: 2", "votes: 4"), "samen.yaml")
    assert not problems and flow.stage("verbeteren").dot_vote.votes_per_idea == 4
    flow, _ = parse_flow(TOGETHER.replace("{ideas_from: idee, votes: 3, votes_per_idea: 2}", "{ideas_from: idee}"))
    assert (flow.stage("verbeteren").dot_vote.votes, flow.stage("verbeteren").dot_vote.votes_per_idea) == (3, 3)


BROKEN_TOGETHER = [
    # (replace this, with this, expected class, expected location)
    ("ideas_from: idee,", "ideas_from: bestaat_niet,", errors.UnknownReference, "stages[1].dot_vote.ideas_from"),
    ("dot_vote: {ideas_from: idee, votes: 3, votes_per_idea: 2}", "dot_vote: {votes: 3}", errors.MissingField,
     "stages[1].dot_vote.ideas_from"),
    ("votes: 3, votes_per_idea: 2", "votes: 2, votes_per_idea: 3", errors.InvalidValue,
     "stages[1].dot_vote.votes_per_idea"),
    ("votes: 3,", "votes: 11,", errors.InvalidValue, "stages[1].dot_vote.votes"),
    ("votes: 3,", "votes: drie,", errors.WrongType, "stages[1].dot_vote.votes"),
    ("votes: 3,", "colour: red, votes: 3,", errors.UnknownField, "stages[1].dot_vote.colour"),
    ("drafted_by: anyone", "drafted_by: wethouder", errors.InvalidValue, "stages[1].shared_picture.drafted_by"),
    ("    reactions: true\n", "    reactions: ja\n", errors.WrongType, "stages[0].reactions"),
    ("visible_to: coordinator", "visible_to: wethouder", errors.InvalidValue, "stages[0].questions[1].visible_to"),
    ("    conclusion_consent: true\n", "    conclusion_consent: true\n    shared_picture: true\n",
     errors.OptionNotAllowed, "stages[2].conclusion_consent"),
    ("        conclusion: true\n", "        conclusion: true\n        visible_to: coordinator\n",
     errors.OptionNotAllowed, "stages[2].questions[0].visible_to"),
    ("      - id: idee\n        kind: text\n", "      - id: idee\n        kind: scale\n        scale: {min: 1, max: 5}\n",
     errors.OptionNotAllowed, "stages[1].dot_vote.ideas_from"),
    ("      - id: idee\n        kind: text\n", "      - id: idee\n        kind: text\n        visible_to: coordinator\n",
     errors.OptionNotAllowed, "stages[1].dot_vote.ideas_from"),
    ("    shared_picture: true\n", "    shared_picture: {label: {nl: \"Beeld\"}}\n", errors.MissingTranslation,
     "stages[0].shared_picture.label.en"),
]


@pytest.mark.parametrize(("old", "new", "cls", "location"), BROKEN_TOGETHER)
def test_each_problem_with_working_together_has_its_class_and_location(old, new, cls, location):
    assert old in TOGETHER, old
    found = parse_flow(TOGETHER.replace(old, new, 1), "x.yaml")[1]
    assert any(type(p) is cls and p.location == location for p in found), found


def test_options_for_working_together_belong_on_stages_with_questions():
    info = """
id: info
version: 1
title: {nl: "Info", en: "Info"}
stages:
  - id: uitleg
    kind: info
    shared_picture: true
    reactions: true
    title: {nl: "Uitleg", en: "Explanation"}
    intro: {nl: "Lees dit.", en: "Read this."}
"""
    found = parse_flow(info, "info.yaml")[1]
    assert {(type(p), p.location) for p in found} == {
        (errors.OptionNotAllowed, "stages[0].shared_picture"), (errors.OptionNotAllowed, "stages[0].reactions")}


def test_only_one_stage_asks_consent_for_the_conclusion():
    twice = TOGETHER.replace("    shared_picture: {drafted_by: anyone}\n", "    conclusion_consent: true\n")
    found = parse_flow(twice, "x.yaml")[1]
    assert [(type(p), p.location) for p in found] == [(errors.OptionNotAllowed, "stages[2].conclusion_consent")]


SUGGESTING = MINI.replace("          - {id: nee, label: {nl: \"Nee\", en: \"No\"}}",
                          "          - {id: nee, label: {nl: \"Nee\", en: \"No\"}, suggests_flow: FLOW}")


def test_an_option_may_suggest_another_flow_that_exists(tmp_path):
    path = tmp_path / "mini.yaml"
    path.write_text(SUGGESTING.replace("FLOW", "veranderverhaal"), encoding="utf-8")
    assert check_files([path]) == []
    flow = FlowRegistry.load([tmp_path]).get("mini")
    assert flow.stage("beleid").question("bereik").option("nee").suggests_flow == "veranderverhaal"
    assert flow.suggested_flows() == {"veranderverhaal"}


def test_an_option_suggesting_an_unknown_flow_is_reported_and_skipped(tmp_path):
    path = tmp_path / "mini.yaml"
    path.write_text(SUGGESTING.replace("FLOW", "bestaat-niet"), encoding="utf-8")
    [problem] = check_files([path])
    assert type(problem) is errors.UnknownReference
    assert problem.location == "stages[1].questions[0].options[1].suggests_flow"
    registry = FlowRegistry.load([tmp_path])
    assert [type(p) for p in registry.problems] == [errors.UnknownReference]
    with pytest.raises(errors.UnknownFlow):
        registry.get("mini")


def test_an_option_may_suggest_a_flow_among_the_files_checked_together(tmp_path):
    (tmp_path / "mini.yaml").write_text(SUGGESTING.replace("FLOW", "eigen-flow"), encoding="utf-8")
    (tmp_path / "eigen-flow.yaml").write_text(MINI.replace("id: mini", "id: eigen-flow"), encoding="utf-8")
    assert check_files(sorted(tmp_path.glob("*.yaml"))) == []


@pytest.mark.parametrize(("value", "cls"), [("mini", errors.InvalidValue), ("Niet Goed", errors.InvalidValue)])
def test_an_option_cannot_suggest_itself_or_a_malformed_id(value, cls):
    found = parse_flow(SUGGESTING.replace("FLOW", value), "x.yaml")[1]
    assert [(type(p), p.location) for p in found] == [(cls, "stages[1].questions[0].options[1].suggests_flow")]


def test_the_annotated_example_in_the_documentation_is_a_valid_flow():
    from pathlib import Path

    text = (Path(__file__).parents[2] / "docs" / "flows.md").read_text(encoding="utf-8")
    example = text.split("```yaml\n", 1)[1].split("```", 1)[0]
    flow, problems = parse_flow(example, "buurtkamer.yaml")
    assert problems == []
    assert flow.stage("resultaat").shared_picture and flow.stage("afsluiting").conclusion_consent
    assert flow.preparation.questions_visible_to("participant") != flow.preparation.questions
