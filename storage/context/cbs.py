"""CBS figures: residents per postcode (PC4) and 5-year age band, and KWB figures for Almere.

Why PC4 x age band: *potential reach* is "how many residents could this activity reach",
e.g. everyone aged 65+ in the gemeente or in the postcode areas an activity serves. CBS table
83502NED gives exactly that, per 1 January 2021, rounded by CBS to multiples of 5.

Age bounds that do not fall on a 5-year band edge (say 18+) cannot be answered exactly; we
then count the whole bands that overlap, say so in the label ("15 jaar en ouder") and set
`approximate=True` rather than guessing silently.

Loading a newer CBS export: produce a CSV with the same name and columns (peildatum, gemeente,
provincie, plaats, postcode, leeftijd, inwoners, inwoners_man, inwoners_vrouw; leeftijd as
'0-4' ... '95+') and point BOT_CONTEXT_DIR at its folder. See docs/context-data.md.
"""

from __future__ import annotations

import re

import pandas as pd

from storage.context import ContextFigure, read_context_csv
from storage.importing.columns import normalise

POPULATION_FILE = "cbs_bevolking_pc4_leeftijd_geslacht_2021_7gemeenten.csv"
KWB_ALMERE_FILE = "cbs_kwb_almere_2018_2025_leeftijd_wmo_jeugdzorg.csv"
CBS_LICENCE = "CC BY 4.0"
_MONTHS_NL = ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september",
              "oktober", "november", "december"]
_MONTHS_EN = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
              "October", "November", "December"]
_SEX_COLUMN = {None: "inwoners", "man": "inwoners_man", "vrouw": "inwoners_vrouw", "male": "inwoners_man",
               "female": "inwoners_vrouw", "mannen": "inwoners_man", "vrouwen": "inwoners_vrouw"}


def load_population() -> pd.DataFrame:
    """The population table with `age_from`/`age_to` (None for the open top band) added."""
    frame = read_context_csv(POPULATION_FILE)
    bounds = frame["leeftijd"].astype(str).map(_band_bounds)
    frame["age_from"] = bounds.map(lambda b: b[0]).astype("int64")
    frame["age_to"] = bounds.map(lambda b: b[1]).astype("Int64")
    frame["postcode"] = frame["postcode"].astype(str).str.strip()
    frame["_gemeente"] = frame["gemeente"].map(normalise)
    return frame


def _band_bounds(label: str) -> tuple[int, int | None]:
    match = re.fullmatch(r"\s*(\d+)\s*(?:-\s*(\d+)|\+)\s*", label)
    if not match:
        raise ValueError(f"unknown age band {label!r} in {POPULATION_FILE}")
    return int(match.group(1)), (int(match.group(2)) if match.group(2) else None)


def gemeenten() -> list[str]:
    """The gemeenten the population file covers."""
    return sorted(load_population()["gemeente"].unique().tolist())


def _select_gemeente(frame: pd.DataFrame, gemeente: str, column: str = "_gemeente") -> pd.DataFrame:
    part = frame[frame[column] == normalise(gemeente)]
    if part.empty:
        known = ", ".join(sorted(frame[column.lstrip("_") if column == "_gemeente" else column].unique()))
        raise KeyError(f"no CBS figures for gemeente {gemeente!r}; available: {known}")
    return part


def _date_text(peildatum: str, months: list[str]) -> tuple[str, int]:
    year, month, day = (int(x) for x in str(peildatum)[:10].split("-"))
    return f"{day} {months[month - 1]} {year}", year


def _age_text(low: int, high: int | None, lang: str) -> str:
    if lang == "en":
        return f"aged {low} and over" if high is None else f"aged {low} to {high}"
    return f"van {low} jaar en ouder" if high is None else f"van {low} tot en met {high} jaar"


def potential_reach(gemeente: str, min_age: int = 0, max_age: int | None = None,
                    postcodes: list[str] | None = None, sex: str | None = None) -> ContextFigure:
    """Residents of `gemeente` aged min_age..max_age (inclusive; None = no upper bound) on the peildatum.

    `postcodes` limits to PC4 areas ('8431'); `sex` to 'man' or 'vrouw'. Bands that only partly
    overlap the asked ages are counted whole, and the figure says so (approximate=True).
    """
    if sex not in _SEX_COLUMN:
        raise ValueError(f"sex must be one of 'man', 'vrouw' or None, not {sex!r}")
    if max_age is not None and max_age < min_age:
        raise ValueError("max_age is below min_age")
    frame = _select_gemeente(load_population(), gemeente)
    name = frame["gemeente"].iloc[0]
    if postcodes:
        wanted = {str(p).strip()[:4] for p in postcodes}
        unknown = wanted - set(frame["postcode"])
        if unknown:
            raise KeyError(f"postcodes not in {name}: {', '.join(sorted(unknown))}")
        frame = frame[frame["postcode"].isin(wanted)]
    band_top = frame["age_to"].astype("float64").fillna(float("inf"))
    overlaps = band_top >= min_age
    if max_age is not None:
        overlaps &= frame["age_from"] <= max_age
    chosen = frame[overlaps]
    low = int(chosen["age_from"].min()) if not chosen.empty else min_age
    top = chosen["age_to"].astype("float64")
    high = None if chosen.empty or top.isna().any() else int(top.max())
    if max_age is None:
        high = None
    approximate = low != min_age or (max_age is not None and high != max_age)
    value = int(chosen[_SEX_COLUMN[sex]].sum())
    date_nl, year = _date_text(frame["peildatum"].iloc[0], _MONTHS_NL)
    date_en, _ = _date_text(frame["peildatum"].iloc[0], _MONTHS_EN)
    where_nl = f"in {name}"
    where_en = f"in {name}"
    if postcodes:
        codes = ", ".join(sorted({str(p).strip()[:4] for p in postcodes}))
        where_nl += f" (postcode {codes})"
        where_en += f" (postcode {codes})"
    who_nl = {None: "Inwoners", "man": "Mannen", "mannen": "Mannen", "male": "Mannen",
              "vrouw": "Vrouwen", "vrouwen": "Vrouwen", "female": "Vrouwen"}[sex]
    who_en = {"Inwoners": "Residents", "Mannen": "Men", "Vrouwen": "Women"}[who_nl]
    return ContextFigure(
        value=value,
        label=f"{who_nl} {_age_text(low, high, 'nl')} {where_nl}, {date_nl}",
        label_en=f"{who_en} {_age_text(low, high, 'en')} {where_en}, {date_en}",
        source=f"Bron: CBS, Bevolking; leeftijd, postcode (83502NED), {date_nl}",
        licence=CBS_LICENCE,
        unit="inwoners",
        year=year,
        approximate=approximate,
        details={"gemeente": name, "min_age": low, "max_age": high, "asked_min_age": min_age,
                 "asked_max_age": max_age, "postcodes": sorted(frame["postcode"].unique().tolist()),
                 "bands": sorted(chosen["leeftijd"].unique().tolist(), key=lambda b: _band_bounds(b)[0])},
    )


# ---- Kerncijfers wijken en buurten (Almere) -----------------------------------------------------

KWB_LABELS: dict[str, tuple[str, str]] = {
    "inwoners": ("Inwoners", "Residents"),
    "leeftijd_65_plus": ("Inwoners van 65 jaar en ouder", "Residents aged 65 and over"),
    "huishoudens": ("Huishoudens", "Households"),
    "eenpersoonshuishoudens": ("Eenpersoonshuishoudens", "Single-person households"),
    "wmo_clienten": ("Wmo-cliënten", "Wmo clients"),
    "wmo_clienten_per_1000_inwoners": ("Wmo-cliënten per 1.000 inwoners", "Wmo clients per 1,000 residents"),
    "jongeren_met_jeugdzorg_in_natura": ("Jongeren met jeugdzorg in natura", "Young people in youth care"),
    "pct_jongeren_met_jeugdzorg": ("Jongeren met jeugdzorg (%)", "Young people in youth care (%)"),
    "aow_uitkeringen": ("AOW-uitkeringen", "State pension benefits"),
    "bijstandsuitkeringen": ("Bijstandsuitkeringen", "Social assistance benefits"),
}


def load_kwb() -> pd.DataFrame:
    """The KWB table (Almere, 2018-2025, gemeente/wijk/buurt)."""
    return read_context_csv(KWB_ALMERE_FILE)


def kwb_series(variable: str, regiocode: str = "GM0034") -> list[ContextFigure]:
    """One KWB variable per year for one region (empty cells = not published, skipped)."""
    if variable not in KWB_LABELS:
        raise KeyError(f"unknown KWB variable {variable!r}; known: {', '.join(KWB_LABELS)}")
    frame = load_kwb()
    part = frame[frame["regiocode"].astype(str) == regiocode].sort_values("jaar")
    if part.empty:
        raise KeyError(f"no KWB figures for region {regiocode!r}")
    label_nl, label_en = KWB_LABELS[variable]
    figures = []
    for year, value, name in part[["jaar", variable, "gemeentenaam"]].itertuples(index=False):
        if pd.isna(value):
            continue
        number = float(value) if variable.startswith("pct_") else int(value)
        figures.append(ContextFigure(
            value=number, label=f"{label_nl}, {name} ({regiocode}), {year}",
            label_en=f"{label_en}, {name} ({regiocode}), {year}",
            source=f"Bron: CBS, Kerncijfers wijken en buurten {year}", licence=CBS_LICENCE,
            unit="%" if variable.startswith("pct_") else "", year=int(year),
            details={"regiocode": regiocode, "variable": variable},
        ))
    return figures
