"""OAuth install of two workspaces, and nothing of one workspace visible from the other."""

from __future__ import annotations

import json
import re
import time
import urllib.parse
import urllib.request

import pytest
from sqlalchemy import select

from bot.fakeslack import FakeSlack, SlackSender
from storage.models import Answer, ConversationSession
from tests.e2e.conftest import wait_for
from tests.harness import SIGNING_SECRET, running_bot

CLIENT_ID, CLIENT_SECRET = "111.222", "client-secret-xyz"
TEAMS = {"TONE": "Gemeente Een", "TTWO": "Gemeente Twee"}


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # keep 302s visible to the test
        return None


def install(bot_url: str, slack: FakeSlack, team: str) -> None:
    """What a coordinator does: open /slack/install, approve in Slack, land on the redirect."""
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        response = opener.open(bot_url + "/slack/install", timeout=10)
        headers, page = response.headers, response.read().decode()
    except urllib.error.HTTPError as exc:  # a 302 straight to Slack's authorize page
        headers, page = exc.headers, ""
    location = headers.get("Location") or ""
    # Bolt marks its state cookie Secure; a browser on https sends it back, so do we (plain http here)
    cookie = "; ".join(c.split(";", 1)[0] for c in headers.get_all("Set-Cookie") or [])
    url = location or re.search(r'href="([^"]+oauth/v2/authorize[^"]+)"', page).group(1).replace("&amp;", "&")
    query = urllib.parse.parse_qs(urllib.parse.urlparse(url).query)
    assert query["client_id"] == [CLIENT_ID] and "chat:write" in query["scope"][0]
    code = slack.oauth_code(team=team, team_name=TEAMS[team], user=f"UADMIN{team[-3:]}",
                            scope=query["scope"][0])
    redirect = urllib.request.Request(f"{bot_url}/slack/oauth_redirect?code={code}&state={query['state'][0]}",
                                      headers={"Cookie": cookie})
    try:
        done = opener.open(redirect, timeout=10)
        assert done.status == 200
    except urllib.error.HTTPError as exc:
        raise AssertionError(f"install failed: {exc.code} {exc.read()[:300]!r}") from exc


@pytest.fixture
def two_workspaces(database_url):
    with FakeSlack(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, time_scale=50) as slack:
        for team in TEAMS:
            for uid, admin in ((f"UADMIN{team[-3:]}", True), (f"UWORK{team[-3:]}", False)):
                slack.add_user(uid, name=uid.lower(), is_admin=admin, team=team)
        with running_bot(slack.url, database_url, SLACK_BOT_TOKEN="", SLACK_CLIENT_ID=CLIENT_ID,
                         SLACK_CLIENT_SECRET=CLIENT_SECRET) as bot:
            for team in TEAMS:
                install(bot.url, slack, team)
            yield bot, slack


def test_each_installed_workspace_uses_its_own_token(two_workspaces):
    bot, slack = two_workspaces
    for team in TEAMS:
        sender = SlackSender(bot.url, SIGNING_SECRET, team, api=slack)
        user = f"UWORK{team[-3:]}"
        sender.event({"type": "app_home_opened", "user": user, "channel": "D" + user, "tab": "home",
                      "event_ts": f"{time.time():.6f}"})
        wait_for(lambda u=user: bot.drain() or slack.views_published(u))
        publish = [c for c in slack.calls_to("views.publish") if c.params.get("user_id") == user][-1]
        assert publish.team == team  # sent with that workspace's own bot token


def test_a_session_of_one_workspace_is_invisible_from_the_other(two_workspaces):
    bot, slack = two_workspaces
    one = SlackSender(bot.url, SIGNING_SECRET, "TONE", api=slack)
    two = SlackSender(bot.url, SIGNING_SECRET, "TTWO", api=slack)
    before = len(slack.calls_to("views.open"))
    one.command("start", user="UADMINONE", channel="C1")
    wait_for(lambda: len(slack.calls_to("views.open")) > before)
    values = {
        "flow": {"value": {"type": "static_select", "selected_option": {"value": "duiding"}}},
        "outcome_new": {"value": {"type": "plain_text_input", "value": "Geheim resultaat van Een"}},
        "channel": {"value": {"type": "conversations_select", "selected_conversation": "C1"}},
        "participants_sw": {"value": {"type": "multi_users_select", "selected_users": ["UWORKONE"]}},
    }
    assert one.view_submission("start_session", values, user="UADMINONE").status == 200
    bot.drain()
    with bot.db.reader() as s:
        session_id = s.scalar(select(ConversationSession.id))
    # workspace two's admin and worker try the session's buttons and a forged answer submission
    for user, action in (("UADMINTWO", "stage_advance"), ("UWORKTWO", "answer_open"),
                         ("UADMINTWO", "session_close")):
        n = len(slack.responses)
        two.block_action(action, f"{session_id}:opening", user=user, channel="C1")
        wait_for(lambda n=n: len(slack.responses) > n)
        assert "niet meer bestaat" in slack.responses[-1]["body"]["text"]
    meta = json.dumps({"session": session_id, "stage": "opening"})
    forged = two.view_submission("answer_stage", {"q:opening_opvalt": {"value": {
        "type": "plain_text_input", "value": "ingebroken"}}}, user="UWORKTWO", private_metadata=meta)
    assert forged.status == 200 and "errors" in forged.body
    with bot.db.reader() as s:
        assert s.scalars(select(Answer)).all() == []
        session = s.get(ConversationSession, session_id)
        assert session.current_stage_id == "opening" and session.status == "running"
    # workspace two's status and Home show nothing of workspace one
    status = two.command_reply("status", user="UADMINTWO")
    assert "Geheim resultaat" not in json.dumps(status, ensure_ascii=False)
    two.event({"type": "app_home_opened", "user": "UADMINTWO", "channel": "DUADMINTWO", "tab": "home"})
    wait_for(lambda: bot.drain() or slack.views_published("UADMINTWO"))
    assert "Geheim resultaat" not in json.dumps(slack.views_published("UADMINTWO")[-1], ensure_ascii=False)
    # nothing addressed to workspace two was sent with workspace one's token, and vice versa
    for call in slack.calls:
        if call.method == "chat.postMessage" and call.params.get("channel") == "C1":
            assert call.team == "TONE"
