"""Small Block Kit element builders that enforce Slack's length limits by construction.

Why truncate here: Slack rejects a whole message (`invalid_blocks`) when one header is
over 150 characters; a long outcome name must never make a stage message disappear.
"""

from __future__ import annotations

from typing import Any

HEADER_MAX = 150
SECTION_MAX = 3000
BUTTON_TEXT_MAX = 75
BUTTON_VALUE_MAX = 2000
MODAL_TITLE_MAX = 24
CONTEXT_ELEMENTS_MAX = 10
MESSAGE_BLOCKS_MAX = 50
VIEW_BLOCKS_MAX = 100


def clip(text: str, limit: int) -> str:
    text = text or ""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def plain(text: str, limit: int = SECTION_MAX) -> dict[str, Any]:
    return {"type": "plain_text", "text": clip(text, limit) or " ", "emoji": True}


def mrkdwn(text: str, limit: int = SECTION_MAX) -> dict[str, Any]:
    return {"type": "mrkdwn", "text": clip(text, limit) or " "}


def header(text: str) -> dict[str, Any]:
    return {"type": "header", "text": plain(text, HEADER_MAX)}


def section(text: str, *, accessory: dict | None = None, block_id: str | None = None) -> dict[str, Any]:
    block: dict[str, Any] = {"type": "section", "text": mrkdwn(text)}
    if accessory:
        block["accessory"] = accessory
    if block_id:
        block["block_id"] = block_id
    return block


def fields(items: list[str]) -> dict[str, Any]:
    return {"type": "section", "fields": [mrkdwn(i, 2000) for i in items[:10]]}


def context(*texts: str) -> dict[str, Any]:
    return {"type": "context", "elements": [mrkdwn(x) for x in texts[:CONTEXT_ELEMENTS_MAX]]}


def divider() -> dict[str, Any]:
    return {"type": "divider"}


def button(text: str, action_id: str, value: str = "", *, style: str | None = None) -> dict[str, Any]:
    element: dict[str, Any] = {
        "type": "button",
        "text": plain(text, BUTTON_TEXT_MAX),
        "action_id": action_id,
        "value": clip(value, BUTTON_VALUE_MAX),
    }
    if style in ("primary", "danger"):
        element["style"] = style
    return element


def actions(*elements: dict[str, Any], block_id: str | None = None) -> dict[str, Any]:
    block: dict[str, Any] = {"type": "actions", "elements": list(elements)[:25]}
    if block_id:
        block["block_id"] = block_id
    return block


def split_text(text: str, limit: int = SECTION_MAX) -> list[str]:
    """Split long text on line boundaries into chunks Slack accepts in one section each."""
    chunks: list[str] = []
    current = ""
    for line in text.splitlines():
        while len(line) > limit:
            if current:
                chunks.append(current)
                current = ""
            chunks.append(line[:limit])
            line = line[limit:]
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit:
            chunks.append(current)
            current = line
        else:
            current = candidate
    if current:
        chunks.append(current)
    return chunks or [""]
