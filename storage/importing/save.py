"""Save a checked import in one transaction, replacing the periods it contains.

Why all-or-nothing: a half-imported file gives a conversation figures that nobody recognises.
So a file with any error writes nothing, and a good file is written in one unit of work: the
data set, the deletion of the rows it replaces, and the new rows commit together or not at all.

Re-importing the same outcome and period replaces that period's rows (from whichever earlier
file they came) and reports per period how many rows were added, removed, changed and kept,
matching rows on activity + group (case-insensitive). Earlier DataSet records stay as the
history of imports.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd
from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from storage.db import Database
from storage.importing import columns as C
from storage.importing.messages import format_problems
from storage.importing.stories import StoryFile, validate_story_file
from storage.importing.validate import OutcomeFile, Problem, period_sort_key, validate_outcome_file
from storage.models.conversation import Outcome
from storage.models.data import DataSet, OutcomeRow, Story

_KEY = ["period", "_activity", "group_kind", "_group"]
_FIGURES = list(C.NUMBER_FIELDS)


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

    def messages(self, lang: str = "nl", limit: int | None = 20) -> list[str]:
        return format_problems(self.problems, lang, limit)


def import_outcome_data(db: Database, *, workspace_id: int, outcome_id: int, data: bytes,
                        filename: str | None = None, imported_by: str | None = None,
                        source: str | None = None) -> ImportResult:
    """Validate an outcome file and, only if it has no errors, save it (one transaction)."""
    checked = validate_outcome_file(data, filename)
    if not checked.ok:
        return ImportResult(ok=False, kind="outcome", problems=checked.problems, warnings=checked.warnings,
                            refused=checked.refused)
    with db.unit_of_work() as session:
        dataset_id, changes = save_outcome_file(session, workspace_id=workspace_id, outcome_id=outcome_id,
                                                checked=checked, filename=filename, imported_by=imported_by,
                                                source=source)
    return ImportResult(ok=True, kind="outcome", warnings=checked.warnings, dataset_id=dataset_id,
                        rows=len(checked.frame), changes=changes)


def import_story_data(db: Database, *, workspace_id: int, outcome_id: int, data: bytes,
                      filename: str | None = None, imported_by: str | None = None) -> ImportResult:
    """Validate a stories file and, only if it has no errors, save it (one transaction)."""
    checked = validate_story_file(data, filename)
    if not checked.ok:
        return ImportResult(ok=False, kind="stories", problems=checked.problems, warnings=checked.warnings,
                            refused=checked.refused)
    with db.unit_of_work() as session:
        dataset_id, changes = save_story_file(session, workspace_id=workspace_id, outcome_id=outcome_id,
                                              checked=checked, filename=filename, imported_by=imported_by)
    return ImportResult(ok=True, kind="stories", warnings=checked.warnings, dataset_id=dataset_id,
                        rows=len(checked.frame), changes=changes)


def _check_outcome(session: Session, workspace_id: int, outcome_id: int) -> None:
    outcome = session.get(Outcome, outcome_id)
    if outcome is None or outcome.workspace_id != workspace_id:
        raise ValueError(f"outcome {outcome_id} does not belong to workspace {workspace_id}")


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


def _records(frame: pd.DataFrame, columns: list[str], **fixed: object) -> list[dict]:
    """Rows as plain dicts with None for missing values (what the database driver wants)."""
    part = frame[columns].astype(object)
    part = part.where(part.notna(), None)
    return [{**fixed, **rec} for rec in part.to_dict("records")]


def save_outcome_file(session: Session, *, workspace_id: int, outcome_id: int, checked: OutcomeFile,
                      filename: str | None = None, imported_by: str | None = None,
                      source: str | None = None) -> tuple[int, list[PeriodChange]]:
    """Write a checked outcome file inside the caller's transaction; returns dataset id and changes."""
    if not checked.ok:
        raise ValueError("refusing to save a file with problems")
    _check_outcome(session, workspace_id, outcome_id)
    new = checked.frame
    periods = checked.periods
    old = _existing_rows(session, outcome_id, periods)
    changes = compare_periods(old, new)
    table = checked.table
    dataset = DataSet(
        workspace_id=workspace_id, outcome_id=outcome_id, filename=(filename or "")[:300] or None,
        source=(source or "")[:300] or None, imported_by=imported_by,
        meta={
            "kind": "outcome",
            "periods": periods,
            "rows": len(new),
            "satisfaction_scale": checked.satisfaction_scale,
            "encoding": table.encoding if table else None,
            "separator": table.separator if table else None,
            "header_row": table.header_row if table else None,
            "changes": [c.__dict__ for c in changes],
        },
    )
    session.add(dataset)
    session.flush()
    session.execute(delete(OutcomeRow).where(OutcomeRow.outcome_id == outcome_id, OutcomeRow.period.in_(periods)))
    columns = ["period", "activity", "group_kind", "group_value", *_FIGURES]
    records = _records(new, columns, dataset_id=dataset.id, outcome_id=outcome_id)
    for start in range(0, len(records), 5000):
        session.execute(insert(OutcomeRow), records[start : start + 5000])
    return dataset.id, changes


def _existing_rows(session: Session, outcome_id: int, periods: list[str]) -> pd.DataFrame:
    cols = [OutcomeRow.period, OutcomeRow.activity, OutcomeRow.group_kind, OutcomeRow.group_value,
            *[getattr(OutcomeRow, f) for f in _FIGURES]]
    result = session.execute(select(*cols).where(OutcomeRow.outcome_id == outcome_id,
                                                 OutcomeRow.period.in_(periods)))
    names = ["period", "activity", "group_kind", "group_value", *_FIGURES]
    return pd.DataFrame(result.all(), columns=names)


def save_story_file(session: Session, *, workspace_id: int, outcome_id: int, checked: StoryFile,
                    filename: str | None = None,
                    imported_by: str | None = None) -> tuple[int, list[PeriodChange]]:
    """Write checked stories; stories of the periods in the file replace earlier ones."""
    if not checked.ok:
        raise ValueError("refusing to save a file with problems")
    _check_outcome(session, workspace_id, outcome_id)
    periods = checked.periods
    previous = pd.Series(session.execute(
        select(Story.period).where(Story.outcome_id == outcome_id, Story.period.in_(periods))
    ).scalars().all(), dtype=object).value_counts()
    dataset = DataSet(workspace_id=workspace_id, outcome_id=outcome_id, filename=(filename or "")[:300] or None,
                      imported_by=imported_by, meta={"kind": "stories", "periods": periods,
                                                     "rows": len(checked.frame)})
    session.add(dataset)
    session.flush()
    session.execute(delete(Story).where(Story.outcome_id == outcome_id, Story.period.in_(periods)))
    records = _records(checked.frame, ["period", "activity", "group_value", "text"], dataset_id=dataset.id,
                       outcome_id=outcome_id)
    if records:
        session.execute(insert(Story), records)
    new_counts = checked.frame["period"].value_counts()
    changes = [PeriodChange(period=p, added=int(new_counts.get(p, 0)), removed=int(previous.get(p, 0)),
                            changed=0, unchanged=0) for p in periods]
    return dataset.id, changes
