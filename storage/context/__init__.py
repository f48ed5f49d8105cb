"""Public context data (CBS, RIVM) that ships with the bot, with its source and licence.

Why bundled: a conversation about reach needs a denominator ("how many residents of 65+
could this activity reach?") and the theme question needs a picture of the community,
also when nobody has internet access to StatLine during the meeting. Every figure carries
its source line so the bot can name it under every chart and message (attribution is a
licence condition: "Bron: CBS").

Newer data: set `BOT_CONTEXT_DIR` to a folder with files of the *same names and columns*
as the bundled ones (see docs/context-data.md). A file found there is used instead of the
bundled one; files not found there fall back to the bundled copy.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pandas as pd

BUNDLED_DIR = Path(__file__).parent
ENV_VAR = "BOT_CONTEXT_DIR"


@dataclass(frozen=True)
class ContextFigure:
    """One public figure with everything needed to show it honestly."""

    value: float | int | None
    label: str  # Dutch
    label_en: str
    source: str  # e.g. "Bron: CBS, Bevolking; leeftijd, postcode (83502NED), 1 januari 2021"
    licence: str
    unit: str = ""  # 'inwoners', '%'
    year: int | None = None
    approximate: bool = False
    details: dict = field(default_factory=dict)

    def caption(self, lang: str = "nl") -> str:
        """The label and the source, for under a figure."""
        label = self.label_en if lang == "en" else self.label
        return f"{label}. {self.source} ({self.licence})"


def context_file(name: str) -> Path:
    """The file to use for `name`: from BOT_CONTEXT_DIR if it has one, else the bundled copy."""
    override = os.environ.get(ENV_VAR)
    if override:
        candidate = Path(override) / name
        if candidate.is_file():
            return candidate
    return BUNDLED_DIR / name


def read_context_csv(name: str) -> pd.DataFrame:
    """Read a context CSV (cached until the file changes)."""
    path = context_file(name)
    stat = path.stat()
    return _read_cached(str(path), stat.st_mtime_ns, stat.st_size).copy()


@lru_cache(maxsize=16)
def _read_cached(path: str, _mtime_ns: int, _size: int) -> pd.DataFrame:
    return pd.read_csv(path, dtype={"postcode": "string", "regiocode": "string"})


from storage.context.cbs import gemeenten, kwb_series, load_population, potential_reach  # noqa: E402
from storage.context.rivm import WijkFigure, health_indicator, load_health, loneliness_by_wijk  # noqa: E402

__all__ = [
    "ContextFigure",
    "WijkFigure",
    "context_file",
    "gemeenten",
    "health_indicator",
    "kwb_series",
    "load_health",
    "load_population",
    "loneliness_by_wijk",
    "potential_reach",
    "read_context_csv",
]
