"""A round of three outcomes set up from a file shared in a DM: checked whole, people found by
e-mail, one preparation DM per person per conversation, ONE combined reminder per person, and
the overview correct at each step; a file with problems creates nothing and says why by row."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from storage.models import ConversationSession, DueItem, Participant, Round, Workspace
from tests.e2e.conftest import CHANNEL, COORDINATOR, wait_for
from tests.e2e.rounds_support import (
    AMS,
    Clock,
    buttons,
    dms,
    overview,
    prepare,
    round_sessions,
    run_due,
    share_file,
    shown_button,
    text_of,
    wait_for_dm,
)
from tests.harness import TEAM

# Sam (USW1) is in all three conversations, once by e-mail; Bas (UBM1) in two.
ROUND_FILE = (
    "resultaat;rol;deelnemer;gesprek;moment\n"
    "Ouderen doen mee;sociaal werker;sam@example.org;duiding;10-03-2027 14:00\n"
    "Ouderen doen mee;beleidsmedewerker;UBM1;;\n"
    "Jongeren gezond;sociaal werker;USW1;;\n"
    "Jongeren gezond;sociaal werker;USW2;;\n"
    "Jongeren gezond;gemeente;bente@example.org;;\n"
    "Minder armoede;Sociaal werker;<@USW1>;;\n"
    "Minder armoede;Beleidsmedewerker;UBM1;;\n"
).encode("cp1252")


def _setup(bot, settings: dict | None = None) -> Clock:
    clock = Clock(datetime(2027, 3, 1, 10, 0, tzinfo=AMS))
    bot.runtime.deps.clock = clock
    with bot.db.unit_of_work() as s:
        s.add(Workspace(team_id=TEAM, language="nl", coordinator_ids=[], settings=settings or {}))
    return clock


def _prep_dms(slack, user: str) -> list[str]:
    return [m["text"] for m in dms(slack, user) if m["text"].startswith("Voorbereiding:")]


def _counts(bot) -> tuple[int, int, int]:
    with bot.db.reader() as s:
        return (s.scalar(select(func.count()).select_from(Round)),
                s.scalar(select(func.count()).select_from(ConversationSession)),
                s.scalar(select(func.count()).select_from(Participant)))


def test_a_round_from_a_file_prepares_once_per_conversation_and_reminds_once_per_person(bot, slack, sender):
    clock = _setup(bot, {"max_nudges": 1})
    share_file(sender, slack, COORDINATOR, ROUND_FILE, "ronde voorjaar.csv",
               f"ronde Voorjaar 2027 <#{CHANNEL}|kwaliteit>")
    created = text_of(wait_for_dm(bot, slack, COORDINATOR, "staat klaar")[-1])
    assert "3 gesprekken met samen 7 deelnemers" in created
    sessions = round_sessions(bot)
    assert set(sessions) == {"Ouderen doen mee", "Jongeren gezond", "Minder armoede"}
    # one thread per conversation in the one channel, each with the coordinator's buttons
    roots = [m for m in slack.messages(CHANNEL) if "Kwaliteitsgesprek:" in m["text"]]
    assert len(roots) == 3 and all({"session_people", "session_start_now", "session_cancel"}
                                   <= {b["action_id"] for b in buttons(m["blocks"])} for m in roots)
    assert "Voorbereid: 0 van 7 · gepland 3 · lopend 0" in overview(sender)
    # the e-mail addresses were looked up with Slack, paced as a Tier 3 method
    assert {c.params["email"] for c in slack.calls_to("users.lookupByEmail")} == {"sam@example.org",
                                                                                 "bente@example.org"}

    # nothing before the prep round (7 days before 10 March 14:00)
    run_due(bot, clock, datetime(2027, 3, 3, 13, 59, tzinfo=AMS))
    assert _prep_dms(slack, "USW1") == []
    run_due(bot, clock, datetime(2027, 3, 3, 14, 0, tzinfo=AMS))
    sam = _prep_dms(slack, "USW1")
    assert sorted(sam) == ["Voorbereiding: Jongeren gezond", "Voorbereiding: Minder armoede",
                           "Voorbereiding: Ouderen doen mee"]  # one per conversation, each once
    assert len(_prep_dms(slack, "UBM1")) == 2 and len(_prep_dms(slack, "UBM2")) == 1
    assert len(_prep_dms(slack, COORDINATOR)) == 3
    run_due(bot, clock, datetime(2027, 3, 3, 15, 0, tzinfo=AMS))  # a second pass sends nothing again
    assert len(_prep_dms(slack, "USW1")) == 3

    # Sam prepares one conversation from the button in its DM; the overview follows
    prepare(sender, slack, shown_button(dms(slack, "USW1"), "prep_open", value=str(sessions["Ouderen doen mee"])),
            "USW1", "Sam bereidt voor")
    wait_for(lambda: "Voorbereid: 1 van 7" in overview(sender))
    shown = overview(sender)
    assert "1 van 2 voorbereid" in shown and "nog niet: <@UBM1>" in shown
    assert "nog niet" not in overview(sender, user="USW2")  # participants see counts, never names

    # two working days later: ONE reminder per person, listing what is still open
    run_due(bot, clock, datetime(2027, 3, 5, 14, 0, tzinfo=AMS))
    reminders = [m for m in dms(slack, "USW1") if "vriendelijke herinnering" in m["text"]]
    assert len(reminders) == 1 and "2 gesprek(ken)" in reminders[0]["text"]
    listed = {b["value"] for b in buttons(reminders[0]["blocks"]) if b["action_id"] == "prep_open"}
    assert listed == {str(sessions["Jongeren gezond"]), str(sessions["Minder armoede"])}
    assert len([m for m in dms(slack, "UBM1") if "vriendelijke herinnering" in m["text"]]) == 1
    assert not [m for m in dms(slack, "USW1") if "de voorbereiding voor *" in m["text"]]  # no per-session nudges

    # at the cap (1 here) the round's coordinator gets ONE overview of who has not prepared
    run_due(bot, clock, datetime(2027, 3, 8, 10, 0, tzinfo=AMS))
    run_due(bot, clock, datetime(2027, 3, 9, 10, 0, tzinfo=AMS))
    assert len([m for m in dms(slack, "USW1") if "vriendelijke herinnering" in m["text"]]) == 1
    summary = [m for m in dms(slack, COORDINATOR) if "Na 1 herinneringen" in m["text"]]
    assert len(summary) == 1 and "<@USW2>" in text_of(summary[0]) and "<@USW1>" in text_of(summary[0])

    # at the moment all three open; the overview says so
    run_due(bot, clock, datetime(2027, 3, 10, 14, 0, tzinfo=AMS))
    shown = overview(sender)
    assert "gepland 0 · lopend 3" in shown and "Fase 1 van 8" in shown and "0 van 2 geantwoord" in shown


def test_a_file_with_problems_creates_nothing_and_tells_them_by_row(bot, slack, sender):
    _setup(bot)
    broken = (
        b"resultaat;rol;deelnemer;kanaal\n"
        b"Ouderen doen mee;sociaal werker;USW1;C0CHAN\n"
        b"Ouderen doen mee;beleidsmedewerker;niemand@example.org;\n"
        b"Ouderen doen mee;sociaal werker;USW1;\n"
        b"Jongeren gezond;;USW2;\n"
        b"Jongeren gezond;sociaal werker;UOUT;\n"
        b"Armoede;kok;UBM2;\n"
    )
    share_file(sender, slack, COORDINATOR, broken, "fout.csv", "ronde Fout")
    reply = text_of(wait_for_dm(bot, slack, COORDINATOR, "niet aangemaakt")[-1])
    assert "er is niets veranderd" in reply
    assert "Rij 5, kolom ‘rol’: dit vak is leeg, maar is verplicht." in reply
    assert "Rij 7, kolom ‘rol’: ‘kok’ is geen rol die ik ken" in reply
    assert _counts(bot) == (0, 0, 0)

    # the cells are fine now, but one person is unknown, one row is doubled, a party is missing
    share_file(sender, slack, COORDINATOR, broken.replace(b";;USW2", b";sociaal werker;USW2")
               .replace(b";kok;", b";beleidsmedewerker;"), "fout2.csv", "ronde Fout")
    reply = text_of(wait_for_dm(bot, slack, COORDINATOR, "niet aangemaakt", count=2)[-1])
    assert "Rij 3, kolom ‘deelnemer’: ‘niemand@example.org’ ken ik niet in deze Slack-werkruimte." in reply
    assert "Rij 4: deze persoon staat bij dit resultaat al in rij 2." in reply
    assert "Rij 5: bij ‘Jongeren gezond’ doet niemand van de Gemeente mee" in reply
    assert "Rij 7: bij ‘Armoede’ doet niemand van de Aanbieder mee" in reply
    assert _counts(bot) == (0, 0, 0)
    with bot.db.reader() as s:
        assert s.scalar(select(func.count()).select_from(DueItem)) == 0

    # someone who is not a coordinator: the file is not even read
    share_file(sender, slack, "USW1", ROUND_FILE, "ronde.csv", "ronde Van Sam")
    assert "alleen een coördinator" in text_of(wait_for_dm(bot, slack, "USW1", "coördinator")[-1])
    assert _counts(bot) == (0, 0, 0)


def test_an_english_coordinator_gets_the_problems_in_english(bot, slack, sender):
    _setup(bot)
    sender.command_reply("taal en", user=COORDINATOR)
    share_file(sender, slack, COORDINATOR, b"outcome;role\nA;social worker\n", "round.csv", "round Spring")
    reply = text_of(wait_for_dm(bot, slack, COORDINATOR, "did not create")[-1])
    assert "The column ‘deelnemer’ is missing." in reply
