"""Previews of report links that people paste into Slack (`link_shared` → `chat.unfurl`).

Who sees a preview: everyone in the conversation where the link is pasted. So the conclusion
and the top actions are shown only where everyone present may see the session anyway: in the
session's own channel, or in a conversation whose members (asked from Slack) are all its
participants or coordinators, and only when the person who pasted it is one of them. Anywhere
else, and whenever Slack cannot say who is there, Slack shows the bare link: the page behind it
still needs the link itself, and this decides only what the preview gives away.

Only our own links are looked at (BOT_PUBLIC_URL + /verslag/), only valid ones (signed, not
expired, not revoked) and only of the workspace the event came from.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from bot.runtime.deps import Deps
from bot.services.reports.links import token_in, valid_link
from bot.services.reports.making import preview_of
from bot.slack.blocks.report_link import Preview, unfurl_preview
from bot.slack.channels import channel_members
from bot.slack.outgoing import Outgoing
from storage.models import ConversationSession, Participant, Person, Workspace

MAX_LINKS = 5  # Slack sends at most a handful per message


@dataclass(frozen=True)
class _Found:
    channel: str  # the session's channel
    allowed: frozenset[str]  # Slack ids of its participants and coordinators
    lang: str
    preview: Preview


def _allowed(s, session: ConversationSession, workspace: Workspace) -> frozenset[str]:
    people = s.scalars(select(Person.slack_user_id).join(Participant, Participant.person_id == Person.id)
                       .where(Participant.session_id == session.id, Participant.status == "active"))
    return frozenset([*people, session.created_by or "", *(workspace.coordinator_ids or [])]) - {""}


def _find(deps: Deps, team_id: str, urls: list[str]) -> tuple[int | None, dict[str, _Found]]:
    tokens = {url: token for url in urls if (token := token_in(url, deps.settings))}
    if not tokens:
        return None, {}
    found: dict[str, _Found] = {}
    with deps.db.reader() as s:
        workspace = s.scalar(select(Workspace).where(Workspace.team_id == team_id))
        if workspace is None:
            return None, {}
        for url, token in tokens.items():
            link = valid_link(s, deps.settings, token, deps.now())
            if link is None or link.kind != "session" or link.workspace_id != workspace.id:
                continue
            session = s.get(ConversationSession, link.target_id)
            if session is None or session.workspace_id != workspace.id:
                continue
            lang = session.language or deps.settings.language
            found[url] = _Found(session.channel_id, _allowed(s, session, workspace), lang,
                                preview_of(s, deps.flows, session, team_id, lang,
                                           anonymous=session.visibility == "anonymous"))
        return workspace.id, found


def unfurl_shared_links(deps: Deps, team_id: str, bot_user_id: str | None, event: dict) -> int:
    """Queue previews for the valid report links of one `link_shared` event; returns how many."""
    urls = [str(item.get("url") or "") for item in (event.get("links") or []) if isinstance(item, dict)]
    workspace_id, found = _find(deps, team_id, urls[:MAX_LINKS])
    channel, user = str(event.get("channel") or ""), str(event.get("user") or "")
    members: set[str] | None = None
    previews = {}
    for url, item in found.items():
        if channel != item.channel:
            if members is None:
                members = channel_members(deps.tokens, team_id, channel) or set()
            present = members - {bot_user_id or ""}
            if not present or user not in item.allowed or not present <= item.allowed:
                continue
        previews[url] = unfurl_preview(item.lang, item.preview, url)
    if not previews or workspace_id is None:
        return 0
    composer = event.get("source") == "composer" and event.get("unfurl_id")
    with deps.db.unit_of_work() as s:
        Outgoing(s, workspace_id).unfurl(
            None if composer else channel, previews, ts=None if composer else str(event.get("message_ts") or ""),
            unfurl_id=str(event["unfurl_id"]) if composer else None, source="composer" if composer else None)
    deps.notify()
    return len(previews)
