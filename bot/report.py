"""The report of one conversation, for the organisation and the council (*raad*): HTML and Markdown.

Why a plain model first and two renderers second: the same content must read the same in a browser,
on paper and in a Markdown viewer, and the privacy rules (anonymous sessions never show who said
what; answers of a stage that is still hidden are not revealed) are applied once, while the model
is built, so no renderer can leak them by accident.

Why the data summary is optional: outcome figures may not have been imported yet (or the summary
code may not be installed in a slimmed-down deployment); the report then says so instead of failing,
because the conversation itself is worth reporting without figures.
"""

from __future__ import annotations

import base64
import html
import importlib
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.i18n import normalise_language, t
from bot.services.session_state import Loaded, load
from flows import Flow, FlowRegistry
from flows import engine as fe
from flows.roles import ROLE_ORDER
from storage import Database
from storage.models import (
    Action,
    Answer,
    ConversationSession,
    Outcome,
    OutcomeRow,
    Participant,
    Person,
    Series,
    Workspace,
)

log = logging.getLogger(__name__)

EVALUATION_STAGE = "evaluatie"
PREP_STAGE = "prep"
DEFAULT_TIMEZONE = "Europe/Amsterdam"

# Texts of the report itself; role, party and visibility names come from the bot's catalogues.
TEXTS: dict[str, dict[str, str]] = {
    "nl": {
        "title": "Verslag kwaliteitsgesprek",
        "contents": "Inhoud",
        "outcome": "Maatschappelijk resultaat",
        "participants": "Deelnemers",
        "data": "Cijfers en verhalen",
        "preparation": "Voorbereiding",
        "stages": "Antwoorden per fase",
        "conclusion": "Conclusie",
        "actions": "Afgesproken acties",
        "evaluation": "Evaluatie",
        "comparison": "Vergelijking met het vorige gesprek",
        "conversation": "Gesprek",
        "theme": "Thema",
        "description": "Omschrijving",
        "scheduled": "Gepland",
        "started": "Gestart",
        "closed": "Afgesloten",
        "channel": "Slack-kanaal",
        "visibility": "Zichtbaarheid van antwoorden",
        "status": "Status",
        "status_running": "loopt nog",
        "status_planned": "gepland",
        "status_scheduled": "gepland",
        "status_closed": "afgesloten",
        "anonymous_participants": "Dit gesprek is anoniem: namen worden niet getoond.",
        "count_people": "{count} personen",
        "count_person": "1 persoon",
        "no_participants": "Er zijn geen deelnemers vastgelegd.",
        "no_data": "Er is geen datasamenvatting beschikbaar.",
        "period": "Periode {period}",
        "period_vs": "Periode {period}, vergeleken met {previous}",
        "figure": "Cijfer",
        "value": "Waarde",
        "change": "Verandering",
        "reach": "Bereik",
        "reach_of": "{reach} bereikt, {share} van {potential} mogelijke deelnemers",
        "goals": "Doelen behaald",
        "satisfied": "Tevreden",
        "mean": "Gemiddeld cijfer tevredenheid",
        "notable": "Groepen die opvallen",
        "notable_line": "{group} ({kind}): doelen behaald {goals}, tevreden {satisfied}",
        "stories": "Verhalen",
        "source": "Bron",
        "chart_alt": "Staafdiagram voor periode {period}: {figures}.",
        "no_preparation": "Er zijn geen voorbereidingsantwoorden vastgelegd.",
        "no_stages": "Er zijn geen fasen met antwoorden.",
        "stage_skipped": "Deze fase is overgeslagen.",
        "stage_hidden": "Deze fase is nog open; de antwoorden zijn zichtbaar zodra ze sluit.",
        "no_answers": "Geen antwoorden.",
        "no_conclusion": "Er is geen conclusie vastgelegd.",
        "no_actions": "Er zijn geen acties afgesproken.",
        "action": "Actie",
        "owner": "Eigenaar",
        "due": "Uiterlijk",
        "indicator": "Indicator en doel",
        "action_open": "open",
        "action_done": "gedaan",
        "action_dropped": "vervallen",
        "no_evaluation": "Er is (nog) geen evaluatie vastgelegd.",
        "no_previous": "Er is geen eerder afgesloten gesprek in deze reeks om mee te vergelijken.",
        "previous_date": "Vorig gesprek: {date}",
        "previous_conclusion": "Conclusie van toen",
        "previous_actions": "Acties van toen en hoe ze er nu voor staan",
        "previous_done": "{done} van de {total} acties zijn gedaan.",
        "generated": "Gemaakt op {date}",
        "unknown": "onbekend",
    },
    "en": {
        "title": "Quality conversation report",
        "contents": "Contents",
        "outcome": "Societal outcome",
        "participants": "Participants",
        "data": "Figures and stories",
        "preparation": "Preparation",
        "stages": "Answers by stage",
        "conclusion": "Conclusion",
        "actions": "Agreed actions",
        "evaluation": "Evaluation",
        "comparison": "Comparison with the previous conversation",
        "conversation": "Conversation",
        "theme": "Theme",
        "description": "Description",
        "scheduled": "Scheduled",
        "started": "Started",
        "closed": "Closed",
        "channel": "Slack channel",
        "visibility": "Visibility of answers",
        "status": "Status",
        "status_running": "still running",
        "status_planned": "planned",
        "status_scheduled": "planned",
        "status_closed": "closed",
        "anonymous_participants": "This conversation is anonymous: names are not shown.",
        "count_people": "{count} people",
        "count_person": "1 person",
        "no_participants": "No participants were recorded.",
        "no_data": "No data summary is available.",
        "period": "Period {period}",
        "period_vs": "Period {period}, compared with {previous}",
        "figure": "Figure",
        "value": "Value",
        "change": "Change",
        "reach": "Reach",
        "reach_of": "{reach} reached, {share} of {potential} possible participants",
        "goals": "Goals attained",
        "satisfied": "Satisfied",
        "mean": "Average satisfaction score",
        "notable": "Groups that stand out",
        "notable_line": "{group} ({kind}): goals attained {goals}, satisfied {satisfied}",
        "stories": "Stories",
        "source": "Source",
        "chart_alt": "Bar chart for period {period}: {figures}.",
        "no_preparation": "No preparation answers were recorded.",
        "no_stages": "There are no stages with answers.",
        "stage_skipped": "This stage was skipped.",
        "stage_hidden": "This stage is still open; its answers are shown once it closes.",
        "no_answers": "No answers.",
        "no_conclusion": "No conclusion was recorded.",
        "no_actions": "No actions were agreed.",
        "action": "Action",
        "owner": "Owner",
        "due": "Due",
        "indicator": "Indicator and target",
        "action_open": "open",
        "action_done": "done",
        "action_dropped": "dropped",
        "no_evaluation": "No evaluation has been recorded (yet).",
        "no_previous": "There is no earlier closed conversation in this series to compare with.",
        "previous_date": "Previous conversation: {date}",
        "previous_conclusion": "Its conclusion",
        "previous_actions": "Its actions and where they stand now",
        "previous_done": "{done} of the {total} actions are done.",
        "generated": "Made on {date}",
        "unknown": "unknown",
    },
}

SECTION_IDS: tuple[str, ...] = (
    "outcome", "participants", "data", "preparation", "stages", "conclusion", "actions", "evaluation",
    "comparison",
)


class SessionNotFound(LookupError):
    """No session with this id exists (the CLI turns this into one line on stderr)."""


def _text(lang: str, key: str, **params: object) -> str:
    text = TEXTS.get(lang, TEXTS["nl"]).get(key) or TEXTS["nl"][key]
    return text.format(**params) if params else text


def _catalogue(lang: str, key: str, fallback: str) -> str:
    """A name from the bot's catalogue (roles, parties, visibility); stored values we do not know
    (a newer role, an old party name) are shown as they are rather than breaking the report."""
    try:
        return t(lang, key)
    except KeyError:
        return fallback


# ---- model ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Contribution:
    """One answer; `author` is a display name, or None when the session is anonymous."""

    author: str | None
    text: str


@dataclass(frozen=True)
class RoleGroup:
    role: str
    label: str
    entries: list[Contribution]


@dataclass(frozen=True)
class QuestionAnswers:
    question_id: str
    label: str
    groups: list[RoleGroup]  # in flows.roles.ROLE_ORDER

    @property
    def count(self) -> int:
        return sum(len(g.entries) for g in self.groups)


@dataclass(frozen=True)
class StageReport:
    stage_id: str
    number: int
    title: str
    status: str  # closed | open | skipped
    revealed: bool  # False: still open and hidden, so no answers are in the model at all
    questions: list[QuestionAnswers]

    @property
    def count(self) -> int:
        return sum(q.count for q in self.questions)


@dataclass(frozen=True)
class ParticipantGroup:
    role: str
    label: str
    names: list[str]  # empty when the session is anonymous
    count: int


@dataclass(frozen=True)
class ActionItem:
    what: str
    party: str
    party_label: str
    owner: str | None  # display name; None when nobody is named or the session is anonymous
    due: date | None
    indicator: str | None
    target: float | None
    status: str  # open | done | dropped
    status_label: str


@dataclass(frozen=True)
class Headline:
    label: str
    value: str
    change: str | None = None


@dataclass(frozen=True)
class Chart:
    png: bytes
    alt: str
    caption: str


@dataclass(frozen=True)
class DataSummary:
    period: str
    previous_period: str | None
    headlines: list[Headline]
    notable: list[str]
    stories: list[str]
    sources: list[str]
    charts: list[Chart] = field(default_factory=list)


@dataclass(frozen=True)
class PreviousCycle:
    session_id: int
    when: datetime | None
    conclusion: list[str]
    actions: list[ActionItem]

    @property
    def done(self) -> int:
        return sum(1 for a in self.actions if a.status == "done")


@dataclass
class Report:
    """Everything a renderer shows, already filtered for privacy and translated."""

    session_id: int
    lang: str
    timezone: str
    outcome: str
    outcome_description: str | None
    flow_id: str
    flow_title: str
    theme: str | None
    status: str
    visibility: str
    channel: str
    scheduled_at: datetime | None
    started_at: datetime | None
    closed_at: datetime | None
    participants: list[ParticipantGroup]
    preparation: list[QuestionAnswers]
    stages: list[StageReport]
    conclusion: list[str]
    actions: list[ActionItem]
    evaluation: StageReport | None
    previous: PreviousCycle | None
    data: DataSummary | None = None
    generated_at: datetime | None = None

    @property
    def anonymous(self) -> bool:
        return self.visibility == "anonymous"


# ---- building the model --------------------------------------------------------------------------


def build_report(db: Database, registry: FlowRegistry, session_id: int, *, lang: str | None = None,
                 timezone: str | None = None) -> Report:
    """Read one session (any status) and everything around it into a Report.

    `lang` defaults to the session's language; `timezone` (for dates) to the series' zone, else
    Europe/Amsterdam. Raises SessionNotFound for an unknown id.
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
            visibility=visibility, channel=session.channel_id, scheduled_at=session.scheduled_at,
            started_at=session.started_at or loaded.state.started_at,
            closed_at=session.closed_at or loaded.state.closed_at,
            participants=_participants(s, session_id, lang, anonymous),
            preparation=_preparation(s, loaded.flow, session_id, lang, anonymous, names),
            stages=_stages(loaded, lang, anonymous, names),
            conclusion=_conclusion(loaded, lang, anonymous),
            actions=_actions(s, session_id, lang, anonymous),
            evaluation=_evaluation(loaded, lang, anonymous, names),
            previous=_previous_cycle(s, registry, session, workspace, lang, anonymous),
            generated_at=datetime.now().astimezone(),
        )
        outcome_id = outcome.id
    report.data = _data_summary(db, outcome_id, lang)
    return report


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
            status=action.status, status_label=TEXTS[lang].get(f"action_{action.status}", action.status),
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


# ---- data summary (optional) ---------------------------------------------------------------------


def _data_summary(db: Database, outcome_id: int, lang: str) -> DataSummary | None:
    """Headline figures and charts from storage.summaries / bot.charts when both can be used.

    Any failure here is logged and ends in "no data summary": the conversation is still reported.
    Without any imported rows there is nothing to summarise, so the (heavy) summary code is not loaded.
    """
    with db.reader() as s:
        if s.scalar(select(OutcomeRow.id).where(OutcomeRow.outcome_id == outcome_id).limit(1)) is None:
            return None
    try:
        summaries = importlib.import_module("storage.summaries")
    except ImportError:
        log.info("storage.summaries is not available; the report has no data summary")
        return None
    summarise = getattr(summaries, "summary_for_outcome", None)
    if summarise is None:
        return None
    try:
        summary = summarise(db, outcome_id)
        if summary is None:
            return None
        return _from_summary(summary, lang)
    except Exception:
        log.warning("the data summary for outcome %s failed; the report goes without", outcome_id, exc_info=True)
        return None


def _headlines(summary, lang: str) -> list[Headline]:
    """Reach (against potential reach when known), goals attained, satisfaction: only what exists."""
    f, change = summary.figures, summary.change or {}

    def present(fig) -> bool:
        return fig.shown or fig.suppressed

    def delta(name: str) -> str | None:
        fig = change.get(name)
        return fig.text(lang) if fig is not None and present(fig) else None

    lines = []
    if present(f.reach):
        value = f.reach.text(lang)
        if f.reach_share.shown:
            value = _text(lang, "reach_of", reach=value, share=f.reach_share.text(lang),
                          potential=f.potential_reach.text(lang))
        lines.append(Headline(_text(lang, "reach"), value, delta("reach")))
    for key, fig, name in (("goals", f.attainment_rate, "attainment_rate"),
                           ("satisfied", f.share_satisfied, "share_satisfied"),
                           ("mean", f.satisfaction_mean, "satisfaction_mean")):
        if present(fig):
            lines.append(Headline(_text(lang, key), fig.text(lang), delta(name)))
    return lines


def _from_summary(summary, lang: str) -> DataSummary:
    headlines = _headlines(summary, lang)
    notable = [
        _text(lang, "notable_line", group=g.value, kind=g.kind, goals=g.figures.attainment_rate.text(lang),
              satisfied=g.figures.share_satisfied.text(lang))
        for g in summary.notable_groups
    ]
    stories = [story.text for story in summary.stories]
    sources = list(summary.sources)
    return DataSummary(summary.period, summary.previous_period, headlines, notable, stories, sources,
                       _charts(summary, lang, headlines, sources))


def _charts(summary, lang: str, headlines: list[Headline], sources: list[str]) -> list[Chart]:
    try:
        summary_chart = importlib.import_module("bot.charts").summary_chart
    except (ImportError, AttributeError):
        log.info("bot.charts is not available; the report shows figures without a chart")
        return []
    try:
        png = summary_chart(summary, lang)
    except Exception:
        log.warning("drawing the chart failed; the report shows figures without it", exc_info=True)
        return []
    figures = "; ".join(f"{h.label} {h.value}" for h in headlines)
    return [Chart(png, _text(lang, "chart_alt", period=summary.period, figures=figures), source_caption(sources, lang))]


def source_caption(sources: Sequence[str], lang: str) -> str:
    """'Bron: a; b' (or 'Source: ...'), without doubling a 'Bron:' the source already starts with."""
    cleaned = [re.sub(r"^(bron|source)\s*:\s*", "", src.strip(), flags=re.IGNORECASE) for src in sources if src.strip()]
    return f"{_text(lang, 'source')}: {'; '.join(cleaned) or _text(lang, 'unknown')}"


# ---- formatting helpers --------------------------------------------------------------------------


def _fmt_datetime(value: datetime | None, report: Report) -> str | None:
    if value is None:
        return None
    local = value.astimezone(ZoneInfo(report.timezone))
    return local.strftime("%Y-%m-%d %H:%M" if report.lang == "en" else "%d-%m-%Y %H:%M")


def _fmt_date(value: date | None, lang: str) -> str:
    if value is None:
        return "–"
    return value.strftime("%Y-%m-%d" if lang == "en" else "%d-%m-%Y")


def _fmt_number(value: float, lang: str) -> str:
    text = f"{value:g}"
    return text if lang == "en" else text.replace(".", ",")


def _owner_text(action: ActionItem) -> str:
    return f"{action.party_label}, {action.owner}" if action.owner else action.party_label


def _indicator_text(action: ActionItem, lang: str) -> str:
    parts = [action.indicator or ""]
    if action.target is not None:
        parts.append(_fmt_number(action.target, lang))
    return " → ".join(p for p in parts if p) or "–"


def _status_text(report: Report) -> str:
    return _text(report.lang, f"status_{report.status}") if f"status_{report.status}" in TEXTS["nl"] \
        else report.status


def _facts(report: Report) -> list[tuple[str, str]]:
    """The 'about this conversation' lines shared by both renderers (plain text, not yet escaped)."""
    lang = report.lang
    facts = [(_text(lang, "conversation"), report.flow_title)]
    if report.theme:
        facts.append((_text(lang, "theme"), report.theme))
    for key, value in (("scheduled", report.scheduled_at), ("started", report.started_at),
                       ("closed", report.closed_at)):
        shown = _fmt_datetime(value, report)
        if shown:
            facts.append((_text(lang, key), shown))
    facts.append((_text(lang, "channel"), report.channel))
    facts.append((_text(lang, "visibility"),
                  _catalogue(lang, f"visibility.{report.visibility}", report.visibility)))
    facts.append((_text(lang, "status"), _status_text(report)))
    return facts


def _count_text(count: int, lang: str) -> str:
    return _text(lang, "count_person") if count == 1 else _text(lang, "count_people", count=count)


def _stage_heading(stage: StageReport) -> str:
    return f"{stage.number}. {stage.title}" if stage.number else stage.title


def _stage_note(stage: StageReport, lang: str) -> str | None:
    if stage.status == "skipped":
        return _text(lang, "stage_skipped")
    if not stage.revealed:
        return _text(lang, "stage_hidden")
    if stage.count == 0:
        return _text(lang, "no_answers")
    return None


# ---- HTML ----------------------------------------------------------------------------------------

_CSS = """
:root { --ink: #1f2933; --muted: #5b6770; --accent: #1f5f8b; --line: #d5dde3; --soft: #f3f6f8; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--ink); background: #fff;
       font: 16px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 52rem; margin: 0 auto; padding: 2rem 1.25rem 4rem; }
header h1 { margin: 0 0 .25rem; font-size: 1.7rem; color: var(--accent); }
header p { margin: 0; color: var(--muted); }
nav { margin: 1.25rem 0; padding: .75rem 1rem; background: var(--soft); border-radius: 6px; }
nav ol { margin: .25rem 0 0; padding-left: 1.25rem; columns: 2; }
nav a { color: var(--accent); }
h2 { margin: 2.25rem 0 .75rem; padding-bottom: .2rem; font-size: 1.3rem; border-bottom: 2px solid var(--accent); }
h3 { margin: 1.5rem 0 .5rem; font-size: 1.1rem; }
h4 { margin: 1rem 0 .35rem; font-size: 1rem; font-weight: 600; }
.lead { font-size: 1.15rem; font-weight: 600; margin: 0 0 .5rem; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; margin: .5rem 0; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; }
.note { color: var(--muted); font-style: italic; }
.role { margin: .25rem 0 .75rem; padding-left: .8rem; border-left: 3px solid var(--line); }
.role-name { margin: 0 0 .15rem; font-size: .8rem; letter-spacing: .04em; text-transform: uppercase;
             color: var(--muted); }
.role ul { margin: 0; padding-left: 1.1rem; }
.author { font-weight: 600; }
.text, blockquote, td { white-space: pre-line; }
table { width: 100%; border-collapse: collapse; margin: .5rem 0 1rem; }
th, td { padding: .4rem .5rem; text-align: left; vertical-align: top; border-bottom: 1px solid var(--line); }
th { font-size: .85rem; color: var(--muted); font-weight: 600; }
figure { margin: 1rem 0; }
figure img { display: block; max-width: 100%; height: auto; border: 1px solid var(--line); }
figcaption { margin-top: .3rem; font-size: .85rem; color: var(--muted); }
blockquote { margin: .5rem 0; padding: .4rem .9rem; background: var(--soft); border-left: 3px solid var(--accent); }
.status-done { color: #2f7d32; font-weight: 600; }
td.date { white-space: nowrap; }
footer { margin-top: 3rem; font-size: .85rem; color: var(--muted); }
@page { size: A4; margin: 16mm 15mm; }
@media print {
  body { font-size: 10.5pt; }
  main { max-width: none; padding: 0; }
  nav { display: none; }
  a { color: inherit; text-decoration: none; }
  h2, h3, h4 { break-after: avoid; page-break-after: avoid; }
  figure, tr, .role, blockquote, dl.facts { break-inside: avoid; page-break-inside: avoid; }
  figure img { border: none; }
}
"""


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _section(section_id: str, heading: str, body: str) -> str:
    return f'<section id="{section_id}">\n<h2>{_e(heading)}</h2>\n{body}\n</section>'


def _note(text: str) -> str:
    return f'<p class="note">{_e(text)}</p>'


def _html_author(entry: Contribution) -> str:
    return f'<span class="author">{_e(entry.author)}</span>: ' if entry.author else ""


def _html_groups(groups: list[RoleGroup]) -> str:
    parts = []
    for group in groups:
        items = "".join(f"<li>{_html_author(entry)}<span class=\"text\">{_e(entry.text)}</span></li>"
                        for entry in group.entries)
        parts.append(f'<div class="role" data-role="{_e(group.role)}"><p class="role-name">{_e(group.label)}</p>'
                     f"<ul>{items}</ul></div>")
    return "\n".join(parts)


def _html_questions(questions: list[QuestionAnswers]) -> str:
    return "\n".join(
        f'<div class="question" data-question="{_e(q.question_id)}"><h4>{_e(q.label)}</h4>\n{_html_groups(q.groups)}</div>'
        for q in questions if q.groups
    )


def _html_stage(stage: StageReport, lang: str, *, level: int = 3) -> str:
    note = _stage_note(stage, lang)
    body = _note(note) if note else _html_questions(stage.questions)
    return (f'<div class="stage" id="stage-{_e(stage.stage_id)}">'
            f"<h{level}>{_e(_stage_heading(stage))}</h{level}>\n{body}</div>")


def _html_outcome(report: Report) -> str:
    facts = "".join(f"<dt>{_e(k)}</dt><dd>{_e(v)}</dd>" for k, v in _facts(report))
    description = f"<p>{_e(report.outcome_description)}</p>" if report.outcome_description else ""
    return f'<p class="lead">{_e(report.outcome)}</p>{description}<dl class="facts">{facts}</dl>'


def _html_participants(report: Report) -> str:
    lang = report.lang
    if not report.participants:
        return _note(_text(lang, "no_participants"))
    intro = _note(_text(lang, "anonymous_participants")) if report.anonymous else ""
    rows = "".join(
        f"<dt>{_e(group.label)}</dt><dd>{_e(', '.join(group.names) if group.names else _count_text(group.count, lang))}</dd>"
        for group in report.participants
    )
    return f'{intro}<dl class="facts">{rows}</dl>'


def _img_src(chart: Chart) -> str:
    return "data:image/png;base64," + base64.b64encode(chart.png).decode("ascii")


def _html_data(report: Report) -> str:
    lang, data = report.lang, report.data
    if data is None:
        return _note(_text(lang, "no_data"))
    period = (_text(lang, "period_vs", period=data.period, previous=data.previous_period)
              if data.previous_period else _text(lang, "period", period=data.period))
    parts = [f"<p>{_e(period)}</p>"]
    if data.headlines:
        rows = "".join(f"<tr><td>{_e(h.label)}</td><td>{_e(h.value)}</td><td>{_e(h.change or '–')}</td></tr>"
                       for h in data.headlines)
        parts.append(f"<table><thead><tr><th>{_e(_text(lang, 'figure'))}</th><th>{_e(_text(lang, 'value'))}</th>"
                     f"<th>{_e(_text(lang, 'change'))}</th></tr></thead><tbody>{rows}</tbody></table>")
    for chart in data.charts:
        parts.append(f'<figure><img src="{_img_src(chart)}" alt="{_e(chart.alt)}">'
                     f"<figcaption>{_e(chart.caption)}</figcaption></figure>")
    if data.notable:
        items = "".join(f"<li>{_e(line)}</li>" for line in data.notable)
        parts.append(f"<h3>{_e(_text(lang, 'notable'))}</h3><ul>{items}</ul>")
    if data.stories:
        parts.append(f"<h3>{_e(_text(lang, 'stories'))}</h3>"
                     + "".join(f"<blockquote>{_e(story)}</blockquote>" for story in data.stories))
    if not data.charts:
        parts.append(f'<p class="note">{_e(source_caption(data.sources, lang))}</p>')
    return "\n".join(parts)


def _html_actions(actions: list[ActionItem], lang: str, empty: str) -> str:
    if not actions:
        return _note(empty)
    head = "".join(f"<th>{_e(_text(lang, key))}</th>" for key in ("action", "owner", "due", "indicator", "status"))
    rows = "".join(
        f"<tr><td>{_e(a.what)}</td><td>{_e(_owner_text(a))}</td><td class=\"date\">{_e(_fmt_date(a.due, lang))}</td>"
        f"<td>{_e(_indicator_text(a, lang))}</td><td class=\"status-{_e(a.status)}\">{_e(a.status_label)}</td></tr>"
        for a in actions
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"


def _html_paragraphs(lines: list[str], empty: str) -> str:
    return "".join(f'<p class="text">{_e(line)}</p>' for line in lines) if lines else _note(empty)


def _html_comparison(report: Report) -> str:
    lang, previous = report.lang, report.previous
    if previous is None:
        return _note(_text(lang, "no_previous"))
    when = _fmt_datetime(previous.when, report) or _text(lang, "unknown")
    parts = [f"<p>{_e(_text(lang, 'previous_date', date=when))}</p>",
             f"<h3>{_e(_text(lang, 'previous_conclusion'))}</h3>",
             _html_paragraphs(previous.conclusion, _text(lang, "no_conclusion")),
             f"<h3>{_e(_text(lang, 'previous_actions'))}</h3>"]
    if previous.actions:
        parts.append(f"<p>{_e(_text(lang, 'previous_done', done=previous.done, total=len(previous.actions)))}</p>")
    parts.append(_html_actions(previous.actions, lang, _text(lang, "no_actions")))
    return "\n".join(parts)


def render_html(report: Report) -> str:
    """One self-contained, printable page: inline CSS, charts as data: URIs, every user text escaped."""
    lang = report.lang
    stages = "\n".join(_html_stage(stage, lang) for stage in report.stages) or _note(_text(lang, "no_stages"))
    sections = {
        "outcome": _html_outcome(report),
        "participants": _html_participants(report),
        "data": _html_data(report),
        "preparation": _html_questions(report.preparation) or _note(_text(lang, "no_preparation")),
        "stages": stages,
        "conclusion": _html_paragraphs(report.conclusion, _text(lang, "no_conclusion")),
        "actions": _html_actions(report.actions, lang, _text(lang, "no_actions")),
        "evaluation": (_html_questions(report.evaluation.questions) or _note(_stage_note(report.evaluation, lang) or ""))
        if report.evaluation else _note(_text(lang, "no_evaluation")),
        "comparison": _html_comparison(report),
    }
    toc = "".join(f'<li><a href="#{sid}">{_e(_text(lang, sid))}</a></li>' for sid in SECTION_IDS)
    body = "\n".join(_section(sid, _text(lang, sid), sections[sid]) for sid in SECTION_IDS)
    generated = _fmt_datetime(report.generated_at, report) or ""
    title = f"{_text(lang, 'title')}: {report.outcome}"
    return (
        f'<!DOCTYPE html>\n<html lang="{_e(lang)}">\n<head>\n<meta charset="utf-8">\n'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">\n<title>{_e(title)}</title>\n'
        f"<style>{_CSS}</style>\n</head>\n<body>\n<main>\n"
        f"<header><h1>{_e(_text(lang, 'title'))}</h1><p>{_e(report.outcome)} · {_e(report.flow_title)}</p></header>\n"
        f'<nav aria-label="{_e(_text(lang, "contents"))}"><strong>{_e(_text(lang, "contents"))}</strong><ol>{toc}</ol></nav>\n'
        f"{body}\n<footer>{_e(_text(lang, 'generated', date=generated))}</footer>\n</main>\n</body>\n</html>\n"
    )


# ---- Markdown ------------------------------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~])")
_MD_LINE_START = re.compile(r"^(\s*)([#>+-]|\d+\.)")


def _md(value: object, indent: str = "", *, line_start: bool = True) -> str:
    """User text safe for Markdown: HTML escaped (Markdown passes raw HTML through), markup
    characters backslashed, and line breaks kept inside the list item or paragraph.

    `line_start=False` for text after a prefix ('### ', a table cell) where '1.' or '+' is harmless;
    continuation lines always start a line, so they are always escaped.
    """
    text = _MD_SPECIAL.sub(r"\\\1", html.escape(str(value), quote=False))
    lines = [line.strip() for line in text.splitlines() if line.strip()] or [""]
    lines = [line if index == 0 and not line_start else _MD_LINE_START.sub(r"\1\\\2", line)
             for index, line in enumerate(lines)]
    return ("  \n" + indent).join(lines)


def _md_cell(value: object) -> str:
    return "<br>".join(_md(value, line_start=False).split("  \n"))


def _md_groups(groups: list[RoleGroup]) -> list[str]:
    lines = []
    for group in groups:
        lines.append(f"- **{_md(group.label)}**")
        for entry in group.entries:
            author = f"**{_md(entry.author)}**: " if entry.author else ""
            lines.append(f"    - {author}{_md(entry.text, '      ')}")
    return lines


def _md_questions(questions: list[QuestionAnswers]) -> list[str]:
    lines: list[str] = []
    for q in questions:
        if q.groups:
            lines += [f"#### {_md(q.label, line_start=False)}", "", *_md_groups(q.groups), ""]
    return lines


def _md_stage(stage: StageReport, lang: str) -> list[str]:
    note = _stage_note(stage, lang)
    return [f"### {_md(_stage_heading(stage), line_start=False)}", "", *([f"_{note}_", ""] if note else _md_questions(stage.questions))]


def _md_actions(actions: list[ActionItem], lang: str, empty: str) -> list[str]:
    if not actions:
        return [f"_{empty}_", ""]
    head = [_text(lang, key) for key in ("action", "owner", "due", "indicator", "status")]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for a in actions:
        cells = [a.what, _owner_text(a), _fmt_date(a.due, lang), _indicator_text(a, lang), a.status_label]
        lines.append("| " + " | ".join(_md_cell(c) for c in cells) + " |")
    return [*lines, ""]


def _md_paragraphs(lines: list[str], empty: str) -> list[str]:
    if not lines:
        return [f"_{empty}_", ""]
    out: list[str] = []
    for line in lines:
        out += [_md(line), ""]
    return out


def _md_data(report: Report, image_links: Sequence[str] | None) -> list[str]:
    lang, data = report.lang, report.data
    if data is None:
        return [f"_{_text(lang, 'no_data')}_", ""]
    period = (_text(lang, "period_vs", period=data.period, previous=data.previous_period)
              if data.previous_period else _text(lang, "period", period=data.period))
    lines = [_md(period), ""]
    if data.headlines:
        lines += [f"| {_text(lang, 'figure')} | {_text(lang, 'value')} | {_text(lang, 'change')} |", "|---|---|---|"]
        lines += [f"| {_md_cell(h.label)} | {_md_cell(h.value)} | {_md_cell(h.change or '–')} |" for h in data.headlines]
        lines.append("")
    for index, chart in enumerate(data.charts):
        target = image_links[index] if image_links and index < len(image_links) else _img_src(chart)
        lines += [f"![{_md(chart.alt)}]({target})", "", f"_{_md(chart.caption)}_", ""]
    if data.notable:
        lines += [f"### {_text(lang, 'notable')}", "", *[f"- {_md(n)}" for n in data.notable], ""]
    if data.stories:
        lines += [f"### {_text(lang, 'stories')}", ""]
        for story in data.stories:
            lines += ["> " + _md(story, "> "), ""]
    if not data.charts:
        lines += [f"_{_md(source_caption(data.sources, lang))}_", ""]
    return lines


def _md_participants(report: Report) -> list[str]:
    lang = report.lang
    if not report.participants:
        return [f"_{_text(lang, 'no_participants')}_", ""]
    lines = [f"_{_text(lang, 'anonymous_participants')}_", ""] if report.anonymous else []
    for group in report.participants:
        who = ", ".join(_md(n) for n in group.names) if group.names else _count_text(group.count, lang)
        lines.append(f"- **{_md(group.label)}**: {who}")
    return [*lines, ""]


def _md_comparison(report: Report) -> list[str]:
    lang, previous = report.lang, report.previous
    if previous is None:
        return [f"_{_text(lang, 'no_previous')}_", ""]
    when = _fmt_datetime(previous.when, report) or _text(lang, "unknown")
    lines = [_md(_text(lang, "previous_date", date=when)), "", f"### {_text(lang, 'previous_conclusion')}", "",
             *_md_paragraphs(previous.conclusion, _text(lang, "no_conclusion")),
             f"### {_text(lang, 'previous_actions')}", ""]
    if previous.actions:
        lines += [_text(lang, "previous_done", done=previous.done, total=len(previous.actions)), ""]
    return lines + _md_actions(previous.actions, lang, _text(lang, "no_actions"))


def render_markdown(report: Report, *, image_links: Sequence[str] | None = None) -> str:
    """The same content as Markdown. Charts link to `image_links` (files next to the report) when
    given, else they are embedded as data: URIs so the text stays self-contained."""
    lang = report.lang
    out = [f"# {_text(lang, 'title')}: {_md(report.outcome, line_start=False)}", ""]
    out += [f"## {_text(lang, 'outcome')}", "", f"**{_md(report.outcome)}**", ""]
    if report.outcome_description:
        out += [_md(report.outcome_description), ""]
    out += [*[f"- {_md(k)}: {_md(v)}" for k, v in _facts(report)], ""]
    out += [f"## {_text(lang, 'participants')}", "", *_md_participants(report)]
    out += [f"## {_text(lang, 'data')}", "", *_md_data(report, image_links)]
    out += [f"## {_text(lang, 'preparation')}", ""]
    out += _md_questions(report.preparation) or [f"_{_text(lang, 'no_preparation')}_", ""]
    out += [f"## {_text(lang, 'stages')}", ""]
    for stage in report.stages:
        out += _md_stage(stage, lang)
    if not report.stages:
        out += [f"_{_text(lang, 'no_stages')}_", ""]
    out += [f"## {_text(lang, 'conclusion')}", "", *_md_paragraphs(report.conclusion, _text(lang, "no_conclusion"))]
    out += [f"## {_text(lang, 'actions')}", "", *_md_actions(report.actions, lang, _text(lang, "no_actions"))]
    out += [f"## {_text(lang, 'evaluation')}", ""]
    if report.evaluation is None:
        out += [f"_{_text(lang, 'no_evaluation')}_", ""]
    else:
        note = _stage_note(report.evaluation, lang)
        out += [f"_{note}_", ""] if note else _md_questions(report.evaluation.questions)
    out += [f"## {_text(lang, 'comparison')}", "", *_md_comparison(report)]
    out += ["---", "", f"_{_text(lang, 'generated', date=_fmt_datetime(report.generated_at, report) or '')}_", ""]
    return "\n".join(out)


# ---- files ---------------------------------------------------------------------------------------


def write_report(db: Database, registry: FlowRegistry, session_id: int, out_dir: Path, *,
                 lang: str | None = None, timezone: str | None = None) -> tuple[Path, Path]:
    """Write verslag-<id>.html and verslag-<id>.md (plus the chart PNGs the Markdown links to)."""
    report = build_report(db, registry, session_id, lang=lang, timezone=timezone)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    links = []
    for index, chart in enumerate(report.data.charts if report.data else [], start=1):
        name = f"verslag-{session_id}-grafiek-{index}.png"
        (out_dir / name).write_bytes(chart.png)
        links.append(name)
    html_path = out_dir / f"verslag-{session_id}.html"
    md_path = out_dir / f"verslag-{session_id}.md"
    html_path.write_text(render_html(report), encoding="utf-8")
    md_path.write_text(render_markdown(report, image_links=links), encoding="utf-8")
    return html_path, md_path


__all__ = [
    "ActionItem", "Chart", "Contribution", "DataSummary", "Headline", "ParticipantGroup", "PreviousCycle",
    "QuestionAnswers", "Report", "RoleGroup", "SECTION_IDS", "SessionNotFound", "StageReport", "build_report",
    "render_html", "render_markdown", "source_caption", "write_report",
]
