"""The round on the Home tab (buttons and names for coordinators, counts for participants), the
round report as a file, and `python -m bot export --round ROUND --format json`."""

from __future__ import annotations

import json
from datetime import datetime

from storage.models import Action
from tests.bot.cli.test_cli import run_bot
from tests.e2e.conftest import CHANNEL, COORDINATOR, wait_for
from tests.e2e.rounds_support import (
    AMS,
    Clock,
    answer,
    buttons,
    make_round,
    open_modal,
    option,
    root_button,
    submit,
    text_of,
    wait_message,
    wait_shown,
)
from tests.e2e.test_home import _open_home

OUTCOMES = [("Ouderen doen mee", ["USW1"], ["UBM1"]), ("Jongeren <gezond>", ["USW2"], ["UBM2"])]


def test_the_round_on_home_in_a_report_and_as_json(bot, slack, sender, database_url):
    bot.runtime.deps.clock = Clock(datetime(2027, 3, 1, 10, 0, tzinfo=AMS))
    sessions = make_round(bot, sender, slack, OUTCOMES, on="2027-03-10", at="14:00")
    ouderen = sessions["Ouderen doen mee"]
    view = open_modal(sender, slack, root_button(slack, bot, ouderen, "session_start_now"), COORDINATOR, CHANNEL)
    assert not submit(sender, view, {"window": option("0"), "pace": option("async")}, COORDINATOR).body.strip()
    answer(sender, slack, wait_shown(bot, slack, CHANNEL, "answer_open", value=f"{ouderen}:opening"), "USW1",
           "Meer ouderen in de huiskamer.")
    with bot.db.unit_of_work() as s:
        s.add(Action(session_id=ouderen, what="Huisbezoeken bij 75-plussers", owner_party="aanbieder"))
    close = wait_shown(bot, slack, CHANNEL, "session_close", value=f"{ouderen}:opening")
    sender.block_action(close["action_id"], close["value"], user=COORDINATOR, channel=CHANNEL)
    wait_message(bot, slack, CHANNEL, "Samenvatting: Ouderen doen mee")

    home = _open_home(sender, bot, slack, COORDINATOR)
    shown = text_of(home)
    assert "Ronde: Voorjaar" in shown and "afgerond 1" in shown and "Jongeren &lt;gezond&gt;" in shown
    assert "Open acties: 1" in shown and "nog niet: <@UBM2>, <@USW2>" in shown
    assert {"session_people", "session_start_now", "round_remind_missing", "round_report"} <= \
        {b["action_id"] for b in buttons(home["blocks"])}
    theirs = _open_home(sender, bot, slack, "USW2")
    assert "Ronde: Voorjaar" in text_of(theirs) and "nog niet" not in text_of(theirs)
    assert not [b for b in buttons(theirs["blocks"]) if b["action_id"].startswith(("session_", "round_"))]

    report = next(b for b in buttons(home["blocks"]) if b["action_id"] == "round_report")
    sender.block_action(report["action_id"], report["value"], user=COORDINATOR,
                        view=home, container={"type": "view", "view_id": "VHOME"})
    # the round's planned conversations also sent calendar invites (.ics): wait for the report itself
    upload = wait_for(lambda: bot.drain() or next((u for u in reversed(slack.uploads)
                                                    if not u["filename"].endswith(".ics")), None))
    page = upload["content"].decode("utf-8") if isinstance(upload.get("content"), bytes) else text_of(upload)
    assert "Rondeverslag: Voorjaar" in page and "Huisbezoeken bij 75-plussers" in page
    assert "Jongeren &lt;gezond&gt;" in page and "Meer ouderen" not in page  # no answers, only agreements

    result = run_bot("export", "--round", str(report["value"]), "--format", "json",
                     env={"DATABASE_URL": database_url})
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["schema"] == "kwaliteitsgesprek.round/1" and document["round"]["name"] == "Voorjaar"
    assert document["round"]["totals"] == {"planned": 1, "running": 0, "closed": 1, "cancelled": 0}
    closed = next(c for c in document["conversations"] if c["session_id"] == ouderen)
    assert closed["status"] == "closed" and closed["actions"][0]["what"] == "Huisbezoeken bij 75-plussers"
    assert {g["role"] for g in closed["participants"]} == {"sociaal_werker", "beleidsmedewerker", "coordinator"}
    missing = run_bot("export", "--round", "999", "--format", "json", env={"DATABASE_URL": database_url})
    assert missing.returncode == 1 and "Round 999 does not exist" in missing.stderr
