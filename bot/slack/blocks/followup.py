"""Block Kit for agreed actions after the conversation: the owner's reminder, the coordinator's
'all done' note, and the comment modal."""

from __future__ import annotations

import json

from bot.i18n import t
from bot.slack.blocks.kit import MODAL_TITLE_MAX, actions, button, clip, plain, section
from bot.slack.ids import Action, View


def followup_blocks(lang: str, text: str, action_id: int) -> list[dict]:
    """A reminder to an action's owner: done, a week later, or a comment."""
    return [section(text), actions(
        button(t(lang, "followup.done"), Action.ACTION_DONE, str(action_id), style="primary"),
        button(t(lang, "followup.postpone"), Action.ACTION_POSTPONE, str(action_id)),
        button(t(lang, "followup.comment"), Action.ACTION_COMMENT, str(action_id)),
        block_id="followup")]


def all_done_blocks(lang: str, text: str) -> list[dict]:
    """Every action of a session is done: offer the coordinator an evaluation."""
    return [section(text), actions(
        button(t(lang, "followup.start_evaluation"), Action.START_FLOW, "evaluatie", style="primary"),
        block_id="evaluate")]


def comment_modal(lang: str, action_id: int) -> dict:
    return {"type": "modal", "callback_id": View.ACTION_COMMENT.value,
            "title": plain(clip(t(lang, "followup.comment_title"), MODAL_TITLE_MAX), MODAL_TITLE_MAX),
            "submit": plain(clip(t(lang, "prep.submit"), MODAL_TITLE_MAX), MODAL_TITLE_MAX),
            "private_metadata": json.dumps({"action": action_id}),
            "blocks": [{"type": "input", "block_id": "q:comment", "label": plain(t(lang, "followup.comment_label")),
                        "element": {"type": "plain_text_input", "action_id": "value", "multiline": True,
                                    "max_length": 2000}}]}
