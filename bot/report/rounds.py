"""The report of a round, for management and the council: every conversation's conclusion,
shared pictures and agreed actions together, as one printable HTML page (and as JSON:
bot/report/round_export.py).

Why built on the session report's pieces (participants by role, actions) and the engine's
summaries: the same privacy rules hold (no names in an anonymous conversation; a stage's
answers are not in this report at all, only what the group agreed), and a conclusion or a
shared picture reads the same here as in Slack. Internal preparations are a party's own and
are not in the round report.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.i18n import normalise_language, t
from bot.report.build import _actions, _participants
from bot.report.html import _CSS
from bot.report.model import ActionItem, ParticipantGroup
from bot.services.common.store import build
from flows import FlowRegistry
from flows import engine as fe
from storage.models import ConversationSession, Outcome, Round, RoundSession, SessionPlan, Workspace


@dataclass(frozen=True)
class Picture:
    stage_id: str
    stage: str
    text: str
    status: str  # draft | final
    confirmed: int
    awaited: int


@dataclass(frozen=True)
class ConversationReport:
    session_id: int
    outcome: str
    flow_id: str
    flow_title: str
    status: str  # planned | cancelled | running | closed
    scheduled_at: datetime | None
    started_at: datetime | None
    closed_at: datetime | None
    anonymous: bool
    participants: list[ParticipantGroup]
    conclusion: list[str]
    agreed_conclusion: str | None
    pictures: list[Picture]
    actions: list[ActionItem]


@dataclass
class RoundReport:
    round_id: int
    name: str
    lang: str
    timezone: str
    scheduled_at: datetime | None
    conversations: list[ConversationReport] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for c in self.conversations if c.status == status)


def _status(session: ConversationSession, plan: SessionPlan | None) -> str:
    if session.status == "scheduled":
        return "cancelled" if plan is not None and plan.cancelled_at is not None else "planned"
    return session.status


def _conversation(s: Session, registry: FlowRegistry, session: ConversationSession, workspace: Workspace,
                  lang: str) -> ConversationReport:
    loaded = build(s, registry, session, workspace)
    anonymous = loaded.anonymous
    summary = fe.session_summary(loaded.flow, loaded.state, lang, anonymous=anonymous)
    pictures = [Picture(stage.stage_id, stage.title, stage.picture.text or "", stage.picture.status,
                        stage.picture.confirmed_count, stage.picture.awaited_count)
                for stage in summary.stages if stage.picture is not None and stage.picture.text]
    outcome = s.get(Outcome, session.outcome_id)
    conclusion = summary.conclusion or ([session.conclusion] if session.conclusion else [])
    return ConversationReport(
        session_id=session.id, outcome=outcome.name if outcome else "", flow_id=loaded.flow.id,
        flow_title=loaded.flow.title.get(lang), status=_status(session, s.get(SessionPlan, session.id)),
        scheduled_at=session.scheduled_at, started_at=session.started_at, closed_at=session.closed_at,
        anonymous=anonymous, participants=_participants(s, session.id, lang, anonymous), conclusion=conclusion,
        agreed_conclusion=summary.agreed_conclusion, pictures=pictures,
        actions=_actions(s, session.id, lang, anonymous))


def build_round_report(s: Session, registry: FlowRegistry, rnd: Round, *, lang: str | None = None,
                       timezone: str = "Europe/Amsterdam") -> RoundReport:
    lang = normalise_language(lang or rnd.language)
    workspace = s.get(Workspace, rnd.workspace_id)
    report = RoundReport(rnd.id, rnd.name, lang, timezone, rnd.scheduled_at)
    sessions = s.scalars(select(ConversationSession).join(RoundSession, RoundSession.session_id
                                                          == ConversationSession.id)
                         .where(RoundSession.round_id == rnd.id).order_by(ConversationSession.id))
    report.conversations = [_conversation(s, registry, session, workspace, lang) for session in sessions]
    return report


# ---- HTML -------------------------------------------------------------------------------------------


def _when(report: RoundReport, moment: datetime | None) -> str:
    return moment.astimezone(ZoneInfo(report.timezone)).strftime("%d-%m-%Y %H:%M") if moment else "–"


def _section(report: RoundReport, item: ConversationReport) -> list[str]:
    lang, e = report.lang, html.escape
    out = [f'<section id="gesprek-{item.session_id}"><h2>{e(item.outcome)}</h2>',
           f'<p class="note">{e(item.flow_title)} · {e(t(lang, f"rounds.report.status_{item.status}"))} · '
           f"{e(_when(report, item.started_at or item.scheduled_at))}</p>"]
    people = "; ".join(f"{e(g.label)}: {e(', '.join(g.names)) if g.names else g.count}" for g in item.participants)
    out.append(f"<p>{e(t(lang, 'rounds.report.participants'))}: {people or '–'}</p>")
    out.append(f"<h3>{e(t(lang, 'session.conclusion'))}</h3>")
    if item.agreed_conclusion:
        out.append(f"<blockquote>{e(item.agreed_conclusion)}</blockquote>")
    elif item.conclusion:
        out += [f"<blockquote>{e(line)}</blockquote>" for line in item.conclusion]
    else:
        out.append(f'<p class="note">{e(t(lang, "rounds.report.no_conclusion"))}</p>')
    if item.pictures:
        out.append(f"<h3>{e(t(lang, 'rounds.report.pictures'))}</h3>")
        for picture in item.pictures:
            state = t(lang, "rounds.report.picture_state", status=t(lang, f"rounds.report.picture_{picture.status}"),
                      confirmed=picture.confirmed, awaited=picture.awaited)
            out.append(f"<h4>{e(picture.stage)}</h4><blockquote>{e(picture.text)}</blockquote>"
                       f'<p class="note">{e(state)}</p>')
    out.append(f"<h3>{e(t(lang, 'session.actions_header'))}</h3>")
    if not item.actions:
        out.append(f'<p class="note">{e(t(lang, "rounds.report.no_actions"))}</p>')
    else:
        rows = "".join(f"<tr><td>{e(a.what)}</td><td>{e(a.party_label)}</td><td>{e(a.owner or '–')}</td>"
                       f'<td class="date">{a.due.strftime("%d-%m-%Y") if a.due else "–"}</td>'
                       f"<td>{e(a.status_label)}</td></tr>" for a in item.actions)
        head = "".join(f"<th>{e(t(lang, f'rounds.report.col_{c}'))}</th>"
                       for c in ("what", "party", "owner", "due", "status"))
        out.append(f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>")
    out.append("</section>")
    return out


def render_round_html(report: RoundReport) -> str:
    lang, e = report.lang, html.escape
    totals = t(lang, "rounds.report.totals", count=len(report.conversations), closed=report.count("closed"),
               running=report.count("running"), planned=report.count("planned"),
               cancelled=report.count("cancelled"))
    links = "".join(f'<li><a href="#gesprek-{c.session_id}">{e(c.outcome)}</a></li>' for c in report.conversations)
    parts = [f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8">',
             f"<title>{e(t(lang, 'rounds.report.title', name=report.name))}</title><style>{_CSS}</style></head>",
             f"<body><main><header><h1>{e(t(lang, 'rounds.report.title', name=report.name))}</h1>",
             f"<p>{e(_when(report, report.scheduled_at))} · {e(totals)}</p></header>",
             f"<nav><ol>{links}</ol></nav>"]
    for item in report.conversations:
        parts += _section(report, item)
    parts.append(f"<footer>{e(t(lang, 'rounds.report.footer'))}</footer></main></body></html>")
    return "\n".join(parts)


def round_report_html(s: Session, registry: FlowRegistry, rnd: Round, *, lang: str | None = None,
                      timezone: str = "Europe/Amsterdam") -> str:
    return render_round_html(build_round_report(s, registry, rnd, lang=lang, timezone=timezone))
