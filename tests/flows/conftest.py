"""A small flow written inline, so engine tests do not depend on the bundled texts."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from flows import parse_flow

MINI = """
id: mini
version: 3
side: achterkant
title: {nl: "Mini", en: "Mini"}
stages:
  - id: herkennen
    kind: questions
    title: {nl: "Herkennen", en: "Recognise"}
    intro: {nl: "Herken je dit?", en: "Do you recognise this?"}
    questions:
      - id: herken
        kind: text
        label: {nl: "Wat herken je?", en: "What do you recognise?"}
      - id: score
        kind: scale
        required: false
        label: {nl: "Hoe goed?", en: "How well?"}
        scale: {min: 1, max: 5}
  - id: beleid
    kind: questions
    roles: [beleidsmedewerker]
    ends: all_answered
    title: {nl: "Gemeente", en: "Municipality"}
    intro: {nl: "Alleen de gemeente.", en: "Municipality only."}
    questions:
      - id: bereik
        kind: single
        label: {nl: "Bereik bekend?", en: "Reach known?"}
        options:
          - {id: ja, label: {nl: "Ja", en: "Yes"}}
          - {id: nee, label: {nl: "Nee", en: "No"}}
  - id: wachten
    kind: questions
    ends: deadline
    deadline_hours: 24
    title: {nl: "Wachten", en: "Waiting"}
    intro: {nl: "Tot morgen.", en: "Until tomorrow."}
    questions:
      - id: tips
        kind: multiple
        label: {nl: "Tips", en: "Tips"}
        options:
          - {id: a, label: {nl: "A", en: "A"}}
          - {id: b, label: {nl: "B", en: "B"}}
          - {id: c, label: {nl: "C", en: "C"}}
  - id: afsluiting
    kind: questions
    roles: [coordinator]
    title: {nl: "Afsluiting", en: "Closing"}
    intro: {nl: "Conclusie.", en: "Conclusion."}
    questions:
      - id: conclusie
        kind: text
        conclusion: true
        label: {nl: "Conclusie?", en: "Conclusion?"}
"""

PEOPLE = {"USW1": "sociaal_werker", "USW2": "sociaal_werker", "UBM1": "beleidsmedewerker",
          "UBM2": "beleidsmedewerker", "UCO": "coordinator"}
NOW = datetime(2026, 3, 3, 13, 0, tzinfo=UTC)


@pytest.fixture(scope="session")
def mini():
    flow, problems = parse_flow(MINI, "mini.yaml")
    assert not problems, problems
    return flow


# A flow that works together: a shared picture, reactions, a coordinator-only question,
# a dot vote, and conclusion consent at the close.
TOGETHER = """
id: samen
version: 1
title: {nl: "Samen", en: "Together"}
stages:
  - id: herkennen
    kind: questions
    reactions: true
    shared_picture: true
    title: {nl: "Herkennen", en: "Recognise"}
    intro: {nl: "Herken je dit?", en: "Do you recognise this?"}
    questions:
      - id: herken
        kind: text
        label: {nl: "Wat herken je?", en: "What do you recognise?"}
      - id: zorg
        kind: text
        required: false
        visible_to: coordinator
        label: {nl: "Wat zit je dwars?", en: "What worries you?"}
  - id: verbeteren
    kind: questions
    ends: all_answered
    shared_picture: {drafted_by: anyone}
    dot_vote: {ideas_from: idee, votes: 3, votes_per_idea: 2}
    title: {nl: "Verbeteren", en: "Improve"}
    intro: {nl: "Wat kan beter?", en: "What can improve?"}
    questions:
      - id: idee
        kind: text
        label: {nl: "Welk idee heb je?", en: "Which idea do you have?"}
  - id: afsluiting
    kind: questions
    roles: [coordinator]
    conclusion_consent: true
    title: {nl: "Afsluiting", en: "Closing"}
    intro: {nl: "Conclusie.", en: "Conclusion."}
    questions:
      - id: conclusie
        kind: text
        conclusion: true
        label: {nl: "Conclusie?", en: "Conclusion?"}
"""


@pytest.fixture(scope="session")
def together():
    flow, problems = parse_flow(TOGETHER, "samen.yaml")
    assert not problems, problems
    return flow


def answered(flow, state, stage_id: str, question_id: str, values: dict[str, str]):
    """The state after each person in `values` answered one question (helper for tables)."""
    from flows import engine as fe

    for who, value in values.items():
        state, _ = fe.record_answer(flow, state, who, stage_id, question_id, value, NOW)
    return state
