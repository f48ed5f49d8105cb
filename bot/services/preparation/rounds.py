"""The preparation round before a planned session, and the session's opening at its time.

Why due rows: APScheduler only triggers processing; what must happen lives in `due_items`,
claimed one row per transaction (bot/services/common/due.py). Every message a handler causes
is queued in that same transaction with a dedupe key, so a restart, a duplicate trigger or a
second clock process never sends anything twice.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.i18n import t
from bot.runtime.deps import Deps
from bot.services.common.agenda import add_due, end_preparation, nudge_moment, policy_of
from bot.services.common.people import ensure_person, language_of
from bot.services.common.store import PREP_STAGE, load
from bot.services.common.worktime import format_when
from bot.services.conversation.turn import turn
from bot.services.preparation.internal_shares import internal_share_blocks
from bot.slack.blocks.kit import context
from bot.slack.blocks.preparation import PrepInvite, prep_invite_blocks, text_sections
from bot.slack.markup import mentions
from bot.slack.outgoing import Outgoing
from flows import engine as fe
from flows.roles import ROLE_ORDER
from storage.models import (
    Action,
    Answer,
    ConversationSession,
    DueItem,
    Outcome,
    Participant,
    Person,
    Workspace,
)


def session_context(s: Session, session_id: int | None):
    """(session, workspace, outcome), or None when the session is gone."""
    session = s.get(ConversationSession, session_id) if session_id else None
    if session is None:
        return None
    return session, s.get(Workspace, session.workspace_id), s.get(Outcome, session.outcome_id)


def participants_of(s: Session, session_id: int) -> list[tuple[Participant, Person]]:
    return list(s.execute(select(Participant, Person).join(Person, Person.id == Participant.person_id)
                          .where(Participant.session_id == session_id).order_by(Participant.id)).all())


def carried_actions(s: Session, session_id: int) -> list[Action]:
    return list(s.scalars(select(Action).where(Action.session_id == session_id, Action.carried_from_id.is_not(None))
                          .order_by(Action.id)))


def has_prepared(s: Session, session_id: int, participant_id: int) -> bool:
    return s.scalar(select(Answer.id).where(Answer.session_id == session_id, Answer.stage_id == PREP_STAGE,
                                            Answer.participant_id == participant_id).limit(1)) is not None


def prep_round(s: Session, deps: Deps, item: DueItem) -> None:
    """Fan out: one prep DM per participant, each at an allowed moment in their own time zone."""
    found = session_context(s, item.session_id)
    if found is None or found[0].status == "closed":
        return
    session, workspace, _outcome = found
    for participant, person in participants_of(s, session.id):
        if participant.status != "active":
            continue
        ensure_person(s, deps, workspace, person.slack_user_id)  # time zone from users.info (daily refresh)
        add_due(s, "prep_dm", nudge_moment(deps, workspace, person, deps.now()),
                dedupe_key=f"prep_dm:{session.id}:{participant.id}", session_id=session.id,
                participant_id=participant.id)


def prep_invite(s: Session, deps: Deps, session: ConversationSession, outcome: Outcome, person: Person,
                participant: Participant) -> tuple[str, list[dict]]:
    """One person's preparation message: their role's questions, last time's actions first."""
    lang = language_of(person, deps)
    flow = deps.flows.get(session.flow_id, session.flow_version)
    theme = session.theme or "…"
    questions = flow.preparation.questions_for(participant.role) if flow.preparation else ()
    invite = PrepInvite(
        session_id=session.id, outcome=outcome.name, flow_title=flow.title.get(lang),
        purpose=flow.preparation.purpose.get(lang).replace("{theme}", theme) if flow.preparation else None,
        when=format_when(deps, session.scheduled_at, person.tz, lang), channel_id=session.channel_id,
        carried=tuple(a.what for a in carried_actions(s, session.id)),
        questions=tuple(q.label.get(lang).replace("{theme}", theme) for q in questions))
    return prep_invite_blocks(lang, invite)


def prep_dm(s: Session, deps: Deps, item: DueItem) -> None:
    found = session_context(s, item.session_id)
    participant = s.get(Participant, item.participant_id) if item.participant_id else None
    if found is None or participant is None or participant.status != "active" or found[0].status == "closed":
        return
    session, workspace, outcome = found
    person = s.get(Person, participant.person_id)
    text, blocks = prep_invite(s, deps, session, outcome, person, participant)
    Outgoing(s, workspace.id).to_person(person.slack_user_id, text, blocks,
                                        dedupe=f"prep_dm:{session.id}:{participant.id}")
    first = nudge_moment(deps, workspace, person, deps.now() + policy_of(workspace).nudge_every)
    if session.scheduled_at is None or first < session.scheduled_at:
        add_due(s, "reminder", first, dedupe_key=f"reminder:prep:{session.id}:{participant.id}",
                session_id=session.id, participant_id=participant.id, payload={"target": PREP_STAGE})


def prep_summary(s: Session, deps: Deps, item: DueItem) -> None:
    """In the session's thread: who prepared, the main points by role, open actions from last time."""
    found = session_context(s, item.session_id)
    if found is None or found[0].status == "closed":
        return
    session, workspace, _outcome = found
    lang = session.language
    header = t(lang, "prep.summary_header", date=format_when(deps, session.scheduled_at, lang=lang))
    blocks = text_sections("\n".join([f"*{header}*", *_who_prepared(s, session)]))
    points = _points_by_role(s, deps, session)
    if not points:
        blocks.append(context(t(lang, "prep.no_answers")))
    for role in ROLE_ORDER:
        if role in points:
            blocks += text_sections(t(lang, "prep.points", role=t(lang, f"roles.{role}")) + "\n"
                                    + "\n".join(points[role]))
    blocks += internal_share_blocks(s, deps, session, lang)
    open_lines = [f"• {a.what} – {t(lang, f'parties.{a.owner_party}')}"
                  for a in carried_actions(s, session.id) if a.status == "open"]
    blocks += text_sections(t(lang, "prep.open_actions") + "\n"
                            + ("\n".join(open_lines) or t(lang, "prep.no_open_actions")))
    Outgoing(s, workspace.id, report_to=session.created_by, lang=lang).to_thread(
        session, header, blocks, dedupe=f"prep_summary:{session.id}")


def _who_prepared(s: Session, session: ConversationSession) -> list[str]:
    lang = session.language
    people = [(p, person) for p, person in participants_of(s, session.id) if p.status == "active"]
    prepared = [person.slack_user_id for p, person in people if has_prepared(s, session.id, p.id)]
    if session.visibility == "anonymous":
        return [t(lang, "prep.prepared_count", count=len(prepared), expected=len(people))]
    lines = [t(lang, "prep.prepared", names=mentions(prepared) or "–")]
    missing = [person.slack_user_id for _p, person in people if person.slack_user_id not in prepared]
    if missing:
        lines.append(t(lang, "prep.not_prepared", names=mentions(missing)))
    return lines


def _points_by_role(s: Session, deps: Deps, session: ConversationSession) -> dict[str, list[str]]:
    lang = session.language
    flow = deps.flows.get(session.flow_id, session.flow_version)
    questions = {q.id: q for q in (flow.preparation.questions if flow.preparation else ())}
    by_role: dict[str, list[str]] = {}
    rows = s.execute(select(Answer, Participant, Person).join(Participant, Participant.id == Answer.participant_id)
                     .join(Person, Person.id == Participant.person_id)
                     .where(Answer.session_id == session.id, Answer.stage_id == PREP_STAGE)
                     .order_by(Answer.question_id, Answer.id)).all()
    for answer, participant, person in rows:
        q = questions.get(answer.question_id)
        if q is not None and not q.visible_for("participant"):
            continue  # meant for the coordinator only (e.g. worries): never in the thread
        label = q.label.get(lang).replace("{theme}", session.theme or "…") if q else answer.question_id
        author = "" if session.visibility == "anonymous" else f"{mentions([person.slack_user_id])}: "
        text = answer.value if len(answer.value) <= 400 else answer.value[:399] + "…"
        by_role.setdefault(participant.role, []).append(f"• _{label}_ {author}{text}")
    return by_role


def session_open(s: Session, deps: Deps, item: DueItem) -> None:
    """The planned moment: the first stage opens in the session's thread; preparation is over."""
    found = session_context(s, item.session_id)
    if found is None or found[0].status != "scheduled":
        return
    session, workspace, _outcome = found
    loaded = load(s, deps.flows, session.id, workspace.team_id, lock=True)
    Outgoing(s, workspace.id, report_to=session.created_by, lang=session.language).to_thread(
        session, t(session.language, "prep.opened"), dedupe=f"opened:{session.id}")
    turn(s, deps, loaded, lambda flow, state: fe.open_session(flow, state, deps.now()))
    end_preparation(s, session.id)
