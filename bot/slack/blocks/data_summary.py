"""The outcome figures of one period as a Slack message a mixed group can read together.

Why this shape: the conversation starts from a few headline figures (reach against potential
reach, goals attained, satisfaction), then what moved since last time, then the groups that
stand out, then the stories behind the figures ("tellen en vertellen"). Sources go under the
figures because the CBS licence asks for it and because people trust a figure they can trace.

Privacy: every number comes from `bot.texts.figures.figure_text`, which writes a suppressed
count as "minder dan 5" and a suppressed rate as "te weinig om te tonen" (a suppressed figure
holds no value); this module never formats `Figure.value` itself. A suppressed change is left out.
"""

from __future__ import annotations

from typing import Any

from bot.i18n import catalogue, t
from bot.slack.blocks.kit import (
    CONTEXT_ELEMENTS_MAX,
    MESSAGE_BLOCKS_MAX,
    clip,
    context,
    divider,
    fields,
    header,
    section,
    split_text,
)
from bot.texts.figures import figure_text
from bot.texts.formatting import format_period
from storage.summaries import Figure, Figures, GroupSummary, PeriodSummary

STORY_MAX = 700  # characters of one story in the message; the full text stays in the database
GROUP_LINES_MAX = 10


def _present(fig: Figure | None) -> bool:
    """Worth a line: a value, or a suppressed count ("<5" is information too)."""
    return fig is not None and (fig.shown or fig.suppressed)


def _txt(fig: Figure, lang: str) -> str:
    """A figure as text (escaped where the message leaves, like every text)."""
    return figure_text(fig, lang)


def _rate(fig: Figure, lang: str) -> str:
    """A percentage or mean; a suppressed one reads 'too few to show' (figure_text), never '<5'."""
    return _txt(fig, lang)


def _kind(kind: str, lang: str) -> str:
    key = f"data.kind_{kind}"
    return t(lang, key) if key in catalogue(lang) else kind


def _title(summary: PeriodSummary, lang: str) -> str:
    if summary.outcome:
        return t(lang, "data.title", outcome=summary.outcome, period=format_period(summary.period, lang))
    return t(lang, "data.title_no_outcome", period=format_period(summary.period, lang))


def _reach_field(f: Figures, lang: str) -> str | None:
    if not _present(f.reach):
        return None
    if f.reach_share.shown:
        body = t(lang, "data.reach_of", reach=_txt(f.reach, lang), potential=_txt(f.potential_reach, lang),
                 share=_txt(f.reach_share, lang))
    else:
        body = t(lang, "data.reach_only", reach=_txt(f.reach, lang))
    return f"*{t(lang, 'data.reach')}*\n{body}"


def _goals_field(f: Figures, lang: str) -> str | None:
    if not _present(f.attainment_rate):
        return None
    body = t(lang, "data.goals_of", rate=_rate(f.attainment_rate, lang), attained=_txt(f.goals_attained, lang),
             set=_txt(f.goals_set, lang))
    return f"*{t(lang, 'data.goals')}*\n{body}"


def _satisfaction_field(f: Figures, scale: int | None, lang: str) -> str | None:
    parts = []
    if _present(f.satisfaction_mean):
        mean = _rate(f.satisfaction_mean, lang)
        parts.append(t(lang, "data.mean_scale", mean=mean, scale=scale) if scale and f.satisfaction_mean.shown
                     else t(lang, "data.mean", mean=mean))
    if _present(f.share_satisfied):
        parts.append(t(lang, "data.share_satisfied", share=_rate(f.share_satisfied, lang),
                       satisfied=_txt(f.satisfied, lang), respondents=_txt(f.respondents, lang)))
    if not parts:
        return None
    return f"*{t(lang, 'data.satisfaction')}*\n" + "\n".join(parts)


def _potential_note(summary: PeriodSummary, lang: str) -> str | None:
    if not summary.figures.reach_share.shown and not summary.figures.potential_reach.shown:
        return t(lang, "data.potential_none") if _present(summary.figures.reach) else None
    if summary.potential_from == "context" and summary.potential_label:
        return t(lang, "data.potential_context", label=summary.potential_label)
    return t(lang, "data.potential_data")


_CHANGES = (  # (key in summary.change, label key, attribute of Figures for the earlier value)
    ("reach", "data.change_reach", "reach"),
    ("reach_share", "data.change_reach_share", "reach_share"),
    ("attainment_rate", "data.change_goals", "attainment_rate"),
    ("share_satisfied", "data.change_satisfied", "share_satisfied"),
    ("satisfaction_mean", "data.change_mean", "satisfaction_mean"),
)


def change_lines(summary: PeriodSummary, lang: str) -> list[str]:
    """One line per figure that can be compared with the previous period (suppressed ones left out)."""
    if summary.previous is None or not summary.change:
        return []
    lines = []
    for key, label, attribute in _CHANGES:
        delta = summary.change.get(key)
        before: Figure = getattr(summary.previous, attribute)
        if delta is None or not delta.shown or not before.shown:
            continue
        lines.append("• " + t(lang, label, delta=_txt(delta, lang), before=_txt(before, lang)))
    return lines


def _group_line(group: GroupSummary, lang: str) -> str:
    parts = []
    for reason in group.reasons:
        if reason.startswith("attainment") and group.attainment_diff is not None:
            parts.append(t(lang, "data.group_goals", rate=_txt(group.figures.attainment_rate, lang),
                           diff=_txt(group.attainment_diff, lang)))
        elif reason.startswith("satisfied") and group.satisfied_diff is not None:
            parts.append(t(lang, "data.group_satisfied", rate=_txt(group.figures.share_satisfied, lang),
                           diff=_txt(group.satisfied_diff, lang)))
    name = f"{_kind(group.kind, lang)} {group.value}".strip()
    return f"• *{name}*: " + "; ".join(parts)


def group_lines(summary: PeriodSummary, lang: str) -> list[str]:
    notable = summary.notable_groups
    lines = [_group_line(g, lang) for g in notable[:GROUP_LINES_MAX]]
    if len(notable) > GROUP_LINES_MAX:
        lines.append(t(lang, "data.more", count=len(notable) - GROUP_LINES_MAX))
    return lines


def _story_blocks(summary: PeriodSummary, lang: str) -> list[dict[str, Any]]:
    if not summary.stories:
        return []
    blocks: list[dict[str, Any]] = [section(f"*{t(lang, 'data.stories')}*")]
    for story in summary.stories:
        quoted = "\n".join("> " + line for line in clip(story.text, STORY_MAX).splitlines() if line.strip())
        blocks.append(section(quoted or "> …"))
        where = ", ".join(x for x in (story.group_value, story.activity) if x)
        if where:
            blocks.append(context(where))
    return blocks


def data_summary_blocks(summary: PeriodSummary, lang: str = "nl") -> list[dict[str, Any]]:
    """Headline figures, change, notable groups, stories and sources; at most 50 blocks."""
    f = summary.figures
    blocks: list[dict[str, Any]] = [header(_title(summary, lang))]
    if summary.activities:
        names = ", ".join(a for a in summary.activities[:8])
        if len(summary.activities) > 8:
            names += ", …"
        blocks.append(context(t(lang, "data.activities", names=names)))
    items = [x for x in (_reach_field(f, lang), _goals_field(f, lang),
                         _satisfaction_field(f, summary.satisfaction_scale, lang)) if x]
    blocks.append(fields(items) if items else section(t(lang, "data.no_figures")))
    note = _potential_note(summary, lang)
    if note:
        blocks.append(context(note))

    blocks.append(divider())
    changes = change_lines(summary, lang)
    if changes:
        previous = format_period(summary.previous_period or "", lang)
        text = f"*{t(lang, 'data.change_title', previous=previous)}*\n" + "\n".join(changes)
    else:
        text = t(lang, "data.no_previous") if summary.previous is None else t(lang, "data.no_change")
    blocks.extend(section(chunk) for chunk in split_text(text))

    groups = group_lines(summary, lang)
    if groups:
        text = f"*{t(lang, 'data.groups_title')}*\n" + "\n".join(groups)
        blocks.extend(section(chunk) for chunk in split_text(text))
    elif summary.groups:
        blocks.append(section(t(lang, "data.no_notable")))

    stories = _story_blocks(summary, lang)
    if stories:
        blocks.append(divider())
        blocks.extend(stories)

    footer = [s for s in summary.sources]
    footer.append(t(lang, "data.small_counts", t=summary.threshold))
    blocks.append(context(*footer[:CONTEXT_ELEMENTS_MAX]))
    if len(blocks) > MESSAGE_BLOCKS_MAX:  # cannot happen with 3 stories, but never let Slack refuse it
        blocks = blocks[: MESSAGE_BLOCKS_MAX - 1] + [blocks[-1]]
    return blocks


def data_summary_text(summary: PeriodSummary, lang: str = "nl") -> str:
    """Plain fallback (notifications, screen readers): title and the headline figures in one line."""
    f = summary.figures
    parts = []
    if _present(f.reach):
        parts.append(t(lang, "data.text_reach", reach=_txt(f.reach, lang)) +
                     (f" ({_txt(f.reach_share, lang)})" if f.reach_share.shown else ""))
    if f.attainment_rate.shown:
        parts.append(t(lang, "data.text_goals", rate=_txt(f.attainment_rate, lang)))
    if f.share_satisfied.shown:
        parts.append(t(lang, "data.text_satisfied", share=_txt(f.share_satisfied, lang)))
    if f.satisfaction_mean.shown:
        parts.append(t(lang, "data.text_mean", mean=_txt(f.satisfaction_mean, lang)))
    title = _title(summary, lang)
    return f"{title}: " + ", ".join(parts) if parts else title
