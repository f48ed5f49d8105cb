"""The report of one conversation, for the organisation and the council (*raad*): HTML and Markdown.

Why a plain model first and two renderers second: the same content must read the same in a browser,
on paper and in a Markdown viewer, and the privacy rules (anonymous sessions never show who said
what; answers of a stage that is still hidden are not revealed) are applied once, while the model
is built, so no renderer can leak them by accident.

Why the data summary is optional: outcome figures may not have been imported yet (or the summary
code may not be installed in a slimmed-down deployment); the report then says so instead of failing,
because the conversation itself is worth reporting without figures.
"""

from __future__ import annotations

from bot.report.build import build_report
from bot.report.figures import source_caption
from bot.report.files import write_report
from bot.report.html import render_html
from bot.report.markdown import render_markdown
from bot.report.model import (
    ActionItem,
    Chart,
    Contribution,
    DataSummary,
    Headline,
    ParticipantGroup,
    PreviousCycle,
    QuestionAnswers,
    Report,
    RoleGroup,
    StageReport,
    StoryItem,
)
from bot.report.texts import SECTION_IDS, SessionNotFound

__all__ = [
    "ActionItem", "Chart", "Contribution", "DataSummary", "Headline", "ParticipantGroup", "PreviousCycle",
    "QuestionAnswers", "Report", "RoleGroup", "SECTION_IDS", "SessionNotFound", "StageReport", "StoryItem", "build_report",
    "render_html", "render_markdown", "source_caption", "write_report",
]
