"""Where municipality and provider agree and differ in one stage, readable at a glance.

Why: the point of a kwaliteitsgesprek is that both sides of the outcome agreement see each
other's view. Per stage this says which themes both parties raised, which only one of them
raised, and for scale questions how far apart their scores lie (e.g. "gemeente 2–3 · sociaal
werk 4–5").

Which side a person sits on comes from their role (`flows.roles.side_of_role`):
sociaal_werker → aanbieder, beleidsmedewerker → gemeente; coordinators and other
professionals are neither party and are counted apart. The functions take roles only, never
people: the same input serves anonymous sessions, and no output can name or identify an
author. Theme labels are returned as typed; the caller escapes them for Slack.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from numbers import Real
from typing import Final

from bot.analysis.themes import AnswerKey, Themes
from flows.roles import Side, side_of_role

PARTIES: Final[tuple[Side, Side]] = ("gemeente", "aanbieder")
SIDE_ORDER: Final[tuple[Side, ...]] = ("gemeente", "aanbieder", "other")


@dataclass(frozen=True)
class ThemeSides:
    """One theme and how many of its answers came from each side."""

    label: str
    gemeente: int
    aanbieder: int
    other: int

    def count(self, side: Side) -> int:
        return {"gemeente": self.gemeente, "aanbieder": self.aanbieder, "other": self.other}[side]


@dataclass(frozen=True)
class Spread:
    """The lowest and highest score one side gave, and how many scores that side gave."""

    side: Side
    low: float
    high: float
    n: int


@dataclass(frozen=True)
class ScaleSpread:
    """One scale question: the spread per side that answered, in SIDE_ORDER."""

    question: str
    spreads: tuple[Spread, ...]

    def of(self, side: Side) -> Spread | None:
        return next((spread for spread in self.spreads if spread.side == side), None)


@dataclass(frozen=True)
class Agreement:
    """Themes by who raised them, and the scale spreads, for one stage."""

    both: tuple[ThemeSides, ...] = ()
    gemeente_only: tuple[ThemeSides, ...] = ()
    aanbieder_only: tuple[ThemeSides, ...] = ()
    others_only: tuple[ThemeSides, ...] = ()
    scales: tuple[ScaleSpread, ...] = ()

    def only(self, side: Side) -> tuple[ThemeSides, ...]:
        return {"gemeente": self.gemeente_only, "aanbieder": self.aanbieder_only, "other": self.others_only}[side]

    @property
    def is_empty(self) -> bool:
        return not (self.both or self.gemeente_only or self.aanbieder_only or self.others_only or self.scales)


def compare(
    themes: Themes,
    roles: Mapping[AnswerKey, str],
    scales: Mapping[str, Iterable[tuple[str, float]]] | None = None,
) -> Agreement:
    """Sort one stage's themes by the sides that raised them, and spread its scale scores per side.

    `roles` gives the author's role for every answer in `themes`; `scales` gives per scale
    question (its short name, as shown) the (role, score) pairs. The rest group ("Overig") is
    left out: it holds answers without words to group on, which is no theme anyone raised.
    """
    by_side = [_sides(theme.label, theme.answer_keys, roles) for theme in themes if not theme.rest]
    both = tuple(t for t in by_side if t.gemeente and t.aanbieder)
    gemeente_only = tuple(t for t in by_side if t.gemeente and not t.aanbieder)
    aanbieder_only = tuple(t for t in by_side if t.aanbieder and not t.gemeente)
    others_only = tuple(t for t in by_side if not t.gemeente and not t.aanbieder)
    spreads = tuple(_spread(question, scores) for question, scores in (scales or {}).items())
    return Agreement(both, gemeente_only, aanbieder_only, others_only, spreads)


def _sides(label: str, answer_keys: Iterable[AnswerKey], roles: Mapping[AnswerKey, str]) -> ThemeSides:
    counts = dict.fromkeys(SIDE_ORDER, 0)
    for key in answer_keys:
        if key not in roles:
            raise ValueError(f"no role given for answer {key!r} in theme {label!r}")
        counts[side_of_role(roles[key])] += 1
    return ThemeSides(label, counts["gemeente"], counts["aanbieder"], counts["other"])


def _spread(question: str, scores: Iterable[tuple[str, float]]) -> ScaleSpread:
    values: dict[Side, list[float]] = {side: [] for side in SIDE_ORDER}
    for role, score in scores:
        if isinstance(score, bool) or not isinstance(score, Real) or not math.isfinite(score):
            raise ValueError(f"scale {question!r}: score {score!r} is not a number")
        values[side_of_role(role)].append(score)
    return ScaleSpread(question, tuple(
        Spread(side, min(found), max(found), len(found)) for side, found in values.items() if found))


# ---- short lines for people ---------------------------------------------------------------------

TEXTS: Final[dict[str, dict[str, str]]] = {
    "nl": {
        "both": "Beide partijen", "only": "Alleen {side}", "none_shared": "geen gedeeld thema",
        "scale": "Schaal '{question}'", "no_scores": "geen scores",
        "gemeente": "gemeente", "aanbieder": "sociaal werk", "other": "anderen", "decimal": ",",
    },
    "en": {
        "both": "Both parties", "only": "{side} only", "none_shared": "no shared theme",
        "scale": "Scale '{question}'", "no_scores": "no scores",
        "gemeente": "municipality", "aanbieder": "social work", "other": "others", "decimal": ".",
    },
}
THEME_SEPARATOR: Final = "; "  # labels hold " · " themselves


def render(agreement: Agreement, language: str) -> list[str]:
    """Short lines, one per finding, e.g. "Alleen gemeente: Vervoer · avond".

    Not escaped for Slack: theme labels and question names may hold what people typed, and
    the caller escapes where the message is built. Nothing to show gives no lines.
    """
    if language not in TEXTS:
        raise ValueError(f"unknown language {language!r}; expected one of {', '.join(TEXTS)}")
    text = TEXTS[language]
    lines: list[str] = []
    if agreement.both:
        lines.append(f"{text['both']}: {_labels(agreement.both)}")
    elif agreement.gemeente_only and agreement.aanbieder_only:
        lines.append(f"{text['both']}: {text['none_shared']}")
    for side in SIDE_ORDER:
        only = agreement.only(side)
        if only:
            title = text["only"].format(side=text[side])
            lines.append(f"{title[:1].upper()}{title[1:]}: {_labels(only)}")
    lines.extend(_scale_line(scale, text) for scale in agreement.scales)
    return lines


def _labels(themes: Iterable[ThemeSides]) -> str:
    return THEME_SEPARATOR.join(theme.label for theme in themes)


def _scale_line(scale: ScaleSpread, text: dict[str, str]) -> str:
    """Both parties always (a missing side is a finding too), others only when they scored."""
    parts = []
    for side in SIDE_ORDER:
        spread = scale.of(side)
        if spread is None:
            if side in PARTIES:
                parts.append(f"{text[side]} {text['no_scores']}")
            continue
        low, high = _number(spread.low, text), _number(spread.high, text)
        values = low if low == high else f"{low}–{high}"
        parts.append(f"{text[side]} {values} (n={spread.n})")
    return f"{text['scale'].format(question=scale.question)}: {' · '.join(parts)}"


def _number(value: float, text: dict[str, str]) -> str:
    """Whole scores as whole numbers, others with one decimal in the language's notation."""
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.1f}".replace(".", text["decimal"])
