"""Save a checked import, replacing the periods it contains: all or nothing, never a long lock.

Why all-or-nothing: a half-imported file gives a conversation figures that nobody recognises.
So a file with any error writes nothing (validation comes before any write), and a good file
becomes visible at once or not at all: its rows are first staged in short transactions, then one
short transaction removes the rows they replace and gives them their outcome (`staging.py`).
Why not simply one transaction: on SQLite that held the database's only write lock for as long
as the rows took to write (20 s for 450,000 rows), and answers submitted meanwhile timed out.

Re-importing the same outcome and period replaces that period's rows (from whichever earlier
file they came) and reports per period how many rows were added, removed, changed and kept,
matching rows on activity + group (case-insensitive). Earlier DataSet records stay as the
history of imports.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.db import Database
from storage.importing import columns as C
from storage.importing.staging import discard, stage, swap_in
from storage.importing.stories import StoryFile, validate_story_file
from storage.importing.validate import OutcomeFile, Problem, period_sort_key, validate_outcome_file
from storage.models.conversation import Outcome
from storage.models.data import OutcomeRow, Story

_KEY = ["period", "_activity", "group_kind", "_group"]
_FIGURES = list(C.NUMBER_FIELDS)
_OUTCOME_COLUMNS = ["period", "activity", "group_kind", "group_value", *_FIGURES]
_STORY_COLUMNS = ["period", "activity", "group_value", "text"]

# Finds (or creates) the outcome an import goes to, inside the transaction that swaps it in.
OutcomeFinder = Callable[[Session], Outcome]


@dataclass(frozen=True)
class PeriodChange:
    """What a (re-)import did to one period."""

    period: str
    added: int
    removed: int
    changed: int
    unchanged: int

    @property
    def replaced(self) -> bool:
        """True when the period had rows before this import."""
        return (self.removed + self.changed + self.unchanged) > 0


@dataclass
class ImportResult:
    """What the caller tells the user: problems (nothing saved) or what changed."""

    ok: bool
    kind: str  # 'outcome' | 'stories'
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    dataset_id: int | None = None
    rows: int = 0
    changes: list[PeriodChange] = field(default_factory=list)
    refused: bool = False


@dataclass(frozen=True)
class Saved:
    """What a successful write did: the new DataSet, the outcome it went to, the changes per period."""

    dataset_id: int
    outcome_id: int
    outcome_name: str
    changes: list[PeriodChange]


def import_outcome_data(db: Database, *, workspace_id: int, outcome_id: int, data: bytes,
                        filename: str | None = None, imported_by: str | None = None,
                        source: str | None = None) -> ImportResult:
    """Validate an outcome file and, only if it has no errors, save it (staged, then swapped in)."""
    checked = validate_outcome_file(data, filename)
    if not checked.ok:
        return ImportResult(ok=False, kind="outcome", problems=checked.problems, warnings=checked.warnings,
                            refused=checked.refused)
    saved = write_outcome_file(db, checked, workspace_id=workspace_id, outcome=existing_outcome(workspace_id, outcome_id),
                               filename=filename, imported_by=imported_by, source=source)
    return ImportResult(ok=True, kind="outcome", warnings=checked.warnings, dataset_id=saved.dataset_id,
                        rows=len(checked.frame), changes=saved.changes)


def import_story_data(db: Database, *, workspace_id: int, outcome_id: int, data: bytes,
                      filename: str | None = None, imported_by: str | None = None) -> ImportResult:
    """Validate a stories file and, only if it has no errors, save it (staged, then swapped in)."""
    checked = validate_story_file(data, filename)
    if not checked.ok:
        return ImportResult(ok=False, kind="stories", problems=checked.problems, warnings=checked.warnings,
                            refused=checked.refused)
    saved = write_story_file(db, checked, workspace_id=workspace_id, outcome=existing_outcome(workspace_id, outcome_id),
                             filename=filename, imported_by=imported_by)
    return ImportResult(ok=True, kind="stories", warnings=checked.warnings, dataset_id=saved.dataset_id,
                        rows=len(checked.frame), changes=saved.changes)


def existing_outcome(workspace_id: int, outcome_id: int) -> OutcomeFinder:
    """An OutcomeFinder for an outcome that must exist in this workspace."""
    def find(session: Session) -> Outcome:
        outcome = session.get(Outcome, outcome_id)
        if outcome is None or outcome.workspace_id != workspace_id:
            raise ValueError(f"outcome {outcome_id} does not belong to workspace {workspace_id}")
        return outcome
    return find


def _locked(session: Session, outcome: OutcomeFinder) -> Outcome:
    """The outcome, locked on PostgreSQL so two imports of it swap one after the other."""
    found = outcome(session)
    session.execute(select(Outcome.id).where(Outcome.id == found.id).with_for_update())
    return found


def write_outcome_file(db: Database, checked: OutcomeFile, *, workspace_id: int, outcome: OutcomeFinder,
                       filename: str | None = None, imported_by: str | None = None,
                       source: str | None = None) -> Saved:
    """Stage a checked outcome file, then swap it in; on any failure nothing is left behind."""
    if not checked.ok:
        raise ValueError("refusing to save a file with problems")
    table = checked.table
    meta = {
        "kind": "outcome",
        "periods": checked.periods,
        "rows": len(checked.frame),
        "satisfaction_scale": checked.satisfaction_scale,
        "encoding": table.encoding if table else None,
        "separator": table.separator if table else None,
        "header_row": table.header_row if table else None,
    }
    staged = stage(db, OutcomeRow, checked.frame, _OUTCOME_COLUMNS, meta=meta, filename=filename,
                   imported_by=imported_by, source=source)
    try:
        with db.unit_of_work() as session:
            target = _locked(session, outcome)
            # Read what is replaced before writing anything, so the comparison holds no write lock.
            changes = compare_periods(_existing_rows(session, target.id, checked.periods), checked.frame)
            swap_in(session, staged, workspace_id=workspace_id, outcome_id=target.id, periods=checked.periods,
                    meta={**meta, "changes": [c.__dict__ for c in changes]})
            return Saved(staged.dataset_id, target.id, target.name, changes)
    except BaseException:
        discard(db, staged)
        raise


def _with_keys(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.copy()
    frame["_activity"] = frame["activity"].fillna("").astype(str).str.casefold()
    frame["_group"] = frame["group_value"].fillna("").astype(str).str.casefold()
    frame["group_kind"] = frame["group_kind"].fillna("").astype(str)
    return frame


def compare_periods(old: pd.DataFrame, new: pd.DataFrame) -> list[PeriodChange]:
    """Per period in `new`: rows added, removed, changed (a figure differs) and unchanged."""
    old, new = _with_keys(old), _with_keys(new)
    merged = new.merge(old, on=_KEY, how="outer", suffixes=("", "_old"), indicator=True)
    differs = pd.Series(False, index=merged.index)
    for name in _FIGURES:
        a = pd.to_numeric(merged[name], errors="coerce").astype("Float64")
        b = pd.to_numeric(merged[f"{name}_old"], errors="coerce").astype("Float64")
        same = (a == b).fillna(False) | (a.isna() & b.isna())
        differs |= ~same.astype(bool)
    both = merged["_merge"] == "both"
    status = pd.Series("unchanged", index=merged.index)
    status[merged["_merge"] == "left_only"] = "added"
    status[merged["_merge"] == "right_only"] = "removed"
    status[both & differs] = "changed"
    counts = pd.crosstab(merged["period"], status)
    changes = []
    for period in sorted(new["period"].unique().tolist(), key=period_sort_key):
        row = counts.loc[period] if period in counts.index else {}
        changes.append(PeriodChange(period=period, **{k: int(row.get(k, 0)) for k in
                                                      ("added", "removed", "changed", "unchanged")}))
    return changes


def _existing_rows(session: Session, outcome_id: int, periods: list[str]) -> pd.DataFrame:
    cols = [OutcomeRow.period, OutcomeRow.activity, OutcomeRow.group_kind, OutcomeRow.group_value,
            *[getattr(OutcomeRow, f) for f in _FIGURES]]
    result = session.execute(select(*cols).where(OutcomeRow.outcome_id == outcome_id,
                                                 OutcomeRow.period.in_(periods)))
    names = ["period", "activity", "group_kind", "group_value", *_FIGURES]
    return pd.DataFrame(result.all(), columns=names)


def write_story_file(db: Database, checked: StoryFile, *, workspace_id: int, outcome: OutcomeFinder,
                     filename: str | None = None, imported_by: str | None = None) -> Saved:
    """Stage checked stories, then swap them in: the stories of the file's periods replace earlier ones."""
    if not checked.ok:
        raise ValueError("refusing to save a file with problems")
    periods = checked.periods
    meta = {"kind": "stories", "periods": periods, "rows": len(checked.frame)}
    staged = stage(db, Story, checked.frame, _STORY_COLUMNS, meta=meta, filename=filename, imported_by=imported_by)
    try:
        with db.unit_of_work() as session:
            target = _locked(session, outcome)
            previous = pd.Series(session.execute(
                select(Story.period).where(Story.outcome_id == target.id, Story.period.in_(periods))
            ).scalars().all(), dtype=object).value_counts()
            new_counts = checked.frame["period"].value_counts()
            changes = [PeriodChange(period=p, added=int(new_counts.get(p, 0)), removed=int(previous.get(p, 0)),
                                    changed=0, unchanged=0) for p in periods]
            swap_in(session, staged, workspace_id=workspace_id, outcome_id=target.id, periods=periods, meta=meta)
            return Saved(staged.dataset_id, target.id, target.name, changes)
    except BaseException:
        discard(db, staged)
        raise
