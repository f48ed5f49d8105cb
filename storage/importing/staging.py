"""Write a checked import in short transactions, then swap it in with one more short one.

Why: SQLite has one write lock for the whole database. Importing 450,000 rows in one transaction
held it for ~20 s, so every answer submitted meanwhile waited past Slack's 3 s and timed out.
Now an import is *staged*: its DataSet and rows are written with `outcome_id` NULL (no reader
asks for those: they all ask by outcome or workspace) in chunks of `CHUNK_ROWS`, one commit per
chunk. On SQLite the importer pauses `SQLITE_PAUSE` between chunks: SQLite's busy handler lets a
waiting writer retry at least every 100 ms, so every waiting answer gets its turn within about
one chunk. Then `swap_in`, inside the caller's unit of work, deletes the rows the import replaces
and gives the staged rows their outcome: two statements, one commit, all or nothing.

On any failure the staged rows are removed (`discard`, again in chunks). If the process dies
mid-import they stay invisible, and `sweep_stale` removes them at the next import.
Validation happens before any of this: a file with problems never reaches `stage`.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import timedelta

import pandas as pd
from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from storage.base import utcnow
from storage.db import Database
from storage.models.data import DataSet, OutcomeRow, Story

log = logging.getLogger(__name__)

CHUNK_ROWS = 5_000
SQLITE_PAUSE = 0.1  # seconds; SQLite's default busy handler retries at most every 100 ms
STALE_AFTER = timedelta(hours=1)

RowModel = type[OutcomeRow] | type[Story]


@dataclass(frozen=True)
class Staged:
    """An import written but not yet visible: its DataSet id, the table its rows are in, how many."""

    dataset_id: int
    model: RowModel
    rows: int


def stage(db: Database, model: RowModel, frame: pd.DataFrame, columns: list[str], *, meta: dict,
          filename: str | None = None, imported_by: str | None = None, source: str | None = None,
          chunk_rows: int = CHUNK_ROWS) -> Staged:
    """Write `frame[columns]` as staged rows of `model`, one short transaction per chunk."""
    sweep_stale(db)
    with db.unit_of_work() as session:
        dataset = DataSet(workspace_id=None, outcome_id=None, filename=(filename or "")[:300] or None,
                          source=(source or "")[:300] or None, imported_by=imported_by,
                          meta={**meta, "state": "staging"})
        session.add(dataset)
        session.flush()
        staged = Staged(dataset.id, model, len(frame))
    pause = SQLITE_PAUSE if db.engine.dialect.name == "sqlite" else 0.0
    try:
        for start in range(0, len(frame), chunk_rows):
            if start and pause:
                time.sleep(pause)
            records = _records(frame.iloc[start : start + chunk_rows], columns, dataset_id=staged.dataset_id)
            with db.unit_of_work() as session:
                session.execute(insert(model), records)
    except BaseException:
        discard(db, staged)
        raise
    return staged


def _records(frame: pd.DataFrame, columns: list[str], **fixed: object) -> list[dict]:
    """Rows as plain dicts with None for missing values (what the database driver wants)."""
    part = frame[columns].astype(object)
    part = part.where(part.notna(), None)
    return [{**fixed, "outcome_id": None, **rec} for rec in part.to_dict("records")]


def swap_in(session: Session, staged: Staged, *, workspace_id: int, outcome_id: int, periods: list[str],
            meta: dict) -> None:
    """Inside the caller's transaction: replace `periods` of the outcome with the staged rows."""
    model = staged.model
    session.execute(delete(model).where(model.outcome_id == outcome_id, model.period.in_(periods)))
    session.execute(update(model).where(model.dataset_id == staged.dataset_id).values(outcome_id=outcome_id))
    session.execute(update(DataSet).where(DataSet.id == staged.dataset_id).values(
        workspace_id=workspace_id, outcome_id=outcome_id, meta=meta, imported_at=utcnow()))


def discard(db: Database, staged: Staged, *, chunk_rows: int = CHUNK_ROWS) -> None:
    """Remove a staged import that will not be swapped in, in short transactions.

    Never raises: it runs while another error is on its way up, and rows it cannot remove now
    stay invisible and are swept later.
    """
    try:
        _delete_staged(db, staged.dataset_id, chunk_rows)
    except Exception:
        log.warning("could not remove staged import %s; it stays invisible and is swept later",
                    staged.dataset_id, exc_info=True)


def _delete_staged(db: Database, dataset_id: int, chunk_rows: int) -> None:
    for model in (OutcomeRow, Story):
        while True:
            with db.unit_of_work() as session:
                ids = session.scalars(select(model.id).where(model.dataset_id == dataset_id, model.outcome_id.is_(None))
                                      .limit(chunk_rows)).all()
                if not ids:
                    break
                session.execute(delete(model).where(model.id.in_(ids)))
    with db.unit_of_work() as session:
        session.execute(delete(DataSet).where(DataSet.id == dataset_id, DataSet.outcome_id.is_(None)))


def sweep_stale(db: Database) -> int:
    """Remove staged imports older than STALE_AFTER (left by a process that died mid-import)."""
    with db.reader() as session:
        ids = session.scalars(select(DataSet.id).where(DataSet.outcome_id.is_(None),
                                                       DataSet.imported_at < utcnow() - STALE_AFTER)).all()
    for dataset_id in ids:
        log.info("removing staged import %s left by an interrupted import", dataset_id)
        _delete_staged(db, dataset_id, CHUNK_ROWS)
    return len(ids)
