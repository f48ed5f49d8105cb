"""One way to make a session's report for this running bot: its clock, zone and channel names.

Why here and not in bot/report: the report model knows nothing of Slack; the bot knows the
channel's name (asked through the Slack client seam, cached) and its own clock, so "gemaakt op"
reads on the same clock as the session's own times.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.i18n import t
from bot.report import Report, build_report
from bot.report.build import _conclusion
from bot.report.formats import FORMATS, filename
from bot.report.formatting import _fmt_date
from bot.runtime.deps import Deps
from bot.services.common.store import load
from bot.slack.blocks.report_link import TOP_ACTIONS, Preview
from bot.slack.channels import channel_name
from flows import FlowRegistry
from storage.models import Action, ConversationSession, Outcome, Person


def session_report(deps: Deps, session_id: int, *, lang: str | None = None) -> Report:
    return build_report(deps.db, deps.flows, session_id, lang=lang, timezone=deps.settings.timezone,
                        channel_name=lambda team, channel: channel_name(deps.tokens, team, channel),
                        now=deps.now())


def report_file(deps: Deps, session_id: int, fmt: str, *, lang: str | None = None) -> tuple[str, bytes]:
    """(file name, bytes) of the session's report in one of FORMATS."""
    return filename(session_id, fmt), FORMATS[fmt].render(session_report(deps, session_id, lang=lang))


def preview_of(s: Session, registry: FlowRegistry, session: ConversationSession, team_id: str, lang: str, *,
               anonymous: bool) -> Preview:
    """Outcome, conclusion and the first actions, as the report has them (fast: no figures, no chart)."""
    outcome = s.get(Outcome, session.outcome_id)
    rows = s.execute(select(Action, Person).outerjoin(Person, Person.id == Action.owner_person_id)
                     .where(Action.session_id == session.id, Action.status != "dropped").order_by(Action.id)).all()
    lines = []
    for action, person in rows[:TOP_ACTIONS]:
        party = t(lang, f"parties.{action.owner_party}") if action.owner_party else ""
        if person is not None and not anonymous:
            party = f"{party}, {person.display_name or person.slack_user_id}" if party else (
                person.display_name or person.slack_user_id)
        due = f", {_fmt_date(action.due_date, lang)}" if action.due_date else ""
        lines.append(t(lang, "reports.action_line", what=action.what, party=party, due=due))
    conclusion = _conclusion(load(s, registry, session.id, team_id), lang, anonymous)
    return Preview(outcome.name if outcome else "", conclusion, lines, max(0, len(rows) - TOP_ACTIONS))
