"""Revealed answers of a stage and the closing summary of a session, as Block Kit.

Why grouped by role: the municipality's and the provider's views stand side by side, which
is the point of the conversation. Anonymous summaries carry no names and a neutral order.
Long answers are split over sections; callers split the block list into messages of 50.
"""

from __future__ import annotations

from typing import Any

from bot.i18n import t
from bot.slack.blocks.kit import context, divider, header, section, split_text
from bot.slack.markup import mention
from flows.engine import SessionSummary, StageSummary


def reveal_text(lang: str, stage: Any) -> str:
    return t(lang, "session.reveal_header", title=stage.title.get(lang))


def _author(lang: str, entry) -> str:
    return f"{mention(entry.author)}: " if entry.author else ""


def _removed(lang: str, entry) -> str:
    """An answer whose author was taken out of the session stays, and says so."""
    return " _(" + t(lang, "rounds.people.removed_mark") + ")_" if getattr(entry, "removed", False) else ""


def stage_answer_blocks(lang: str, summary: StageSummary) -> list[dict]:
    blocks: list[dict] = []
    for question in summary.questions:
        lines = [f"*{question.label}*"]
        if not question.by_role:
            lines.append(t(lang, "session.no_answers"))
        for role, entries in question.by_role:
            lines.append(f"_{t(lang, f'roles.{role}')}_")
            lines.extend(f"• {_author(lang, e)}{e.text}{_removed(lang, e)}" for e in entries)
        blocks.extend(section(chunk) for chunk in split_text("\n".join(lines)))
    return blocks


def reveal_blocks(lang: str, stage: Any, summary: StageSummary) -> list[dict]:
    return [header(reveal_text(lang, stage)), *stage_answer_blocks(lang, summary)]


def summary_blocks(lang: str, outcome: str, summary: SessionSummary, actions: list[str],
                   closed_by: str) -> list[dict]:
    """The closing summary: per stage by role, then the conclusion and the agreed actions."""
    blocks: list[dict] = [header(t(lang, "session.summary_header", outcome=outcome))]
    if summary.theme:
        blocks.append(context(t(lang, "session.theme", theme=summary.theme)))
    for stage in summary.stages:
        blocks.append(divider())
        blocks.append(section(f"*{stage.title}*"))
        blocks.extend(stage_answer_blocks(lang, stage))
    blocks.append(divider())
    if summary.conclusion:
        text = f"*{t(lang, 'session.conclusion')}*\n" + "\n".join(summary.conclusion)
        blocks.extend(section(chunk) for chunk in split_text(text))
    actions_text = f"*{t(lang, 'session.actions_header')}*\n" + ("\n".join(actions) or t(lang, "session.no_actions_yet"))
    blocks.extend(section(chunk) for chunk in split_text(actions_text))
    blocks.append(context(t(lang, "session.closed", user=mention(closed_by))))
    return blocks
