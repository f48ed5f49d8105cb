"""RIVM health figures per gemeente and wijk (2012, 2016, 2020) with the Nederland benchmark.

Why: the first question of the `zonder-data` flow is "what do we know about this theme in our
community?". For loneliness among older residents the RIVM small-area estimates give, per
wijk, the share of residents of 65+ who are lonely (Eenzaam_28) in three years, next to the
national figure. They are *model estimates* (kleine-domeinschattingen), not counts; the label
says so. The file has CBS wijk codes, not names.

Licence: RIVM publishes these on statline.rivm.nl (table 50090NED); the licence could not be
confirmed from stored material (see PROVENANCE.txt), so the attribution is always shown.
Newer export: same file name and columns in BOT_CONTEXT_DIR (see docs/context-data.md).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from storage.context import read_context_csv
from storage.importing.columns import normalise

HEALTH_FILE = "rivm_gezondheid_wijk_buurt_2012_2016_2020_7gemeenten.csv"
RIVM_LICENCE = "open overheidsdata, bronvermelding verplicht (licentie niet bevestigd)"

INDICATORS: dict[str, tuple[str, str]] = {
    "Eenzaam_28": ("eenzaam", "lonely"),
    "ErnstigZeerErnstigEenzaam_29": ("ernstig of zeer ernstig eenzaam", "severely lonely"),
    "EmotioneelEenzaam_30": ("emotioneel eenzaam", "emotionally lonely"),
    "SociaalEenzaam_31": ("sociaal eenzaam", "socially lonely"),
    "MatigVeelRegieOverEigenLeven_27": ("matig of veel regie over eigen leven", "moderate or strong control over life"),
    "ErvarenGezondheidGoedZeerGoed_4": ("ervaren gezondheid goed of zeer goed", "good or very good health"),
    "Mantelzorger_32": ("mantelzorger", "informal carer"),
    "Vrijwilligerswerk_33": ("doet vrijwilligerswerk", "volunteers"),
    "MoeiteMetRondkomen_38": ("moeite met rondkomen", "difficulty making ends meet"),
}


def rivm_source(years: list[int]) -> str:
    listed = "/".join(str(y) for y in sorted(set(years)))
    return (f"Bron: RIVM/GGD'en/CBS, Gezondheidsmonitor Volwassenen en Ouderen, Gezondheid per wijk en buurt "
            f"(50090NED), {listed}")


@dataclass(frozen=True)
class WijkFigure:
    """One indicator for one area and year, with the gemeente and Nederland figures beside it."""

    gemeente: str
    regiocode: str
    level: str  # 'Wijk' | 'Gemeente'
    year: int
    age_group: str
    indicator: str
    value: float | None  # percentage of residents
    gemeente_value: float | None
    nederland: float | None
    label: str
    label_en: str
    source: str
    licence: str = RIVM_LICENCE


def load_health() -> pd.DataFrame:
    frame = read_context_csv(HEALTH_FILE)
    frame["_gemeente"] = frame["gemeentenaam"].map(normalise)
    return frame


def health_indicator(gemeente: str, indicator: str = "Eenzaam_28", age_group: str = "65+",
                     level: str = "Wijk") -> list[WijkFigure]:
    """An indicator per area (`level` 'Wijk' or 'Gemeente') and year, with benchmarks; sorted by code, year."""
    frame = load_health()
    if indicator not in frame.columns:
        raise KeyError(f"unknown RIVM indicator {indicator!r}")
    if age_group not in set(frame["leeftijdsgroep"]):
        raise KeyError(f"unknown age group {age_group!r}; known: {', '.join(sorted(set(frame['leeftijdsgroep'])))}")
    frame = frame[frame["leeftijdsgroep"] == age_group]
    mine = frame[frame["_gemeente"] == normalise(gemeente)]
    if mine.empty:
        known = ", ".join(sorted(set(frame["gemeentenaam"]) - {"Nederland"}))
        raise KeyError(f"no RIVM figures for gemeente {gemeente!r}; available: {known}")
    nl = frame[frame["soort_regio"] == "Land"].set_index("jaar")[indicator]
    gm = mine[mine["soort_regio"] == "Gemeente"].set_index("jaar")[indicator]
    areas = mine[mine["soort_regio"] == level].sort_values(["regiocode", "jaar"])
    name = mine["gemeentenaam"].iloc[0]
    what_nl, what_en = INDICATORS.get(indicator, (indicator, indicator))
    source = rivm_source(areas["jaar"].tolist())

    def num(value: object) -> float | None:
        return None if pd.isna(value) else float(value)

    figures = []
    for code, year, value in areas[["regiocode", "jaar", indicator]].itertuples(index=False):
        figures.append(WijkFigure(
            gemeente=name, regiocode=str(code), level=level, year=int(year), age_group=age_group,
            indicator=indicator, value=num(value), gemeente_value=num(gm.get(year)), nederland=num(nl.get(year)),
            label=f"% inwoners {age_group} dat {what_nl} is, {level.lower()} {code} ({name}), {year} (schatting)",
            label_en=f"% of residents {age_group} {what_en}, {level.lower()} {code} ({name}), {year} (estimate)",
            source=source,
        ))
    return figures


def loneliness_by_wijk(gemeente: str, age_group: str = "65+") -> list[WijkFigure]:
    """Share of lonely residents (Eenzaam_28) per wijk in 2012, 2016, 2020 with gemeente and NL figures."""
    return health_indicator(gemeente, "Eenzaam_28", age_group, level="Wijk")
