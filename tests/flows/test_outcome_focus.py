"""The outcome-focus heuristic on typical answers, Dutch and English."""

from __future__ import annotations

import pytest

from flows.outcome_focus import needs_outcome_nudge


@pytest.mark.parametrize(
    ("answer", "nudge"),
    [
        ("We hebben dit jaar twaalf activiteiten georganiseerd met gemiddeld twintig deelnemers per keer.", True),
        ("We organised 12 activities and workshops with about twenty participants in each session.", True),
        ("Door de koffieochtenden voelen bewoners zich minder eenzaam en kennen ze hun buren beter.", False),
        ("The activities helped residents feel less lonely and more independent at home.", False),
        ("Twaalf activiteiten.", False),  # too short to judge
        ("", False),
        ("Wij hebben de cursus vaker aangeboden, de groep was vol en het programma liep strak.", True),
    ],
)
def test_heuristic(answer, nudge):
    assert needs_outcome_nudge(answer) is nudge


def test_accents_and_case_do_not_matter():
    assert not needs_outcome_nudge("De ACTIVITEITEN hebben CLIËNTEN veel opgeleverd, zeggen ze zelf vaak genoeg.")
