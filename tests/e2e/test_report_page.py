"""The report where people read it: its page behind a signed link, the link's preview when it is
pasted in Slack, and the PDF and spreadsheet made while a "bezig met…" message stands in the thread.

The served page is also opened in headless Chromium: the conclusion is on screen without scrolling.

How "visible above the fold" is checked on pixels: Chromium takes a screenshot of the page the
bot serves (1280×800, what a laptop shows), and one of the same page with only the conclusion's
text made invisible. If the two screenshots differ, the conclusion was drawn inside those 800
pixels. A control page that pushes the conclusion below the fold must give two equal
screenshots, or the check would prove nothing.

The session is written straight into the bot's database (tests/bot/report builds a realistic
closed one); everything after that goes through the real bot over HTTP and the Slack stand-in.
"""

from __future__ import annotations

import io
import subprocess
import urllib.error
import urllib.request
from datetime import timedelta

import pytest
from PIL import Image, ImageChops
from sqlalchemy import select

from bot.fakeslack import FakeSlack, SlackSender
from storage.models import ConversationSession, ReportLink
from tests.bot.report import CHANNEL_ID, PEOPLE, SCRIPT, TEAM_ID, build_sessions
from tests.bot.report.test_report_browser import chromium
from tests.e2e.conftest import wait_for
from tests.harness import BOT_TOKEN, SIGNING_SECRET, running_bot

PUBLIC = "https://gesprek.example.org"
OUTSIDER = "U0OUTSIDE1"
COORDINATOR = "U0CO00001"
WORKER = "U0SW00001"


@pytest.fixture
def slack():
    with FakeSlack(enforce_limits=True, time_scale=50.0) as fake:
        fake.add_team(TEAM_ID, token=BOT_TOKEN, bot_user_id="UBOT", name="Gemeente Voorbeeld")
        for uid, name, _role in PEOPLE:
            fake.add_user(uid, name=name or uid.lower(), team=TEAM_ID, is_admin=uid == COORDINATOR)
        fake.add_user(OUTSIDER, name="Otto", team=TEAM_ID)
        fake.add_channel(CHANNEL_ID, name="kwaliteit-ouderen", members=[uid for uid, _, _ in PEOPLE], team=TEAM_ID)
        yield fake


@pytest.fixture
def bot(slack, database_url):
    with running_bot(slack.url, database_url, BOT_PUBLIC_URL=PUBLIC, BOT_REPORT_LINK_DAYS="30") as running:
        yield running


@pytest.fixture
def built(bot):
    built = build_sessions(bot.db, data=True)
    with bot.db.unit_of_work() as s:  # as if its root message had been posted in Slack
        s.get(ConversationSession, built.session_id).thread_ts = "1773147600.000100"
    return built


@pytest.fixture
def sender(bot, slack):
    return SlackSender(bot.url, SIGNING_SECRET, TEAM_ID, api=slack)


def report_message(slack) -> dict | None:
    return next((m for m in reversed(slack.messages(CHANNEL_ID))
                 if any(b.get("block_id") == "report_files" for b in m.get("blocks", []))), None)


def link_of(message: dict) -> str:
    text = " ".join(b["text"]["text"] for b in message["blocks"] if b.get("type") == "section")
    start = text.index(f"<{PUBLIC}/verslag/") + 1
    return text[start:text.index("|", start)]


def get(bot, url: str) -> tuple[int, dict, str]:
    local = url.replace(PUBLIC, bot.url)
    try:
        with urllib.request.urlopen(local, timeout=30) as response:
            return response.status, dict(response.headers), response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode("utf-8")


def make_report(bot, slack, sender, user: str = WORKER) -> str:
    response = sender.block_action("report_make", str(bot_session(bot)), user=user, channel=CHANNEL_ID)
    assert response.status == 200
    wait_for(lambda: bot.drain() or report_message(slack))
    return link_of(report_message(slack))


def bot_session(bot) -> int:
    with bot.db.reader() as s:
        return s.scalar(select(ConversationSession.id).order_by(ConversationSession.id.desc()).limit(1))


def test_the_report_button_posts_a_link_that_opens_the_report_page(bot, slack, sender, built):
    url = make_report(bot, slack, sender)
    message = report_message(slack)
    assert message.get("thread_ts")  # in the session's thread
    shown = str(message["blocks"])
    assert "Conclusie" in shown and "Buurtcirkels starten in Haven-Noord" in shown
    status, headers, page = get(bot, url)
    assert status == 200
    assert page.index('id="conclusion"') < page.index('id="data"') < page.index('id="stages"')
    assert "#kwaliteit-ouderen" in page and CHANNEL_ID not in page  # the channel's name, not its id
    assert "Mogelijke deelnemers" in page and "ontmoeting.csv" in page  # figures name their sources
    assert SCRIPT not in page and "&lt;script&gt;" in page
    assert headers["Cache-Control"] == "private, no-store" and "noindex" in headers["X-Robots-Tag"]
    assert "default-src 'none'" in headers["Content-Security-Policy"]


def test_wrong_expired_and_revoked_links_all_get_the_same_404(bot, slack, sender, built, monkeypatch):
    url = make_report(bot, slack, sender)
    key, signature = url.rsplit("/", 1)[1].split(".")
    forged = f"{PUBLIC}/verslag/{key}.{'A' * len(signature)}"
    unknown = f"{PUBLIC}/verslag/{'b' * len(key)}.{signature}"
    answers = [get(bot, candidate) for candidate in (forged, unknown, f"{PUBLIC}/verslag/", f"{PUBLIC}/verslag/x")]
    with bot.db.unit_of_work() as s:  # the link's time is up
        link = s.scalar(select(ReportLink).where(ReportLink.key == key))
        link.expires_at = bot.runtime.deps.now() - timedelta(seconds=1)
    answers.append(get(bot, url))
    with bot.db.unit_of_work() as s:
        link = s.scalar(select(ReportLink).where(ReportLink.key == key))
        link.expires_at = bot.runtime.deps.now() + timedelta(days=1)
    assert get(bot, url)[0] == 200  # alive again: the 404 above was the expiry
    from bot.cli.main import main

    monkeypatch.setenv("DATABASE_URL", bot.settings.database_url)
    assert main(["links", "revoke", url]) == 0  # an administrator takes the link back
    answers.append(get(bot, url))
    assert {status for status, _, _ in answers} == {404}
    assert len({body for _, _, body in answers}) == 1  # no hint of what exists


def test_a_pasted_link_unfurls_where_everyone_present_may_see_the_session(bot, slack, sender, built):
    url = make_report(bot, slack, sender)
    sender.link_shared([url, "https://elders.example.org/x"], user=WORKER, channel=CHANNEL_ID, message_ts="1.000200")
    unfurl = wait_for(lambda: bot.drain() or slack.unfurls)[-1]
    assert unfurl["channel"] == CHANNEL_ID and unfurl["ts"] == "1.000200"
    assert list(unfurl["unfurls"]) == [url]  # only our own link
    preview = str(unfurl["unfurls"][url]["blocks"])
    assert "Conclusie" in preview and "Buurtcirkels starten in Haven-Noord" in preview
    assert "&lt;script&gt;" in preview and SCRIPT not in preview

    # a group DM of participants, pasted while typing: unfurled by unfurl_id
    slack.add_channel("G0PEOPLE1", name="mpdm-people", members=[WORKER, COORDINATOR, "UBOT"], team=TEAM_ID,
                      is_private=True)
    sender.link_shared([url], user=WORKER, channel="G0PEOPLE1", source="composer", unfurl_id="U123.456")
    wait_for(lambda: bot.drain() or len(slack.unfurls) == 2)
    assert slack.unfurls[-1]["unfurl_id"] == "U123.456" and slack.unfurls[-1]["source"] == "composer"

    # where someone outside the session would read along, or pasted by an outsider: no preview
    slack.add_channel("C0GENERAL1", name="algemeen", members=[WORKER, OUTSIDER, "UBOT"], team=TEAM_ID)
    sender.link_shared([url], user=WORKER, channel="C0GENERAL1", message_ts="2.000300")
    sender.link_shared([url], user=WORKER, channel="CBADUNSEEN1", message_ts="3.000300")  # Slack cannot say who
    sender.link_shared([url], user=OUTSIDER, channel="G0PEOPLE1", message_ts="3.000400")
    revoked = url.rsplit(".", 1)[0] + ".AAAAAAAAAAAAAAAAAAAAAA"
    sender.link_shared([revoked], user=WORKER, channel=CHANNEL_ID, message_ts="4.000300")
    bot.drain()
    assert len(slack.unfurls) == 2


def test_pdf_and_spreadsheet_come_after_a_progress_message_that_is_updated(bot, slack, sender, built):
    make_report(bot, slack, sender)
    for action_id, extension, done in (("report_pdf", "pdf", "De PDF"), ("report_xlsx", "xlsx", "De spreadsheet")):
        before = len(slack.uploads)
        sender.block_action(action_id, str(built.session_id), user=WORKER, channel=CHANNEL_ID)
        upload = wait_for(lambda b=before: bot.drain() or (slack.uploads[b:] and slack.uploads[-1]), timeout=60)
        assert upload["filename"] == f"verslag-{built.session_id}.{extension}" and upload["thread_ts"]
        progress = [m for m in slack.messages(CHANNEL_ID) if m["text"].startswith(done)]
        assert progress and progress[-1].get("edited"), "the 'bezig met…' message itself was updated"
        posted = [c for c in slack.calls_to("chat.postMessage") if c.params.get("text", "").startswith("Bezig met")]
        assert posted  # first posted as "Bezig met …"
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(slack.uploads[-1]["content"]))
    assert workbook.sheetnames[:3] == ["Antwoorden", "Acties", "Cijfers"]
    assert slack.uploads[-2]["content"].startswith(b"%PDF")


def test_someone_outside_the_session_gets_no_link_and_no_file(bot, slack, sender, built):
    for action_id in ("report_make", "report_pdf"):
        before = len(slack.responses)
        sender.block_action(action_id, str(built.session_id), user=OUTSIDER, channel=CHANNEL_ID)
        wait_for(lambda b=before: len(slack.responses) > b)
    bot.drain()
    assert not slack.uploads
    assert not [m for m in slack.messages(CHANNEL_ID) if "verslag/" in str(m)]
    with bot.db.reader() as s:
        assert s.scalar(select(ReportLink.id)) is None


HIDE_CONCLUSION = "<style>#conclusion p { color: transparent !important; }</style></head>"
PUSH_DOWN = '<div style="height: 2000px"></div><section id="conclusion">'


def screenshot(browser: str, url: str, out, profile) -> Image.Image:
    result = subprocess.run(
        [browser, "--headless", "--disable-gpu", "--no-sandbox", "--no-first-run", "--disable-extensions",
         "--disable-background-networking", "--disable-component-update", "--disable-sync", "--hide-scrollbars",
         f"--user-data-dir={profile}", "--window-size=1280,800", f"--screenshot={out}", url],
        capture_output=True, text=True, timeout=90)
    assert result.returncode == 0, result.stderr[-2000:]
    return Image.open(out).convert("RGB")


def differs(a: Image.Image, b: Image.Image) -> tuple[int, int, int, int] | None:
    return ImageChops.difference(a, b).getbbox()


def test_the_served_page_shows_the_conclusion_above_the_fold(bot, slack, sender, built, tmp_path):
    browser = chromium()
    url = make_report(bot, slack, sender).replace(PUBLIC, bot.url)
    with urllib.request.urlopen(url, timeout=30) as response:
        page = response.read().decode("utf-8")
    assert page.count('<section id="conclusion">') == 1 and "Antwoord T" in page.split('id="actions"')[0]

    served = screenshot(browser, url, tmp_path / "served.png", tmp_path / "p1")
    assert served.size == (1280, 800)
    hidden = tmp_path / "hidden.html"
    hidden.write_text(page.replace("</head>", HIDE_CONCLUSION, 1), encoding="utf-8")
    without = screenshot(browser, hidden.as_uri(), tmp_path / "hidden.png", tmp_path / "p2")
    box = differs(served, without)
    assert box is not None, "the conclusion is not drawn in the first 800 pixels"
    assert box[3] <= 800

    # control: the same comparison with the conclusion pushed below the fold finds nothing
    pushed = page.replace('<section id="conclusion">', PUSH_DOWN, 1)
    low, low_hidden = tmp_path / "low.html", tmp_path / "low-hidden.html"
    low.write_text(pushed, encoding="utf-8")
    low_hidden.write_text(pushed.replace("</head>", HIDE_CONCLUSION, 1), encoding="utf-8")
    assert differs(screenshot(browser, low.as_uri(), tmp_path / "low.png", tmp_path / "p3"),
                   screenshot(browser, low_hidden.as_uri(), tmp_path / "low-hidden.png", tmp_path / "p4")) is None
