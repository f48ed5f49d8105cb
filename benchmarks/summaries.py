"""Data summaries at 10k, 100k and 1M outcome rows: `summarise` against a bare pandas groupby.

Why a bare groupby as the floor: `summarise` must group and sum the rows; everything else it
does (suppression, previous period, "differs notably") works on a handful of aggregated groups.
A bare groupby computing the same sums from the same frame is what the arithmetic costs; the
ratio shows what our typing, helper columns and per-group logic add. Growth from 10k to 1M tells
whether anything loops over data rows (it must not: the module promises vectorised work).

Time is the best of a few repeats (least disturbed by the machine); peak memory is measured in
a separate run under tracemalloc (numpy and pandas report their buffers to it), because
tracing slows Python code down and would distort the time.
"""

from __future__ import annotations

import gc
import time
import tracemalloc
from collections.abc import Callable

import numpy as np
import pandas as pd

from benchmarks.common import Config, Row
from benchmarks.common import verdict as judge
from storage.summaries import COUNTS, summarise

NAME = "summaries"
MAX_RATIO = 2.0
MAX_GROWTH = 1.5  # time per row at the largest size ≤ 1.5× time per row at the smallest: near-linear
PERIODS = [f"{y}-Q{q}" for y in range(2019, 2025) for q in range(1, 5)]  # 24 quarters
ACTIVITIES = [f"Activiteit {i}" for i in range(12)]
GROUPINGS = {"": [""], "wijk": [f"Wijk {i}" for i in range(20)], "leeftijdsgroep": ["0-17", "18-64", "65-79", "80+"]}


def outcome_rows(n: int, seed: int = 7) -> pd.DataFrame:
    """`n` rows shaped like imported outcome data: periods × activities × groups, some gaps."""
    rng = np.random.default_rng(seed)
    kinds = np.array(list(GROUPINGS))
    kind = kinds[rng.integers(0, len(kinds), n)]
    value = np.empty(n, dtype=object)
    for name, values in GROUPINGS.items():
        mask = kind == name
        value[mask] = np.array(values, dtype=object)[rng.integers(0, len(values), int(mask.sum()))]
    reach = rng.integers(0, 200, n).astype("float64")
    goals_set = rng.integers(0, 60, n).astype("float64")
    respondents = rng.integers(0, 50, n).astype("float64")
    frame = pd.DataFrame({
        "period": np.array(PERIODS, dtype=object)[rng.integers(0, len(PERIODS), n)],
        "activity": np.array(ACTIVITIES, dtype=object)[rng.integers(0, len(ACTIVITIES), n)],
        "group_kind": kind.astype(object),
        "group_value": value,
        "reach": reach,
        "potential_reach": np.where(rng.random(n) < 0.8, reach * 3 + 10, np.nan),
        "goals_set": goals_set,
        "goals_attained": np.floor(goals_set * rng.random(n)),
        "respondents": respondents,
        "satisfaction_mean": np.where(rng.random(n) < 0.9, rng.uniform(5, 9, n).round(1), np.nan),
        "satisfied": np.floor(respondents * rng.random(n)),
    })
    frame.loc[rng.random(n) < 0.05, "reach"] = np.nan  # missing cells, as in real files
    return frame


def bare_groupby(rows: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The same sums without anything else: per cell, then per period and per period × group."""
    cells = rows.groupby(["period", "activity", "group_kind", "group_value"], sort=False)[COUNTS].sum(min_count=1)
    cells = cells.reset_index()
    totals = cells[cells["group_kind"] == ""].groupby("period", sort=False)[COUNTS].sum(min_count=1)
    groups = cells[cells["group_kind"] != ""].groupby(["period", "group_kind", "group_value"],
                                                      sort=False)[COUNTS].sum(min_count=1)
    return totals, groups


def _best_time(fn: Callable[[], object], repeats: int) -> float:
    best = float("inf")
    for _ in range(repeats):
        gc.collect()
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def _peak_bytes(fn: Callable[[], object]) -> int:
    gc.collect()
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def run(config: Config) -> list[Row]:
    sizes = [10_000] if config.smoke else [10_000, 100_000, 1_000_000]
    rows: list[Row] = []
    per_row: dict[int, float] = {}
    for n in sizes:
        frame = outcome_rows(n)
        repeats = 1 if config.smoke else (5 if n <= 100_000 else 3)
        ours = _best_time(lambda f=frame: summarise(f, outcome="Minder eenzame ouderen"), repeats)
        bare = _best_time(lambda f=frame: bare_groupby(f), repeats)
        ours_peak = _peak_bytes(lambda f=frame: summarise(f, outcome="Minder eenzame ouderen"))
        bare_peak = _peak_bytes(lambda f=frame: bare_groupby(f))
        per_row[n] = ours / n
        ratio = ours / bare
        growth = per_row[n] / per_row[sizes[0]]
        ok = ratio <= MAX_RATIO and growth <= MAX_GROWTH
        rows.append(Row(
            NAME, f"{n:,} rows".replace(",", "."),
            f"{ours * 1000:.1f} ms, peak {ours_peak / 2**20:.1f} MiB; per row ×{growth:.2f} vs 10k",
            floor=f"groupby {bare * 1000:.1f} ms, peak {bare_peak / 2**20:.1f} MiB", ratio=ratio,
            target=f"≤ {MAX_RATIO:g}× groupby, per row ≤ {MAX_GROWTH:g}× 10k", verdict=judge(ok, config),
            details={"rows": n, "seconds": ours, "bare_seconds": bare, "peak_bytes": ours_peak,
                     "bare_peak_bytes": bare_peak, "memory_ratio": ours_peak / bare_peak if bare_peak else None,
                     "per_row_growth_vs_smallest": growth, "repeats": repeats},
        ))
    return rows
