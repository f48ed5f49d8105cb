"""The summary chart: a real PNG that everyone can read, and alt text that says what it shows.

Readable by everyone (issue 16 point 5): Okabe–Ito colours only, the value written on each bar
in Dutch number format, labels in the reader's language, the source under the chart, and a
suppressed figure in words instead of a bar.
"""

from __future__ import annotations

import io

import pandas as pd
import pytest
from matplotlib.colors import to_hex
from matplotlib.figure import Figure as MplFigure
from PIL import Image

import bot.report.charts as charts
from storage.context import potential_reach
from storage.summaries import summarise

ROWS = pd.DataFrame([
    {"period": "2024-Q1", "activity": "A", "group_kind": "wijk", "group_value": g, "reach": r, "goals_set": s,
     "goals_attained": a, "respondents": s, "satisfied": a, "satisfaction_mean": 7.0}
    for g, r, s, a in (("Noord", 40, 20, 10), ("Zuid", 60, 30, 27), ("Oost", 50, 25, 15), ("Haven", 3, 3, 2))
] + [{"period": "2023-Q4", "activity": "A", "group_kind": "", "group_value": "", "reach": 80, "goals_set": 40,
      "goals_attained": 20, "respondents": 40, "satisfied": 30, "satisfaction_mean": 7.5}])

OKABE_ITO = {"#000000", "#e69f00", "#56b4e9", "#009e73", "#f0e442", "#0072b2", "#d55e00", "#cc79a7"}
NEUTRALS = {charts.BACKDROP.lower()}


def _summary():
    return summarise(ROWS, outcome="Ouderen doen mee", context_potential=potential_reach("Ooststellingwerf", 65))


def _drawn(monkeypatch, lang: str) -> tuple[bytes, list[str], list[str]]:
    """The PNG, every text on the figure, and the fill colour of every bar."""
    texts: list[str] = []
    colours: list[str] = []
    original = MplFigure.savefig

    def spy(self, *args, **kwargs):
        texts.extend(t.get_text() for t in self.findobj(lambda o: hasattr(o, "get_text")))
        colours.extend(to_hex(p.get_facecolor()) for ax in self.axes for p in ax.patches)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(MplFigure, "savefig", spy)
    return charts.summary_chart(_summary(), lang), texts, colours


def test_png_with_dutch_labels_and_the_source_under_it(monkeypatch):
    png, texts, _ = _drawn(monkeypatch, "nl")
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG" and image.width > 600 and image.height > 300
    joined = "\n".join(texts)
    for label in ("Bereik", "Doelen behaald", "Tevreden", "Doelen behaald per wijk", "valt op",
                  "vorige periode 50%", "153 van 6.265 mogelijke deelnemers", "1e kwartaal 2024",
                  "te weinig om te tonen", "gemiddeld cijfer 7,0"):
        assert label in joined, label
    assert any(t.startswith("Bron: gegevens van de organisatie; CBS, Bevolking") for t in texts)
    assert "Goals" not in joined and "2024-Q1" not in joined
    assert not any(t.strip() in {"1", "2", "3", "4"} for t in texts)  # no small count leaks
    assert not any("<5" in t for t in texts)  # suppressed figures in words, never "<5" (read as "<5%")


def test_every_bar_carries_its_value(monkeypatch):
    _, texts, _ = _drawn(monkeypatch, "nl")
    # Reach 153 of 6.265 is 2%; goals 10 + 27 + 15 + 2 = 54 of 78 is 69%; Oost 15/25 = 60%, Zuid 27/30 = 90%.
    for value in ("2%", "69%", "60%", "90%"):
        assert value in texts, value


def test_only_colour_blind_safe_colours_are_used(monkeypatch):
    _, _, colours = _drawn(monkeypatch, "nl")
    assert colours, "bars were drawn"
    assert set(colours) <= OKABE_ITO | NEUTRALS, set(colours) - OKABE_ITO - NEUTRALS
    assert charts.ORANGE.lower() in colours  # Zuid stands out: a different colour, and bold with "valt op"


def test_english_labels(monkeypatch):
    _, texts, _ = _drawn(monkeypatch, "en")
    joined = "\n".join(texts)
    assert "Goals attained" in joined and "previous period" in joined and "Doelen" not in joined
    assert "Q1 2024" in joined and "153 of 6,265 possible participants" in joined
    assert any(t.startswith("Source: ") for t in texts)


@pytest.mark.parametrize(("lang", "expected"), [
    ("nl", ["Staafdiagram", "Ouderen doen mee", "1e kwartaal 2024", "bereik 2% (153 van 6.265 mogelijke deelnemers)",
            "doelen behaald 69% (vorige periode 50%)", "Zuid 90%", "totaal 69%"]),
    ("en", ["Bar chart", "Q1 2024", "reach 2% (153 of 6,265 possible participants)",
            "goals attained 69% (previous period 50%)", "Zuid 90%", "total 69%"]),
])
def test_alt_text_says_what_the_chart_shows_with_the_key_figures(lang, expected):
    alt = charts.chart_alt_text(_summary(), lang)
    for part in expected:
        assert part in alt, (part, alt)
    assert alt.count(". ") <= 2 and len(alt) <= charts.ALT_MAX
    assert "<" not in alt


def test_alt_text_stays_within_slacks_limit_with_many_groups():
    rows = pd.DataFrame([
        {"period": "2024", "activity": "A", "group_kind": "wijk", "group_value": f"Wijk met een lange naam {i}",
         "reach": 50, "goals_set": 40, "goals_attained": 4 + (i % 2) * 36, "respondents": 40, "satisfied": 20,
         "satisfaction_mean": 7.0}
        for i in range(80)
    ])
    summary = summarise(rows, outcome="Ouderen doen mee")
    assert len(summary.notable_groups) > 30
    alt = charts.chart_alt_text(summary, "nl")
    assert len(alt) <= charts.ALT_MAX and alt.endswith("…")


def test_a_summary_without_figures_still_gets_a_chart_and_alt_text():
    rows = pd.DataFrame([{"period": "2024-03", "activity": "A", "group_kind": "", "group_value": "", "reach": None,
                          "goals_set": None, "goals_attained": None, "respondents": None, "satisfied": None,
                          "satisfaction_mean": None}])
    summary = summarise(rows)
    assert charts.summary_chart(summary, "nl")[:4] == b"\x89PNG"
    assert charts.chart_alt_text(summary, "nl") == \
        "Staafdiagram met de cijfers over maart 2024: er zijn geen cijfers om te tonen."
