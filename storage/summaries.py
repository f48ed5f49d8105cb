"""Summaries of outcome data per outcome and period, safe to show to a group.

What a summary holds: reach, reach as a share of potential reach, goal attainment rate,
satisfaction (mean and share satisfied), the change against the previous period, the same per
group with groups that *differ notably* marked, and up to three stories. Plain dataclasses:
a renderer (Block Kit, chart, CLI) only formats.

Rules (also in docs/data-format.md):

* **Which rows make the total.** Per period and activity, rows without a group (or 'Totaal')
  are the total. When an activity has only group rows, the rows of one grouping (the first
  kind alphabetically, e.g. 'geslacht' before 'wijk') are summed, so that a file with both wijk
  and leeftijdsgroep rows is not counted twice. The period total adds up its activities.
* **Potential reach** comes from the data where rows have it; otherwise from a context figure
  (e.g. CBS residents 65+), whose source is then named.
* **Rates** are sums over rows, not means of rates: attainment = sum(doelen behaald) /
  sum(doelen gesteld); share satisfied = sum(tevreden) / sum(respondenten); mean satisfaction is
  weighted by respondenten.
* **Previous period**: the latest earlier period of the same kind (quarter, month, half year,
  year) in the data.
* **Suppression.** A count from 1 to threshold-1 (default 5) is shown as "<5", and its value is
  *not* kept in the result, so it cannot leak through any renderer. A rate or mean is suppressed
  when its denominator is below the threshold or its numerator is suppressed; a share of
  potential reach when reach is suppressed; a change when either side is suppressed. Within one
  grouping, when exactly one group is suppressed for a count, the next smallest group is
  suppressed as well (otherwise total minus the others gives the hidden number back), together
  with the rates that use that count. Zero is shown: nobody can be recognised in "nobody".
* **Changes and differences** are computed between the figures as shown (whole percents, means
  to one decimal, both rounded half up): 38% against 63% is −25 points, whatever the decimals.
* **Differs notably**: a group whose attainment rate (or share satisfied) differs by at least
  `notable_pp` (default 10) percentage points from the period total, with at least
  `min_group_n` (default 10) goals set (or respondents) in the group, and both rates shown.

All arithmetic is vectorised (groupby on the whole frame); only the handful of resulting
groups is looped over, never the data rows.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pandas as pd

from storage.importing.validate import period_kind, period_sort_key

COUNTS = ["reach", "potential_reach", "goals_set", "goals_attained", "respondents", "satisfied"]
_HELPERS = ["_sat_weighted", "_sat_n", "_reach_with_potential", "_set_with_attained", "_resp_with_satisfied"]
_KEYS = ["period", "activity", "group_kind", "group_value"]


@dataclass(frozen=True)
class SummaryOptions:
    threshold: int = 5  # counts 1..threshold-1 are shown as "<threshold"
    notable_pp: float = 10.0  # percentage points from the total that make a group "differ notably"
    min_group_n: int = 10  # a group needs this many goals set / respondents to be marked
    max_stories: int = 3


def _fmt_int(value: float, lang: str) -> str:
    text = f"{int(round(value)):,}"
    return text.replace(",", ".") if lang != "en" else text


def _fmt_dec(value: float, lang: str) -> str:
    text = f"{value:.1f}"
    return text.replace(".", ",") if lang != "en" else text


def _round_half_up(value: float) -> int:
    return int(math.floor(abs(value) + 0.5)) * (1 if value >= 0 else -1)


@dataclass(frozen=True)
class Figure:
    """A figure that may be suppressed or missing; `value` is None in both cases (no leaks)."""

    value: float | None
    kind: str  # count | percent | mean | delta_count | delta_pp | delta_mean
    suppressed: bool = False
    threshold: int = 5

    @property
    def shown(self) -> bool:
        return self.value is not None

    def text(self, lang: str = "nl") -> str:
        if self.suppressed:
            return f"<{self.threshold}"
        if self.value is None:
            return "–"
        v = self.value
        if self.kind == "count":
            return _fmt_int(v, lang)
        if self.kind == "percent":
            return f"{_round_half_up(v)}%"
        if self.kind == "mean":
            return _fmt_dec(v, lang)
        sign = "+" if v > 0 else ("−" if v < 0 else "±")
        if self.kind == "delta_count":
            return f"{sign}{_fmt_int(abs(v), lang)}"
        if self.kind == "delta_pp":
            unit = " pp" if lang == "en" else " %-punt"
            return f"{sign}{abs(_round_half_up(v))}{unit}"
        return f"{sign}{_fmt_dec(abs(v), lang)}"


def _missing(kind: str, t: int) -> Figure:
    return Figure(None, kind, False, t)


def _count(value: object, t: int) -> Figure:
    if value is None or pd.isna(value):
        return _missing("count", t)
    value = float(value)
    if 0 < value < t:
        return Figure(None, "count", True, t)
    return Figure(value, "count", False, t)


def _rate(num: object, den: object, t: int, hidden: bool = False) -> Figure:
    if den is None or pd.isna(den) or float(den) == 0 or num is None or pd.isna(num):
        return _missing("percent", t)
    if hidden or float(den) < t or 0 < float(num) < t:
        return Figure(None, "percent", True, t)
    return Figure(100.0 * float(num) / float(den), "percent", False, t)


def _mean(weighted: object, n: object, t: int, hidden: bool = False) -> Figure:
    if n is None or pd.isna(n) or float(n) == 0 or weighted is None or pd.isna(weighted):
        return _missing("mean", t)
    if hidden or float(n) < t:
        return Figure(None, "mean", True, t)
    return Figure(float(weighted) / float(n), "mean", False, t)


def _as_shown(fig: Figure) -> float:
    """The value as people read it: a whole percent, a mean with one decimal (both half up)."""
    if fig.kind == "percent":
        return float(_round_half_up(float(fig.value)))  # type: ignore[arg-type]
    if fig.kind == "mean":
        return float(Decimal(repr(float(fig.value))).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))  # type: ignore[arg-type]
    return float(fig.value)  # type: ignore[arg-type]


def _delta(now: Figure, before: Figure | None, kind: str) -> Figure:
    """The change between two figures *as shown*: 38% against 63% is −25 points, not the −26 of
    the unrounded values, so a reader who subtracts the shown figures finds the same change."""
    t = now.threshold
    if before is None or (not now.shown and not now.suppressed) or (not before.shown and not before.suppressed):
        return _missing(kind, t)
    if now.suppressed or before.suppressed:
        return Figure(None, kind, True, t)
    return Figure(_as_shown(now) - _as_shown(before), kind, False, t)


@dataclass
class Figures:
    """The figures of one period (total or group)."""

    reach: Figure
    potential_reach: Figure
    reach_share: Figure
    goals_set: Figure
    goals_attained: Figure
    attainment_rate: Figure
    respondents: Figure
    satisfied: Figure
    share_satisfied: Figure
    satisfaction_mean: Figure


@dataclass
class GroupSummary:
    kind: str  # wijk | leeftijdsgroep | geslacht | ...
    value: str
    figures: Figures
    differs: bool = False
    reasons: list[str] = field(default_factory=list)  # attainment_higher/lower, satisfied_higher/lower
    attainment_diff: Figure | None = None
    satisfied_diff: Figure | None = None


@dataclass(frozen=True)
class StoryPick:
    text: str
    period: str
    group_value: str = ""
    activity: str = ""


@dataclass
class PeriodSummary:
    """Everything a renderer needs for one outcome and period."""

    period: str
    outcome: str | None
    figures: Figures
    previous_period: str | None
    previous: Figures | None
    change: dict[str, Figure]
    groups: list[GroupSummary]
    stories: list[StoryPick]
    threshold: int
    potential_from: str | None  # 'data' | 'context' | None
    potential_label: str | None = None
    sources: list[str] = field(default_factory=list)
    satisfaction_scale: int | None = None
    activities: list[str] = field(default_factory=list)

    @property
    def notable_groups(self) -> list[GroupSummary]:
        return [g for g in self.groups if g.differs]

    def to_dict(self, lang: str = "nl") -> dict:
        """Plain data with each figure as {value, text, suppressed}; suppressed values are None."""
        def convert(obj: object) -> object:
            if isinstance(obj, Figure):
                return {"value": obj.value, "text": obj.text(lang), "suppressed": obj.suppressed}
            if isinstance(obj, Figures):
                return {k: convert(v) for k, v in obj.__dict__.items()}
            if isinstance(obj, GroupSummary | StoryPick):
                return {k: convert(v) for k, v in obj.__dict__.items()}
            if isinstance(obj, dict):
                return {k: convert(v) for k, v in obj.items()}
            if isinstance(obj, list):
                return [convert(v) for v in obj]
            return obj
        return {k: convert(v) for k, v in self.__dict__.items()}


# ---- aggregation --------------------------------------------------------------------------------


def prepare(rows: pd.DataFrame) -> pd.DataFrame:
    """Typed columns plus the helper sums (weighted satisfaction, paired counts)."""
    frame = pd.DataFrame({
        "period": rows["period"].astype(str),
        "activity": rows.get("activity", pd.Series("", index=rows.index)).fillna("").astype(str),
        "group_kind": rows.get("group_kind", pd.Series("", index=rows.index)).fillna("").astype(str),
        "group_value": rows.get("group_value", pd.Series("", index=rows.index)).fillna("").astype(str),
    })
    for name in [*COUNTS, "satisfaction_mean"]:
        column = rows[name] if name in rows else pd.Series(np.nan, index=rows.index)
        frame[name] = pd.to_numeric(column, errors="coerce").astype("float64")
    mean, resp = frame["satisfaction_mean"], frame["respondents"]
    frame["_sat_weighted"] = (mean * resp).where(mean.notna() & resp.notna())
    frame["_sat_n"] = resp.where(mean.notna())
    frame["_reach_with_potential"] = frame["reach"].where(frame["potential_reach"].notna())
    frame["_set_with_attained"] = frame["goals_set"].where(frame["goals_attained"].notna())
    frame["_resp_with_satisfied"] = resp.where(frame["satisfied"].notna())
    return frame.drop(columns="satisfaction_mean")


def _sum(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    return frame.groupby(keys, sort=False, observed=True)[COUNTS + _HELPERS].sum(min_count=1)


def aggregate(frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(totals per period, totals per period x group_kind x group_value). See module rules."""
    cells = _sum(frame, _KEYS).reset_index()
    by_kind = _sum(cells, ["period", "activity", "group_kind"]).reset_index()
    first_kind = by_kind.groupby(["period", "activity"], sort=False)["group_kind"].transform("min")
    totals = _sum(by_kind[by_kind["group_kind"] == first_kind], ["period"])
    grouped = cells[cells["group_kind"] != ""]
    groups = _sum(grouped, ["period", "group_kind", "group_value"])
    return totals, groups


def _figures(row: pd.Series | None, t: int, potential: float | None = None,
             hidden: Iterable[str] = ()) -> Figures:
    """Figures of one aggregated row; `hidden` names counts suppressed by the secondary rule."""
    hidden = set(hidden)
    get = (lambda k: None) if row is None else row.get  # noqa: E731

    def count(name: str) -> Figure:
        return Figure(None, "count", True, t) if name in hidden else _count(get(name), t)

    reach = count("reach")
    pot_value = get("potential_reach")
    reach_for_share = get("_reach_with_potential")
    if potential is not None and (pot_value is None or pd.isna(pot_value)):
        pot_value, reach_for_share = potential, get("reach")
    potential_fig = _count(pot_value, t)
    share = _rate(reach_for_share, pot_value, t, hidden="reach" in hidden)
    if reach.suppressed:
        share = Figure(None, "percent", True, t)
    return Figures(
        reach=reach,
        potential_reach=potential_fig,
        reach_share=share,
        goals_set=count("goals_set"),
        goals_attained=count("goals_attained"),
        attainment_rate=_rate(get("goals_attained"), get("_set_with_attained"), t,
                              hidden=bool({"goals_set", "goals_attained"} & hidden)),
        respondents=count("respondents"),
        satisfied=count("satisfied"),
        share_satisfied=_rate(get("satisfied"), get("_resp_with_satisfied"), t,
                              hidden=bool({"respondents", "satisfied"} & hidden)),
        satisfaction_mean=_mean(get("_sat_weighted"), get("_sat_n"), t, hidden="respondents" in hidden),
    )


def _secondary(groups: pd.DataFrame, t: int) -> dict[tuple[str, str], set[str]]:
    """Per (kind, value): counts to hide so a single '<5' cannot be found back by subtraction."""
    hidden: dict[tuple[str, str], set[str]] = {}
    if groups.empty:
        return hidden
    for kind, part in groups.groupby("group_kind", sort=False):
        for name in ("reach", "goals_set", "goals_attained", "respondents", "satisfied"):
            values = part[name]
            small = (values > 0) & (values < t)
            if int(small.sum()) != 1:
                continue
            candidates = values[~small & (values > 0)]
            if candidates.empty:
                continue
            victim = candidates.idxmin()
            hidden.setdefault((str(kind), str(part.loc[victim, "group_value"])), set()).add(name)
    return hidden


def _previous(periods: list[str], period: str) -> str | None:
    kind = period_kind(period)
    earlier = [p for p in periods if period_kind(p) == kind and period_sort_key(p) < period_sort_key(period)]
    return max(earlier, key=period_sort_key) if earlier else None


def _pp(a: Figure, b: Figure) -> Figure:
    return _delta(a, b, "delta_pp")


def summarise(rows: pd.DataFrame, period: str | None = None, *, outcome: str | None = None,
              stories: pd.DataFrame | None = None, context_potential=None,
              options: SummaryOptions | None = None, satisfaction_scale: int | None = None,
              data_source: str | None = None) -> PeriodSummary | None:
    """Summary of `period` (default: the latest) from outcome rows; None when there are no rows.

    `rows` has the OutcomeRow columns (period, activity, group_kind, group_value, reach, ...).
    `context_potential` is a ContextFigure used for potential reach when the data have none.
    """
    options = options or SummaryOptions()
    t = options.threshold
    if rows is None or rows.empty:
        return None
    frame = prepare(rows)
    totals, groups = aggregate(frame)
    periods = sorted(totals.index.tolist(), key=period_sort_key)
    if period is None:
        period = periods[-1]
    if period not in totals.index:
        return None
    before = _previous(periods, period)
    data_has_potential = pd.notna(totals.loc[period, "potential_reach"])
    context_value = None
    if not data_has_potential and context_potential is not None and context_potential.value:
        context_value = float(context_potential.value)
    now = _figures(totals.loc[period], t, context_value)
    prev = _figures(totals.loc[before], t, context_value) if before else None
    change: dict[str, Figure] = {}
    if prev is not None:
        change = {
            "reach": _delta(now.reach, prev.reach, "delta_count"),
            "reach_share": _pp(now.reach_share, prev.reach_share),
            "attainment_rate": _pp(now.attainment_rate, prev.attainment_rate),
            "share_satisfied": _pp(now.share_satisfied, prev.share_satisfied),
            "satisfaction_mean": _delta(now.satisfaction_mean, prev.satisfaction_mean, "delta_mean"),
        }

    group_rows = groups.loc[period].reset_index() if period in groups.index.get_level_values(0) else None
    group_list = _group_summaries(group_rows, totals.loc[period], options)

    sources = [data_source or "Bron: gegevens van de organisatie"]
    potential_from = "data" if data_has_potential else ("context" if context_value else None)
    potential_label = None
    if potential_from == "context":
        sources.append(f"{context_potential.source} ({context_potential.licence})")
        potential_label = context_potential.label
    activities = sorted(frame.loc[frame["period"] == period, "activity"].unique().tolist())
    return PeriodSummary(
        period=period, outcome=outcome, figures=now, previous_period=before, previous=prev, change=change,
        groups=group_list, stories=pick_stories(stories, period, group_list, options.max_stories),
        threshold=t, potential_from=potential_from, potential_label=potential_label, sources=sources,
        satisfaction_scale=satisfaction_scale, activities=[a for a in activities if a],
    )


def _group_summaries(group_rows: pd.DataFrame | None, total: pd.Series,
                     options: SummaryOptions) -> list[GroupSummary]:
    if group_rows is None or group_rows.empty:
        return []
    t = options.threshold
    hidden = _secondary(group_rows, t)
    total_att = _rate(total.get("goals_attained"), total.get("_set_with_attained"), t)
    total_sat = _rate(total.get("satisfied"), total.get("_resp_with_satisfied"), t)
    result = []
    for _, row in group_rows.sort_values(["group_kind", "group_value"]).iterrows():
        key = (str(row["group_kind"]), str(row["group_value"]))
        figures = _figures(row, t, hidden=hidden.get(key, ()))
        summary = GroupSummary(kind=key[0], value=key[1], figures=figures)
        summary.attainment_diff = _pp(figures.attainment_rate, total_att)
        summary.satisfied_diff = _pp(figures.share_satisfied, total_sat)
        for name, diff, n in (("attainment", summary.attainment_diff, row.get("_set_with_attained")),
                              ("satisfied", summary.satisfied_diff, row.get("_resp_with_satisfied"))):
            if diff.shown and pd.notna(n) and n >= options.min_group_n and abs(diff.value) >= options.notable_pp:
                summary.differs = True
                summary.reasons.append(f"{name}_{'higher' if diff.value > 0 else 'lower'}")
        result.append(summary)
    return result


def pick_stories(stories: pd.DataFrame | None, period: str, groups: list[GroupSummary],
                 limit: int = 3) -> list[StoryPick]:
    """Up to `limit` stories of the period: first from groups that differ, then one per other group,
    then the rest in file order (variety over volume: three voices, not three of the same)."""
    if stories is None or stories.empty or limit <= 0:
        return []
    part = stories[stories["period"] == period].copy()
    if part.empty:
        return []
    part["group_value"] = part.get("group_value", pd.Series("", index=part.index)).fillna("").astype(str)
    part["activity"] = part.get("activity", pd.Series("", index=part.index)).fillna("").astype(str)
    notable = {g.value.casefold() for g in groups if g.differs}
    part["_g"] = part["group_value"].str.casefold()
    part["_order"] = np.arange(len(part))
    part["_rank"] = np.where(part["_g"].isin(notable), 0, 1)
    part["_first_of_group"] = ~part.duplicated("_g")
    part = part.sort_values(["_first_of_group", "_rank", "_order"], ascending=[False, True, True])
    return [StoryPick(text=str(r.text), period=period, group_value=r.group_value, activity=r.activity)
            for r in part.head(limit).itertuples()]


# ---- database --------------------------------------------------------------------------------------


def load_outcome_rows(session, outcome_id: int) -> pd.DataFrame:
    """All OutcomeRows of an outcome as a DataFrame (one query)."""
    from sqlalchemy import select

    from storage.models.data import OutcomeRow

    names = ["period", "activity", "group_kind", "group_value", *COUNTS, "satisfaction_mean"]
    result = session.execute(select(*[getattr(OutcomeRow, n) for n in names])
                             .where(OutcomeRow.outcome_id == outcome_id))
    return pd.DataFrame(result.all(), columns=names)


def load_stories(session, outcome_id: int) -> pd.DataFrame:
    from sqlalchemy import select

    from storage.models.data import Story

    names = ["period", "activity", "group_value", "text"]
    result = session.execute(select(*[getattr(Story, n) for n in names]).where(Story.outcome_id == outcome_id)
                             .order_by(Story.id))
    return pd.DataFrame(result.all(), columns=names)


def summary_for_outcome(db, outcome_id: int, period: str | None = None, *, context_potential=None,
                        options: SummaryOptions | None = None) -> PeriodSummary | None:
    """Load an outcome's rows and stories and summarise one period (default: the latest)."""
    from sqlalchemy import select

    from storage.models.conversation import Outcome
    from storage.models.data import DataSet

    with db.reader() as session:
        outcome = session.get(Outcome, outcome_id)
        name = outcome.name if outcome else None
        rows = load_outcome_rows(session, outcome_id)
        stories = load_stories(session, outcome_id)
        metas = session.execute(select(DataSet.meta).where(DataSet.outcome_id == outcome_id)
                                .order_by(DataSet.id.desc())).scalars().all()
        scales = [m.get("satisfaction_scale") for m in metas if m and m.get("kind") == "outcome"]
    return summarise(rows, period, outcome=name, stories=stories,
                     context_potential=context_potential, options=options,
                     satisfaction_scale=next((s for s in scales if s), None))


def summary_dict(summary: PeriodSummary, lang: str = "nl") -> dict:
    """Alias of `summary.to_dict(lang)` for callers that prefer a function."""
    return summary.to_dict(lang)


__all__ = [
    "Figure",
    "Figures",
    "GroupSummary",
    "PeriodSummary",
    "StoryPick",
    "SummaryOptions",
    "aggregate",
    "load_outcome_rows",
    "load_stories",
    "pick_stories",
    "summarise",
    "summary_for_outcome",
    "summary_dict",
]
