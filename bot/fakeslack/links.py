"""Slack's `link_shared` event, as SlackSender sends it (a mixin to keep signing.py readable).

Slack sends it when someone pastes a link of one of the app's `unfurl_domains`: in a posted
message (`source: conversations_history`, with channel and ts) or while typing (`composer`,
with an `unfurl_id` and a placeholder ts); never for the app's own messages.
"""

from __future__ import annotations

import time
import urllib.parse
import uuid
from typing import Any


class LinkEvents:
    def event(self, event: dict[str, Any], **kwargs: Any) -> Any:  # SlackSender's
        raise NotImplementedError

    def link_shared(
        self,
        urls: list[str],
        *,
        user: str,
        channel: str = "C0CHAN",
        message_ts: str | None = None,
        source: str = "conversations_history",
        unfurl_id: str | None = None,
    ) -> Any:
        """Someone pasted `urls` (links of an `unfurl_domains` domain)."""
        links = [{"domain": urllib.parse.urlsplit(u).hostname or "", "url": u} for u in urls]
        event: dict[str, Any] = {
            "type": "link_shared",
            "channel": channel,
            "is_bot_user_member": True,
            "user": user,
            "message_ts": message_ts or f"{time.time():.6f}",
            "unfurl_id": unfurl_id or f"{uuid.uuid4().hex[:8]}.{uuid.uuid4().hex[:8]}",
            "source": source,
            "links": links,
        }
        return self.event(event)
