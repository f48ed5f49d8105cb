"""A short private message to one person, through the outbox like every other message.

Why not `client.chat_postMessage` in a listener: during a Slack outage that call fails and the
note is gone; through the outbox it is delayed, not dropped. Listeners never touch the
database, so when a reply cannot go through response_url they ask for this.
"""

from __future__ import annotations

from bot.runtime.deps import Deps
from bot.services.common.people import ensure_workspace
from bot.slack.outgoing import Outgoing


def tell(deps: Deps, team_id: str, user_id: str, text: str, blocks: list[dict] | None = None) -> None:
    if not team_id or not user_id or not text:
        return
    with deps.db.unit_of_work() as s:
        workspace = ensure_workspace(s, team_id, language=deps.settings.language)
        Outgoing(s, workspace.id).to_person(user_id, text[:3000], blocks)
    deps.notify()


def tell_in_thread(deps: Deps, team_id: str, channel: str, thread_ts: str | None, text: str,
                   blocks: list[dict] | None = None) -> None:
    """A reply where the bot was mentioned (in the thread of the mention)."""
    if not team_id or not channel:
        return
    with deps.db.unit_of_work() as s:
        workspace = ensure_workspace(s, team_id, language=deps.settings.language)
        Outgoing(s, workspace.id).message(channel, text, blocks, thread=thread_ts)
    deps.notify()
