"""Roles beyond the two parties: other sectors and residents, their side and their place in summaries."""

from __future__ import annotations

import pytest

from flows import engine as fe
from flows import parse_flow
from flows.roles import (
    RESIDENT_ROLES,
    ROLE_LABELS,
    ROLE_ORDER,
    ROLES,
    SECTOR_ROLES,
    is_role,
    role_label,
    side_of_role,
)
from tests.flows.conftest import MINI, NOW, answered


@pytest.mark.parametrize(("role", "side"), [
    ("sociaal_werker", "aanbieder"), ("beleidsmedewerker", "gemeente"), ("coordinator", "other"),
    ("onderwijs", "other"), ("jeugdhulp", "other"), ("huisarts_ggz", "other"), ("politie", "other"),
    ("wijkteam", "other"), ("bewoner", "other"), ("ervaringsdeskundige", "other"),
])
def test_every_role_sits_on_a_side_and_only_the_two_parties_on_their_own(role, side):
    assert is_role(role) and side_of_role(role) == side


def test_an_unknown_role_has_no_side():
    assert not is_role("wethouder")
    with pytest.raises(ValueError):
        side_of_role("wethouder")


def test_every_role_has_a_place_in_the_summary_order_and_a_label_in_both_languages():
    assert sorted(ROLE_ORDER) == sorted(ROLES) and set(ROLE_LABELS) == set(ROLES)
    assert all(label.nl and label.en for label in ROLE_LABELS.values())
    assert role_label("huisarts_ggz", "en") == "GP or mental health care" and role_label("onbekend") == "onbekend"


def test_the_parties_come_first_then_other_sectors_then_residents():
    positions = [ROLE_ORDER.index(r) for r in ("beleidsmedewerker", "sociaal_werker", *SECTOR_ROLES,
                                              *RESIDENT_ROLES, "coordinator")]
    assert positions == sorted(positions)


def test_a_stage_may_name_the_new_roles_and_their_answers_are_grouped_in_order():
    text = MINI.replace("roles: [beleidsmedewerker]", "roles: [politie, bewoner]")
    flow, problems = parse_flow(text, "mini.yaml")
    assert problems == []
    people = {"UPOL": "politie", "UBEW": "bewoner", "UBM": "beleidsmedewerker", "UCO": "coordinator"}
    state = fe.start_session(flow, people, NOW)[0]
    state = answered(flow, state, "herkennen", "herken", {"UBEW": "Ik woon hier", "UPOL": "Wij zien", "UBM": "Cijfers"})
    summary = fe.stage_summary(flow, state, "herkennen", "nl")
    assert [role for role, _ in summary.questions[0].by_role] == ["beleidsmedewerker", "politie", "bewoner"]
    state = fe.advance(flow, state, NOW)[0]
    assert fe.eligible(flow, state, "beleid") == ["UPOL", "UBEW"]
