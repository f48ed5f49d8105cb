"""Bundled CBS/RIVM context data: figures recomputed here straight from the CSV files."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

from storage.context import potential_reach
from storage.context.cbs import POPULATION_FILE, kwb_series
from storage.context.rivm import HEALTH_FILE, loneliness_by_wijk

BUNDLED = Path(__file__).resolve().parents[3] / "storage" / "context"


def _hand_sum(gemeente: str, bands: set[str], postcodes: set[str] | None = None) -> int:
    with (BUNDLED / POPULATION_FILE).open(encoding="utf-8") as fh:
        return sum(int(r["inwoners"]) for r in csv.DictReader(fh)
                   if r["gemeente"] == gemeente and r["leeftijd"] in bands
                   and (postcodes is None or r["postcode"] in postcodes))


OLD = {"65-69", "70-74", "75-79", "80-84", "85-89", "90-94", "95+"}


def test_potential_reach_65_plus_ooststellingwerf_matches_the_age_bands():
    figure = potential_reach("Ooststellingwerf", 65)
    assert figure.value == _hand_sum("Ooststellingwerf", OLD)
    assert figure.source == "Bron: CBS, Bevolking; leeftijd, postcode (83502NED), 1 januari 2021"
    assert figure.licence == "CC BY 4.0"
    assert figure.label == "Inwoners van 65 jaar en ouder in Ooststellingwerf, 1 januari 2021"
    assert not figure.approximate and figure.year == 2021


def test_potential_reach_by_postcode_and_age_range():
    figure = potential_reach("ooststellingwerf", 65, 79, postcodes=["8431"])
    assert figure.value == _hand_sum("Ooststellingwerf", {"65-69", "70-74", "75-79"}, {"8431"})
    assert "postcode 8431" in figure.label


def test_age_bounds_off_the_band_edges_are_widened_and_said():
    figure = potential_reach("Staphorst", 18, 64)
    assert figure.approximate and figure.details["min_age"] == 15
    assert "15 tot en met 64" in figure.label


def test_unknown_gemeente_is_an_error():
    with pytest.raises(KeyError):
        potential_reach("Atlantis", 65)


def test_loneliness_by_wijk_with_national_benchmark():
    rows = loneliness_by_wijk("Ooststellingwerf")
    with (BUNDLED / HEALTH_FILE).open(encoding="utf-8") as fh:
        raw = [r for r in csv.DictReader(fh) if r["leeftijdsgroep"] == "65+"]
    wijken = [r for r in raw if r["gemeentenaam"] == "Ooststellingwerf" and r["soort_regio"] == "Wijk"]
    national = {r["jaar"]: float(r["Eenzaam_28"]) for r in raw if r["soort_regio"] == "Land"}
    assert len(rows) == len(wijken) == 39
    first = next(r for r in rows if r.regiocode == "WK008501" and r.year == 2020)
    assert first.value == 47.1 and first.nederland == national["2020"] == 49.5
    assert {r.year for r in rows} == {2012, 2016, 2020}
    assert first.source.startswith("Bron: RIVM/GGD'en/CBS, Gezondheidsmonitor")


def test_kwb_series_skips_unpublished_years():
    series = kwb_series("wmo_clienten")
    assert [f.year for f in series] == list(range(2018, 2025))
    assert series[-1].value == 9515 and series[-1].source == "Bron: CBS, Kerncijfers wijken en buurten 2024"


def test_bot_context_dir_overrides_a_file(tmp_path, monkeypatch):
    shutil.copy(BUNDLED / POPULATION_FILE, tmp_path / POPULATION_FILE)
    text = (tmp_path / POPULATION_FILE).read_text(encoding="utf-8")
    lines = text.splitlines()
    lines = [lines[0]] + [ln.replace("2021-01-01", "2025-01-01") for ln in lines[1:]]
    (tmp_path / POPULATION_FILE).write_text("\n".join(lines) + "\n", encoding="utf-8")
    monkeypatch.setenv("BOT_CONTEXT_DIR", str(tmp_path))
    figure = potential_reach("Ooststellingwerf", 65)
    assert figure.year == 2025 and "1 januari 2025" in figure.source
    assert loneliness_by_wijk("Ooststellingwerf")  # RIVM file not in the folder: bundled copy used
