"""The summary chart: a real PNG, Dutch (or English) labels, the source under it."""

from __future__ import annotations

import io

import pandas as pd
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


def _texts(monkeypatch, lang: str) -> tuple[bytes, list[str]]:
    seen: list[str] = []
    original = MplFigure.savefig

    def spy(self, *args, **kwargs):
        seen.extend(t.get_text() for t in self.findobj(lambda o: hasattr(o, "get_text")))
        return original(self, *args, **kwargs)

    monkeypatch.setattr(MplFigure, "savefig", spy)
    summary = summarise(ROWS, outcome="Ouderen doen mee", context_potential=potential_reach("Ooststellingwerf", 65))
    return charts.summary_chart(summary, lang), seen


def test_png_with_dutch_labels_and_source(monkeypatch):
    png, texts = _texts(monkeypatch, "nl")
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG" and image.width > 600 and image.height > 300
    joined = "\n".join(texts)
    for label in ("Bereik", "Doelen behaald", "Tevreden", "Doelen behaald per wijk", "valt op",
                  "vorige periode 50%", "mogelijke deelnemers", "Bron: CBS, Bevolking", "<5"):
        assert label in joined, label
    assert "Goals" not in joined
    assert not any(t.strip() in {"1", "2", "3", "4"} for t in texts)  # no small count leaks


def test_english_labels(monkeypatch):
    _, texts = _texts(monkeypatch, "en")
    joined = "\n".join(texts)
    assert "Goals attained" in joined and "previous period" in joined and "Doelen" not in joined
