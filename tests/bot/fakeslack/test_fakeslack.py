"""Tests of the fake Slack itself: if the harness lies, every bot test built on it lies too."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler
from slack_sdk.signature import SignatureVerifier

from bot.fakeslack import FakeSlack, Reply, SlackSender, sign

TEAM = "T0000TEST"
TOKEN = "xoxb-test-team-one"


@pytest.fixture
def slack() -> Iterator[FakeSlack]:
    with FakeSlack(enforce_limits=True) as fake:
        fake.add_team(TEAM, token=TOKEN, bot_user_id="UBOT", name="Gemeente Test")
        fake.add_user("U1", name="Anna", tz="Europe/Amsterdam", locale="nl-NL", team=TEAM)
        fake.add_user("U2", name="Bram", tz="America/New_York", is_admin=True, team=TEAM)
        yield fake


@pytest.fixture
def client(slack: FakeSlack) -> WebClient:
    return WebClient(base_url=slack.url, token=TOKEN)


def test_auth_test_reports_team_and_bot_user(slack: FakeSlack, client: WebClient) -> None:
    data = client.auth_test().data
    assert data["ok"] and data["team_id"] == TEAM and data["user_id"] == "UBOT"
    assert data["url"].startswith("https://") and data["bot_id"]
    assert slack.calls_to("auth.test")[0].token == TOKEN


def test_post_and_update_are_recorded_and_reflected(slack: FakeSlack, client: WebClient) -> None:
    first = client.chat_postMessage(channel="C1", text="hallo", blocks=[{"type": "divider"}])
    second = client.chat_postMessage(channel="C1", text="tweede", thread_ts=first["ts"])
    assert float(second["ts"]) > float(first["ts"])
    client.chat_update(channel="C1", ts=first["ts"], text="bijgewerkt", blocks=[])

    messages = slack.messages("C1")
    assert [m["text"] for m in messages] == ["bijgewerkt", "tweede"]
    assert messages[0]["blocks"] == [] and messages[0]["user"] == "UBOT"
    assert messages[1]["thread_ts"] == first["ts"]
    call = slack.calls_to("chat.postMessage")[0]
    assert call.params["blocks"] == [{"type": "divider"}] and call.team == TEAM and call.status == 200

    with pytest.raises(SlackApiError) as err:
        client.chat_update(channel="C1", ts="1.000000", text="x")
    assert err.value.response["error"] == "message_not_found"
    client.chat_delete(channel="C1", ts=second["ts"])
    assert [m["text"] for m in slack.messages("C1")] == ["bijgewerkt"]


def test_form_encoded_fields_are_decoded(slack: FakeSlack) -> None:
    body = "channel=C7&text=x&blocks=" + urllib.request.quote(json.dumps([{"type": "divider"}]))
    req = urllib.request.Request(
        slack.url + "chat.postMessage", data=body.encode(), headers={"Authorization": f"Bearer {TOKEN}"}
    )
    with urllib.request.urlopen(req) as resp:
        assert json.loads(resp.read())["ok"] is True
    assert slack.calls_to("chat.postMessage")[0].params["blocks"] == [{"type": "divider"}]


def test_dm_by_user_id_and_channel_errors(slack: FakeSlack, client: WebClient) -> None:
    sent = client.chat_postMessage(channel="U1", text="privé")
    assert sent["channel"] == "DU1"
    assert client.conversations_open(users="U1")["channel"]["id"] == "DU1"
    assert slack.messages("DU1")[0]["text"] == "privé"
    with pytest.raises(SlackApiError) as err:
        client.chat_postMessage(channel="CBAD123", text="x")
    assert err.value.response["error"] == "channel_not_found"
    with pytest.raises(SlackApiError) as err, pytest.warns(UserWarning):  # slack_sdk warns about no text
        client.chat_postMessage(channel="C1")
    assert err.value.response["error"] == "no_text"


def test_invalid_token_and_unknown_method(slack: FakeSlack) -> None:
    bad = WebClient(base_url=slack.url, token="xoxb-nope")
    with pytest.raises(SlackApiError) as err:
        bad.chat_postMessage(channel="C1", text="x")
    assert err.value.response.status_code == 200 and err.value.response["error"] == "invalid_auth"
    with pytest.raises(SlackApiError) as err:
        WebClient(base_url=slack.url, token=TOKEN).api_call("chat.frobnicate")
    assert err.value.response["error"] == "unknown_method"
    assert slack.messages("C1") == []


def test_scripted_429_then_success_with_retry_handler(slack: FakeSlack) -> None:
    client = WebClient(base_url=slack.url, token=TOKEN, retry_handlers=[RateLimitErrorRetryHandler()])
    slack.script("chat.postMessage", Reply.rate_limited(retry_after=0))
    result = client.chat_postMessage(channel="C1", text="na retry")
    assert result["ok"]
    assert [c.status for c in slack.calls_to("chat.postMessage")] == [429, 200]
    assert len(slack.messages("C1")) == 1
    assert slack.violations == []  # scripted replies are not limit breaches


def test_scripted_errors_and_server_errors(slack: FakeSlack, client: WebClient) -> None:
    slack.script("views.open", Reply.error("expired_trigger_id"))
    slack.script("chat.postMessage", Reply.server_error(503), Reply.slow(0.2))
    with pytest.raises(SlackApiError) as err:
        client.views_open(
            trigger_id="trig-1",
            view={"type": "modal", "title": {"type": "plain_text", "text": "t"}, "blocks": []},
        )
    assert err.value.response["error"] == "expired_trigger_id"
    with pytest.raises(SlackApiError) as err:
        client.chat_postMessage(channel="C1", text="x")
    assert err.value.response.status_code == 503
    started = time.monotonic()
    assert client.chat_postMessage(channel="C1", text="traag")["ok"]
    assert time.monotonic() - started >= 0.2
    assert [m["text"] for m in slack.messages("C1")] == ["traag"]


def test_views_need_fresh_trigger_and_known_view(slack: FakeSlack, client: WebClient) -> None:
    modal = {
        "type": "modal",
        "callback_id": "cb",
        "title": {"type": "plain_text", "text": "Gesprek"},
        "blocks": [],
    }
    opened = client.views_open(trigger_id=slack.issue_trigger(), view=modal)["view"]
    assert opened["id"].startswith("V") and opened["callback_id"] == "cb"
    with pytest.raises(SlackApiError) as err:
        client.views_open(trigger_id="expired-123", view=modal)
    assert err.value.response["error"] == "expired_trigger_id"
    updated = client.views_update(view_id=opened["id"], view={**modal, "private_metadata": "42"})["view"]
    assert updated["id"] == opened["id"] and updated["private_metadata"] == "42"
    with pytest.raises(SlackApiError) as err:
        client.views_update(view_id="VNOPE", view=modal)
    assert err.value.response["error"] == "not_found"
    client.views_publish(user_id="U1", view={"type": "home", "blocks": [{"type": "divider"}]})
    client.views_publish(user_id="U1", view={"type": "home", "blocks": []})
    published = slack.views_published("U1")
    assert len(published) == 2 and published[-1]["view"]["blocks"] == []


def _post_many(client: WebClient, channels: list[str]) -> list[int]:
    def post(channel: str) -> int:
        try:
            return client.chat_postMessage(channel=channel, text="x").status_code
        except SlackApiError as exc:
            return exc.response.status_code

    with ThreadPoolExecutor(len(channels)) as pool:
        return list(pool.map(post, channels))


def test_enforced_per_channel_limit(slack: FakeSlack, client: WebClient) -> None:
    statuses = _post_many(client, ["C5"] * 5)
    assert sorted(statuses) == [200, 200, 200, 429, 429]
    assert len(slack.violations) == 2 and "per channel" in slack.violations[0]
    limited = [c for c in slack.calls_to("chat.postMessage") if c.status == 429]
    assert limited[0].response["error"] == "ratelimited"
    assert len(slack.messages("C5")) == 3


def test_retry_after_header_on_enforced_limit(slack: FakeSlack, client: WebClient) -> None:
    _post_many(client, ["C6"] * 3)
    with pytest.raises(SlackApiError) as err:
        client.chat_postMessage(channel="C6", text="te veel")
    assert err.value.response.status_code == 429
    assert int(err.value.response.headers["Retry-After"]) >= 1


def test_different_channels_are_not_limited(slack: FakeSlack, client: WebClient) -> None:
    statuses = _post_many(client, [f"C{i}" for i in range(5)])
    assert statuses == [200] * 5
    assert slack.violations == []


def test_unenforced_limits_only_record() -> None:
    with FakeSlack(enforce_limits=False) as fake:
        fake.add_team(TEAM, token=TOKEN)
        client = WebClient(base_url=fake.url, token=TOKEN)
        for _ in range(5):
            assert client.chat_postMessage(channel="C1", text="x")["ok"]
        assert len(fake.violations) == 2
        assert len(fake.messages("C1")) == 5


def test_time_scale_speeds_up_windows() -> None:
    with FakeSlack(time_scale=20.0) as fake:
        fake.add_team(TEAM, token=TOKEN)
        client = WebClient(base_url=fake.url, token=TOKEN)
        burst = _post_many(client, ["C1"] * 8)  # concurrent: far faster than one scaled second
        assert 429 in burst and fake.violations
        time.sleep(0.15)  # 3 scaled seconds: tokens refill at 1 per scaled second
        assert client.chat_postMessage(channel="C1", text="weer")["ok"]
        # The same pause in real time would not be enough without scaling.
        with FakeSlack(time_scale=1.0) as real:
            real.add_team(TEAM, token=TOKEN)
            plain = WebClient(base_url=real.url, token=TOKEN)
            assert 429 in _post_many(plain, ["C1"] * 4)
            time.sleep(0.15)
            with pytest.raises(SlackApiError):
                plain.chat_postMessage(channel="C1", text="te vroeg")


def test_response_url_records_posts(slack: FakeSlack) -> None:
    url = slack.new_response_url()
    assert url.startswith(slack.base)
    body = {"text": "klaar", "replace_original": True}
    req = urllib.request.Request(
        url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(req) as resp:
        assert resp.status == 200 and resp.read() == b"ok"
    assert slack.responses == [{"url": url, "body": body, "at": slack.responses[0]["at"]}]


def test_file_download_needs_bearer_token(slack: FakeSlack, client: WebClient) -> None:
    meta = slack.add_file(b"a;b\n1;2\n", name="data.csv", filetype="csv", team=TEAM)
    assert meta["id"].startswith("F") and client.files_info(file=meta["id"])["file"]["name"] == "data.csv"
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(meta["url_private_download"])
    assert err.value.code == 403
    req = urllib.request.Request(meta["url_private_download"], headers={"Authorization": f"Bearer {TOKEN}"})
    with urllib.request.urlopen(req) as resp:
        assert resp.read() == b"a;b\n1;2\n"


def test_files_upload_v2_round_trip(slack: FakeSlack, client: WebClient) -> None:
    result = client.files_upload_v2(
        channel="C1",
        content=b"naam,score\nAnna,8\n",
        filename="scores.csv",
        title="Scores",
        initial_comment="Hier",
        thread_ts="1700000000.000100",
    )
    assert result["ok"] and result["file"]["id"].startswith("F")
    [upload] = slack.uploads
    assert upload["content"] == b"naam,score\nAnna,8\n"
    assert (upload["filename"], upload["title"], upload["channel_id"]) == ("scores.csv", "Scores", "C1")
    assert upload["thread_ts"] == "1700000000.000100" and upload["initial_comment"] == "Hier"
    assert client.files_info(file=upload["id"])["file"]["size"] == len(upload["content"])


def test_files_upload_v2_records_alt_text_and_refuses_it_over_1000_characters(
        slack: FakeSlack, client: WebClient) -> None:
    png = b"\x89PNG\r\n\x1a\n" + b"0" * 64
    client.files_upload_v2(channel="C1", content=png, filename="grafiek.png", alt_txt="Staafdiagram: bereik 8%.")
    assert slack.uploads[-1]["alt_txt"] == "Staafdiagram: bereik 8%."
    # slack_sdk sends alt_txt with files.getUploadURLExternal (the step that knows the file), as Slack documents.
    assert slack.calls_to("files.getUploadURLExternal")[-1].params["alt_txt"] == "Staafdiagram: bereik 8%."
    with pytest.raises(SlackApiError) as err:
        client.files_upload_v2(channel="C1", content=png, filename="grafiek.png", alt_txt="x" * 1001)
    assert err.value.response["error"] == "alt_txt_too_large"
    client.files_upload_v2(channel="C1", content=b"a;b\n", filename="data.csv")
    assert slack.uploads[-1]["alt_txt"] is None


def test_oauth_v2_access_issues_working_token(slack: FakeSlack) -> None:
    code = slack.oauth_code(team="T2", team_name="Tweede Gemeente", user="UADMIN")
    anonymous = WebClient(base_url=slack.url)
    with pytest.raises(SlackApiError) as err:
        anonymous.oauth_v2_access(client_id=slack.client_id, client_secret="wrong", code=code)
    assert err.value.response["error"] == "bad_client_secret"
    grant = anonymous.oauth_v2_access(client_id=slack.client_id, client_secret=slack.client_secret, code=code)
    assert grant["token_type"] == "bot" and grant["access_token"].startswith("xoxb-")
    assert grant["team"] == {"id": "T2", "name": "Tweede Gemeente"} and grant["enterprise"] is None
    assert grant["authed_user"]["id"] == "UADMIN"
    with pytest.raises(SlackApiError) as err:  # codes are single-use
        anonymous.oauth_v2_access(client_id=slack.client_id, client_secret=slack.client_secret, code=code)
    assert err.value.response["error"] == "invalid_code"
    auth = WebClient(base_url=slack.url, token=grant["access_token"]).auth_test()
    assert auth["team_id"] == "T2" and auth["user_id"] == grant["bot_user_id"]


def test_users_info_tz_offset_follows_dst(slack: FakeSlack, client: WebClient) -> None:
    user = client.users_info(user="U1")["user"]
    expected = 7200 if datetime.now(ZoneInfo("Europe/Amsterdam")).dst() else 3600
    assert user["tz"] == "Europe/Amsterdam" and user["tz_offset"] == expected
    assert (
        user["locale"] == "nl-NL" and user["profile"]["display_name"] == "Anna" and user["deleted"] is False
    )
    assert client.users_info(user="U2")["user"]["is_admin"] is True
    with pytest.raises(SlackApiError) as err:
        client.users_info(user="UNOBODY")
    assert err.value.response["error"] == "user_not_found"


def test_sign_verifies_with_slack_sdk() -> None:
    body = '{"type":"event_callback","event":{"type":"app_home_opened"}}'
    headers = sign("geheim", body)
    verifier = SignatureVerifier("geheim")
    assert verifier.is_valid_request(body, headers)
    assert not SignatureVerifier("ander").is_valid_request(body, headers)
    old = sign("geheim", body, timestamp=int(time.time()) - 600)
    assert not verifier.is_valid_request(body, old)  # replay window is 5 minutes


def test_slack_sender_posts_signed_command(slack: FakeSlack) -> None:
    """A throwaway HTTP endpoint checks what SlackSender sends."""
    import threading
    from http.server import BaseHTTPRequestHandler, HTTPServer
    from urllib.parse import parse_qs

    seen: list[tuple[dict[str, str], str]] = []

    class Endpoint(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"])).decode()
            seen.append((dict(self.headers), body))
            ok = SignatureVerifier("s3cret").is_valid_request(body, dict(self.headers))
            self.send_response(200 if ok else 401)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(json.dumps({"path": self.path}).encode())

    server = HTTPServer(("127.0.0.1", 0), Endpoint)
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    try:
        sender = SlackSender(f"http://127.0.0.1:{server.server_address[1]}", "s3cret", TEAM, api=slack)
        response = sender.command("start", user="U1")
        assert response.status == 200 and response.json == {"path": "/slack/events"}
        fields = {k: v[0] for k, v in parse_qs(seen[0][1]).items()}
        assert fields["command"] == "/gesprek" and fields["team_id"] == TEAM and fields["user_id"] == "U1"
        assert fields["trigger_id"].startswith("trig-") and fields["response_url"].startswith(slack.base)
        assert sender.raw("{}", sign_with="wrong").status == 401
        click = sender.block_action("answer", "7", user="U1", channel="C1", message_ts="1.2")
        assert click.status == 200
        payload = json.loads(parse_qs(seen[-1][1])["payload"][0])
        assert payload["actions"][0]["action_id"] == "answer" and payload["team"]["id"] == TEAM
        sender.view_submission(
            "intake",
            {"b1": {"score": {"type": "plain_text_input", "value": "8"}}},
            user="U1",
            private_metadata="gesprek=3",
        )
        view = json.loads(parse_qs(seen[-1][1])["payload"][0])["view"]
        assert view["callback_id"] == "intake" and view["private_metadata"] == "gesprek=3"
        assert view["state"]["values"]["b1"]["score"]["value"] == "8" and view["id"].startswith("V")
        retried = sender.event({"type": "app_home_opened", "user": "U1"}, event_id="Ev1", retry_num=1)
        assert retried.status == 200 and seen[-1][0]["X-Slack-Retry-Num"] == "1"
        assert json.loads(seen[-1][1])["event_id"] == "Ev1"
    finally:
        server.shutdown()
        server.server_close()


def test_socket_mode_round_trip_with_bolt(slack: FakeSlack) -> None:
    from slack_bolt import App
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    app = App(token=TOKEN, signing_secret="unused", client=WebClient(base_url=slack.url, token=TOKEN))

    @app.command("/gesprek")
    def on_command(ack, command) -> None:  # type: ignore[no-untyped-def]
        ack(text=f"ontvangen: {command['text']}")

    handler = SocketModeHandler(app, app_token="xapp-1-test")
    handler.connect()
    try:
        assert slack.wait_socket_connected(5)
        envelope_id = slack.socket_send(
            "slash_commands",
            {
                "token": "x",
                "team_id": TEAM,
                "team_domain": "gemeente-test",
                "channel_id": "C1",
                "channel_name": "general",
                "user_id": "U1",
                "user_name": "anna",
                "command": "/gesprek",
                "text": "hallo",
                "api_app_id": slack.app_id,
                "response_url": slack.new_response_url(),
                "trigger_id": "trig-socket",
            },
            accepts_response_payload=True,
        )
        ack = slack.wait_socket_ack(envelope_id, 5)
        assert ack is not None and ack["payload"]["text"] == "ontvangen: hallo"
        assert slack.socket_acks[-1]["envelope_id"] == envelope_id
        assert slack.calls_to("apps.connections.open")[0].token == "xapp-1-test"
    finally:
        handler.close()
