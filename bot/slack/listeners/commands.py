"""`/gesprek <subcommand>`: help, start, status, data, reeks, mijn-gegevens, taal."""

from __future__ import annotations

import logging

from slack_bolt import Ack, App

from bot.i18n import t
from bot.runtime.deps import Deps
from bot.services import commands as service
from bot.slack.blocks.help import help_blocks

log = logging.getLogger(__name__)
COMMANDS = ["/gesprek"]


def register(app: App, deps: Deps) -> None:
    from bot.services.series import reeks_command

    service.EXTRA_SUBCOMMANDS.setdefault("reeks", reeks_command)
    service.EXTRA_SUBCOMMANDS.setdefault("series", reeks_command)
    from bot.services.privacy import mijn_gegevens_command, wis_command

    service.EXTRA_SUBCOMMANDS.setdefault("mijn-gegevens", mijn_gegevens_command)
    service.EXTRA_SUBCOMMANDS.setdefault("my-data", mijn_gegevens_command)
    service.EXTRA_SUBCOMMANDS.setdefault("wis", wis_command)
    service.EXTRA_SUBCOMMANDS.setdefault("erase", wis_command)
    @app.command("/gesprek")
    def gesprek(ack: Ack, command: dict, client) -> None:
        text = (command.get("text") or "").strip()
        sub, _, rest = text.partition(" ")
        sub = sub.lower()
        team_id = command.get("team_id", "")
        user_id = command.get("user_id", "")
        lang = service.user_language(deps, team_id, user_id)
        if sub in ("", "help", "hulp", "?"):
            ack(response_type="ephemeral", text=t(lang, "help.title"), blocks=help_blocks(lang))
        elif sub == "start":
            reply = service.open_start_modal(deps, client, team_id, user_id, command.get("trigger_id", ""))
            if reply:
                ack(response_type="ephemeral", text=reply)
            else:
                ack()
        elif sub == "status":
            ack(response_type="ephemeral", text=service.status_text(deps, team_id, user_id, lang))
        elif sub in ("taal", "language"):
            ack(response_type="ephemeral", text=service.set_language(deps, team_id, user_id, rest.strip()))
        elif sub in service.EXTRA_SUBCOMMANDS:
            ack(response_type="ephemeral", text=service.EXTRA_SUBCOMMANDS[sub](deps, command, rest.strip(), lang))
        else:
            ack(
                response_type="ephemeral",
                text=t(lang, "help.unknown", command=sub[:40]),
                blocks=help_blocks(lang, unknown=sub[:40]),
            )
