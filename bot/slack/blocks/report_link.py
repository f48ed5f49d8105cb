"""Block Kit for the report: its link with a preview in the thread, the unfurl of that link
elsewhere, and the buttons for the PDF and the spreadsheet.

Why a preview of our own in the thread: Slack sends no `link_shared` event for the app's own
messages, so the bot's message carries the conclusion and the top actions itself; wherever a
person pastes the link, `chat.unfurl` shows the same blocks.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.i18n import t
from bot.slack.blocks.kit import actions, button, context, header, section
from bot.slack.ids import Action
from bot.slack.markup import link
from bot.texts.formatting import plural

TOP_ACTIONS = 3
CONCLUSION_MAX = 900


@dataclass(frozen=True)
class Preview:
    """What a reader sees first: the outcome, the conclusion, the first agreed actions."""

    outcome: str
    conclusion: list[str]
    actions: list[str]  # "what (party, due)" lines, already without names in anonymous sessions
    more_actions: int = 0


def preview_blocks(lang: str, preview: Preview) -> list[dict[str, Any]]:
    conclusion = "\n".join(preview.conclusion).strip() or t(lang, "reports.no_conclusion")
    if len(conclusion) > CONCLUSION_MAX:
        conclusion = conclusion[:CONCLUSION_MAX - 1] + "…"
    blocks = [section(f"*{t(lang, 'reports.conclusion')}*\n{conclusion}")]
    if preview.actions:
        lines = "\n".join(f"• {line}" for line in preview.actions[:TOP_ACTIONS])
        if preview.more_actions:
            lines += "\n" + plural(lang, "reports.more_actions", preview.more_actions)
        blocks.append(section(f"*{t(lang, 'reports.actions')}*\n{lines}"))
    else:
        blocks.append(context(t(lang, "reports.no_actions")))
    return blocks


def report_message_blocks(lang: str, session_id: int, preview: Preview, url: str | None,
                          expires: str | None) -> list[dict[str, Any]]:
    """The thread message of the report button: link (when the bot has a public address),
    preview, and the PDF and spreadsheet buttons."""
    blocks: list[dict[str, Any]] = [header(t(lang, "reports.title", outcome=preview.outcome))]
    if url:
        blocks.append(section(t(lang, "reports.link", link=link(url, t(lang, "reports.link_label")))))
    blocks.extend(preview_blocks(lang, preview))
    if url and expires:
        blocks.append(context(t(lang, "reports.link_note", date=expires)))
    elif not url:
        blocks.append(context(t(lang, "reports.no_public_url")))
    blocks.append(actions(button(t(lang, "reports.pdf_button"), Action.REPORT_PDF, str(session_id)),
                          button(t(lang, "reports.xlsx_button"), Action.REPORT_XLSX, str(session_id)),
                          block_id="report_files"))
    return blocks


def unfurl_preview(lang: str, preview: Preview, url: str) -> dict[str, Any]:
    """One entry of chat.unfurl's `unfurls` map."""
    title = t(lang, "reports.title", outcome=preview.outcome)
    return {"blocks": [section(f"*{link(url, title)}*"), *preview_blocks(lang, preview)]}
