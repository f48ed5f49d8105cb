"""The session report: every answer under its role, anonymity, escaping, actions, comparison, data.

The HTML is read back with a small parser that remembers in which stage, question and role each
answer sits, so "under its role" is checked on the page a reader sees, not only on the model.
"""

from __future__ import annotations

import argparse
import html
import re
import sys
from html.parser import HTMLParser

import pytest

from bot.report import SECTION_IDS, SessionNotFound, build_report, render_html, render_markdown, write_report
from flows import FlowRegistry
from storage.models import ConversationSession
from tests.bot.report import NAMES, OUTCOME_NAME, ROLE_OF, SCRIPT, SLACK_IDS, TEAM_ID, build_sessions

NAME_OF = {"U0SW00001": "Fatima el Amrani", "U0SW00002": "Joost de Vries", "U0BM00001": "Anouk Jansen",
           "U0BM00002": "U0BM00002", "U0CO00001": "Marieke Bakker"}


@pytest.fixture(scope="module")
def registry() -> FlowRegistry:
    return FlowRegistry.load()


class AnswerMap(HTMLParser):
    """token -> (section, stage, question, role, author) for every answer <li> on the page."""

    def __init__(self) -> None:
        super().__init__()
        self.section = self.stage = self.question = self.role = None
        self.found: dict[str, tuple] = {}
        self._field: str | None = None
        self._author = ""
        self._text = ""

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "section":
            self.section, self.stage = a.get("id"), None
        elif tag == "div" and (a.get("id") or "").startswith("stage-"):
            self.stage = a["id"][len("stage-"):]
        elif tag == "div" and "data-question" in a:
            self.question = a["data-question"]
        elif tag == "div" and "data-role" in a:
            self.role = a["data-role"]
        elif tag == "li":
            self._author = self._text = ""
        elif tag == "span" and a.get("class") in ("author", "text"):
            self._field = a["class"]

    def handle_endtag(self, tag):
        if tag == "span":
            self._field = None
        elif tag == "li" and self._text:
            token = self._text.split()[1] if self._text.startswith(("Antwoord ", "Voorbereiding ")) else self._text
            self.found[token] = (self.section, self.stage, self.question, self.role, self._author or None)

    def handle_data(self, data):
        if self._field == "author":
            self._author += data
        elif self._field == "text":
            self._text += data


def answer_map(page: str) -> dict[str, tuple]:
    parser = AnswerMap()
    parser.feed(page)
    return parser.found


def section(page: str, section_id: str) -> str:
    start = page.index(f'<section id="{section_id}">')
    return page[start:page.index("</section>", start)]


def md_section(text: str, heading: str) -> str:
    start = text.index(f"## {heading}\n")
    end = text.find("\n## ", start + 1)
    return text[start:end if end != -1 else None]


def test_every_answer_appears_under_its_stage_question_and_role(db, registry):
    built = build_sessions(db, registry=registry)
    page = render_html(build_report(db, registry, built.session_id))
    found = answer_map(page)
    for token, (stage_id, question_id, uid) in built.answers.items():
        where = "evaluation" if stage_id == "evaluatie" else "stages"
        assert found[token] == (where, None if where == "evaluation" else stage_id, question_id, ROLE_OF[uid],
                                NAME_OF[uid]), token
    for token, (question_id, uid) in built.prep.items():
        assert found[token] == ("preparation", None, question_id, ROLE_OF[uid], NAME_OF[uid]), token
    # Municipality and provider side by side: policy officers first (flows.roles.ROLE_ORDER).
    herkennen = page[page.index('id="stage-herkennen"'):page.index('id="stage-begrijpen"')]
    assert herkennen.index('data-role="beleidsmedewerker"') < herkennen.index('data-role="sociaal_werker"')


def test_markdown_has_the_same_answers_and_sections(db, registry):
    built = build_sessions(db, registry=registry)
    report = build_report(db, registry, built.session_id)
    text = render_markdown(report)
    for token, (_stage, _question, uid) in built.answers.items():
        assert f"**{NAME_OF[uid]}**: Antwoord {token}" in text
    for token in built.prep:
        assert f"Voorbereiding {token}" in text
    for heading in ("Maatschappelijk resultaat", "Deelnemers", "Cijfers en verhalen", "Antwoorden per fase",
                    "Conclusie", "Afgesproken acties", "Evaluatie", "Vergelijking met het vorige gesprek"):
        assert f"\n## {heading}\n" in text
    assert "### 2. Herkennen" in text


def test_participants_by_role_with_display_name_or_slack_id(db, registry):
    built = build_sessions(db, registry=registry)
    report = build_report(db, registry, built.session_id)
    groups = {g.role: g.names for g in report.participants}
    assert groups == {"beleidsmedewerker": ["Anouk Jansen", "U0BM00002"],
                      "sociaal_werker": ["Fatima el Amrani", "Joost de Vries"],
                      "coordinator": ["Marieke Bakker"]}
    assert [g.role for g in report.participants] == ["beleidsmedewerker", "sociaal_werker", "coordinator"]
    assert "Anouk Jansen, U0BM00002" in section(render_html(report), "participants")


def test_anonymous_session_shows_no_names_or_slack_ids_anywhere(db, registry):
    built = build_sessions(db, registry=registry, visibility="anonymous")
    report = build_report(db, registry, built.session_id)
    page, text = render_html(report), render_markdown(report)
    for output in (page, text):
        for secret in (*NAMES, *SLACK_IDS):
            assert secret not in output
        for token in (*built.answers, *built.prep):
            assert token in output  # the answers themselves are all there
    found = answer_map(page)
    assert all(author is None for (*_rest, author) in found.values())
    assert {t: v[3] for t, v in found.items() if t in built.answers} == {
        t: ROLE_OF[uid] for t, (_s, _q, uid) in built.answers.items()}
    assert "namen worden niet getoond" in section(page, "participants")
    assert "2 personen" in section(page, "participants")
    assert "<td>Aanbieder</td>" in section(page, "actions")  # the party stays, the person goes


def test_conclusion_actions_evaluation_and_comparison(db, registry):
    built = build_sessions(db, registry=registry)
    report = build_report(db, registry, built.session_id)
    page = render_html(report)
    conclusion = next(t for t, (s, q, _u) in built.answers.items() if q == "afsluiting_conclusie")
    assert report.conclusion == [f"Antwoord {conclusion}"]
    assert f"Antwoord {conclusion}" in section(page, "conclusion")

    actions = section(page, "actions")
    assert "Buurtcirkels starten in Haven-Noord" in actions
    assert "Aanbieder, Joost de Vries" in actions and "30 juni 2026" in actions and "bereik → 120" in actions
    assert "Gemeente, Anouk Jansen" in actions and "15 mei 2026" in actions

    evaluation = section(page, "evaluation")
    tokens = [t for t, (s, _q, _u) in built.answers.items() if s == "evaluatie"]
    assert tokens and all(f"Antwoord {t}" in evaluation for t in tokens)
    assert "Hoe verliep het gesprek?" in evaluation and "4 / 5" in evaluation
    assert not any(f"Antwoord {t}" in section(page, "stages") for t in tokens)

    comparison = section(page, "comparison")
    assert report.previous is not None and report.previous.session_id == built.previous_id
    assert "9 december 2025" in comparison and "Het bereik onder 75-plussers is te laag." in comparison
    assert "Huisbezoeken bij 75-plussers" in comparison and "gedaan" in comparison
    assert "Vervoer naar de ontmoetingsplek regelen" in comparison
    assert "1 van de 2 acties zijn gedaan." in comparison

    text = render_markdown(report)
    assert "| Buurtcirkels starten in Haven-Noord | Aanbieder, Joost de Vries | 30 juni 2026 |" in text
    assert "Het bereik onder 75-plussers is te laag." in md_section(text, "Vergelijking met het vorige gesprek")


def test_user_text_is_escaped_in_html_and_markdown(db, registry):
    built = build_sessions(db, registry=registry)
    report = build_report(db, registry, built.session_id)
    page, text = render_html(report), render_markdown(report)
    escaped = html.escape(SCRIPT, quote=False)
    for output in (page, text):
        assert "<script" not in output and "<b>" not in output
        assert escaped.replace('"', "") in output.replace("&quot;", "").replace('"', "")
    assert "doen mee &lt;b&gt;samen&lt;/b&gt;" in page
    assert page.count("<script") == 0


def test_first_conversation_has_nothing_to_compare(db, registry):
    built = build_sessions(db, registry=registry, previous=False)
    report = build_report(db, registry, built.session_id)
    assert report.previous is None
    assert "geen eerder afgesloten gesprek" in section(render_html(report), "comparison")


def test_previous_cycle_comes_from_the_same_series(db, registry):
    built = build_sessions(db, registry=registry, series=True)
    with db.unit_of_work() as s:
        # A later closed session of the same outcome but outside the series must not be picked.
        other = s.get(ConversationSession, built.previous_id)
        stray = ConversationSession(
            workspace_id=other.workspace_id, outcome_id=other.outcome_id, flow_id=other.flow_id,
            flow_version=other.flow_version, channel_id="C0ANDERS", status="closed",
            started_at=other.started_at.replace(month=12, day=20), closed_at=other.closed_at.replace(day=20),
            conclusion="Losse sessie buiten de reeks.",
        )
        s.add(stray)
    report = build_report(db, registry, built.session_id)
    assert report.previous is not None and report.previous.session_id == built.previous_id
    assert "Losse sessie" not in render_html(report)


def test_open_stage_of_a_hidden_session_is_not_revealed(db, registry):
    built = build_sessions(db, registry=registry, running_at="begrijpen")
    report = build_report(db, registry, built.session_id)
    page = render_html(report)
    hidden = [t for t, (s, _q, _u) in built.answers.items() if s == "begrijpen"]
    shown = [t for t, (s, _q, _u) in built.answers.items() if s == "herkennen"]
    assert hidden and not any(f"Antwoord {t}" in page for t in hidden)
    assert all(f"Antwoord {t}" in page for t in shown)
    assert "de antwoorden zijn zichtbaar zodra ze sluit" in page
    assert "loopt nog" in section(page, "outcome")


def test_english_report(db, registry):
    built = build_sessions(db, registry=registry)
    report = build_report(db, registry, built.session_id, lang="en")
    page, text = render_html(report), render_markdown(report)
    assert '<html lang="en">' in page
    for heading in ("Societal outcome", "Agreed actions", "Comparison with the previous conversation"):
        assert heading in page and f"## {heading}" in text
    assert "Policy officer" in page and "Provider, Joost de Vries" in page and "30 June 2026" in page
    assert "No data summary is available." in page


def test_no_data_summary_when_there_are_no_figures(db, registry):
    built = build_sessions(db, registry=registry)
    report = build_report(db, registry, built.session_id)
    assert report.data is None
    assert "Er is geen datasamenvatting beschikbaar." in section(render_html(report), "data")
    assert "_Er is geen datasamenvatting beschikbaar._" in render_markdown(report)


def test_no_data_summary_when_the_summary_module_is_missing(db, registry, monkeypatch):
    built = build_sessions(db, registry=registry, data=True)
    monkeypatch.setitem(sys.modules, "storage.summaries", None)  # import now raises ImportError
    report = build_report(db, registry, built.session_id)
    assert report.data is None
    assert "Er is geen datasamenvatting beschikbaar." in render_html(report)


def test_figures_without_chart_when_the_chart_module_is_missing(db, registry, monkeypatch):
    pytest.importorskip("storage.summaries")
    built = build_sessions(db, registry=registry, data=True)
    monkeypatch.setitem(sys.modules, "bot.report.charts", None)
    report = build_report(db, registry, built.session_id)
    assert report.data is not None and report.data.charts == []
    data = section(render_html(report), "data")
    assert "68%" in data and "<img" not in data and "Bron: gegevens van de organisatie" in data


def test_data_summary_with_headline_figures_and_chart(db, registry):
    pytest.importorskip("storage.summaries")
    pytest.importorskip("bot.report.charts")
    built = build_sessions(db, registry=registry, data=True)
    report = build_report(db, registry, built.session_id)
    assert report.data is not None and report.data.period == "2026-Q1"
    data = section(render_html(report), "data")
    assert "Doelen behaald" in data and "68%" in data and "+18 %-punt" in data
    assert '<img src="data:image/png;base64,iVBORw0KGgo' in data
    assert 'alt="Staafdiagram met de cijfers van ' in data and "over 1e kwartaal 2026: " in data
    assert "doelen behaald 68% (vorige periode 50%)" in data  # the alt text names the key figures
    # every figure names its source as Slack does: the file and the day it was imported
    assert re.search(r"<figcaption>Bron: gegevens van de organisatie \(ontmoeting\.csv, ingelezen [^)]+\)"
                     r"</figcaption>", data)
    assert "Mogelijke deelnemers (potentieel bereik): uit de aangeleverde gegevens." in data


def test_write_report_writes_both_files_and_the_chart(db, registry, tmp_path):
    pytest.importorskip("bot.report.charts")
    built = build_sessions(db, registry=registry, data=True)
    html_path, md_path = write_report(db, registry, built.session_id, tmp_path / "out")
    assert html_path.name == f"verslag-{built.session_id}.html" and md_path.name == f"verslag-{built.session_id}.md"
    page = html_path.read_text(encoding="utf-8")
    assert all(f'<section id="{sid}">' in page for sid in SECTION_IDS)
    chart = tmp_path / "out" / f"verslag-{built.session_id}-grafiek-1.png"
    assert chart.read_bytes().startswith(b"\x89PNG")
    assert f"]({chart.name})" in md_path.read_text(encoding="utf-8")
    assert OUTCOME_NAME in md_path.read_text(encoding="utf-8")


def test_unknown_session(db, registry):
    with pytest.raises(SessionNotFound):
        build_report(db, registry, 4242)


def test_report_command(db, registry, tmp_path, monkeypatch, capsys):
    from bot.cli.report import run_report_command

    built = build_sessions(db, registry=registry)
    monkeypatch.chdir(tmp_path)  # no stray .env
    monkeypatch.setenv("DATABASE_URL", db.url)
    for name in ("BOT_FLOWS_DIR", "BOT_TIMEZONE", "BOT_LANGUAGE"):
        monkeypatch.delenv(name, raising=False)
    out = tmp_path / "verslagen"
    code = run_report_command(argparse.Namespace(session=built.session_id, output=str(out), language="en"))
    printed = capsys.readouterr()
    assert code == 0, printed.err
    assert printed.out.split() == [str(out / f"verslag-{built.session_id}.html"),
                                   str(out / f"verslag-{built.session_id}.md")]
    assert "Agreed actions" in (out / f"verslag-{built.session_id}.html").read_text(encoding="utf-8")

    code = run_report_command(argparse.Namespace(session=999, output=str(out)))
    printed = capsys.readouterr()
    assert code == 1 and printed.out == ""
    assert [line for line in printed.err.splitlines() if line.strip()] == [
        "Session 999 does not exist (see `/gesprek status` for session numbers)."]


def test_builder_stores_what_the_bot_itself_loads(db, registry):
    """Guard for the test data: the stored session loads through the bot's own loader."""
    from bot.services.common.store import load

    built = build_sessions(db, registry=registry)
    with db.reader() as s:
        loaded = load(s, registry, built.session_id, TEAM_ID)
    assert loaded.state.status == "closed"
    text_answers = {k for k, v in loaded.state.answers.items() if v.startswith("Antwoord ")}
    assert len(text_answers) == len(built.answers)
