"""Events API listeners: the Home tab, mentions, and direct messages (file uploads)."""

from __future__ import annotations

import logging

from slack_bolt import App

from bot.runtime.deps import Deps
from bot.services import home

log = logging.getLogger(__name__)
EVENTS = ["app_home_opened", "app_mention", "message.im"]


def register(app: App, deps: Deps) -> None:
    @app.event("app_home_opened")
    def on_home(event: dict, context) -> None:
        if event.get("tab", "home") != "home":
            return
        home.publish_home(deps, context.get("team_id") or "", event.get("user", ""))

    @app.event("app_mention")
    def on_mention(event: dict, say, context) -> None:
        from bot.i18n import t
        from bot.services.commands import user_language
        from bot.slack.blocks.help import help_blocks

        lang = user_language(deps, context.get("team_id") or "", event.get("user", ""))
        say(text=t(lang, "help.title"), blocks=help_blocks(lang), thread_ts=event.get("thread_ts") or event.get("ts"))

    @app.event("message")
    def on_message(event: dict, context) -> None:
        # Only direct messages with files matter (outcome data shared with the bot). Bolt has
        # acknowledged already, so the download and import may take longer than Slack's 3 s.
        if event.get("channel_type") != "im" or event.get("bot_id"):
            return
        if event.get("user") and event.get("user") == context.get("bot_user_id"):
            return  # our own uploads (templates, charts) in the DM
        if event.get("subtype") in (None, "file_share") and event.get("files"):
            from bot.services import uploads

            uploads.handle_dm_files(deps, context.get("team_id") or "", event)
