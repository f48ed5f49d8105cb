"""`/gesprek status`: running sessions, their stage, and who still has to answer.

Who sees what: coordinators see every running session of the workspace; a participant sees
the sessions they take part in; names of who is missing only where answers are not anonymous
(then only counts). Who is awaited is the engine's answer (flows.engine.missing_answers).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.i18n import t
from bot.runtime.deps import Deps
from bot.services.common.caller import asking
from bot.services.common.store import load
from bot.slack.markup import channel, mentions
from flows import engine as fe
from storage.models import ConversationSession, Outcome, Participant, Person, Workspace


def running_sessions(s: Session, workspace: Workspace, person: Person, coordinator: bool) -> list[int]:
    query = select(ConversationSession.id).where(
        ConversationSession.workspace_id == workspace.id, ConversationSession.status == "running"
    )
    if not coordinator:
        query = query.join(Participant, Participant.session_id == ConversationSession.id).where(
            Participant.person_id == person.id
        )
    return list(s.scalars(query.order_by(ConversationSession.id)))


def status_lines(s: Session, deps: Deps, workspace: Workspace, person: Person, coordinator: bool,
                 lang: str) -> list[str]:
    lines: list[str] = []
    for session_id in running_sessions(s, workspace, person, coordinator):
        loaded = load(s, deps.flows, session_id, workspace.team_id)
        stage_id = loaded.state.current_stage_id
        outcome = s.get(Outcome, loaded.session.outcome_id)
        stage_title = loaded.flow.stage(stage_id).title.get(lang) if stage_id else "–"
        lines.append(t(lang, "status.line", outcome=outcome.name if outcome else "?",
                       flow=loaded.flow.title.get(lang), channel=channel(loaded.session.channel_id),
                       stage=stage_title))
        if stage_id is None:
            continue
        missing = sorted(fe.missing_answers(loaded.flow, loaded.state, stage_id))
        expected = fe.eligible(loaded.flow, loaded.state, stage_id)
        if not missing:
            lines.append(t(lang, "status.everyone"))
        elif loaded.anonymous:
            lines.append(t(lang, "status.missing_count", missing=len(missing), expected=len(expected)))
        else:
            lines.append(t(lang, "status.missing", names=mentions(missing)))
    return lines


def status_text(deps: Deps, team_id: str, user_id: str) -> str:
    with asking(deps, team_id, user_id, write=False) as me:
        lines = status_lines(me.s, deps, me.workspace, me.person, me.is_coordinator(), me.lang)
    if not lines:
        return me.text("status.none")
    return "*" + me.text("status.header") + "*\n" + "\n".join(lines)
