"""The `/gesprek help` answer."""

from __future__ import annotations

from bot.i18n import t
from bot.slack.blocks.kit import context, header, section


def help_blocks(lang: str, *, unknown: str | None = None) -> list[dict]:
    blocks = [header(t(lang, "help.title"))]
    if unknown:
        blocks.append(section(t(lang, "help.unknown", command=unknown)))
    blocks += [
        section(t(lang, "help.intro")),
        section(t(lang, "help.commands")),
        context(t(lang, "help.footer")),
    ]
    return blocks
