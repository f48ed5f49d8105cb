"""Issue 2's acceptance over real HTTP: signatures, url_verification, help, Home, health, bad bodies."""

from __future__ import annotations

import json
import time
import urllib.request

import pytest

from bot.fakeslack import sign
from tests.e2e.conftest import CHANNEL, wait_for
from tests.harness import SIGNING_SECRET, running_bot


def get(url: str) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"{}")


def test_url_verification_answers_the_challenge(sender):
    response = sender.url_verification("3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P")
    assert response.status == 200
    assert "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P" in response.body


def test_help_is_acknowledged_fast_in_dutch(sender):
    started = time.monotonic()
    response = sender.command("help", user="USW1", channel=CHANNEL)
    assert time.monotonic() - started < 3
    assert response.status == 200
    body = response.json
    assert body["response_type"] == "ephemeral"
    text = json.dumps(body, ensure_ascii=False)
    for sub in ("start", "status", "data", "help"):
        assert f"/gesprek {sub}" in text
    assert "Kwaliteitsgesprekken" in text


def test_help_in_english_after_switching_language(sender):
    assert sender.command("taal en", user="USW2").status == 200
    text = json.dumps(sender.command("help", user="USW2").json)
    assert "What you can type" in text or "quality conversation" in text.lower()


def test_unknown_subcommand_gets_help(sender):
    body = sender.command("vliegen", user="USW1").json
    assert "vliegen" in json.dumps(body, ensure_ascii=False)


@pytest.mark.parametrize("kind", ["bad_signature", "old_timestamp", "no_headers"])
def test_unsigned_or_stale_requests_get_401(sender, kind):
    body = "token=x&team_id=T0000TEST&user_id=U1&command=%2Fgesprek&text=help"
    if kind == "bad_signature":
        headers = sign("wrong-secret", body)
    elif kind == "old_timestamp":
        headers = sign(SIGNING_SECRET, body, timestamp=int(time.time()) - 301)
    else:
        headers = {"X-Slack-Signature": "", "X-Slack-Request-Timestamp": ""}
    headers["Content-Type"] = "application/x-www-form-urlencoded"
    response = sender.raw(body, headers)
    assert response.status == 401


def test_app_home_opened_publishes_the_home_view(sender, bot, slack):
    response = sender.event({"type": "app_home_opened", "user": "USW1", "channel": "DUSW1", "tab": "home",
                             "event_ts": f"{time.time():.6f}"})
    assert response.status == 200
    wait_for(lambda: slack.views_published("USW1") or bot.drain() or slack.views_published("USW1"))
    view = slack.views_published("USW1")[-1]["view"]
    assert view["type"] == "home"
    assert "Welkom" in json.dumps(view, ensure_ascii=False)


@pytest.mark.parametrize(
    "body",
    [
        "{not json",
        "payload=%7Bbroken",
        "payload=" + json.dumps({"type": "block_actions", "actions": "nope"}),
        json.dumps({"type": "event_callback", "event": None}),
        json.dumps({"type": "event_callback", "team_id": "T0000TEST", "event": {"type": "app_home_opened"}}),
        "payload=" + json.dumps({"type": "view_submission", "view": {"callback_id": "answer_stage",
                                                                      "private_metadata": "[[["}}),
        "\x00\xff" * 100,
        "command=%2Fgesprek&text=" + "x" * 50_000,
    ],
)
def test_malformed_bodies_never_get_5xx_and_the_bot_stays_up(sender, bot, body):
    content_type = "application/json" if body.startswith(("{", "\x00")) else "application/x-www-form-urlencoded"
    response = sender.raw(body, {"Content-Type": content_type}, sign_with=SIGNING_SECRET)
    assert response.status < 500
    assert get(bot.url + "/healthz")[0] == 200


def test_healthz_reports_database_and_outbox(bot):
    status, body = get(bot.url + "/healthz")
    assert status == 200
    assert body["database"] == "ok" and body["outbox_pending"] == 0


def test_healthz_is_503_when_the_database_is_down(slack):
    url = "postgresql+psycopg://postgres@127.0.0.1:1/nowhere"  # nothing listens on port 1
    from bot.runtime.build import build_runtime
    from bot.web.app import WsgiApp
    from tests.harness import settings_for

    runtime = build_runtime(settings_for(slack.url, url), start_sender=False)
    app = WsgiApp(runtime)
    captured = {}

    def start_response(status, headers):
        captured["status"] = status

    body = b"".join(app({"PATH_INFO": "/healthz", "REQUEST_METHOD": "GET"}, start_response))
    assert captured["status"].startswith("503")
    assert json.loads(body)["database"] == "unreachable"


def test_retried_event_delivery_is_processed_once(sender, bot, slack):
    event = {"type": "app_home_opened", "user": "UBM1", "channel": "DUBM1", "tab": "home",
             "event_ts": f"{time.time():.6f}"}
    assert sender.event(event, event_id="Ev0RETRY").status == 200
    wait_for(lambda: bot.drain() or slack.views_published("UBM1"))
    for retry in (1, 2):
        assert sender.event(event, event_id="Ev0RETRY", retry_num=retry).status == 200
    bot.drain()
    time.sleep(0.3)
    bot.drain()
    assert len(slack.views_published("UBM1")) == 1


def test_every_outbound_call_goes_to_the_configured_api_url(sender, bot, slack):
    sender.command("help", user="USW1")
    sender.event({"type": "app_home_opened", "user": "USW1", "channel": "DUSW1", "tab": "home"})
    wait_for(lambda: bot.drain() or slack.views_published("USW1"))
    assert slack.calls_to("views.publish")


def test_running_bot_against_second_database_is_isolated(slack, tmp_path):
    with running_bot(slack.url, f"sqlite:///{tmp_path / 'other.db'}") as other:
        assert get(other.url + "/healthz")[0] == 200
