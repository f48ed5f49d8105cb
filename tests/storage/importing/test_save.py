"""Saving imports: all or nothing, re-imports replace a period and say what changed."""

from __future__ import annotations

from sqlalchemy import select

from storage.importing.save import import_outcome_data, import_story_data
from storage.models import DataSet, OutcomeRow, Story
from tests.storage.importing.conftest import counts

GOOD = (
    "periode;activiteit;wijk;bereik;potentieel bereik;doelen gesteld;doelen behaald;respondenten;tevredenheid;"
    "tevreden\n"
    "2024-Q1;Koffie;Noord;1.234;2.000;100;80;50;7,5;40\n"
    "2024-Q1;Koffie;Zuid;60;500;30;12;20;6,5;11\n"
    "2023-Q4;Koffie;Noord;1.100;2.000;90;60;45;7,0;30\n"
).encode("cp1252")


def _rows(db, outcome_id: int) -> dict[tuple[str, str], dict]:
    with db.reader() as session:
        items = session.scalars(select(OutcomeRow).where(OutcomeRow.outcome_id == outcome_id)).all()
        return {(r.period, r.group_value): {"reach": r.reach, "potential": r.potential_reach, "set": r.goals_set,
                                            "attained": r.goals_attained, "resp": r.respondents,
                                            "mean": r.satisfaction_mean, "satisfied": r.satisfied}
                for r in items}


def test_good_file_is_saved_with_every_figure(db, outcome):
    workspace_id, outcome_id = outcome
    result = import_outcome_data(db, workspace_id=workspace_id, outcome_id=outcome_id, data=GOOD,
                                 filename="q1.csv", imported_by="U1")
    assert result.ok and result.rows == 3
    assert [(c.period, c.added, c.removed, c.changed, c.replaced) for c in result.changes] == [
        ("2023-Q4", 1, 0, 0, False), ("2024-Q1", 2, 0, 0, False)]
    assert _rows(db, outcome_id) == {
        ("2024-Q1", "Noord"): {"reach": 1234, "potential": 2000, "set": 100, "attained": 80, "resp": 50,
                               "mean": 7.5, "satisfied": 40},
        ("2024-Q1", "Zuid"): {"reach": 60, "potential": 500, "set": 30, "attained": 12, "resp": 20,
                              "mean": 6.5, "satisfied": 11},
        ("2023-Q4", "Noord"): {"reach": 1100, "potential": 2000, "set": 90, "attained": 60, "resp": 45,
                               "mean": 7.0, "satisfied": 30},
    }
    with db.reader() as session:
        dataset = session.scalars(select(DataSet)).one()
        assert dataset.meta["periods"] == ["2023-Q4", "2024-Q1"] and dataset.meta["satisfaction_scale"] == 10


def test_file_with_errors_saves_nothing(db, outcome):
    workspace_id, outcome_id = outcome
    assert import_outcome_data(db, workspace_id=workspace_id, outcome_id=outcome_id, data=GOOD).ok
    before = counts(db)
    bad = GOOD.replace(b"Zuid;60;", b"Zuid;zestig;").replace(b"2023-Q4;Koffie;Noord;1.100", b"2023-Q4;Koffie;Noord;-5")
    bad += b"2024-Q1;Nieuw;Oost;10;20;5;4;5;7;4\n"
    result = import_outcome_data(db, workspace_id=workspace_id, outcome_id=outcome_id, data=bad)
    assert not result.ok and result.dataset_id is None
    assert [(p.code, p.row, p.column) for p in result.problems] == [
        ("not_a_number", 3, "bereik"), ("negative", 4, "bereik")]
    assert [p.params for p in result.problems] == [{"value": "zestig"}, {"value": "-5"}]  # the bot words them
    assert counts(db) == before
    assert _rows(db, outcome_id)[("2024-Q1", "Zuid")]["reach"] == 60


def test_personal_data_file_is_refused_and_saves_nothing(db, outcome):
    workspace_id, outcome_id = outcome
    before = counts(db)
    data = b"periode;bereik;e-mailadres\n2024;10;jan@example.nl\n"
    result = import_outcome_data(db, workspace_id=workspace_id, outcome_id=outcome_id, data=data)
    assert result.refused and not result.ok
    assert counts(db) == before


def test_reimport_replaces_the_period_and_reports_changes(db, outcome):
    workspace_id, outcome_id = outcome
    import_outcome_data(db, workspace_id=workspace_id, outcome_id=outcome_id, data=GOOD)
    again = (
        b"periode;activiteit;wijk;bereik;potentieel bereik;doelen gesteld;doelen behaald;respondenten;tevredenheid;"
        b"tevreden\n"
        b"2024 K1;koffie;noord;1.234;2.000;100;80;50;7,5;40\n"   # unchanged (matched case-insensitively)
        b"2024 K1;Koffie;Oost;25;300;10;9;10;8,0;9\n"             # added; Zuid removed
        b"2024 K1;Koffie;Centrum;70;400;20;10;15;7,0;10\n"        # added
    )
    result = import_outcome_data(db, workspace_id=workspace_id, outcome_id=outcome_id, data=again)
    assert result.ok
    assert [(c.period, c.added, c.removed, c.changed, c.unchanged, c.replaced) for c in result.changes] == [
        ("2024-Q1", 2, 1, 0, 1, True)]
    rows = _rows(db, outcome_id)
    assert sorted(k for k in rows if k[0] == "2024-Q1") == [("2024-Q1", "Centrum"), ("2024-Q1", "Oost"),
                                                            ("2024-Q1", "noord")]
    assert ("2023-Q4", "Noord") in rows  # other periods untouched
    changed = again.replace(b"Oost;25;", b"Oost;26;")
    result = import_outcome_data(db, workspace_id=workspace_id, outcome_id=outcome_id, data=changed)
    assert [(c.added, c.removed, c.changed, c.unchanged) for c in result.changes] == [(0, 0, 1, 2)]
    assert _rows(db, outcome_id)[("2024-Q1", "Oost")]["reach"] == 26


def test_stories_import_and_replace(db, outcome):
    workspace_id, outcome_id = outcome
    data = ("periode;wijk;verhaal\n2024-Q1;Noord;Mevrouw komt nu elke week.\n"
            "2024-Q1;;De groep is gegroeid.\n").encode("cp1252")
    result = import_story_data(db, workspace_id=workspace_id, outcome_id=outcome_id, data=data)
    assert result.ok and result.rows == 2
    again = b"periode;wijk;verhaal\n2024 K1;Zuid;Nieuw verhaal.\n"
    result = import_story_data(db, workspace_id=workspace_id, outcome_id=outcome_id, data=again)
    assert [(c.period, c.added, c.removed) for c in result.changes] == [("2024-Q1", 1, 2)]
    with db.reader() as session:
        assert [(s.period, s.group_value, s.text) for s in session.scalars(select(Story))] == [
            ("2024-Q1", "Zuid", "Nieuw verhaal.")]


def test_story_with_email_or_empty_text_is_refused(db, outcome):
    workspace_id, outcome_id = outcome
    before = counts(db)
    mail = import_story_data(db, workspace_id=workspace_id, outcome_id=outcome_id,
                             data=b"periode;verhaal\n2024;Mail me op piet@voorbeeld.nl\n")
    assert mail.refused
    empty = import_story_data(db, workspace_id=workspace_id, outcome_id=outcome_id,
                              data=b"periode;verhaal\n2024;\n2024;Goed verhaal\n")
    assert [(p.code, p.row) for p in empty.problems] == [("missing_text", 2)]
    assert counts(db) == before
