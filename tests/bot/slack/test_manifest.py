"""manifest.yml and the code agree: every event and command has a listener and vice versa."""

from __future__ import annotations

from pathlib import Path

import yaml

from bot.slack.listeners import COMMANDS, EVENTS
from bot.slack.scopes import BOT_SCOPES

MANIFEST = yaml.safe_load((Path(__file__).resolve().parents[3] / "manifest.yml").read_text(encoding="utf-8"))


def test_events_match_listeners():
    assert set(MANIFEST["settings"]["event_subscriptions"]["bot_events"]) == set(EVENTS)


def test_commands_match_listeners():
    assert {c["command"] for c in MANIFEST["features"]["slash_commands"]} == set(COMMANDS)


def test_scopes_match_code():
    assert sorted(MANIFEST["oauth_config"]["scopes"]["bot"]) == sorted(BOT_SCOPES)


def test_report_links_can_unfurl():
    """Slack only sends link_shared for the manifest's unfurl_domains (1-5 lower-case host names)."""
    import re

    domains = MANIFEST["features"]["unfurl_domains"]
    assert 1 <= len(domains) <= 5 and len(set(domains)) == len(domains)
    assert all(re.fullmatch(r"(?![.-])[-a-z0-9.]+[a-z0-9]", d) for d in domains)
    assert "link_shared" in MANIFEST["settings"]["event_subscriptions"]["bot_events"]
    assert {"links:read", "links:write"} <= set(MANIFEST["oauth_config"]["scopes"]["bot"])


def test_interactivity_and_home_tab_enabled():
    assert MANIFEST["settings"]["interactivity"]["is_enabled"] is True
    assert MANIFEST["features"]["app_home"]["home_tab_enabled"] is True
    assert MANIFEST["settings"]["event_subscriptions"]["request_url"].endswith("/slack/events")


def test_registered_bolt_listeners_cover_the_manifest(tmp_path):
    """Build the real app and ask Bolt which listeners match each manifest event/command."""
    from bot.config import load_settings
    from bot.fakeslack import FakeSlack
    from bot.runtime.build import build_runtime
    from storage.migrate import upgrade

    url = f"sqlite:///{tmp_path / 'm.db'}"
    upgrade(url)
    with FakeSlack() as slack:
        slack.add_team("T1", token="xoxb-x", bot_user_id="UBOT")
        settings = load_settings({"SLACK_BOT_TOKEN": "xoxb-x", "SLACK_SIGNING_SECRET": "s", "DATABASE_URL": url,
                                  "SLACK_API_URL": slack.url}, dotenv=False)
        runtime = build_runtime(settings, start_sender=False)
    try:
        app = runtime.app
        from slack_bolt.request import BoltRequest

        for event in EVENTS:
            body = {"type": "event_callback", "team_id": "T1", "event": {"type": event.split(".")[0],
                    "channel_type": "im" if event == "message.im" else "channel", "user": "U1"}}
            req = BoltRequest(body=body, mode="socket_mode")
            assert any(lst.matches(req=req, resp=None) for lst in app._listeners), event
        for command in COMMANDS:
            req = BoltRequest(body={"command": command, "team_id": "T1", "user_id": "U1"}, mode="socket_mode")
            assert any(lst.matches(req=req, resp=None) for lst in app._listeners), command
    finally:
        runtime.db.dispose()
