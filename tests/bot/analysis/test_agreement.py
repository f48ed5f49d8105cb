"""Agreement and difference between municipality and provider in one stage."""

from __future__ import annotations

from dataclasses import asdict

import pytest

from bot.analysis.agreement import Agreement, ScaleSpread, Spread, ThemeSides, compare, render
from bot.analysis.themes import Theme, Themes, propose_themes

# Answer ids 101.. by four people: two policy staff (gemeente), two social workers (aanbieder),
# plus the coordinator (neither party).
AUTHOR = {101: "U0GEM1", 102: "U0GEM2", 103: "U0SW1", 104: "U0SW2", 105: "U0SW1", 106: "U0GEM1",
          107: "U0COORD", 108: "U0SW2"}
ROLE_OF = {"U0GEM1": "beleidsmedewerker", "U0GEM2": "beleidsmedewerker", "U0SW1": "sociaal_werker",
           "U0SW2": "sociaal_werker", "U0COORD": "coordinator"}
ROLES = {answer: ROLE_OF[author] for answer, author in AUTHOR.items()}

THEMES = Themes((
    Theme("t1", "Eenzaam · ouderen", (101, 103, 104)),
    Theme("t2", "Vervoer · belbus", (102, 106)),
    Theme("t3", "Mantelzorgers · respijtzorg", (105,)),
    Theme("t4", "Privacy", (107,)),
    Theme("t5", "Overig", (108,), rest=True),
))
SCALES = {
    "tevredenheid": [("beleidsmedewerker", 2), ("beleidsmedewerker", 3), ("sociaal_werker", 4),
                     ("sociaal_werker", 5), ("coordinator", 3)],
    "bereik": [("sociaal_werker", 3.5)],
}


def test_themes_are_sorted_by_the_parties_that_raised_them():
    agreement = compare(THEMES, ROLES)
    assert agreement.both == (ThemeSides("Eenzaam · ouderen", gemeente=1, aanbieder=2, other=0),)
    assert agreement.gemeente_only == (ThemeSides("Vervoer · belbus", gemeente=2, aanbieder=0, other=0),)
    assert agreement.aanbieder_only == (ThemeSides("Mantelzorgers · respijtzorg", 0, 1, 0),)
    assert agreement.others_only == (ThemeSides("Privacy", 0, 0, 1),)


def test_the_rest_group_is_no_theme_anyone_raised():
    agreement = compare(THEMES, ROLES)
    groups = (agreement.both, agreement.gemeente_only, agreement.aanbieder_only, agreement.others_only)
    labels = [theme.label for group in groups for theme in group]
    assert len(labels) == 4 and "Overig" not in labels


def test_scale_spread_per_party_with_min_max_and_count():
    agreement = compare(THEMES, ROLES, SCALES)
    satisfaction, reach = agreement.scales
    assert satisfaction == ScaleSpread("tevredenheid", (Spread("gemeente", 2, 3, 2), Spread("aanbieder", 4, 5, 2),
                                                        Spread("other", 3, 3, 1)))
    assert reach.of("gemeente") is None and reach.of("aanbieder") == Spread("aanbieder", 3.5, 3.5, 1)


def test_the_block_reads_at_a_glance_in_dutch():
    assert render(compare(THEMES, ROLES, SCALES), "nl") == [
        "Beide partijen: Eenzaam · ouderen",
        "Alleen gemeente: Vervoer · belbus",
        "Alleen sociaal werk: Mantelzorgers · respijtzorg",
        "Alleen anderen: Privacy",
        "Schaal 'tevredenheid': gemeente 2–3 (n=2) · sociaal werk 4–5 (n=2) · anderen 3 (n=1)",
        "Schaal 'bereik': gemeente geen scores · sociaal werk 3,5 (n=1)",
    ]


def test_the_block_reads_at_a_glance_in_english():
    assert render(compare(THEMES, ROLES, SCALES), "en") == [
        "Both parties: Eenzaam · ouderen",
        "Municipality only: Vervoer · belbus",
        "Social work only: Mantelzorgers · respijtzorg",
        "Others only: Privacy",
        "Scale 'tevredenheid': municipality 2–3 (n=2) · social work 4–5 (n=2) · others 3 (n=1)",
        "Scale 'bereik': municipality no scores · social work 3.5 (n=1)",
    ]


def test_several_themes_in_one_line_are_separated_by_semicolons():
    themes = Themes((Theme("t1", "A, b", (1,)), Theme("t2", "C", (2,))))
    lines = render(compare(themes, {1: "sociaal_werker", 2: "sociaal_werker"}), "nl")
    assert lines == ["Alleen sociaal werk: A, b; C"]


def test_parties_that_share_nothing_are_told_so():
    themes = Themes((Theme("t1", "Vervoer", (1,)), Theme("t2", "Jongeren", (2,))))
    lines = render(compare(themes, {1: "beleidsmedewerker", 2: "sociaal_werker"}), "nl")
    assert lines[0] == "Beide partijen: geen gedeeld thema"


def test_nothing_to_compare_gives_no_lines():
    agreement = compare(Themes(), {})
    assert agreement == Agreement() and agreement.is_empty and render(agreement, "en") == []


def test_text_is_not_escaped_here_the_caller_escapes_for_slack():
    themes = Themes((Theme("t1", "<b> & co", (1,)),))
    assert render(compare(themes, {1: "beleidsmedewerker"}), "nl") == ["Alleen gemeente: <b> & co"]


def test_an_answer_without_a_role_is_an_error():
    with pytest.raises(ValueError, match="no role given"):
        compare(THEMES, {101: "sociaal_werker"})


@pytest.mark.parametrize("role, score", [("directeur", 3), ("sociaal_werker", "4"), ("sociaal_werker", True),
                                         ("sociaal_werker", float("nan"))])
def test_unknown_roles_and_non_numeric_scores_are_refused(role, score):
    with pytest.raises(ValueError):
        compare(Themes(), {}, {"tevredenheid": [(role, score)]})


def test_unknown_language_is_refused():
    with pytest.raises(ValueError, match="unknown language"):
        render(Agreement(), "de")


def test_no_author_id_appears_in_any_output():
    """Anonymous sessions: the functions get roles only, and nothing traceable comes out."""
    texts = {101: "Veel ouderen voelen zich eenzaam.", 103: "Eenzaamheid onder ouderen groeit.",
             104: "Eenzame ouderen zien we te laat.", 102: "De belbus rijdt niet meer.",
             106: "Zonder belbus geen vervoer.", 105: "Mantelzorgers willen respijtzorg.",
             107: "Privacy van bewoners", 108: "🙂"}
    themes = propose_themes(list(texts.items()), "nl")
    agreement = compare(themes, ROLES, SCALES)
    outputs = [repr(agreement), str(asdict(agreement)), *render(agreement, "nl"), *render(agreement, "en")]
    for author in set(AUTHOR.values()):
        assert not any(author in output for output in outputs)
    for answer_id in AUTHOR:
        assert not any(str(answer_id) in output for output in outputs)
    assert agreement.both and agreement.gemeente_only  # the check ran on a real block
