"""Downloading a shared file: the bot token goes to Slack's own origin only, whatever Slack answers."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.fakeslack import FakeSlack, OtherHost
from bot.slack.downloads import DownloadError, download, trusted_origin

TEAM = "T0000TEST"
TOKEN = "xoxb-test-team-one"
CONTENT = b"periode;bereik\n2024-Q1;40\n"


@pytest.fixture
def slack() -> Iterator[FakeSlack]:
    with FakeSlack() as fake:
        fake.add_team(TEAM, token=TOKEN)
        yield fake


@pytest.fixture
def elsewhere() -> Iterator[OtherHost]:
    with OtherHost() as host:
        yield host


def _reason(url: str, api_url: str, **kwargs) -> str:
    with pytest.raises(DownloadError) as caught:
        download(url, TOKEN, api_url=api_url, limit=kwargs.pop("limit", 1_000_000), **kwargs)
    return caught.value.reason


@pytest.mark.parametrize(("url", "trusted"), [
    ("https://files.slack.com/files-pri/T1-F1/cijfers.csv", True),
    ("https://FILES.slack.com:443/files-pri/T1-F1/x.csv", True),
    ("http://files.slack.com/files-pri/T1-F1/x.csv", False),  # the token would travel in the clear
    ("https://files.slack.com:8443/x.csv", False),
    ("https://files.slack.com.evil.example/x.csv", False),
    ("https://evil.example/files.slack.com/x.csv", False),
    ("https://slack.com/x.csv", False),
    ("file:///etc/passwd", False),
    ("http://127.0.0.1:9/x.csv", True),  # exactly the configured SLACK_API_URL origin (the stand-in)
    ("http://127.0.0.1:10/x.csv", False),
    ("https://127.0.0.1:9/x.csv", False),
])
def test_only_slacks_file_host_and_the_configured_api_origin_are_trusted(url, trusted):
    assert trusted_origin(url, "http://127.0.0.1:9/api/") is trusted


def test_a_file_is_fetched_from_slack_with_the_token(slack):
    file = slack.add_file(CONTENT, name="cijfers 2024 é.csv", team=TEAM)
    assert download(file["url_private_download"], TOKEN, api_url=slack.url, limit=1_000) == CONTENT
    assert slack.downloads[-1]["token"] == TOKEN and slack.downloads[-1]["allowed"]


def test_a_redirect_to_another_host_is_refused_and_that_host_never_hears_from_us(slack, elsewhere):
    file = slack.add_file(CONTENT, team=TEAM)
    slack.redirect_file(file["id"], elsewhere.url("stolen.csv"))
    assert _reason(file["url_private_download"], slack.url) == "not_slack"
    assert slack.downloads[-1]["redirected_to"] == elsewhere.url("stolen.csv")
    assert elsewhere.seen == [] and elsewhere.tokens_seen == []


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_no_kind_of_redirect_carries_the_token_away(slack, elsewhere, status):
    file = slack.add_file(CONTENT, team=TEAM)
    slack.redirect_file(file["id"], elsewhere.url("x"), status=status)
    assert _reason(file["url_private"], slack.url) == "not_slack"
    assert elsewhere.seen == []


def test_a_redirect_within_slacks_origin_is_followed_a_few_times_at_most(slack):
    file = slack.add_file(CONTENT, team=TEAM)
    slack.redirect_file(file["id"], file["url_private"], times=2)  # e.g. ?download=1 -> the plain URL
    assert download(file["url_private_download"], TOKEN, api_url=slack.url, limit=1_000) == CONTENT
    assert [d["redirected_to"] is not None for d in slack.downloads] == [True, True, False]

    loop = slack.add_file(CONTENT, team=TEAM)
    slack.redirect_file(loop["id"], loop["url_private"])
    assert _reason(loop["url_private"], slack.url) == "too_many_redirects"
    assert len([d for d in slack.downloads if d["file_id"] == loop["id"]]) == 4  # first try + 3 redirects


def test_a_url_that_is_not_slack_is_never_contacted(elsewhere, slack):
    assert _reason(elsewhere.url("x.csv"), slack.url) == "not_slack"
    assert elsewhere.seen == []


def test_size_is_capped_while_reading(slack):
    file = slack.add_file(CONTENT * 100, team=TEAM)
    assert _reason(file["url_private"], slack.url, limit=len(CONTENT)) == "too_large"


def test_a_slow_drip_hits_the_deadline():
    with OtherHost(body=b"x" * 4_000, drip=(100, 0.1)) as slow:
        # The slow host is the configured API origin here, so the token may go there.
        assert _reason(slow.url("slow.csv"), slow.base + "/api/", deadline=0.5) == "timeout"
        assert slow.tokens_seen == [f"Bearer {TOKEN}"]


def test_slacks_login_page_is_not_a_file():
    with OtherHost(body=b"<html>log in</html>", content_type="text/html; charset=utf-8") as login:
        assert _reason(login.url("x.csv"), login.base + "/api/") == "web_page"
