"""One chart image per summary, for people who do not read charts.

Why this design: the group looking at it is mixed (residents, volunteers, policy staff). So:
horizontal bars on one 0-100% scale with the percentage written next to each bar, plain Dutch
labels ("Doelen behaald", not "attainment rate"), potential reach drawn as an outlined bar
*behind* reach so "how many could we reach" is visible at a glance, no grid, no axes, no
legend to decode, and the source written under the figure (also a licence condition for CBS
figures). Suppressed figures are written as "<5" with no bar.

Matplotlib's object API with the Agg canvas is used (not pyplot): no global state, safe in the
bot's worker threads, no display needed.
"""

from __future__ import annotations

import io
import textwrap
from dataclasses import dataclass

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure as MplFigure

from storage.summaries import Figure, PeriodSummary

COLOUR = "#1f5f8b"  # reach / rates
NOTABLE = "#d9822b"  # a group that differs notably
BACKDROP = "#e9eef2"  # the 100% (or potential reach) behind a bar
OUTLINE = "#7a8a99"
TEXT = "#222222"
MUTED = "#5b6770"

_T = {
    "nl": {
        "period": "Periode",
        "reach": "Bereik",
        "reach_of": "{share} van {potential} mogelijke deelnemers ({reach} bereikt)",
        "reach_only": "{reach} bereikt",
        "goals": "Doelen behaald",
        "satisfied": "Tevreden",
        "mean": "gemiddeld cijfer {mean}",
        "previous": "vorige periode {value}",
        "by_group": "Doelen behaald per {kind}",
        "by_group_satisfied": "Tevreden per {kind}",
        "differs": "valt op",
        "total": "totaal {value}",
        "suppressed": "te weinig om te tonen",
        "no_data": "geen gegevens",
        "small": "Aantallen onder {t} worden niet getoond ('<{t}'), zodat niemand herkenbaar is.",
        "potential": "Mogelijke deelnemers: {label}.",
    },
    "en": {
        "period": "Period",
        "reach": "Reach",
        "reach_of": "{share} of {potential} possible participants ({reach} reached)",
        "reach_only": "{reach} reached",
        "goals": "Goals attained",
        "satisfied": "Satisfied",
        "mean": "average score {mean}",
        "previous": "previous period {value}",
        "by_group": "Goals attained by {kind}",
        "by_group_satisfied": "Satisfied by {kind}",
        "differs": "stands out",
        "total": "total {value}",
        "suppressed": "too few to show",
        "no_data": "no data",
        "small": "Counts below {t} are not shown ('<{t}') so that nobody can be recognised.",
        "potential": "Possible participants: {label}.",
    },
}
_KIND_NL = {"wijk": "wijk", "leeftijdsgroep": "leeftijdsgroep", "geslacht": "geslacht", "groep": "groep"}
_KIND_EN = {"wijk": "neighbourhood", "leeftijdsgroep": "age group", "geslacht": "gender", "groep": "group"}


@dataclass
class _Bar:
    label: str
    percent: float | None  # None: no bar
    note: str
    colour: str = COLOUR
    backdrop: bool = True
    bold: bool = False
    heading: bool = False
    total_line: float | None = None


def _rate_bar(label: str, fig: Figure, previous: Figure | None, lang: str, extra: str = "") -> _Bar:
    t = _T[lang]
    if fig.suppressed:
        return _Bar(label, None, f"{fig.text(lang)} ({t['suppressed']})")
    if not fig.shown:
        return _Bar(label, None, t["no_data"])
    note = fig.text(lang)
    if previous is not None and (previous.shown or previous.suppressed):
        note += f"  ({t['previous'].format(value=previous.text(lang))})"
    if extra:
        note += f"  · {extra}"
    return _Bar(label, float(fig.value), note)  # type: ignore[arg-type]


def _bars(summary: PeriodSummary, lang: str) -> list[_Bar]:
    t = _T[lang]
    f, prev = summary.figures, summary.previous
    bars: list[_Bar] = []
    if f.reach.shown or f.reach.suppressed:
        if f.reach_share.shown:
            note = t["reach_of"].format(share=f.reach_share.text(lang), potential=f.potential_reach.text(lang),
                                        reach=f.reach.text(lang))
            bars.append(_Bar(t["reach"], float(f.reach_share.value), note))  # type: ignore[arg-type]
        elif f.reach.suppressed:
            bars.append(_Bar(t["reach"], None, f"{f.reach.text(lang)} ({t['suppressed']})"))
        else:
            bars.append(_Bar(t["reach"], None, t["reach_only"].format(reach=f.reach.text(lang))))
    if f.attainment_rate.shown or f.attainment_rate.suppressed:
        bars.append(_rate_bar(t["goals"], f.attainment_rate, prev.attainment_rate if prev else None, lang))
    if f.share_satisfied.shown or f.share_satisfied.suppressed or f.satisfaction_mean.shown:
        extra = t["mean"].format(mean=f.satisfaction_mean.text(lang)) if f.satisfaction_mean.shown else ""
        bars.append(_rate_bar(t["satisfied"], f.share_satisfied, prev.share_satisfied if prev else None, lang,
                              extra))
    kinds = sorted({g.kind for g in summary.groups})
    names = _KIND_EN if lang == "en" else _KIND_NL
    for kind in kinds:
        members = [g for g in summary.groups if g.kind == kind]
        use_goals = any(g.figures.attainment_rate.shown or g.figures.attainment_rate.suppressed for g in members)
        title = t["by_group"] if use_goals else t["by_group_satisfied"]
        total = f.attainment_rate if use_goals else f.share_satisfied
        bars.append(_Bar(title.format(kind=names.get(kind, kind)), None,
                         t["total"].format(value=total.text(lang)) if total.shown else "", heading=True))
        for group in members:
            rate = group.figures.attainment_rate if use_goals else group.figures.share_satisfied
            bar = _rate_bar(group.value, rate, None, lang)
            if group.differs:
                bar.colour, bar.bold = NOTABLE, True
                bar.note += f"  ← {t['differs']}"
            bar.total_line = float(total.value) if total.shown else None  # type: ignore[arg-type]
            bars.append(bar)
    return bars


def summary_chart(summary: PeriodSummary, lang: str = "nl", *, dpi: int = 110) -> bytes:
    """A PNG (bytes) with the headline figures and the groups of one summary."""
    lang = "en" if lang == "en" else "nl"
    t = _T[lang]
    bars = _bars(summary, lang)
    footer = list(summary.sources)
    if summary.potential_from == "context" and summary.potential_label:
        footer.insert(0, t["potential"].format(label=summary.potential_label))
    footer.append(t["small"].format(t=summary.threshold))
    footer_lines = [line for item in footer for line in textwrap.wrap(item, 110)]

    height = 1.2 + 0.42 * max(len(bars), 1) + 0.22 * len(footer_lines)
    fig = MplFigure(figsize=(9, height), dpi=dpi)
    FigureCanvasAgg(fig)
    bottom = (0.22 * len(footer_lines) + 0.25) / height
    ax = fig.add_axes((0.22, bottom, 0.42, 1 - bottom - 0.9 / height))
    title = f"{summary.outcome} · {t['period']} {summary.period}" if summary.outcome else \
        f"{t['period']} {summary.period}"
    fig.text(0.02, 1 - 0.35 / height, title, fontsize=14, fontweight="bold", color=TEXT, va="center")

    n = len(bars)
    for index, bar in enumerate(bars):
        y = n - 1 - index
        if bar.heading:
            ax.text(-0.02, y, bar.label, transform=ax.get_yaxis_transform(), ha="right", va="center",
                    fontsize=10.5, fontweight="bold", color=TEXT)
            ax.text(0, y, bar.note, va="center", fontsize=9, color=MUTED)
            continue
        if bar.backdrop:
            ax.barh(y, 100, height=0.62, color=BACKDROP, edgecolor=OUTLINE, linewidth=0.8)
        if bar.percent is not None:
            ax.barh(y, max(0.0, min(bar.percent, 100.0)), height=0.62, color=bar.colour)
        if bar.total_line is not None:
            ax.plot([bar.total_line, bar.total_line], [y - 0.38, y + 0.38], color=TEXT, linewidth=1.2,
                    linestyle=(0, (2, 2)))
        ax.text(-0.02, y, bar.label, transform=ax.get_yaxis_transform(), ha="right", va="center",
                fontsize=10, color=TEXT, fontweight="bold" if bar.bold else "normal")
        ax.text(103, y, bar.note, va="center", fontsize=9.5, color=TEXT, clip_on=False,
                fontweight="bold" if bar.bold else "normal")
    ax.set_xlim(0, 100)
    ax.set_ylim(-0.6, max(n, 1) - 0.4)
    ax.axis("off")
    for i, line in enumerate(footer_lines):
        fig.text(0.02, (0.22 * (len(footer_lines) - i) - 0.05) / height, line, fontsize=7.5, color=MUTED)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight", pad_inches=0.2)
    return buffer.getvalue()
