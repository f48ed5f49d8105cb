"""What reaches Slack as text: a person's words are shown as typed, never as a ping or a link.

Why one mechanism instead of `escape()` at each call site: a missed call is a live `<!channel>`
in a municipality's channel, and an extra call shows `&amp;lt;` to everyone. So:

- The bot's own live markup (a mention, a channel link, a URL with a label, a date token) is
  made only by the functions here. They wrap it in a marker that exists only in this process
  (private-use characters around a random key), so nobody can type it.
- Everything else is text, whoever wrote it. `finalise()` runs on every payload that leaves
  the bot (outbox rows, acknowledgements, response_url replies, opened views): in mrkdwn text
  objects and top-level `text` it escapes `&`, `<` and `>` outside markers exactly once, and
  it removes the markers everywhere (plain_text is shown literally by Slack, so it is only
  unmarked).
- Input is cleaned once on the way in (`clean_input`): Slack's escaping of event and
  slash-command text is decoded once, NUL bytes (PostgreSQL refuses them) and bidirectional
  overrides (they would reorder the bot's own words around them) are removed, and so is
  anything that looks like our marker.
"""

from __future__ import annotations

import re
import secrets
from datetime import datetime
from typing import Any

_KEY = secrets.token_hex(6)
_OPEN = f"\ue000{_KEY}\ue001"
_CLOSE = f"\ue002{_KEY}\ue003"
_MARKED = re.compile(re.escape(_OPEN) + r"(.*?)" + re.escape(_CLOSE), re.DOTALL)
_MARKER_CHARS = re.compile("[\ue000-\ue003]")
# NUL and other C0 controls except tab/newline/carriage return; bidi embeddings, overrides, isolates.
_UNWANTED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e\u2066-\u2069\ue000-\ue003]")
_USER_ID = re.compile(r"^[UW][A-Z0-9]{2,30}$")
_CHANNEL_ID = re.compile(r"^[CGD][A-Z0-9]{2,30}$")

# Keys of a message payload whose value is mrkdwn text (Slack renders markup in them).
_MRKDWN_KEYS = ("text", "initial_comment")


def escape(text: str) -> str:
    """Slack's rule for message text: only &, < and > are special."""
    return (text or "").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _mark(markup: str) -> str:
    return f"{_OPEN}{markup}{_CLOSE}"


def mention(user_id: str) -> str:
    """A live mention of a Slack user the bot knows (ids only; anything else stays text)."""
    return _mark(f"<@{user_id}>") if _USER_ID.match(user_id or "") else (user_id or "")


def mentions(user_ids, separator: str = ", ") -> str:
    return separator.join(mention(u) for u in user_ids)


def channel(channel_id: str) -> str:
    """A live link to a channel the bot posts in."""
    return _mark(f"<#{channel_id}>") if _CHANNEL_ID.match(channel_id or "") else (channel_id or "")


def link(url: str, label: str | None = None) -> str:
    """A link the bot makes itself (report pages); the label is escaped like any text."""
    if not url.startswith(("https://", "http://")) or any(c in url for c in "<>| \n"):
        return escape(label or url)
    return _mark(f"<{url}|{escape(label)}>" if label else f"<{url}>")


def date_token(moment: datetime, fallback: str, token: str = "{date_long_pretty} {time}") -> str:
    """Slack's date formatting: every reader sees the moment in their own time zone.

    The fallback (shown where tokens are not supported) is formatted by the caller.
    """
    fallback = escape(fallback).replace("|", "/")
    return _mark(f"<!date^{int(moment.timestamp())}^{token}|{fallback}>")


def _render(text: str) -> str:
    """mrkdwn: escape everything outside markers once, keep marked markup as it is."""
    out: list[str] = []
    last = 0
    for match in _MARKED.finditer(text):
        out.append(escape(_MARKER_CHARS.sub("", text[last:match.start()])))
        out.append(match.group(1))
        last = match.end()
    out.append(escape(_MARKER_CHARS.sub("", text[last:])))
    return "".join(out)


def _unmark(text: str) -> str:
    """plain_text: shown literally by Slack; markers (and the markup in them) give way to text."""
    return _MARKER_CHARS.sub("", _MARKED.sub(lambda m: _plain_markup(m.group(1)), text))


def _plain_markup(markup: str) -> str:
    """The readable part of a piece of markup for plain text: the label or fallback, else the id."""
    inner = markup[1:-1]
    if "|" in inner:
        label = inner.rsplit("|", 1)[1]
        return label.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    return inner.lstrip("@#!")


def plain(text: str) -> str:
    """Text for a place Slack shows literally (plain_text, modal errors): markers give way to text."""
    return _unmark(text or "")


def _walk(value: Any) -> Any:
    if isinstance(value, dict):
        kind = value.get("type")
        if kind == "mrkdwn" and isinstance(value.get("text"), str):
            return {**value, "text": _render(value["text"])}
        if kind == "plain_text" and isinstance(value.get("text"), str):
            return {**value, "text": _unmark(value["text"])}
        return {k: _walk(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_walk(v) for v in value]
    if isinstance(value, str):
        return _unmark(value)
    return value


def finalise(payload: dict[str, Any]) -> dict[str, Any]:
    """The payload as Slack must receive it (see the module docstring).

    Run it exactly once per payload, where the payload leaves the bot: a second pass would
    escape the escapes (`&amp;lt;`)."""
    out: dict[str, Any] = {}
    for key, value in payload.items():
        if key in _MRKDWN_KEYS and isinstance(value, str):
            out[key] = _render(value)
        elif key.startswith("_") or key in ("private_metadata", "metadata", "content_b64"):
            out[key] = value
        else:
            out[key] = _walk(value)
    return out


def clean_input(text: str | None, *, slack_escaped: bool = False) -> str:
    """Typed text as the person meant it. `slack_escaped`: Slack delivered it with &, < and >
    escaped (events, slash commands with should_escape); decode that exactly once."""
    text = text or ""
    if slack_escaped:
        text = text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    return _UNWANTED.sub("", text)


def has_live_markup(text: str) -> bool:
    """True when a finalised text would ping or link (tests and the demo use it)."""
    return bool(re.search(r"<(?:[@#!]|https?:)", text or ""))
