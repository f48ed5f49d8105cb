"""Reading one session (and the one before it) from the database into a Report."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.i18n import normalise_language
from bot.report.figures import data_summary
from bot.report.model import (
    ActionItem,
    Contribution,
    ParticipantGroup,
    PreviousCycle,
    QuestionAnswers,
    Report,
    RoleGroup,
    StageReport,
)
from bot.report.texts import (
    DEFAULT_TIMEZONE,
    EVALUATION_STAGE,
    PREP_STAGE,
    SessionNotFound,
    _catalogue,
    _text,
    has_text,
)
from bot.services.common.store import Loaded, load
from flows import Flow, FlowRegistry
from flows import engine as fe
from flows.roles import ROLE_ORDER
from storage import Database
from storage.models import (
    Action,
    Answer,
    ConversationSession,
    Outcome,
    Participant,
    Person,
    Series,
    Workspace,
)

log = logging.getLogger(__name__)



# ---- building the model --------------------------------------------------------------------------


def build_report(db: Database, registry: FlowRegistry, session_id: int, *, lang: str | None = None,
                 timezone: str | None = None, channel_name: Callable[[str, str], str] | None = None,
                 now: datetime | None = None) -> Report:
    """Read one session (any status) and everything around it into a Report.

    `lang` defaults to the session's language; `timezone` (for dates) to the series' zone, else
    Europe/Amsterdam. `channel_name(team, channel_id)` gives the name people know (the id when
    not given); `now` is the bot's clock, so "made on" agrees with the session's own times.
    Raises SessionNotFound for an unknown id.
    """
    with db.reader() as s:
        row = s.execute(
            select(ConversationSession, Workspace, Outcome)
            .join(Workspace, Workspace.id == ConversationSession.workspace_id)
            .join(Outcome, Outcome.id == ConversationSession.outcome_id)
            .where(ConversationSession.id == session_id)
        ).first()
        if row is None:
            raise SessionNotFound(session_id)
        session, workspace, outcome = row
        loaded = load(s, registry, session_id, workspace.team_id)
        lang = normalise_language(lang or session.language)
        anonymous = session.visibility == "anonymous" or loaded.state.visibility == "anonymous"
        visibility = "anonymous" if anonymous else loaded.state.visibility
        names = _display_names(s, session_id)
        report = Report(
            session_id=session.id, lang=lang, timezone=_timezone(s, session, timezone),
            outcome=outcome.name, outcome_description=outcome.description, flow_id=loaded.flow.id,
            flow_title=loaded.flow.title.get(lang), theme=loaded.state.theme, status=session.status,
            visibility=visibility, channel=_channel(channel_name, workspace.team_id, session.channel_id),
            scheduled_at=session.scheduled_at,
            started_at=session.started_at or loaded.state.started_at,
            closed_at=session.closed_at or loaded.state.closed_at,
            participants=_participants(s, session_id, lang, anonymous),
            preparation=_preparation(s, loaded.flow, session_id, lang, anonymous, names),
            stages=_stages(loaded, lang, anonymous, names),
            conclusion=_conclusion(loaded, lang, anonymous),
            actions=_actions(s, session_id, lang, anonymous),
            evaluation=_evaluation(loaded, lang, anonymous, names),
            previous=_previous_cycle(s, registry, session, workspace, lang, anonymous),
            generated_at=now or datetime.now(UTC),
        )
        outcome_id = outcome.id
    report.data = data_summary(db, outcome_id, lang)
    return report


def _channel(channel_name: Callable[[str, str], str] | None, team_id: str, channel_id: str) -> str:
    if channel_name is None:
        return channel_id
    try:
        return channel_name(team_id, channel_id) or channel_id
    except Exception:  # the report never fails for a channel name
        log.info("no channel name for the report", exc_info=True)
        return channel_id


def _timezone(s: Session, session: ConversationSession, wanted: str | None) -> str:
    """The zone dates are shown in: the caller's, else the series' rhythm, else the default."""
    candidates = [wanted]
    if session.series_id is not None:
        candidates.append(s.scalar(select(Series.timezone).where(Series.id == session.series_id)))
    for name in [*candidates, DEFAULT_TIMEZONE]:
        if not name:
            continue
        try:
            ZoneInfo(name)
            return name
        except (ZoneInfoNotFoundError, ValueError):
            continue
    return DEFAULT_TIMEZONE


def _display_names(s: Session, session_id: int) -> dict[str, str]:
    """Slack user id -> the name people know (display name, else the Slack id)."""
    rows = s.execute(
        select(Person.slack_user_id, Person.display_name)
        .join(Participant, Participant.person_id == Person.id)
        .where(Participant.session_id == session_id)
    ).all()
    return {uid: (name or uid) for uid, name in rows}


def _role_rank(role: str) -> int:
    return ROLE_ORDER.index(role) if role in ROLE_ORDER else len(ROLE_ORDER)


def _participants(s: Session, session_id: int, lang: str, anonymous: bool) -> list[ParticipantGroup]:
    rows = s.execute(
        select(Participant.role, Person.slack_user_id, Person.display_name)
        .join(Person, Person.id == Participant.person_id)
        .where(Participant.session_id == session_id)
        .order_by(Participant.id)
    ).all()
    by_role: dict[str, list[str]] = {}
    for role, uid, name in rows:
        by_role.setdefault(role, []).append(name or uid)
    return [
        ParticipantGroup(role, _catalogue(lang, f"roles.{role}", role), [] if anonymous else people, len(people))
        for role, people in sorted(by_role.items(), key=lambda item: _role_rank(item[0]))
    ]


def _group_entries(raw: dict[str, list[tuple[int, str | None, str]]], lang: str,
                   anonymous: bool) -> list[RoleGroup]:
    """Role groups in ROLE_ORDER; anonymous: ordered by text so the answering order gives nobody away."""
    groups = []
    for role in sorted(raw, key=_role_rank):
        items = sorted(raw[role], key=(lambda i: (i[2], 0)) if anonymous else (lambda i: (i[0], i[2])))
        entries = [Contribution(None if anonymous else author, text) for _, author, text in items]
        groups.append(RoleGroup(role, _catalogue(lang, f"roles.{role}", role), entries))
    return groups


def _preparation(s: Session, flow: Flow, session_id: int, lang: str, anonymous: bool,
                 names: dict[str, str]) -> list[QuestionAnswers]:
    """Prep answers (Answer rows with stage 'prep') per question, by role, in the flow's order."""
    rows = s.execute(
        select(Answer.question_id, Answer.value, Participant.id, Participant.role, Person.slack_user_id)
        .join(Participant, Participant.id == Answer.participant_id)
        .join(Person, Person.id == Participant.person_id)
        .where(Answer.session_id == session_id, Answer.stage_id == PREP_STAGE)
    ).all()
    questions = {q.id: q for q in (flow.preparation.questions if flow.preparation else ())}
    grouped: dict[str, dict[str, list[tuple[int, str | None, str]]]] = {}
    for question_id, value, participant_id, role, uid in rows:
        question = questions.get(question_id)
        text = fe.render_value(question, value, lang) if question else value
        grouped.setdefault(question_id, {}).setdefault(role, []).append((participant_id, names.get(uid, uid), text))
    order = [qid for qid in questions if qid in grouped] + sorted(qid for qid in grouped if qid not in questions)
    return [
        QuestionAnswers(qid, questions[qid].label.get(lang) if qid in questions else qid,
                        _group_entries(grouped[qid], lang, anonymous))
        for qid in order
    ]


def _stage_report(loaded: Loaded, stage_id: str, lang: str, anonymous: bool,
                  names: dict[str, str]) -> StageReport:
    """One stage by question and role (fe.stage_summary), with Slack ids turned into names.

    A stage that is still open in a hidden or anonymous session is not revealed: the report must
    not show what Slack does not show yet.
    """
    status = loaded.state.stages[stage_id].status
    revealed = status == "closed" or (status == "open" and loaded.state.visibility == "open")
    questions: list[QuestionAnswers] = []
    if revealed:
        summary = fe.stage_summary(loaded.flow, loaded.state, stage_id, lang, anonymous=anonymous)
        for q in summary.questions:
            groups = [
                RoleGroup(role, _catalogue(lang, f"roles.{role}", role),
                          [Contribution(None if anonymous or e.author is None else names.get(e.author, e.author),
                                        e.text) for e in entries])
                for role, entries in q.by_role
            ]
            questions.append(QuestionAnswers(q.question_id, q.label, groups))
    title = loaded.flow.stage(stage_id).title.get(lang)
    return StageReport(stage_id, loaded.number_of(stage_id), title, status, revealed, questions)


def _stages(loaded: Loaded, lang: str, anonymous: bool, names: dict[str, str]) -> list[StageReport]:
    """Question stages that were reached, in flow order; the evaluation has its own section."""
    return [
        _stage_report(loaded, stage.id, lang, anonymous, names)
        for stage in loaded.flow.stages
        if stage.kind == "questions" and stage.id != EVALUATION_STAGE
        and loaded.state.stages.get(stage.id) is not None
        and loaded.state.stages[stage.id].status in ("closed", "open", "skipped")
    ]


def _evaluation(loaded: Loaded, lang: str, anonymous: bool, names: dict[str, str]) -> StageReport | None:
    stage_state = loaded.state.stages.get(EVALUATION_STAGE)
    if not loaded.flow.has_stage(EVALUATION_STAGE) or stage_state is None or stage_state.status == "pending":
        return None
    return _stage_report(loaded, EVALUATION_STAGE, lang, anonymous, names)


def _conclusion(loaded: Loaded, lang: str, anonymous: bool) -> list[str]:
    """The engine's conclusion answers; else what the bot stored on the session when it closed."""
    conclusion = fe.session_summary(loaded.flow, loaded.state, lang, anonymous=anonymous).conclusion
    if conclusion:
        return list(conclusion)
    stored = (loaded.session.conclusion or "").strip()
    return [line for line in stored.splitlines() if line.strip()] if stored else []


def _actions(s: Session, session_id: int, lang: str, anonymous: bool) -> list[ActionItem]:
    rows = s.execute(
        select(Action, Person).outerjoin(Person, Person.id == Action.owner_person_id)
        .where(Action.session_id == session_id).order_by(Action.id)
    ).all()
    items = []
    for action, person in rows:
        owner = None if anonymous or person is None else (person.display_name or person.slack_user_id)
        items.append(ActionItem(
            what=action.what, party=action.owner_party,
            party_label=_catalogue(lang, f"parties.{action.owner_party}", action.owner_party),
            owner=owner, due=action.due_date, indicator=action.indicator, target=action.target,
            status=action.status, status_label=_text(lang, f"action_{action.status}") if has_text(f"action_{action.status}")
            else action.status,
        ))
    return items


def _previous_session(s: Session, session: ConversationSession) -> ConversationSession | None:
    """The latest closed session of the same series (or, without a series, of the same outcome and
    flow) that started before this one. Picked in Python: one outcome has a handful of sessions."""
    query = select(ConversationSession).where(
        ConversationSession.id != session.id,
        ConversationSession.workspace_id == session.workspace_id,
        ConversationSession.status == "closed",
    )
    if session.series_id is not None:
        query = query.where(ConversationSession.series_id == session.series_id)
    else:
        query = query.where(ConversationSession.outcome_id == session.outcome_id,
                            ConversationSession.flow_id == session.flow_id)
    reference = session.started_at or session.created_at

    def start(other: ConversationSession) -> datetime | None:
        return other.started_at or other.created_at

    earlier = [
        other for other in s.scalars(query)
        if (start(other) < reference if reference and start(other) else other.id < session.id)
    ]
    return max(earlier, key=lambda other: (start(other) or datetime.min.replace(tzinfo=UTC), other.id), default=None)


def _previous_cycle(s: Session, registry: FlowRegistry, session: ConversationSession, workspace: Workspace,
                    lang: str, anonymous: bool) -> PreviousCycle | None:
    previous = _previous_session(s, session)
    if previous is None:
        return None
    hide = anonymous or previous.visibility == "anonymous"
    conclusion = [line for line in (previous.conclusion or "").splitlines() if line.strip()]
    if not conclusion:
        try:
            conclusion = _conclusion(load(s, registry, previous.id, workspace.team_id), lang, hide)
        except Exception:  # an old session whose flow file is gone still gets its actions compared
            log.warning("could not load the previous session %s for the report", previous.id, exc_info=True)
    return PreviousCycle(previous.id, previous.closed_at or previous.started_at, conclusion,
                         _actions(s, previous.id, lang, hide))
