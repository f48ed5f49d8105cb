"""A session's first message: what it is, when, who takes part, and the controls that fit now.

Why rebuilt and updated (chat.update) rather than posted once: people come and go, a planned
moment moves or is cancelled, a session starts early. The first message of the thread is where
everyone looks, so it always says what is true now and offers only the buttons that make sense.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.i18n import t
from bot.runtime.deps import Deps
from bot.services.common.worktime import format_when
from bot.slack.blocks.kit import context, header, section
from bot.slack.blocks.session_controls import session_controls
from bot.slack.markup import mention, mentions
from bot.slack.outgoing import Outgoing
from storage.models import (
    ConversationSession,
    InternalPreparation,
    Outcome,
    Participant,
    Person,
    Round,
    RoundSession,
    SessionPlan,
)


def is_cancelled(s: Session, session_id: int) -> bool:
    plan = s.get(SessionPlan, session_id)
    return plan is not None and plan.cancelled_at is not None


def round_of(s: Session, session_id: int) -> Round | None:
    return s.scalar(select(Round).join(RoundSession, RoundSession.round_id == Round.id)
                    .where(RoundSession.session_id == session_id))


def active_people(s: Session, session_id: int) -> list[str]:
    return list(s.scalars(select(Person.slack_user_id).join(Participant, Participant.person_id == Person.id)
                          .where(Participant.session_id == session_id, Participant.status != "removed")
                          .order_by(Participant.id)))


def _state_key(s: Session, session: ConversationSession) -> str:
    if session.status in ("running", "closed"):
        return session.status
    if is_cancelled(s, session.id):
        return "cancelled"
    return "planned" if session.scheduled_at else "unplanned"


def root_message(s: Session, deps: Deps, session: ConversationSession, *,
                 round_name: str | None = None, people: list[str] | None = None) -> tuple[str, list[dict]]:
    """The first message's notification text and blocks for the session as it is now."""
    lang = session.language
    outcome = s.get(Outcome, session.outcome_id)
    flow = deps.flows.get(session.flow_id, session.flow_version)
    people = active_people(s, session.id) if people is None else people
    names = str(len(people)) if session.visibility == "anonymous" else (mentions(people) or "–")
    title = t(lang, "session.header", outcome=outcome.name if outcome else "")
    text = t(lang, f"rounds.root.{_state_key(s, session)}", flow=flow.title.get(lang),
             date=format_when(deps, session.scheduled_at), coordinator=mention(session.created_by or ""),
             participants=names)
    blocks = [header(title), section(text)]
    internal = s.get(InternalPreparation, session.id)
    if round_name is None:
        found = round_of(s, session.id)
        round_name = found.name if found else None
    if round_name:
        blocks.append(context(t(lang, "rounds.root.in_round", name=round_name)))
    if internal is not None:
        blocks.append(context(t(lang, "rounds.internal.root_note", party=t(lang, f"sides.{internal.party}"))))
    if session.theme:
        blocks.append(context(t(lang, "session.theme", theme=session.theme)))
    controls = session_controls(lang, session.id, status=session.status, cancelled=is_cancelled(s, session.id),
                                internal=internal is not None)
    if controls is not None:
        blocks.append(controls)
    return title, blocks


def post_root(s: Session, deps: Deps, session: ConversationSession, **known: object) -> None:
    title, blocks = root_message(s, deps, session, **known)  # type: ignore[arg-type]
    Outgoing(s, session.workspace_id, report_to=session.created_by, lang=session.language).root(
        session, title, blocks, dedupe=f"root:{session.id}")


def refresh_root(s: Session, deps: Deps, session: ConversationSession) -> None:
    """Show the session as it is now in its first message (queued after the message itself)."""
    title, blocks = root_message(s, deps, session)
    Outgoing(s, session.workspace_id, report_to=session.created_by, lang=session.language).update_root(
        session, title, blocks)
