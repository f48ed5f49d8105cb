"""One chart image per summary, for people who do not read charts, and its alt text.

Why this design: the group looking at it is mixed (residents, volunteers, policy staff), and
some of them see colours differently or not at all. So:

* horizontal bars on one 0-100% scale, each with its value written *on* the bar in Dutch number
  format ("73%"), and what it is measured against written beside it ("168 van 2.000 mogelijke
  deelnemers", "vorige periode 65%");
* colours from the Okabe–Ito palette, which stays distinguishable with every common kind of
  colour blindness; a group that stands out is also **bold** and says "valt op", so colour is
  never the only signal;
* plain labels from the catalogue ("Doelen behaald", not "attainment rate"), no grid, no axes,
  no legend to decode;
* the source under the figure ("Bron: …"; also a licence condition for CBS figures);
* suppressed figures have no bar and say so in words ("te weinig om te tonen");
* `chart_alt_text` says in one or two sentences what the chart shows, with the key figures, for
  screen readers (Slack's `alt_txt`, the report's `alt`).

Matplotlib's object API with the Agg canvas is used (not pyplot): no global state, safe in the
bot's worker threads, no display needed.
"""

from __future__ import annotations

import io
import re
import textwrap
from dataclasses import dataclass

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure as MplFigure

from bot.i18n import catalogue, normalise_language, t
from bot.texts.figures import figure_text
from bot.texts.formatting import format_period
from storage.summaries import Figure, GroupSummary, PeriodSummary

# Okabe & Ito (2008), "Color Universal Design": safe for deuteranopia, protanopia and tritanopia.
BLUE = "#0072B2"  # headline figures and groups
ORANGE = "#E69F00"  # a group that differs notably (also bold and labelled "valt op")
BACKDROP = "#EBEBEB"  # the 100% behind a bar
OUTLINE = "#8C8C8C"
TEXT = "#1A1A1A"
MUTED = "#4D4D4D"  # 8:1 on white: still readable for the footer
ON_BAR = {BLUE: "#FFFFFF", ORANGE: TEXT}  # value written on a bar: the colour with most contrast
ALT_MAX = 1000  # Slack refuses a longer alt_txt (alt_txt_too_large)
INSIDE_MIN = 16.0  # a bar this wide (percent) has room for its value inside


@dataclass
class _Bar:
    label: str
    percent: float | None  # None: no bar
    value: str  # written on (or just after) the bar
    note: str = ""  # beside the 100% backdrop: what the value is measured against
    colour: str = BLUE
    bold: bool = False
    heading: bool = False
    total_line: float | None = None


def _c(lang: str, key: str, **params: object) -> str:
    return t(lang, f"chart.{key}", **params)


def _kind_name(kind: str, lang: str) -> str:
    key = f"data.kind_{kind}"
    name = t(lang, key) if key in catalogue(lang) else kind
    return name[:1].lower() + name[1:]


def _rate_bar(label: str, fig: Figure, previous: Figure | None, lang: str, extra: str = "") -> _Bar:
    notes = [extra] if extra else []
    if previous is not None and (previous.shown or previous.suppressed):
        notes.append(_c(lang, "previous", value=figure_text(previous, lang)))
    if not fig.shown:
        value = figure_text(fig, lang) if fig.suppressed else _c(lang, "no_data")
        return _Bar(label, None, value, " · ".join(notes))
    return _Bar(label, float(fig.value), figure_text(fig, lang), " · ".join(notes))  # type: ignore[arg-type]


def _reach_bar(summary: PeriodSummary, lang: str) -> _Bar | None:
    f = summary.figures
    if not (f.reach.shown or f.reach.suppressed):
        return None
    label = _c(lang, "reach")
    if f.reach_share.shown:
        note = _c(lang, "reach_of", reach=figure_text(f.reach, lang), potential=figure_text(f.potential_reach, lang))
        return _Bar(label, float(f.reach_share.value), figure_text(f.reach_share, lang), note)  # type: ignore[arg-type]
    # Without potential reach there is no percentage to draw: the count is the value.
    return _Bar(label, None, figure_text(f.reach, lang, unit="units.participants"))


def _headline_bars(summary: PeriodSummary, lang: str) -> list[_Bar]:
    f, prev = summary.figures, summary.previous
    bars = [b for b in (_reach_bar(summary, lang),) if b is not None]
    if f.attainment_rate.shown or f.attainment_rate.suppressed:
        bars.append(_rate_bar(_c(lang, "goals"), f.attainment_rate, prev.attainment_rate if prev else None, lang))
    if f.share_satisfied.shown or f.share_satisfied.suppressed or f.satisfaction_mean.shown:
        extra = _c(lang, "mean", mean=figure_text(f.satisfaction_mean, lang)) if f.satisfaction_mean.shown else ""
        bars.append(_rate_bar(_c(lang, "satisfied"), f.share_satisfied, prev.share_satisfied if prev else None,
                              lang, extra))
    return bars


def _group_block(summary: PeriodSummary, kind: str, lang: str) -> tuple[_Bar, list[tuple[GroupSummary, _Bar]]]:
    """A heading bar and one bar per group of one kind (goals attained, else share satisfied)."""
    f = summary.figures
    members = [g for g in summary.groups if g.kind == kind]
    use_goals = any(g.figures.attainment_rate.shown or g.figures.attainment_rate.suppressed for g in members)
    total = f.attainment_rate if use_goals else f.share_satisfied
    title = _c(lang, "by_group" if use_goals else "by_group_satisfied", kind=_kind_name(kind, lang))
    heading = _Bar(title, None, "", _c(lang, "total", value=figure_text(total, lang)) if total.shown else "",
                   heading=True)
    bars = []
    for group in members:
        rate = group.figures.attainment_rate if use_goals else group.figures.share_satisfied
        bar = _rate_bar(group.value, rate, None, lang)
        if group.differs:
            bar.colour, bar.bold = ORANGE, True
            bar.note = " · ".join(x for x in (bar.note, _c(lang, "differs")) if x)
        bar.total_line = float(total.value) if total.shown else None  # type: ignore[arg-type]
        bars.append((group, bar))
    return heading, bars


def _bars(summary: PeriodSummary, lang: str) -> list[_Bar]:
    bars = _headline_bars(summary, lang)
    for kind in sorted({g.kind for g in summary.groups}):
        heading, members = _group_block(summary, kind, lang)
        bars.append(heading)
        bars.extend(bar for _, bar in members)
    return bars


def _title(summary: PeriodSummary, lang: str) -> str:
    period = format_period(summary.period, lang)
    if summary.outcome:
        return _c(lang, "title", outcome=summary.outcome, period=period)
    return _c(lang, "title_no_outcome", period=period)


def source_line(sources: list[str], lang: str) -> str:
    """'Bron: a; b', without doubling a 'Bron:' that a source already starts with."""
    cleaned = [re.sub(r"^(bron|source)\s*:\s*", "", s.strip(), flags=re.IGNORECASE) for s in sources if s.strip()]
    return _c(lang, "source", sources="; ".join(cleaned) or _c(lang, "unknown_source"))


def _footer(summary: PeriodSummary, lang: str, has_groups: bool) -> list[str]:
    footer = [source_line(list(summary.sources), lang)]
    if summary.potential_from == "context" and summary.potential_label:
        footer.append(_c(lang, "potential", label=summary.potential_label))
    if has_groups:
        footer.append(_c(lang, "total_line"))
    footer.append(_c(lang, "small", t=summary.threshold))
    return [line for item in footer for line in textwrap.wrap(item, 110)]


def _draw_bar(ax, y: float, bar: _Bar) -> None:
    weight = "bold" if bar.bold else "normal"
    ax.text(-0.02, y, bar.label, transform=ax.get_yaxis_transform(), ha="right", va="center",
            fontsize=10.5 if bar.heading else 10, color=TEXT, fontweight="bold" if bar.heading else weight)
    if bar.heading:
        ax.text(0, y, bar.note, va="center", fontsize=9, color=MUTED)
        return
    ax.barh(y, 100, height=0.62, color=BACKDROP, edgecolor=OUTLINE, linewidth=0.8)
    if bar.percent is None:
        ax.text(1.5, y, bar.value, va="center", ha="left", fontsize=9.5, color=TEXT, fontstyle="italic")
    else:
        width = max(0.0, min(bar.percent, 100.0))
        ax.barh(y, width, height=0.62, color=bar.colour)
        inside = width >= INSIDE_MIN
        ax.text(width - 1.2 if inside else width + 1.2, y, bar.value, va="center", ha="right" if inside else "left",
                fontsize=10, fontweight="bold", color=ON_BAR[bar.colour] if inside else TEXT)
    if bar.total_line is not None:
        ax.plot([bar.total_line, bar.total_line], [y - 0.38, y + 0.38], color=TEXT, linewidth=1.2,
                linestyle=(0, (2, 2)))
    if bar.note:
        ax.text(103, y, bar.note, va="center", fontsize=9.5, color=TEXT, clip_on=False, fontweight=weight)


def summary_chart(summary: PeriodSummary, lang: str = "nl", *, dpi: int = 110) -> bytes:
    """A PNG (bytes) with the headline figures and the groups of one summary."""
    lang = normalise_language(lang)
    bars = _bars(summary, lang)
    footer_lines = _footer(summary, lang, bool(summary.groups))
    height = 1.2 + 0.42 * max(len(bars), 1) + 0.22 * len(footer_lines)
    fig = MplFigure(figsize=(9, height), dpi=dpi)
    FigureCanvasAgg(fig)
    bottom = (0.22 * len(footer_lines) + 0.25) / height
    ax = fig.add_axes((0.22, bottom, 0.42, 1 - bottom - 0.9 / height))
    fig.text(0.02, 1 - 0.35 / height, _title(summary, lang), fontsize=14, fontweight="bold", color=TEXT,
             va="center")
    for index, bar in enumerate(bars):
        _draw_bar(ax, len(bars) - 1 - index, bar)
    ax.set_xlim(0, 100)
    ax.set_ylim(-0.6, max(len(bars), 1) - 0.4)
    ax.axis("off")
    for i, line in enumerate(footer_lines):
        fig.text(0.02, (0.22 * (len(footer_lines) - i) - 0.05) / height, line, fontsize=8, color=MUTED)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight", pad_inches=0.2)
    return buffer.getvalue()


def _spoken(bar: _Bar) -> str:
    label = bar.label[:1].lower() + bar.label[1:]
    return f"{label} {bar.value}" + (f" ({bar.note})" if bar.note else "")


def chart_alt_text(summary: PeriodSummary, lang: str = "nl") -> str:
    """What the chart shows, for screen readers: the headline figures in one sentence, and the
    groups that stand out in a second; at most 1,000 characters (Slack's limit for alt_txt)."""
    lang = normalise_language(lang)
    figures = "; ".join(_spoken(bar) for bar in _headline_bars(summary, lang)) or _c(lang, "alt_empty")
    period = format_period(summary.period, lang)
    text = (_c(lang, "alt", outcome=summary.outcome, period=period, figures=figures) if summary.outcome
            else _c(lang, "alt_no_outcome", period=period, figures=figures))
    for kind in sorted({g.kind for g in summary.notable_groups}):
        heading, members = _group_block(summary, kind, lang)
        standing_out = ", ".join(f"{group.value} {bar.value}" for group, bar in members if group.differs)
        text += " " + _c(lang, "alt_groups", title=heading.label, groups=standing_out,
                         total=heading.note or _c(lang, "no_data"))
    return text if len(text) <= ALT_MAX else text[: ALT_MAX - 1].rstrip() + "…"
