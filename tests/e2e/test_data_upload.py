"""Outcome data through Slack: a file shared in a DM is downloaded, checked, imported, answered;
`/gesprek data` explains, sends the template and shows the figures with their chart.

Everything goes over real HTTP: signed events and commands into the bot, the bot's Web API
calls, file downloads (with the bot token) and the three-step file upload into the fake Slack.
"""

from __future__ import annotations

import json
import re
import time

from sqlalchemy import func, select

from bot.fakeslack import OtherHost
from storage.importing import template_csv, template_xlsx
from storage.models import DataSet, Outcome, OutcomeRow, Story
from tests.e2e.conftest import CHANNEL, COORDINATOR, OUTSIDER, wait_for
from tests.harness import BOT_TOKEN, TEAM
from tests.storage.importing.hostile_files import declared_huge_xlsx

OUTCOME = "Ouderen doen mee"

# What an office exports from Dutch Excel: a title line above the header, semicolons,
# Windows-1252 (the ë), decimal commas, a thousands separator, '2024 Q1' as period.
# Zuid has only 3 participants: that count must never reach Slack.
MESSY = (
    "Uitkomsten Huiskamer voor ouderen;;;;;;;;;\r\n"
    "Periode;Activiteit;Wijk;Bereik;Potentiëel bereik;Doelen gesteld;Doelen behaald;Respondenten;"
    "Tevredenheid (gem.);Tevreden\r\n"
    "2023-Q4;Huiskamer;Centrum;100;1.250;70;50;40;7,4;30\r\n"
    "2023-Q4;Huiskamer;Noord;40;600;30;15;20;6,8;11\r\n"
    "2024 Q1;Huiskamer;Centrum;120;1.250;80;68;50;7,8;40\r\n"
    "2024 Q1;Huiskamer;Noord;45;600;30;12;20;6,5;10\r\n"
    "2024 Q1;Huiskamer;Zuid;3;150;3;2;3;8,0;3\r\n"
).encode("cp1252")

BROKEN = (
    b"periode;activiteit;wijk;bereik;potentieel bereik;doelen gesteld;doelen behaald\n"
    b"2024-Q1;Huiskamer;Centrum;veel;1250;80;68\n"
    b"2024-Q1;Huiskamer;Noord;45;600;30;40\n"
    b"2024-Q9;Huiskamer;Zuid;10;150;8;2\n"
)

STORIES = (
    "\ufeffperiode;activiteit;wijk;verhaal\n"
    "2024-Q1;Huiskamer;Centrum;Mevrouw J. komt nu elke week en neemt haar buurvrouw mee.\n"
    "2024-Q1;Huiskamer;Noord;Een vrijwilliger merkt dat nieuwe bezoekers via de huisarts komen.\n"
).encode("utf-8")


def share(sender, slack, user: str, content: bytes, name: str, text: str, filetype: str = "csv"):
    """The message event Slack sends when someone shares a file with the bot in a DM."""
    file = slack.add_file(content, name=name, filetype=filetype, team=TEAM)
    response = sender.event({
        "type": "message", "subtype": "file_share", "channel": f"D{user}", "channel_type": "im",
        "user": user, "text": text, "files": [file], "ts": f"{time.time():.6f}",
    })
    assert response.status == 200
    return file


def replies(bot, slack, user: str, count: int) -> list[dict]:
    """Wait until the bot's DM with `user` holds `count` messages (delivering the outbox meanwhile)
    and no "bezig met inlezen…" message still waits for its result."""
    def enough():
        bot.drain()
        found = [m for m in slack.messages(user) if m.get("bot_id") or m.get("user") == "UBOT"]
        found = found or slack.messages(user)
        if any(m.get("text", "").startswith(("Bezig met inlezen", "Reading ")) for m in found):
            return None
        return found if len(found) >= count else None
    return wait_for(enough, timeout=20)


def counts(bot) -> dict[str, int]:
    with bot.db.reader() as s:
        return {m.__tablename__: s.scalar(select(func.count()).select_from(m))
                for m in (DataSet, OutcomeRow, Story, Outcome)}


def import_messy(bot, slack, sender) -> None:
    share(sender, slack, COORDINATOR, MESSY, "uitkomsten 2024.csv", f"*{OUTCOME}*")
    replies(bot, slack, COORDINATOR, 1)


def test_coordinator_shares_a_messy_csv_and_it_is_imported(bot, slack, sender):
    share(sender, slack, COORDINATOR, MESSY, "uitkomsten 2024.csv", f"*{OUTCOME}*")
    reply = json.dumps(replies(bot, slack, COORDINATOR, 1), ensure_ascii=False)

    assert "ingelezen" in reply and OUTCOME in reply and "5 rijen" in reply
    assert "4e kwartaal 2023: nieuw, 2 rijen" in reply and "1e kwartaal 2024: nieuw, 3 rijen" in reply
    # the answer replaced the "bezig met inlezen…" message that was posted at once
    posted = [c.params["text"] for c in slack.calls_to("chat.postMessage")]
    assert posted[0].startswith("Bezig met inlezen van uitkomsten 2024.csv")
    assert replies(bot, slack, COORDINATOR, 1)[0].get("edited")
    assert "is nieuw; ik heb het resultaat aangemaakt" in reply
    # Downloaded from url_private_download with the team's bot token.
    assert slack.downloads and slack.downloads[-1]["allowed"] and slack.downloads[-1]["token"] == BOT_TOKEN
    with bot.db.reader() as s:
        outcome = s.scalar(select(Outcome).where(Outcome.name == OUTCOME))
        rows = s.scalars(select(OutcomeRow).where(OutcomeRow.outcome_id == outcome.id)
                         .order_by(OutcomeRow.period, OutcomeRow.group_value)).all()
        dataset = s.scalar(select(DataSet))
        assert [(r.period, r.group_value, r.reach, r.potential_reach) for r in rows] == [
            ("2023-Q4", "Centrum", 100, 1250), ("2023-Q4", "Noord", 40, 600),
            ("2024-Q1", "Centrum", 120, 1250), ("2024-Q1", "Noord", 45, 600), ("2024-Q1", "Zuid", 3, 150),
        ]
        assert rows[2].satisfaction_mean == 7.8 and rows[2].goals_attained == 68 and rows[2].group_kind == "wijk"
        assert dataset.imported_by == COORDINATOR and dataset.filename == "uitkomsten 2024.csv"

    # The same file again: the periods are replaced and the reply says nothing changed in them.
    share(sender, slack, COORDINATOR, MESSY, "uitkomsten 2024.csv", OUTCOME.upper())
    reply = json.dumps(replies(bot, slack, COORDINATOR, 2)[-1], ensure_ascii=False)
    assert "1e kwartaal 2024: vervangen – 0 nieuw, 0 weg, 0 gewijzigd, 3 gelijk" in reply
    assert counts(bot)["outcomes"] == 1 and counts(bot)["outcome_rows"] == 5


def test_a_file_with_errors_is_refused_row_by_row_and_changes_nothing(bot, slack, sender):
    import_messy(bot, slack, sender)
    before = counts(bot)

    share(sender, slack, COORDINATOR, BROKEN, "fout.csv", OUTCOME)
    reply = json.dumps(replies(bot, slack, COORDINATOR, 2)[-1], ensure_ascii=False)

    assert "niet ingelezen" in reply and "niets veranderd" in reply
    assert "Rij 2, kolom ‘bereik’: ‘veel’ is geen getal." in reply
    assert "Rij 3, kolom ‘doelen behaald’: 40 doelen behaald is meer dan 30 doelen gesteld" in reply
    assert "Rij 4, kolom ‘periode’: ‘2024-Q9’ is geen periode die ik ken." in reply
    assert counts(bot) == before


def test_a_file_with_errors_for_a_new_outcome_does_not_create_it(bot, slack, sender):
    share(sender, slack, COORDINATOR, BROKEN, "fout.csv", "Jongeren aan het werk")
    replies(bot, slack, COORDINATOR, 1)
    assert counts(bot) == {"datasets": 0, "outcome_rows": 0, "stories": 0, "outcomes": 0}


def test_many_problems_are_clipped_with_a_count_of_the_rest(bot, slack, sender):
    lines = ["periode;activiteit;wijk;bereik"] + [f"2024-Q1;Huiskamer;W{i};veel" for i in range(30)]
    share(sender, slack, COORDINATOR, "\n".join(lines).encode(), "veel-fouten.csv", OUTCOME)
    reply = json.dumps(replies(bot, slack, COORDINATOR, 1), ensure_ascii=False)
    assert reply.count("is geen getal") == 20 and "… en nog 10 andere." in reply


def test_a_non_coordinator_upload_is_refused_without_downloading(bot, slack, sender):
    share(sender, slack, OUTSIDER, MESSY, "uitkomsten.csv", OUTCOME)
    reply = json.dumps(replies(bot, slack, OUTSIDER, 1), ensure_ascii=False)
    assert "alleen een coördinator" in reply
    assert slack.downloads == []
    assert counts(bot)["outcome_rows"] == 0


def test_an_upload_without_outcome_name_asks_for_it(bot, slack, sender):
    share(sender, slack, COORDINATOR, MESSY, "uitkomsten.csv", "")
    reply = json.dumps(replies(bot, slack, COORDINATOR, 1), ensure_ascii=False)
    assert "Bij welk maatschappelijk resultaat" in reply
    assert slack.downloads == [] and counts(bot)["outcome_rows"] == 0


def test_a_file_over_the_size_limit_is_refused_politely_without_downloading(bot, slack, sender):
    file = slack.add_file(b"x", name="groot.csv", team=TEAM)
    file["size"] = 21 * 1024 * 1024
    sender.event({"type": "message", "subtype": "file_share", "channel": f"D{COORDINATOR}", "channel_type": "im",
                  "user": COORDINATOR, "text": OUTCOME, "files": [file], "ts": f"{time.time():.6f}"})
    reply = json.dumps(replies(bot, slack, COORDINATOR, 1), ensure_ascii=False)
    assert "groter dan 20 MB" in reply and slack.downloads == []


def test_a_file_url_that_redirects_elsewhere_never_gets_the_token_and_the_person_is_told(bot, slack, sender):
    with OtherHost() as elsewhere:
        file = slack.add_file(MESSY, name="uitkomsten.csv", filetype="csv", team=TEAM)
        slack.redirect_file(file["id"], elsewhere.url("uitkomsten.csv"))
        sender.event({"type": "message", "subtype": "file_share", "channel": f"D{COORDINATOR}",
                      "channel_type": "im", "user": COORDINATOR, "text": OUTCOME, "files": [file],
                      "ts": f"{time.time():.6f}"})
        reply = json.dumps(replies(bot, slack, COORDINATOR, 1), ensure_ascii=False)
        assert elsewhere.seen == [] and elsewhere.tokens_seen == []
        assert slack.downloads[-1]["redirected_to"] == elsewhere.url("uitkomsten.csv")
    assert "leidt naar een andere plek dan Slack zelf" in reply and "Er is niets veranderd" in reply
    assert counts(bot) == {"datasets": 0, "outcome_rows": 0, "stories": 0, "outcomes": 0}


def test_hostile_spreadsheets_are_refused_naming_the_limit_and_import_nothing(bot, slack, sender):
    import_messy(bot, slack, sender)
    before = counts(bot)
    share(sender, slack, COORDINATOR, declared_huge_xlsx(), "cijfers.xlsx", OUTCOME, filetype="xlsx")
    share(sender, slack, COORDINATOR, b"%PDF-1.7 ...", "cijfers.csv", OUTCOME)
    got = replies(bot, slack, COORDINATOR, 3)
    # The two files are handled side by side: their answers may arrive in either order.
    last_two = [json.dumps(m, ensure_ascii=False) for m in got[-2:]]
    huge = next(text for text in last_two if "cijfers.xlsx" in text)
    pdf = next(text for text in last_two if "cijfers.csv" in text)
    assert "niet ingelezen" in huge and "In rij 1.048.576 staat nog iets, maar ik lees hoogstens 200.000 rijen" in huge
    assert "Het bestand heet ‘.csv’, maar is een PDF" in pdf
    assert counts(bot) == before


def test_data_toon_posts_summary_and_chart_without_small_counts(bot, slack, sender):
    import_messy(bot, slack, sender)
    share(sender, slack, COORDINATOR, STORIES, "verhalen.csv", OUTCOME)  # recognised as stories
    replies(bot, slack, COORDINATOR, 2)
    assert counts(bot)["stories"] == 2
    slack.reset_calls()

    response = sender.command(f"data toon {OUTCOME.lower()}", user=COORDINATOR, channel=CHANNEL)
    assert response.status == 200 and "in dit kanaal" in response.json["text"]
    wait_for(lambda: bot.drain() or slack.uploads, timeout=20)

    posts = [c for c in slack.calls_to("chat.postMessage") if c.params.get("channel") == CHANNEL]
    assert len(posts) == 1
    blocks = json.dumps(posts[0].params["blocks"], ensure_ascii=False)
    assert "Cijfers Ouderen doen mee · 1e kwartaal 2024" in blocks
    # 168 reached of 2.000 possible (8%); goals 82/113 = 73%; Centrum 85% stands out (+12 points).
    assert "168 van 2.000 mogelijke deelnemers: *8%*" in blocks
    assert "*73%* (82 van 113 doelen)" in blocks
    assert "Vergeleken met 4e kwartaal 2023" in blocks and "Bereik +28 (was 140)" in blocks
    assert "Wijk Centrum*: doelen behaald 85% (+12 %-punt" in blocks
    assert "Mevrouw J. komt nu elke week" in blocks
    assert "Bron: gegevens van de organisatie (uitkomsten 2024.csv" in blocks

    assert slack.calls_to("files.getUploadURLExternal") and slack.calls_to("files.completeUploadExternal")
    upload = slack.uploads[-1]
    assert upload["content"].startswith(b"\x89PNG") and upload["channel_id"] == CHANNEL
    assert upload["filename"].endswith(".png")
    # Screen readers hear what the chart shows, with the figures (Slack's alt_txt).
    assert upload["alt_txt"].startswith("Staafdiagram met de cijfers van Ouderen doen mee over 1e kwartaal 2024")
    assert "doelen behaald 73% (vorige periode 65%)" in upload["alt_txt"]

    # No payload the bot sent may hold a suppressed count: Zuid's 3 (and the rows hidden with it).
    sent = [{k: v for k, v in c.params.items() if k != "metadata"} for c in slack.calls]
    text = json.dumps(sent, ensure_ascii=False)
    # Changes in points, the scale and dates ("ingelezen 2 december 2026") are not counts.
    legit = re.sub(r"[+−±]\d+ %-punt|schaal 1–10|\d{1,2} [a-z]+ \d{4}", "", text)
    assert not re.search(r"(?<![\w.,/-])[1-4](?![\w.,%])", legit), legit
    assert "Zuid" not in text


def test_data_toon_for_a_participant_goes_to_their_dm(bot, slack, sender):
    import_messy(bot, slack, sender)
    slack.reset_calls()
    response = sender.command(f"data toon {OUTCOME}", user=OUTSIDER, channel=CHANNEL)
    assert "privébericht" in response.json["text"]
    wait_for(lambda: bot.drain() or slack.uploads, timeout=20)
    assert not [c for c in slack.calls_to("chat.postMessage") if c.params.get("channel") == CHANNEL]
    assert slack.uploads[-1]["channel_id"] == f"D{OUTSIDER}"
    assert "Cijfers Ouderen doen mee" in json.dumps(slack.messages(OUTSIDER), ensure_ascii=False)


def test_data_toon_unknown_outcome_and_no_data(bot, slack, sender):
    text = sender.command("data toon Bestaat niet", user=COORDINATOR).json["text"]
    assert "ken ik niet" in text
    import_messy(bot, slack, sender)
    text = sender.command("data toon", user=COORDINATOR).json["text"]
    assert "data toon NAAM" in text and OUTCOME in text


def test_data_explains_upload_and_sends_the_template(bot, slack, sender):
    text = sender.command("data", user=COORDINATOR).json["text"]
    assert "privébericht" in text and "python -m bot data import" in text
    assert "alleen een coördinator" in sender.command("data", user=OUTSIDER).json["text"]

    text = sender.command("data template", user=OUTSIDER).json["text"]
    assert "sjabloon" in text
    wait_for(lambda: bot.drain() or len(slack.uploads) >= 3, timeout=20)
    by_name = {u["filename"]: u for u in slack.uploads}
    assert by_name["uitkomsten-sjabloon.csv"]["content"] == template_csv()
    assert by_name["uitkomsten-sjabloon.xlsx"]["content"][:4] == template_xlsx()[:4] == b"PK\x03\x04"
    assert by_name["verhalen-sjabloon.csv"]["content"] == template_csv(stories=True)
    assert {u["channel_id"] for u in slack.uploads} == {f"D{OUTSIDER}"}


NO_POTENTIAL = (
    b"periode;activiteit;bereik;doelen gesteld;doelen behaald\n"
    b"2024-Q1;Huiskamer;626;200;150\n"
)


def test_summary_in_a_session_thread_with_cbs_potential_reach(bot, slack, sender, conversation):
    """What the stage opening of a `shows_data` stage calls: message and chart land in the session's thread;
    without potential reach in the data, the workspace's gemeente and ages give it from CBS, with the source."""
    from bot.services.data.figures import post_data_summary
    from storage.models import ConversationSession, Workspace
    from storage.outbox import session_thread

    session_id = conversation.start("duiding", OUTCOME)
    share(sender, slack, COORDINATOR, NO_POTENTIAL, "bereik.csv", OUTCOME)
    replies(bot, slack, COORDINATOR, 1)
    with bot.db.unit_of_work() as s:
        workspace = s.scalar(select(Workspace).where(Workspace.team_id == TEAM))
        workspace.settings = {**(workspace.settings or {}), "gemeente": "Ooststellingwerf", "min_age": 65}
    slack.reset_calls()

    with bot.db.unit_of_work() as s:
        session = s.get(ConversationSession, session_id)
        thread_ts = session.thread_ts
        assert post_data_summary(s, bot.runtime.deps, session.workspace_id, session.outcome_id,
                                 session.channel_id, session_thread(session.id), session.language)
    wait_for(lambda: bot.drain() or slack.uploads, timeout=20)

    post = [c for c in slack.calls_to("chat.postMessage") if c.params.get("channel") == CHANNEL][-1]
    assert post.params["thread_ts"] == thread_ts and slack.uploads[-1]["thread_ts"] == thread_ts
    blocks = json.dumps(post.params["blocks"], ensure_ascii=False)
    # 626 of the 6.265 residents aged 65+ in Ooststellingwerf (CBS, 1 January 2021) = 10%.
    assert "626 van 6.265 mogelijke deelnemers: *10%*" in blocks
    assert "Inwoners van 65 jaar en ouder in Ooststellingwerf" in blocks
    assert "Bron: CBS, Bevolking; leeftijd, postcode (83502NED)" in blocks and "CC BY 4.0" in blocks


def test_post_data_summary_without_data_posts_nothing(bot):
    from bot.services.data.figures import post_data_summary
    from storage.models import Workspace

    with bot.db.unit_of_work() as s:
        workspace = Workspace(team_id=TEAM, language="nl", coordinator_ids=[], settings={})
        s.add(workspace)
        s.flush()
        outcome = Outcome(workspace_id=workspace.id, name="Leeg")
        s.add(outcome)
        s.flush()
        assert not post_data_summary(s, None, workspace.id, outcome.id, CHANNEL)
        from storage.models import OutboxMessage

        assert s.scalar(select(func.count()).select_from(OutboxMessage)) == 0
