"""`/gesprek ronde`: the overview of a round, setting one up, and the round report.

`/gesprek ronde` shows the newest round you may see, `/gesprek ronde 3` round 3,
`/gesprek ronde nieuw 9` opens the set-up modal with nine outcomes, `/gesprek ronde bestand`
explains the file. Coordinators see names and buttons; participants see the same numbers.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from bot.report.rounds import round_report_html
from bot.runtime.deps import Deps
from bot.services.common.caller import Caller, asking
from bot.services.data.commands import dm_channel
from bot.services.rounds.creating import round_view
from bot.services.rounds.overview import RoundOverview, round_overview, rounds_for
from bot.slack.blocks.rounds import SLOTS_DEFAULT, overview_blocks, overview_text
from bot.slack.ids import small_int
from bot.slack.outgoing import Outgoing
from storage.models import Round

NEW_WORDS = ("nieuw", "new")
FILE_WORDS = ("bestand", "file", "help")

Answer = tuple[str, list[dict], dict | None]  # text, blocks, a modal to open


def round_reply(deps: Deps, team_id: str, user_id: str, channel_id: str, rest: str) -> Answer:
    words = rest.lower().split()
    if words and words[0] in NEW_WORDS:
        slots = small_int(words[1]) if len(words) > 1 else None
        return "", [], round_view(deps, team_id, user_id, channel_id, slots or SLOTS_DEFAULT)
    with asking(deps, team_id, user_id, write=False) as me:
        if words and words[0] in FILE_WORDS:
            return me.text("rounds.file_help"), [], None
        overview = visible_overview(me, small_int(words[0].lstrip("#")) if words else None)
        if overview is None:
            return me.text("rounds.none"), [], None
        return overview_text(me.lang, overview), overview_blocks(me.lang, overview,
                                                                 controls=overview.coordinator), None


def visible_overview(me: Caller, round_id: int | None) -> RoundOverview | None:
    """The round asked for (or the newest) if this person may see it; names only for coordinators."""
    coordinator = me.is_coordinator()
    visible = rounds_for(me.s, me.workspace, me.person, coordinator, limit=1 if round_id is None else 500)
    found = next((r for r in visible if round_id is None or r.id == round_id), None)
    if found is None:
        return None
    return round_overview(me.s, me.deps, found, me.person, coordinator=coordinator, lang=me.lang)


def home_rounds(me: Caller, limit: int = 2) -> list[RoundOverview]:
    """The newest rounds for the Home tab (the Home tab in conversation/ reads this)."""
    coordinator = me.is_coordinator()
    return [round_overview(me.s, me.deps, rnd, me.person, coordinator=coordinator, lang=me.lang)
            for rnd in rounds_for(me.s, me.workspace, me.person, coordinator, limit=limit)]


def share_round_report(deps: Deps, team_id: str, user_id: str, round_id: int | None) -> str:
    """The round report (HTML) as a file in the coordinator's DM; returns the note for them."""
    channel = dm_channel(deps, team_id, user_id)
    with asking(deps, team_id, user_id) as me:
        me.require_coordinator()
        rnd = me.s.get(Round, round_id) if round_id is not None else None
        if rnd is None or rnd.workspace_id != me.workspace.id:
            raise me.refusal("errors.stale")
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / f"ronde-{rnd.id}.html"
            path.write_text(round_report_html(me.s, deps.flows, rnd, lang=me.lang,
                                              timezone=deps.settings.timezone), encoding="utf-8")
            content = path.read_bytes()
        Outgoing(me.s, me.workspace.id, report_to=user_id, lang=me.lang).upload(
            channel, filename=path.name, content=content, title=me.text("rounds.report.title", name=rnd.name))
        return me.text("rounds.report.coming")
