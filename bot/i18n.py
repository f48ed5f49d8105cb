"""Message catalogues (Dutch default, English available) for texts that are not in flow files.

Why YAML catalogues: translators and coordinators can read and fix them without Python;
a test checks both languages have exactly the same keys and placeholders.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from string import Formatter

import yaml

LOCALES_DIR = Path(__file__).parent / "locales"
DEFAULT_LANGUAGE = "nl"


@cache
def catalogue(lang: str) -> dict[str, str]:
    with (LOCALES_DIR / f"{lang}.yaml").open(encoding="utf-8") as fh:
        data = yaml.safe_load(fh) or {}
    return _flatten(data)


def _flatten(data: dict, prefix: str = "") -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in data.items():
        full = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(_flatten(value, full + "."))
        else:
            out[full] = str(value).rstrip("\n")
    return out


def normalise_language(lang: str | None) -> str:
    return lang if lang in ("nl", "en") else DEFAULT_LANGUAGE


def t(lang: str | None, key: str, **params: object) -> str:
    """Translate `key` into `lang` (falling back to Dutch), filling `{placeholders}`."""
    lang = normalise_language(lang)
    text = catalogue(lang).get(key) or catalogue(DEFAULT_LANGUAGE).get(key)
    if text is None:
        raise KeyError(f"no text for {key!r}")
    return text.format(**params) if params else text


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in Formatter().parse(text) if name}
