"""A simple, documented heuristic: does an answer talk about activities only, not about residents?

Why: groups drift into the details of activities ("it is comfortable and tangible") instead
of what the activities brought residents. The bot then privately nudges the author back to
the outcome. The rule is deliberately simple and explainable:

    nudge when the answer has at least MIN_WORDS words, mentions at least one activity word
    (e.g. "activiteit", "bijeenkomst", "cursus", "georganiseerd", "deelnemers", "activity",
    "workshop", "organised", "sessions") and mentions no outcome word (e.g. "bewoner",
    "inwoner", "resultaat", "effect", "minder eenzaam", "zelfredzaam", "resident",
    "outcome", "wellbeing", "because of").

Words are matched as word prefixes, case- and accent-insensitively, in Dutch and English
together (people mix languages). False negatives are cheap (no nudge); false positives are
polite and private.
"""

from __future__ import annotations

import re
import unicodedata

MIN_WORDS = 8

ACTIVITY_WORDS: tuple[str, ...] = (
    "activiteit", "bijeenkomst", "cursus", "training", "workshop", "organiseer", "georganiseerd",
    "deelnemer", "aanbod", "spreekuur", "inloop", "koffieochtend", "uren", "huisbezoek", "groep",
    "programma", "activit", "meeting", "course", "organis", "organiz", "participant", "session",
    "event", "hours", "visits",
)

OUTCOME_WORDS: tuple[str, ...] = (
    "bewoner", "inwoner", "ouderen", "jongeren", "cliënt", "client", "deelnemers zeggen", "resultaat",
    "effect", "opgeleverd", "opbrengst", "veranderd", "verandering", "verbeterd", "beter", "minder",
    "eenzaam", "zelfredzaam", "zelfstandig", "gezond", "welzijn", "regie", "gevoel", "ervaren",
    "ervaart", "doel", "bereikt", "netwerk", "contact", "meedoen", "resident", "people", "outcome",
    "result", "impact", "changed", "improv", "better", "less", "lonel", "wellbeing", "well-being",
    "independen", "goal", "achiev", "because of", "felt", "feel",
)


def _normalise(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


_ACTIVITY = [_normalise(w) for w in ACTIVITY_WORDS]
_OUTCOME = [_normalise(w) for w in OUTCOME_WORDS]


def _mentions(text: str, stems: list[str]) -> bool:
    return any(re.search(r"\b" + re.escape(stem), text) for stem in stems)


def needs_outcome_nudge(answer: str, lang: str = "nl") -> bool:  # noqa: ARG001 - both languages apply
    """True when the answer is about activities only (see the module docstring for the rule)."""
    text = _normalise(answer or "")
    if len(re.findall(r"\w+", text)) < MIN_WORDS:
        return False
    return _mentions(text, _ACTIVITY) and not _mentions(text, _OUTCOME)
