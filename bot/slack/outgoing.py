"""The one way out: every message, update, view and upload the bot sends is queued here.

Why one module: whatever leaves must be escaped once (bot/slack/markup.py), split where Slack's
limits would refuse it (50 blocks, about 13,000 characters per message), addressed to the
right ordering key (a channel, a person's DM, a person's Home tab), and written to the outbox
in the caller's transaction so that a Slack outage delays it and never loses it. Writing
payloads by hand in each service got each of those right in some places only.

Placeholders and effects (the thread of a session, the ts of a stage message) are the typed
ones of storage/outbox.py; this module only chooses them.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from bot.slack.markup import finalise
from storage.models import ConversationSession, SessionStage
from storage.outbox import StoreStageTs, StoreThreadTs, enqueue, outbox_ts, session_thread, stage_ts

MESSAGE_BLOCKS_MAX = 50
MESSAGE_CHARS_MAX = 12_000  # Slack refuses whole messages around 13k characters (msg_blocks_too_long)
NOTIFICATION_MAX = 3_000  # the top-level text is the notification and screen-reader fallback


def chunk_blocks(blocks: list[dict]) -> list[list[dict]]:
    """Blocks split into messages Slack accepts: at most 50 blocks and ~12k characters each."""
    chunks: list[list[dict]] = [[]]
    size = 0
    for block in blocks:
        length = len(json.dumps(block, ensure_ascii=False))
        if chunks[-1] and (len(chunks[-1]) >= MESSAGE_BLOCKS_MAX or size + length > MESSAGE_CHARS_MAX):
            chunks.append([])
            size = 0
        chunks[-1].append(block)
        size += length
    return chunks


@dataclass(frozen=True)
class Progress:
    """A progress message: where it is and the outbox row that posts it (its ts comes later)."""

    channel: str
    outbox_id: int


class Outgoing:
    """Queues what one unit of work sends, for one workspace.

    `report_to` (a coordinator's user id) is told by the sender when a message cannot be
    delivered at all (e.g. the bot is not in the channel); `lang` is the language of that note.
    """

    def __init__(self, s: Session, workspace_id: int | None, *, report_to: str | None = None,
                 lang: str | None = None) -> None:
        self.s = s
        self.workspace_id = workspace_id
        self.meta: dict[str, Any] = {}
        if report_to:
            self.meta["_report_to"] = report_to
        if lang:
            self.meta["_lang"] = lang

    @staticmethod
    def thread_of(session: ConversationSession) -> Any:
        """The session's thread: its ts, or a placeholder while the root is not delivered yet."""
        return session.thread_ts or session_thread(session.id)

    def _queue(self, method: str, payload: dict, channel_key: str, *, dedupe: str | None = None,
               on_sent=None) -> bool:
        row = enqueue(self.s, method=method, payload={**finalise(payload), **self.meta}, channel_key=channel_key,
                      workspace_id=self.workspace_id, dedupe_key=dedupe, on_sent=on_sent)
        return row is not None

    # ---- messages ------------------------------------------------------------------------------

    def message(self, channel: str, text: str, blocks: list[dict] | None = None, *, thread: Any = None,
                dedupe: str | None = None, on_sent=None, unfurl: bool | None = None) -> bool:
        """A message in a channel or DM (a user id as `channel` posts in the bot's DM with them).

        Long block lists become several messages in order; the first carries the notification text.
        Returns False when the dedupe key was used before (nothing new queued).
        """
        parts = chunk_blocks(blocks) if blocks else [None]
        queued = False
        for index, part in enumerate(parts):
            # Continuations carry their place, not the same notification again.
            notification = (text or " ") if index == 0 else f"({index + 1}/{len(parts)})"
            payload: dict[str, Any] = {"channel": channel, "text": notification[:NOTIFICATION_MAX]}
            if thread is not None:
                payload["thread_ts"] = thread
            if part is not None:
                payload["blocks"] = part
            if unfurl is not None:
                payload["unfurl_links"] = payload["unfurl_media"] = unfurl
            key = dedupe if dedupe is None or index == 0 else f"{dedupe}:{index}"
            queued |= self._queue("chat.postMessage", payload, channel, dedupe=key,
                                  on_sent=on_sent if index == 0 else None)
        return queued

    def to_person(self, user_id: str, text: str, blocks: list[dict] | None = None, *,
                  dedupe: str | None = None) -> bool:
        """A direct message (ordered per person)."""
        return self.message(user_id, text, blocks, dedupe=dedupe)

    def to_thread(self, session: ConversationSession, text: str, blocks: list[dict] | None = None, *,
                  dedupe: str | None = None) -> bool:
        """A message in the session's thread (its root may not be delivered yet: placeholder)."""
        return self.message(session.channel_id, text, blocks, thread=self.thread_of(session), dedupe=dedupe,
                            unfurl=False)

    def root(self, session: ConversationSession, text: str, blocks: list[dict], *, dedupe: str | None = None) -> bool:
        """The session's first message; its ts becomes the session's thread."""
        return self.message(session.channel_id, text, blocks, dedupe=dedupe, on_sent=StoreThreadTs(session.id))

    def update_root(self, session: ConversationSession, text: str, blocks: list[dict]) -> bool:
        """Replace a session's first message (its people, its planned moment, its controls)."""
        payload = {"channel": session.channel_id, "ts": self.thread_of(session),
                   "text": (text or " ")[:NOTIFICATION_MAX], "blocks": blocks[:MESSAGE_BLOCKS_MAX]}
        return self._queue("chat.update", payload, session.channel_id)

    def stage_message(self, session: ConversationSession, stage: SessionStage, text: str,
                      blocks: list[dict]) -> bool:
        """A stage's message in the thread; its ts is kept for the updates that follow."""
        return self.message(session.channel_id, text, blocks[:MESSAGE_BLOCKS_MAX],
                            thread=self.thread_of(session), on_sent=StoreStageTs(stage.id))

    def update_stage_message(self, session: ConversationSession, stage: SessionStage, text: str,
                             blocks: list[dict]) -> bool:
        """Replace a stage message's content (progress, closed state)."""
        payload = {"channel": session.channel_id, "ts": stage.message_ts or stage_ts(stage.id),
                   "text": (text or " ")[:NOTIFICATION_MAX], "blocks": blocks[:MESSAGE_BLOCKS_MAX]}
        return self._queue("chat.update", payload, session.channel_id)

    def progress(self, channel: str, text: str, *, thread: Any = None) -> Progress:
        """A "bezig met…" message posted at once; `finish` later replaces it with the result.

        The handle is plain data (channel and outbox row), so the work in between may run in
        another transaction, or another process."""
        payload: dict[str, Any] = {"channel": channel, "text": (text or " ")[:NOTIFICATION_MAX],
                                   "unfurl_links": False, "unfurl_media": False}
        if thread is not None:
            payload["thread_ts"] = thread
        row = enqueue(self.s, method="chat.postMessage", payload={**finalise(payload), **self.meta},
                      channel_key=channel, workspace_id=self.workspace_id)
        self.s.flush()
        return Progress(channel, row.id)  # type: ignore[union-attr]  # no dedupe key: always a row

    def finish(self, progress: Progress, text: str, blocks: list[dict] | None = None) -> bool:
        """Replace a progress message with the result (chat.update of the same message)."""
        payload: dict[str, Any] = {"channel": progress.channel, "ts": outbox_ts(progress.outbox_id),
                                   "text": (text or " ")[:NOTIFICATION_MAX]}
        if blocks is not None:
            payload["blocks"] = blocks[:MESSAGE_BLOCKS_MAX]
        return self._queue("chat.update", payload, progress.channel)

    def unfurl(self, channel: str | None, unfurls: dict[str, dict], *, ts: str | None = None,
               unfurl_id: str | None = None, source: str | None = None) -> bool:
        """Previews of our links in someone's message (chat.unfurl): by channel and ts, or by
        `unfurl_id` and `source` while the message is still in the composer."""
        payload: dict[str, Any] = {"unfurls": unfurls}
        if unfurl_id and source:
            payload.update(unfurl_id=unfurl_id, source=source)
        else:
            payload.update(channel=channel, ts=ts)
        return self._queue("chat.unfurl", payload, channel or f"unfurl:{unfurl_id}")

    # ---- views and files --------------------------------------------------------------------------

    def publish_home(self, user_id: str, view: dict) -> bool:
        return self._queue("views.publish", {"user_id": user_id, "view": view}, f"home:{user_id}")

    def upload(self, channel: str, *, filename: str, content: bytes, title: str, comment: str | None = None,
               thread: Any = None, alt_text: str | None = None, dedupe: str | None = None) -> bool:
        """A file in a channel, thread or DM (files_upload_v2 at send time)."""
        payload: dict[str, Any] = {"channel": channel, "filename": filename, "title": title,
                                   "content_b64": base64.b64encode(content).decode("ascii")}
        if thread is not None:
            payload["thread_ts"] = thread
        if comment:
            payload["initial_comment"] = comment
        if alt_text:
            payload["alt_txt"] = alt_text[:1000]
        return self._queue("files.upload_v2", payload, channel, dedupe=dedupe)
