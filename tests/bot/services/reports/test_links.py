"""Report links: signed with a secret of their own, reused while young, dead when expired,
revoked or signed with another secret."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.config import load_settings
from bot.services.reports import links
from storage.models import ReportLink, Workspace

NOW = datetime(2027, 3, 10, 12, 0, tzinfo=UTC)


def settings(**extra: str):
    return load_settings({"SLACK_SIGNING_SECRET": "signing-secret", "BOT_PUBLIC_URL": "https://g.example.org",
                          **extra}, dotenv=False)


def workspace(db) -> int:
    with db.unit_of_work() as s:
        ws = Workspace(team_id="T0LINK", language="nl", coordinator_ids=[], settings={})
        s.add(ws)
        s.flush()
        return ws.id


def test_a_link_opens_until_it_expires_and_is_handed_out_again_while_young(db):
    config, target = settings(BOT_REPORT_LINK_DAYS="10"), links.Target("session", 7, workspace(db))
    with db.unit_of_work() as s:
        token = links.issue(s, config, target, NOW, issued_by="U1")
        assert links.issue(s, config, target, NOW + timedelta(days=4), issued_by="U2") == token
        newer = links.issue(s, config, target, NOW + timedelta(days=6), issued_by="U2")  # past half its life
    assert newer != token
    with db.reader() as s:
        assert links.valid_link(s, config, token, NOW + timedelta(days=9)).target_id == 7
        assert links.valid_link(s, config, token, NOW + timedelta(days=10)) is None
    assert links.url_for(config, token) == f"https://g.example.org/verslag/{token}"
    assert links.token_in(f"https://g.example.org/verslag/{token}?utm=x", config) == token
    assert links.token_in(f"https://elders.example.org/verslag/{token}", config) is None


def test_the_link_secret_is_not_the_signing_secret_and_changing_it_ends_every_link(db):
    config = settings()
    assert links.link_secret(config) != b"signing-secret" and len(links.link_secret(config)) == 32
    with db.unit_of_work() as s:
        token = links.issue(s, config, links.Target("session", 1, workspace(db)), NOW)
    with db.reader() as s:
        assert links.valid_link(s, config, token, NOW) is not None
        assert links.valid_link(s, settings(BOT_LINK_SECRET="another"), token, NOW) is None
        key, _ = token.split(".")
        for forged in (f"{key}.{'A' * 22}", f"{key}.", key, token + "x", "../../etc/passwd", ""):
            assert links.valid_link(s, config, forged, NOW) is None


def test_revoking_by_token_or_by_session_ends_only_those_links(db):
    config, ws = settings(), workspace(db)
    with db.unit_of_work() as s:
        first = links.issue(s, config, links.Target("session", 1, ws), NOW)
        second = links.issue(s, config, links.Target("session", 2, ws), NOW)
        assert links.revoke(s, NOW, token=first) == 1
        assert links.revoke(s, NOW, token=first) == 0
    with db.reader() as s:
        assert links.valid_link(s, config, first, NOW) is None
        assert links.valid_link(s, config, second, NOW) is not None
    with db.unit_of_work() as s:
        assert links.revoke(s, NOW, target_id=2) == 1
        assert s.query(ReportLink).filter(ReportLink.revoked_at.is_(None)).count() == 0


def test_without_any_secret_no_link_is_made(db):
    config = load_settings({"SLACK_BOT_TOKEN": "xoxb-x"}, dotenv=False)
    with db.unit_of_work() as s, pytest.raises(links.NoLinkSecret):
        links.issue(s, config, links.Target("session", 1, workspace(db)), NOW)


def test_erasing_a_person_forgets_who_issued_a_link_and_keeps_the_link(db):
    from bot.services.privacy.erasure import erase_person_data

    config, ws = settings(), workspace(db)
    with db.unit_of_work() as s:
        token = links.issue(s, config, links.Target("session", 3, ws), NOW, issued_by="U0ERASED")
    with db.unit_of_work() as s:
        erase_person_data(s, s.get(Workspace, ws), "U0ERASED")
    with db.reader() as s:
        link = links.valid_link(s, config, token, NOW)
        assert link is not None and link.issued_by is None


def test_a_round_link_opens_the_round_report_and_only_in_its_own_workspace(db):
    from bot.runtime.deps import Deps
    from bot.services.reports.page import report_page
    from bot.slack.client import TokenSource
    from flows import FlowRegistry
    from storage.models import Round

    config, ws = settings(), workspace(db)
    deps = Deps(settings=config, db=db, flows=FlowRegistry.load(), tokens=TokenSource(config), clock=lambda: NOW)
    with db.unit_of_work() as s:
        other = Workspace(team_id="T0OTHER", language="nl", coordinator_ids=[], settings={})
        s.add(other)
        s.flush()
        mine = Round(workspace_id=ws, name="Voorjaarsronde <b>2027</b>", scheduled_at=NOW, language="nl")
        theirs = Round(workspace_id=other.id, name="Andere ronde", scheduled_at=NOW, language="nl")
        s.add_all([mine, theirs])
        s.flush()
        good = links.issue(s, config, links.Target("round", mine.id, ws), NOW)
        crossed = links.issue(s, config, links.Target("round", theirs.id, ws), NOW)  # a row pointing elsewhere
    page = report_page(deps, good)
    assert page is not None and "Voorjaarsronde &lt;b&gt;2027&lt;/b&gt;" in page
    assert report_page(deps, crossed) is None
