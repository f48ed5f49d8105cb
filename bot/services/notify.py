"""A short private message to one person, through the outbox like every other message.

Why not `client.chat_postMessage` in the listener: during a Slack outage that call fails and
the confirmation is gone; through the outbox it is delayed, not dropped.
"""

from __future__ import annotations

from bot.runtime.deps import Deps
from bot.services.people import ensure_workspace
from storage.outbox import enqueue


def dm(deps: Deps, team_id: str, user_id: str, text: str) -> None:
    if not team_id or not user_id or not text:
        return
    with deps.db.unit_of_work() as s:
        workspace = ensure_workspace(s, team_id, language=deps.settings.language)
        enqueue(s, method="chat.postMessage", payload={"channel": user_id, "text": text[:3000]},
                channel_key=user_id, workspace_id=workspace.id)
    deps.notify()
