"""What `/gesprek <subcommand>` does: one explicit table from words (Dutch and English) to use cases.

Why a table here and not a registry filled by the modules themselves: a newcomer reads in one
place which word does what, and nothing depends on which modules happened to be imported.
The listener parses the command, acknowledges, calls `run_command` and shows its `Reply`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import select

from bot.i18n import t
from bot.runtime.deps import Deps
from bot.services.common.caller import asking, language
from bot.services.conversation.status import status_text
from bot.services.cycle.series import series_command
from bot.services.data.commands import data_subcommand
from bot.services.privacy.erasure import erase_person, parse_user
from bot.services.privacy.export import export_my_data
from bot.services.rounds.viewing import round_reply
from bot.slack.blocks.help import help_blocks
from bot.slack.blocks.start_modal import start_modal
from storage.models import Outcome


@dataclass(frozen=True)
class Command:
    """A slash command as plain values. `text` is decoded once; `raw` is as Slack sent it
    (escaped), for the few words that must see Slack's own mention syntax."""

    team_id: str
    user_id: str
    channel_id: str
    text: str
    raw: str
    trigger_id: str = ""


@dataclass
class Reply:
    """What the person sees: an ephemeral text (with blocks), or a modal to open."""

    text: str = ""
    blocks: list[dict] = field(default_factory=list)
    view: dict | None = None


def start_view(deps: Deps, team_id: str, user_id: str, channel_id: str | None = None,
               flow_id: str | None = None) -> dict:
    """The start modal (coordinators only); raises Refusal for anyone else."""
    with asking(deps, team_id, user_id, write=False) as me:
        me.require_coordinator()
        outcomes = [(o.id, o.name) for o in me.s.scalars(
            select(Outcome).where(Outcome.workspace_id == me.workspace.id).order_by(Outcome.id.desc()).limit(100))]
        flows = [(flow.id, flow.title.get(me.lang)) for flow in deps.flows.all()]
        return start_modal(me.lang, flows, outcomes, channel_id, flow_id)


def set_language(deps: Deps, team_id: str, user_id: str, choice: str) -> str:
    choice = choice.lower()[:2]
    if choice not in ("nl", "en"):
        return "Gebruik `/gesprek taal nl` of `/gesprek taal en`. / Use `/gesprek taal nl` or `/gesprek taal en`."
    with asking(deps, team_id, user_id) as me:
        me.person.language = choice
    return t(choice, "language.set")


def help_reply(deps: Deps, team_id: str, user_id: str, unknown: str | None = None) -> Reply:
    """`/gesprek help` (and a mention of the bot): what the bot does, in the person's language."""
    lang = language(deps, team_id, user_id)
    if unknown:
        return Reply(t(lang, "help.unknown", command=unknown), help_blocks(lang, unknown=unknown))
    return Reply(t(lang, "help.title"), help_blocks(lang))


Handler = Callable[[Deps, Command, str], Reply]

SUBCOMMANDS: dict[str, Handler] = {
    "start": lambda deps, c, rest: Reply(view=start_view(deps, c.team_id, c.user_id, c.channel_id or None)),
    "status": lambda deps, c, rest: Reply(status_text(deps, c.team_id, c.user_id)),
    "taal": lambda deps, c, rest: Reply(set_language(deps, c.team_id, c.user_id, rest)),
    "data": lambda deps, c, rest: Reply(data_subcommand(deps, c.team_id, c.user_id, c.channel_id, rest)),
    "reeks": lambda deps, c, rest: Reply(series_command(deps, c.team_id, c.user_id, rest)),
    "ronde": lambda deps, c, rest: Reply(*round_reply(deps, c.team_id, c.user_id, c.channel_id, rest)),
    "mijn-gegevens": lambda deps, c, rest: Reply(export_my_data(deps, c.team_id, c.user_id,
                                                                request_key=c.trigger_id or None)),
    "wis": lambda deps, c, rest: _erase(deps, c),
}
ALIASES = {"language": "taal", "series": "reeks", "my-data": "mijn-gegevens", "erase": "wis", "round": "ronde"}
HELP_WORDS = ("", "help", "hulp", "?")
# Words whose work takes longer than an acknowledgement may: answered through response_url.
SLOW = frozenset({"status", "mijn-gegevens", "wis"})


def _erase(deps: Deps, command: Command) -> Reply:
    """`/gesprek wis @persoon`: the mention must be Slack's own (`<@U…>`), read from the raw text."""
    target = parse_user(command.raw.strip().partition(" ")[2])
    if target is None:
        return Reply(t(language(deps, command.team_id, command.user_id), "privacy.erase_usage"))
    return Reply(erase_person(deps, command.team_id, command.user_id, target))


def word_of(command: Command) -> str:
    word = command.text.strip().partition(" ")[0].lower()
    return ALIASES.get(word, word)


def run_command(deps: Deps, command: Command) -> Reply:
    """The reply to one `/gesprek …`; refusals arrive as `Refusal` for the listener to show."""
    word = word_of(command)
    rest = command.text.strip().partition(" ")[2].strip()
    if word in HELP_WORDS:
        return help_reply(deps, command.team_id, command.user_id)
    handler = SUBCOMMANDS.get(word)
    if handler is None:
        return help_reply(deps, command.team_id, command.user_id, unknown=word[:40])
    return handler(deps, command, rest)
