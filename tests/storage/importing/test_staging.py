"""Large imports: short transactions while staging, one short swap, nothing half-visible, nothing left over."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from storage import Database
from storage.base import utcnow
from storage.importing import staging
from storage.importing.save import import_outcome_data, write_outcome_file
from storage.importing.validate import validate_outcome_file
from storage.models import DataSet, Outcome, OutcomeRow, Workspace
from storage.summaries import load_outcome_rows
from tests.storage.importing import hostile_files as H
from tests.storage.importing.conftest import counts


def _rows_of(db, outcome_id: int) -> int:
    with db.reader() as session:
        return session.scalar(select(func.count()).select_from(OutcomeRow).where(OutcomeRow.outcome_id == outcome_id))


def _staged(db) -> int:
    with db.reader() as session:
        return (session.scalar(select(func.count()).select_from(OutcomeRow).where(OutcomeRow.outcome_id.is_(None)))
                + session.scalar(select(func.count()).select_from(DataSet).where(DataSet.outcome_id.is_(None))))


@pytest.mark.sqlite_only
def test_a_large_import_lets_other_writers_commit_within_a_second_and_readers_never_see_half(db, outcome):
    """120,000 rows: one transaction would hold SQLite's write lock well over a second (20 s for 450,000)."""
    workspace_id, outcome_id = outcome
    data = H.outcome_csv(120_000)
    other = Database(db.url)  # another connection pool, like the bot's listeners next to the importer
    waits: list[float] = []
    seen: set[int] = set()
    done = threading.Event()
    result = {}

    def run_import() -> None:
        try:
            result["import"] = import_outcome_data(db, workspace_id=workspace_id, outcome_id=outcome_id, data=data)
        finally:
            done.set()

    importer = threading.Thread(target=run_import)
    importer.start()
    try:
        while not done.is_set():
            start = time.perf_counter()
            with other.unit_of_work() as session:  # a small write, like an answer being saved
                session.execute(update(Workspace).where(Workspace.id == workspace_id)
                                .values(settings={"probe": len(waits)}))
            waits.append(time.perf_counter() - start)
            seen.add(_rows_of(other, outcome_id))
            time.sleep(0.02)
    finally:
        importer.join()
        other.dispose()

    assert result["import"].ok and result["import"].rows == 120_000
    assert len(waits) >= 10, waits  # the probe really ran while the import did
    assert max(waits) < 1.0, f"a small write waited {max(waits):.2f} s for the import"
    assert seen <= {0, 120_000}  # never a part of the file
    assert _rows_of(db, outcome_id) == 120_000 and _staged(db) == 0


def test_a_failure_while_staging_leaves_no_staged_rows_and_the_old_data_intact(db, outcome, monkeypatch):
    workspace_id, outcome_id = outcome
    assert import_outcome_data(db, workspace_id=workspace_id, outcome_id=outcome_id, data=H.outcome_csv(10)).ok
    before = counts(db)
    real, calls = staging._records, []

    def failing(*args, **kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise ConnectionError("the database went away mid-import")
        return real(*args, **kwargs)

    monkeypatch.setattr(staging, "_records", failing)
    with pytest.raises(ConnectionError):
        import_outcome_data(db, workspace_id=workspace_id, outcome_id=outcome_id, data=H.outcome_csv(12_000))
    assert len(calls) == 3  # two chunks of 5,000 were committed before the failure
    assert counts(db) == before and _staged(db) == 0
    assert _rows_of(db, outcome_id) == 10


def test_a_failure_in_the_swap_leaves_nothing_behind(db, outcome, monkeypatch):
    workspace_id, outcome_id = outcome
    before = counts(db)

    def broken_swap(session, staged, **kwargs):
        session.execute(update(OutcomeRow).where(OutcomeRow.dataset_id == staged.dataset_id)
                        .values(outcome_id=outcome_id))
        raise RuntimeError("swap failed half-way")

    monkeypatch.setattr("storage.importing.save.swap_in", broken_swap)
    with pytest.raises(RuntimeError):
        import_outcome_data(db, workspace_id=workspace_id, outcome_id=outcome_id, data=H.outcome_csv(50))
    assert counts(db) == before and _rows_of(db, outcome_id) == 0


def test_staged_rows_left_by_a_crash_are_invisible_and_swept_later(db, outcome):
    workspace_id, outcome_id = outcome
    checked = validate_outcome_file(H.outcome_csv(30))
    staged = staging.stage(db, OutcomeRow, checked.frame, ["period", "activity", "group_kind", "group_value",
                                                           "reach", "goals_set", "goals_attained"], meta={})
    # The process "died" here: no swap. Nobody asking by outcome or workspace sees the rows.
    with db.reader() as session:
        assert load_outcome_rows(session, outcome_id).empty
        assert session.scalars(select(DataSet).where(DataSet.workspace_id == workspace_id)).all() == []
    assert staging.sweep_stale(db) == 0  # too recent: it may be an import still running
    with db.unit_of_work() as session:
        session.execute(update(DataSet).where(DataSet.id == staged.dataset_id)
                        .values(imported_at=utcnow() - timedelta(hours=2)))
    assert import_outcome_data(db, workspace_id=workspace_id, outcome_id=outcome_id, data=H.outcome_csv(5)).ok
    assert _staged(db) == 0 and _rows_of(db, outcome_id) == 5


def test_two_imports_of_the_same_period_at_once_leave_one_file(db, outcome):
    """The swap locks the outcome (PostgreSQL) or the database (SQLite): the later swap replaces the earlier."""
    workspace_id, outcome_id = outcome
    checked = [validate_outcome_file(H.outcome_csv(3_000, separator=sep)) for sep in (";", ",")]
    saved = []

    def write(index: int) -> None:
        saved.append(write_outcome_file(db, checked[index], workspace_id=workspace_id,
                                        outcome=lambda s: s.get(Outcome, outcome_id)))

    threads = [threading.Thread(target=write, args=(i,)) for i in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(saved) == 2
    with db.reader() as session:
        by_dataset = dict(session.execute(select(OutcomeRow.dataset_id, func.count())
                                          .where(OutcomeRow.outcome_id == outcome_id)
                                          .group_by(OutcomeRow.dataset_id)).all())
    assert len(by_dataset) == 1 and list(by_dataset.values()) == [3_000]  # one file's rows, not both
