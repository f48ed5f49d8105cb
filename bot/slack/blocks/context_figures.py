"""Public context figures (RIVM/GGD health monitor) for the first question of a `zonder-data`
conversation: "what do we know about this theme in our community?".

Why per theme and per wijk against the national figure: a group without its own data can
still see whether their neighbourhoods differ from the country, and how that moved over
the years. The source is named under the figures, always.
"""

from __future__ import annotations

import unicodedata

from bot.slack.blocks.kit import context, header, section, split_text
from bot.texts.formatting import format_percent

# Theme words (Dutch and English, accent-free, lower case) → (RIVM indicator, age group, nl, en)
THEMES: tuple[tuple[tuple[str, ...], str, str, str, str], ...] = (
    (("eenzaam", "lonel"), "Eenzaam_28", "65+", "eenzaam", "lonely"),
    (("overgewicht", "overweight", "obes"), "Overgewicht_9", "18+", "met overgewicht", "overweight"),
    (("mantelzorg", "informal care", "carer"), "Mantelzorger_32", "18+", "mantelzorger", "informal carers"),
    (("rondkomen", "armoede", "poverty", "money"), "MoeiteMetRondkomen_38", "18+", "met moeite om rond te komen",
     "struggling to make ends meet"),
    (("bewegen", "beweeg", "sport", "exercise"), "VoldoetAanBeweegrichtlijn_5", "18+", "dat genoeg beweegt",
     "meeting the exercise guideline"),
    (("regie", "zelfredzaam", "control"), "MatigVeelRegieOverEigenLeven_27", "65+", "met regie over het eigen leven",
     "in control of their own lives"),
    (("vrijwillig", "volunteer"), "Vrijwilligerswerk_33", "18+", "dat vrijwilligerswerk doet", "volunteering"),
    (("gezond", "health"), "ErvarenGezondheidGoedZeerGoed_4", "18+", "dat de eigen gezondheid goed noemt",
     "rating their health as good"),
)


def _plain(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", (text or "").lower()) if not unicodedata.combining(c))


def indicator_for(theme: str | None) -> tuple[str, str, str, str] | None:
    """The RIVM indicator that fits a free-text theme, or None when none fits."""
    text = _plain(theme or "")
    for words, indicator, age, nl, en in THEMES:
        if any(w in text for w in words):
            return indicator, age, nl, en
    return None


def _pct(value: float | None, lang: str) -> str:
    if value is None:
        return "–"
    return format_percent(value, lang, decimals=1)


def context_blocks(rows: list, gemeente: str, what: tuple[str, str], age: str, lang: str) -> list[dict]:
    """Per year the gemeente against Nederland, then per wijk the years side by side."""
    if not rows:
        return []
    label = what[1] if lang == "en" else what[0]
    title = (f"What we know: share of residents {age} {label} in {gemeente}" if lang == "en"
             else f"Wat we weten: aandeel inwoners {age} {label} in {gemeente}")
    years = sorted({r.year for r in rows})
    overall = []
    for year in years:
        first = next(r for r in rows if r.year == year)
        overall.append(f"*{year}*: {gemeente} {_pct(first.gemeente_value, lang)} · "
                       f"{'Netherlands' if lang == 'en' else 'Nederland'} {_pct(first.nederland, lang)}")
    per_wijk: dict[str, dict[int, float | None]] = {}
    for r in rows:
        per_wijk.setdefault(r.regiocode, {})[r.year] = r.value
    lines = [f"`{code}` " + " · ".join(f"{year}: {_pct(values.get(year), lang)}" for year in years)
             for code, values in sorted(per_wijk.items())]
    blocks = [header(title), section("\n".join(overall))]
    head = "*Per wijk (CBS-wijkcode)*" if lang == "nl" else "*Per neighbourhood (CBS code)*"
    blocks.extend(section(chunk) for chunk in split_text(head + "\n" + "\n".join(lines)))
    note = ("Modelschattingen, geen tellingen." if lang == "nl" else "Model estimates, not counts.")
    blocks.append(context(rows[0].source, note))
    return blocks[:50]
