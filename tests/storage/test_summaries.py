"""Summaries: figures computed by hand, change, suppression and the 'differs notably' mark."""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest

from storage.context import potential_reach
from storage.importing.save import import_outcome_data, import_story_data
from storage.summaries import SummaryOptions, summarise, summary_for_outcome


def _row(period, group="", reach=None, potential=None, goals_set=None, attained=None, respondents=None,
         mean=None, satisfied=None, activity="Koffie", kind="wijk"):
    return {"period": period, "activity": activity, "group_kind": kind if group else "", "group_value": group,
            "reach": reach, "potential_reach": potential, "goals_set": goals_set, "goals_attained": attained,
            "respondents": respondents, "satisfaction_mean": mean, "satisfied": satisfied}


ROWS = pd.DataFrame([
    _row("2024-Q1", "Noord", 40, 100, 20, 10, 20, 7.0, 15),
    _row("2024-Q1", "Zuid", 60, 200, 30, 27, 30, 8.0, 20),
    _row("2024-Q1", "Oost", 50, 150, 25, 15, 25, 6.0, 15),
    _row("2023-Q4", "", 80, 400, 40, 20, 40, 7.5, 30),
    _row("2023-Q3", "", 70, 400, 40, 30, 40, 7.0, 20),
    _row("2024-03", "", 10, 20, 10, 5, 10, 7.0, 6),  # a month: not the 'previous' of a quarter
])


def test_headline_figures_by_hand():
    s = summarise(ROWS, "2024-Q1", outcome="Ouderen doen mee")
    f = s.figures
    assert f.reach.value == 150 and f.potential_reach.value == 450
    assert f.reach_share.value == pytest.approx(100 * 150 / 450)
    assert (f.goals_set.value, f.goals_attained.value) == (75, 52)
    assert f.attainment_rate.value == pytest.approx(100 * 52 / 75)
    assert f.share_satisfied.value == pytest.approx(100 * 50 / 75)
    assert f.satisfaction_mean.value == pytest.approx((20 * 7.0 + 30 * 8.0 + 25 * 6.0) / 75)
    assert f.attainment_rate.text() == "69%" and f.satisfaction_mean.text() == "7,1"


def test_change_against_the_previous_period_of_the_same_kind():
    s = summarise(ROWS, "2024-Q1")
    assert s.previous_period == "2023-Q4"
    assert s.change["reach"].value == 150 - 80
    # Changes between the percentages as shown: 69% (52/75) against 50%, 67% (50/75) against 75%.
    assert s.change["attainment_rate"].value == 69 - 50
    assert s.change["share_satisfied"].value == 67 - 75
    assert s.change["attainment_rate"].text() == "+19 %-punt"
    assert s.change["share_satisfied"].text("en") == "−8 pp"
    assert summarise(ROWS, "2023-Q3").previous_period is None
    assert summarise(ROWS[ROWS["period"] != "2024-03"]).period == "2024-Q1"  # default: the latest period


def test_group_that_differs_notably_is_marked():
    s = summarise(ROWS, "2024-Q1")
    by_name = {g.value: g for g in s.groups}
    # total 69.3%; Zuid 90% (+20.7 pp, n=30) differs; Noord 50% (-19.3 pp, n=20) differs; Oost 60% (-9.3) not.
    assert by_name["Zuid"].differs and by_name["Zuid"].reasons == ["attainment_higher"]
    assert by_name["Noord"].differs and "attainment_lower" in by_name["Noord"].reasons
    assert not by_name["Oost"].differs
    assert [g.value for g in s.notable_groups] == ["Noord", "Zuid"]
    stricter = summarise(ROWS, "2024-Q1", options=SummaryOptions(min_group_n=25))
    assert [g.value for g in stricter.notable_groups] == ["Zuid"]


def test_totals_do_not_double_count_two_groupings():
    rows = pd.DataFrame([
        _row("2024", "Noord", 30, goals_set=10, attained=5), _row("2024", "Zuid", 20, goals_set=10, attained=5),
        _row("2024", "65-74", 35, goals_set=12, attained=6, kind="leeftijdsgroep"),
        _row("2024", "75+", 15, goals_set=8, attained=4, kind="leeftijdsgroep"),
        _row("2024", "", 7, activity="Wandelen"),
    ])
    s = summarise(rows)
    assert s.figures.reach.value == 50 + 7


def _without_point_differences(data: dict) -> dict:
    if isinstance(data, dict):
        return {k: _without_point_differences(v) for k, v in data.items() if not k.endswith("_diff")}
    if isinstance(data, list):
        return [_without_point_differences(v) for v in data]
    return data


def test_a_change_is_the_difference_of_the_rounded_percentages():
    rows = pd.DataFrame([_row("2024", "", 100, None, 1000, 376, 100, 7.0, 50),  # 37.6% is shown as 38%
                         _row("2023", "", 100, None, 1000, 634, 100, 7.0, 50)])  # 63.4% is shown as 63%
    change = summarise(rows, "2024").change["attainment_rate"]
    assert change.value == 38 - 63  # not round(37.6 - 63.4) = −26


def test_small_counts_are_suppressed_everywhere():
    rows = pd.DataFrame([
        _row("2024", "Noord", 40, None, 20, 10, 20, 7.0, 15),
        _row("2024", "Zuid", 23, None, 12, 9, 11, 8.0, 7),
        _row("2024", "Haven", 3, None, 3, 2, 3, 9.0, 3),
        _row("2023", "", 4, None, 4, 1, 4, 6.0, 2),
    ])
    s = summarise(rows, "2024")
    haven = next(g for g in s.groups if g.value == "Haven")
    zuid = next(g for g in s.groups if g.value == "Zuid")
    assert haven.figures.reach.suppressed and haven.figures.reach.value is None
    assert haven.figures.reach.text() == "<5" and haven.figures.attainment_rate.text() == "<5"
    # Secondary suppression: Zuid is the next smallest, so 'total minus the others' gives nothing away.
    assert zuid.figures.reach.suppressed and zuid.figures.attainment_rate.suppressed
    assert s.previous.reach.suppressed and s.change["reach"].suppressed
    # Differences in percentage points (a group against the total) are not counts: 1 point may show.
    payload = "".join(json.dumps(_without_point_differences(s.to_dict(lang))) for lang in ("nl", "en"))
    for small in ("3", "4", "2", "1"):
        assert not re.search(rf'"value": {small}(\.0)?[,}}]', payload)
    for figure_text in re.findall(r'"text": "([^"]*)"', payload):
        assert not re.fullmatch(r"[1-4]", figure_text)


def test_context_potential_reach_is_used_when_the_data_have_none():
    rows = pd.DataFrame([_row("2024", "", reach=313)])
    context = potential_reach("Ooststellingwerf", 65)
    s = summarise(rows, context_potential=context)
    assert s.potential_from == "context" and s.figures.potential_reach.value == context.value
    assert s.figures.reach_share.value == pytest.approx(100 * 313 / context.value)
    assert any(src.startswith("Bron: CBS, Bevolking; leeftijd, postcode (83502NED)") for src in s.sources)


def test_stories_are_picked_for_the_period_with_variety():
    stories = pd.DataFrame([
        {"period": "2024-Q1", "activity": "Koffie", "group_value": "Oost", "text": "Oost 1"},
        {"period": "2024-Q1", "activity": "Koffie", "group_value": "Oost", "text": "Oost 2"},
        {"period": "2024-Q1", "activity": "Koffie", "group_value": "Zuid", "text": "Zuid 1"},
        {"period": "2023-Q4", "activity": "Koffie", "group_value": "", "text": "Oud"},
        {"period": "2024-Q1", "activity": "Koffie", "group_value": "", "text": "Algemeen"},
    ])
    s = summarise(ROWS, "2024-Q1", stories=stories)
    assert [p.text for p in s.stories] == ["Zuid 1", "Oost 1", "Algemeen"]


def test_summary_from_the_database(db, outcome):
    workspace_id, outcome_id = outcome
    data = (b"periode;wijk;bereik;doelen gesteld;doelen behaald\n2024;Noord;40;20;15\n2024;Zuid;30;10;5\n"
            b"2023;;50;25;10\n")
    assert import_outcome_data(db, workspace_id=workspace_id, outcome_id=outcome_id, data=data).ok
    assert import_story_data(db, workspace_id=workspace_id, outcome_id=outcome_id,
                             data=b"periode;verhaal\n2024;Een mooi verhaal.\n").ok
    s = summary_for_outcome(db, outcome_id)
    assert s.outcome == "Ouderen doen mee" and s.period == "2024" and s.previous_period == "2023"
    assert s.figures.reach.value == 70 and s.figures.attainment_rate.value == pytest.approx(100 * 20 / 30)
    assert s.change["reach"].value == 20 and [p.text for p in s.stories] == ["Een mooi verhaal."]


def test_large_frame_matches_a_bare_groupby():
    """Correctness at scale (speed lives in benchmarks/, not here)."""
    rng = np.random.default_rng(1)
    n = 100_000
    goals = rng.integers(0, 50, n)
    resp = rng.integers(1, 40, n)
    frame = pd.DataFrame({
        "period": rng.choice(["2024-Q1", "2024-Q2", "2024-Q3", "2024-Q4"], n),
        "activity": rng.choice([f"act{i}" for i in range(50)], n),
        "group_kind": "wijk",
        "group_value": rng.choice([f"wijk{i}" for i in range(20)], n),
        "reach": rng.integers(0, 100, n), "potential_reach": rng.integers(100, 200, n),
        "goals_set": goals, "goals_attained": (goals * rng.random(n)).astype(int),
        "respondents": resp, "satisfied": (resp * rng.random(n)).astype(int),
        "satisfaction_mean": rng.uniform(1, 10, n),
    })
    s = summarise(frame)
    assert s.period == "2024-Q4" and len(s.groups) == 20
    last = frame[frame["period"] == "2024-Q4"]
    assert s.figures.reach.value == int(last["reach"].sum())
    assert s.figures.goals_attained.value == int(last["goals_attained"].sum())
    by_wijk = last.groupby("group_value")["reach"].sum()
    for group in s.groups:
        assert group.figures.reach.value == int(by_wijk[group.value])
