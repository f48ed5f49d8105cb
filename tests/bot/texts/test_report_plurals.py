"""Plurals of the report's own texts, in both languages, as Babel's rules pick them."""

from __future__ import annotations

import pytest

from bot.slack.blocks.report_link import Preview, preview_blocks
from bot.texts.formatting import plural


@pytest.mark.parametrize(("lang", "count", "done", "expected"), [
    ("nl", 1, 0, "0 van de 1 actie is gedaan."),
    ("nl", 2, 1, "1 van de 2 acties zijn gedaan."),
    ("en", 1, 1, "1 of the 1 action is done."),
    ("en", 3, 0, "0 of the 3 actions are done."),
])
def test_previous_actions_done_reads_in_the_right_number(lang, count, done, expected):
    assert plural(lang, "report.previous_done", count, done=done) == expected


@pytest.mark.parametrize(("lang", "more", "expected"), [
    ("nl", 1, "… en nog 1 actie in het verslag"),
    ("nl", 4, "… en nog 4 acties in het verslag"),
    ("en", 1, "… and 1 more action in the report"),
    ("en", 2, "… and 2 more actions in the report"),
])
def test_the_preview_counts_the_actions_it_leaves_out(lang, more, expected):
    preview = Preview("Minder eenzame ouderen", ["Samen verder."], ["a", "b", "c"], more_actions=more)
    assert expected in str(preview_blocks(lang, preview))


def test_the_report_page_says_how_many_earlier_actions_are_done(db):
    from bot.report import build_report, render_html
    from flows import FlowRegistry
    from tests.bot.report import build_sessions

    registry = FlowRegistry.load()
    built = build_sessions(db, registry=registry)
    page = render_html(build_report(db, registry, built.session_id))
    assert "1 van de 2 acties zijn gedaan." in page
    english = render_html(build_report(db, registry, built.session_id, lang="en"))
    assert "1 of the 2 actions are done." in english
