"""`/gesprek <subcommand>`: parse, acknowledge, call the command table, show its reply.

Why some words answer after the acknowledgement: Slack waits 3 seconds; status overviews,
exports and erasures may take longer, so those are acknowledged at once and answered through
response_url (or a DM through the outbox when that fails).
"""

from __future__ import annotations

import logging

from slack_bolt import Ack, App

from bot.i18n import t
from bot.logs import log_failure
from bot.runtime.deps import Deps
from bot.services.commands import SLOW, Command, Reply, run_command, word_of
from bot.services.common.refusal import Refusal
from bot.slack.inbound import command_text
from bot.slack.listeners.respond import Responder
from bot.slack.markup import finalise

log = logging.getLogger(__name__)
COMMANDS = ["/gesprek"]


def register(app: App, deps: Deps) -> None:
    @app.command("/gesprek")
    def gesprek(ack: Ack, command: dict, client) -> None:
        text, raw = command_text(command)
        parsed = Command(team_id=command.get("team_id") or "", user_id=command.get("user_id") or "",
                         channel_id=command.get("channel_id") or "", text=text, raw=raw,
                         trigger_id=command.get("trigger_id") or "")
        responder = Responder(deps, {**command, "user": {"id": parsed.user_id}, "team": {"id": parsed.team_id}},
                              client)
        if word_of(parsed) in SLOW:
            ack()
            reply = responder.run(lambda: run_command(deps, parsed), "a slash command")
            if reply is not None:
                responder.tell(reply.text, reply.blocks or None)
            return
        try:
            reply = run_command(deps, parsed)
        except Refusal as refusal:
            reply = Reply(refusal.message)
        except Exception:
            log_failure(log, "a slash command failed")
            reply = Reply(t(responder.language(), "errors.generic"))
        if reply.view is not None:
            ack()
            responder.open(reply.view)
            return
        ack(**finalise({"response_type": "ephemeral", "text": reply.text,
                        **({"blocks": reply.blocks} if reply.blocks else {})}))
