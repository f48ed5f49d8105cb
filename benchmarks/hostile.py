"""Hostile spreadsheets and a large import: time, peak memory and the longest write-lock hold.

Files (generated at run time, deterministic: tests/storage/importing/hostile_files.py):
* *declared huge*: 2 KB whose sheet declares A1:XFD1048576, one cell in the last row
  (before: ~2.9 GB and MemoryError);
* *1,000,000 rows*: a 10 MB XLSX written the way Excel writes it (before: ~100 s CPU, ~730 MB);
* *at the limits*: the largest file the limits allow, 200,000 rows × 12 filled columns, which
  is read, not refused: it bounds the peak memory of any import.
Each is read by `validate_outcome_file` in a fresh child process. Peak memory is the child's
peak RSS during the read minus its RSS just before (after imports and after reading the file's
bytes): RSS and not tracemalloc, because expat, zlib and the zip reader allocate in C where
tracemalloc sees nothing, and RSS is what ran the bot out of memory. A fresh process per case,
so one case's garbage does not count for the next. Floor: openpyxl's own streaming read (read-only, dimensions reset) of the
same rows up to the row limit, in the same kind of child: what the library costs for the rows we
must look at. (Linux: the child resets its peak with /proc/self/clear_refs, then reads VmRSS
before and VmHWM after.)

Lock: a CSV at the row limit imported while another connection commits a small write every
20 ms (as answers do); on SQLite the longest wait of such a write is the longest time the import
held the database's only write lock (PostgreSQL locks rows, so the row there shows that the
import does not get in the way either). Floor: the longest wait with no import running. For
reference, on SQLite the same rows written in one transaction (how imports were written before)
under the same probe.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

from sqlalchemy import insert, update

from benchmarks.common import Config, Row, fresh_database
from benchmarks.common import verdict as judge
from storage import Database
from storage.importing.limits import DEFAULT
from storage.importing.save import import_outcome_data
from storage.importing.validate import validate_outcome_file
from storage.models import DataSet, Outcome, OutcomeRow, Workspace
from tests.storage.importing import hostile_files as H

NAME = "hostile"
ROOT = Path(__file__).resolve().parents[1]
MiB = 2**20
MAX_LOCK_WAIT = 1.0

_CHILD = """
import io, json, re, sys, time
mode, path, name, limit = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
from openpyxl import load_workbook
from storage.importing.validate import validate_outcome_file
data = open(path, "rb").read()
status = lambda key: int(re.search(key + r":\\s+(\\d+)", open("/proc/self/status").read()).group(1)) * 1024
open("/proc/self/clear_refs", "w").write("5")  # reset the peak (VmHWM) to the RSS of now
before, start = status("VmRSS"), time.perf_counter()
if mode == "ours":
    result = validate_outcome_file(data, name)
    out = {"codes": [p.code for p in result.problems][:3], "rows": len(result.frame)}
else:
    sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).active
    sheet.reset_dimensions()
    out = {"rows": sum(1 for _ in sheet.iter_rows(max_row=limit, values_only=True))}
seconds = time.perf_counter() - start
print(json.dumps({**out, "seconds": seconds, "baseline": before, "peak": status("VmHWM")}))
"""


def _child(mode: str, path: Path, limit: int) -> dict:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "OPENBLAS_NUM_THREADS": "1"}
    done = subprocess.run([sys.executable, "-c", _CHILD, mode, str(path), path.name, str(limit)], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=900, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def _at_limits(rows: int) -> bytes:
    header = ["periode", "activiteit", "wijk", "bereik", "potentieel bereik", "doelen gesteld", "doelen behaald",
              "respondenten", "tevredenheid", "tevreden", "schaal", "opmerking"]
    strings: dict[str, int] = {}

    def sheet():
        yield H.row_xml(1, header, strings=strings)
        for i in range(rows):
            period, activity, wijk, reach, *_ = H.outcome_values(i)
            yield H.row_xml(i + 2, [period, activity, wijk, reach, reach * 3, 20, 10 + i % 10, 15, 7.5, 10, 10,
                                    "ok"], strings=strings)

    return H.xlsx(sheet(), dimension=f"A1:L{rows + 1}", shared_strings=strings)


def _file_row(config: Config, case: str, data: bytes, name: str, *, refused: str | None, max_seconds: float | None,
              max_ratio: float | None, max_mib: float) -> Row:
    path = config.workdir / name
    path.write_bytes(data)
    ours = _child("ours", path, DEFAULT.rows + 1)
    floor = _child("openpyxl", path, DEFAULT.rows + 1)
    path.unlink()
    grown = (ours["peak"] - ours["baseline"]) / MiB
    floor_grown = (floor["peak"] - floor["baseline"]) / MiB
    ratio = ours["seconds"] / floor["seconds"] if floor["seconds"] else None
    outcome = f"refused ({ours['codes'][0]})" if ours["codes"] else f"read {ours['rows']:,} rows"
    ok = (ours["codes"][:1] == [refused] if refused else not ours["codes"]) and grown <= max_mib
    ok = ok and (max_seconds is None or ours["seconds"] <= max_seconds)
    ok = ok and (max_ratio is None or ratio is None or ratio <= max_ratio)
    limits = [f"≤ {max_seconds:g} s" if max_seconds else "", f"≤ {max_ratio:g}× floor" if max_ratio else ""]
    target = "; ".join(p for p in [refused and f"refused ({refused})" or "read", *limits, f"peak ≤ +{max_mib:g} MiB"] if p)
    return Row(
        NAME, f"{case} ({len(data) / MiB:.1f} MiB)",
        f"{outcome} in {ours['seconds']:.2f} s, peak +{grown:.0f} MiB (RSS {ours['peak'] / MiB:.0f} MiB)",
        floor=f"openpyxl streaming {floor['rows']:,} rows: {floor['seconds']:.2f} s, +{floor_grown:.0f} MiB",
        ratio=ratio, target=target, verdict=judge(ok, config),
        details={"bytes": len(data), "ours": ours, "floor": floor, "peak_growth_mib": grown,
                 "floor_peak_growth_mib": floor_grown},
    )


def _probe_while(db_url: str, work) -> tuple[list[float], float]:
    """Run `work()` in a thread while another connection commits a small write every 20 ms."""
    probe = Database(db_url)
    waits: list[float] = []
    done = threading.Event()
    seconds = [0.0]

    def run() -> None:
        start = time.perf_counter()
        try:
            work()
        finally:
            seconds[0] = time.perf_counter() - start
            done.set()

    thread = threading.Thread(target=run)
    thread.start()
    try:
        while not done.is_set():
            start = time.perf_counter()
            with probe.unit_of_work() as s:
                s.execute(update(Workspace).values(settings={"probe": len(waits)}))
            waits.append(time.perf_counter() - start)
            time.sleep(0.02)
    finally:
        thread.join()
        probe.dispose()
    return waits, seconds[0]


def _lock_rows(config: Config, rows: int, database: str) -> list[Row]:
    data = H.outcome_csv(rows)
    out: list[Row] = []
    with fresh_database(database, config.workdir) as url:
        db = Database(url)
        with db.unit_of_work() as s:
            workspace = Workspace(team_id="TBENCH", name="Gemeente Bench")
            s.add(workspace)
            s.flush()
            outcome = Outcome(workspace_id=workspace.id, name="Ouderen doen mee")
            s.add(outcome)
            s.flush()
            workspace_id, outcome_id = workspace.id, outcome.id
        idle, _ = _probe_while(url, lambda: time.sleep(1.0))
        waits, seconds = _probe_while(url, lambda: import_outcome_data(
            db, workspace_id=workspace_id, outcome_id=outcome_id, data=data, filename="groot.csv"))
        if database == "sqlite":
            checked = validate_outcome_file(data)
            before, before_seconds = _probe_while(url, lambda: _one_transaction(db, workspace_id, outcome_id,
                                                                                 checked))
        db.dispose()
    longest, floor = max(waits), max(idle)
    ok = longest <= MAX_LOCK_WAIT
    out.append(Row(
        NAME, f"{database} import {rows:,} CSV rows: longest wait of a small write",
        f"{longest * 1000:.0f} ms over {len(waits)} small writes during a {seconds:.1f} s import",
        floor=f"no import: {floor * 1000:.0f} ms", ratio=longest / floor if floor else None,
        target=f"≤ {MAX_LOCK_WAIT:g} s", verdict=judge(ok, config),
        details={"rows": rows, "waits": len(waits), "longest_wait": longest, "import_seconds": seconds,
                 "idle_longest_wait": floor},
    ))
    if database != "sqlite":
        return out
    out.append(Row(
        NAME, f"sqlite {rows:,} rows in one transaction (before, reference)",
        f"{max(before) * 1000:.0f} ms longest wait over {len(before)} small writes during {before_seconds:.1f} s",
        floor=f"no import: {floor * 1000:.0f} ms", ratio=max(before) / floor if floor else None, target="-",
        verdict="-", details={"rows": rows, "longest_wait": max(before), "seconds": before_seconds},
    ))
    return out


def _one_transaction(db: Database, workspace_id: int, outcome_id: int, checked) -> None:
    """How imports were written before: every row in one unit of work (5,000 per statement)."""
    columns = ["period", "activity", "group_kind", "group_value", "reach", "goals_set", "goals_attained"]
    frame = checked.frame[columns].astype(object)
    records = frame.where(frame.notna(), None).to_dict("records")
    with db.unit_of_work() as s:
        dataset = DataSet(workspace_id=workspace_id, outcome_id=outcome_id, meta={})
        s.add(dataset)
        s.flush()
        for start in range(0, len(records), 5_000):
            s.execute(insert(OutcomeRow), [{**r, "dataset_id": dataset.id, "outcome_id": outcome_id}
                                           for r in records[start:start + 5_000]])


def run(config: Config) -> list[Row]:
    million = config.size(1_000_000, 250_000)
    limits_rows = config.size(199_998, 20_000)
    rows = [
        _file_row(config, "declared A1:XFD1048576", H.declared_huge_xlsx(), "declared.xlsx",
                  refused="too_many_rows", max_seconds=1.0, max_ratio=None, max_mib=50),
        _file_row(config, f"{million:,} rows XLSX", H.many_rows_xlsx(million), "rows.xlsx",
                  refused="too_many_rows", max_seconds=None, max_ratio=1.5, max_mib=100),
        _file_row(config, f"at the limits: {limits_rows:,} rows × 12 columns", _at_limits(limits_rows),
                  "limits.xlsx", refused=None, max_seconds=None, max_ratio=2.0, max_mib=300),
    ]
    for database in config.databases:
        rows.extend(_lock_rows(config, config.size(DEFAULT.rows - 1, 20_000), database))
    return rows
