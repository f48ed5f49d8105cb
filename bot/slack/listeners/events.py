"""Events API listeners: the Home tab, mentions, report links pasted anywhere (unfurls), and direct
messages (file uploads).

Bolt has acknowledged before these run, so the download and import of a shared file may take
longer than Slack's 3 s. Deliveries are deduplicated on `event_id` (bot/slack/app.py).
"""

from __future__ import annotations

from slack_bolt import App

from bot.runtime.deps import Deps
from bot.services.commands import help_reply
from bot.services.common.notices import tell_in_thread
from bot.services.conversation.home import publish_home
from bot.services.data.uploads import handle_dm_files
from bot.services.reports.unfurl import unfurl_shared_links
from bot.services.rounds.creating import handle_round_file, is_round_message

EVENTS = ["app_home_opened", "app_mention", "link_shared", "message.im"]


def register(app: App, deps: Deps) -> None:
    @app.event("app_home_opened")
    def on_home(event: dict, context) -> None:
        if event.get("tab", "home") != "home":
            return
        publish_home(deps, context.get("team_id") or "", event.get("user", ""))

    @app.event("app_mention")
    def on_mention(event: dict, context) -> None:
        team, user = context.get("team_id") or "", event.get("user", "")
        reply = help_reply(deps, team, user)
        tell_in_thread(deps, team, event.get("channel") or "", event.get("thread_ts") or event.get("ts"),
                       reply.text, reply.blocks)

    @app.event("link_shared")
    def on_link_shared(event: dict, context) -> None:
        """A report link pasted somewhere: a preview where everyone present may see the session."""
        unfurl_shared_links(deps, context.get("team_id") or "", context.get("bot_user_id"), event)

    @app.event("message")
    def on_message(event: dict, context) -> None:
        # Only direct messages with files matter (outcome data shared with the bot).
        if event.get("channel_type") != "im" or event.get("bot_id"):
            return
        if event.get("user") and event.get("user") == context.get("bot_user_id"):
            return  # our own uploads (templates, charts) in the DM
        if event.get("subtype") in (None, "file_share") and event.get("files"):
            # 'ronde …' with a file sets up a round; any other file is outcome data
            handle = handle_round_file if is_round_message(event.get("text")) else handle_dm_files
            handle(deps, context.get("team_id") or "", event)
