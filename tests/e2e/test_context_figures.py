"""zonder-data: the first question shows public figures on the theme, per wijk against Nederland."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from storage.models import Workspace
from tests.e2e.conftest import CHANNEL
from tests.harness import TEAM

RIVM = Path(__file__).resolve().parents[2] / "storage" / "context" / "rivm_gezondheid_wijk_buurt_2012_2016_2020_7gemeenten.csv"


def test_loneliness_context_with_source(conversation, bot, slack):
    with bot.db.unit_of_work() as s:
        s.add(Workspace(team_id=TEAM, language="nl", coordinator_ids=[], settings={"gemeente": "Ooststellingwerf"}))
    conversation.start("zonder-data", "Minder eenzame ouderen", theme="eenzaamheid onder ouderen")
    messages = json.dumps(slack.messages(CHANNEL), ensure_ascii=False)
    assert "Wat we weten" in messages and "Bron: RIVM" in messages
    with RIVM.open(encoding="utf-8") as f:
        rows = [r for r in csv.DictReader(f) if r["gemeentenaam"] == "Ooststellingwerf"
                and r["leeftijdsgroep"] == "65+" and r["soort_regio"] == "Gemeente"]
    for row in rows:  # the gemeente figure per year, as published
        assert f"{row['jaar']}*: Ooststellingwerf {row['Eenzaam_28'].replace('.', ',')}%" in messages
    nl_2020 = next(r for r in csv.DictReader(RIVM.open(encoding="utf-8"))
                   if r["regiocode"] == "NL01" and r["jaar"] == "2020" and r["leeftijdsgroep"] == "65+")
    assert f"Nederland {nl_2020['Eenzaam_28'].replace('.', ',')}%" in messages


def test_no_context_without_a_matching_theme(conversation, bot, slack):
    with bot.db.unit_of_work() as s:
        s.add(Workspace(team_id=TEAM, language="nl", coordinator_ids=[], settings={"gemeente": "Ooststellingwerf"}))
    conversation.start("zonder-data", "Iets anders", theme="digitale vaardigheden")
    assert "Wat we weten" not in json.dumps(slack.messages(CHANNEL), ensure_ascii=False)
