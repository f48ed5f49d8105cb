"""Report tests, plus the builder of a realistic closed duiding session straight in the database.

Why build it directly (and not through the Slack app): the report only reads what the bot stored,
so the tests write exactly that (engine state via session_state.save, Answer rows, Participant and
Action rows) and stay fast; the e2e tests cover how the bot gets there.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from flows import FlowRegistry
from flows import engine as fe
from storage import Database
from storage.models import (
    Action,
    Answer,
    ConversationSession,
    DataSet,
    Outcome,
    OutcomeRow,
    Participant,
    Person,
    Series,
    Workspace,
)

TEAM_ID = "T0REPORT1"
CHANNEL_ID = "C0KWALITEIT"
OUTCOME_NAME = "Minder eenzame ouderen"
SCRIPT = '<script>alert("x")</script>'

# (Slack id, display name or None, role). One person has no display name: the Slack id is shown.
PEOPLE: tuple[tuple[str, str | None, str], ...] = (
    ("U0SW00001", "Fatima el Amrani", "sociaal_werker"),
    ("U0SW00002", "Joost de Vries", "sociaal_werker"),
    ("U0BM00001", "Anouk Jansen", "beleidsmedewerker"),
    ("U0BM00002", None, "beleidsmedewerker"),
    ("U0CO00001", "Marieke Bakker", "coordinator"),
)
NAMES = [name for _, name, _ in PEOPLE if name]
SLACK_IDS = [uid for uid, _, _ in PEOPLE]
ROLE_OF = {uid: role for uid, _, role in PEOPLE}


@dataclass
class Built:
    """What a test needs to find back: ids, and every answer token with its place."""

    session_id: int
    previous_id: int | None
    series_id: int | None = None
    answers: dict[str, tuple[str, str, str]] = field(default_factory=dict)  # token -> (stage, question, uid)
    prep: dict[str, tuple[str, str]] = field(default_factory=dict)  # token -> (question, uid)


def _value(question, token: str) -> str:
    if question.kind == "text":
        return f"Antwoord {token}"
    if question.kind == "scale":
        return str(question.scale_max - 1)
    return question.options[0].id


def _run_flow(flow, start: datetime, built: Built, *, answer: bool, script_in: str | None,
              stop_at: str | None = None):
    """Drive the pure engine through every stage; text answers carry a unique token.

    `stop_at`: leave the session running with that stage open (answered, not yet revealed)."""
    participants = {uid: role for uid, _, role in PEOPLE}
    state, _ = fe.start_session(flow, participants, start)
    now = start
    counter = len(built.answers)
    for stage in flow.stages:
        if answer and stage.kind == "questions":
            for uid, role in participants.items():
                named = stage.roles is not None and role in stage.roles
                if role == "coordinator" and not named and stage.id != "evaluatie":
                    continue
                if not stage.answered_by(role):
                    continue
                for question in stage.questions:
                    counter += 1
                    token = f"T{counter:03d}"
                    value = _value(question, token)
                    if question.id == script_in and role == "sociaal_werker":
                        value = f"{value} {SCRIPT}"
                    state, _ = fe.record_answer(flow, state, uid, stage.id, question.id, value, now)
                    if question.kind == "text":
                        built.answers[token] = (stage.id, question.id, uid)
        if stage.id == stop_at:
            return state, now
        now += timedelta(minutes=20)
        if flow.next_stage_id(stage.id) is not None:
            state, _ = fe.advance(flow, state, now)
    state, _ = fe.close_session(flow, state, now)
    return state, now


def _store_session(s, flow, state, workspace: Workspace, outcome: Outcome, people: dict[str, Person], *,
                   visibility: str, start: datetime, end: datetime, conclusion: str | None = None,
                   series_id: int | None = None) -> tuple[ConversationSession, dict[str, Participant]]:
    """Write a session the way the bot does: session_state.save for state, Answer rows per answer."""
    from bot.services.common.store import Loaded, save

    session = ConversationSession(
        workspace_id=workspace.id, outcome_id=outcome.id, series_id=series_id, flow_id=flow.id,
        flow_version=flow.version, channel_id=CHANNEL_ID, language="nl", visibility=visibility,
        status="running", started_at=start, created_by="U0CO00001", conclusion=conclusion,
    )
    s.add(session)
    s.flush()
    participants = {}
    for uid, person in people.items():
        participant = Participant(session_id=session.id, person_id=person.id, role=ROLE_OF[uid])
        s.add(participant)
        participants[uid] = participant
    s.flush()
    save(s, Loaded(session, workspace, flow, state, participants, {}), state)
    for (stage_id, question_id, uid), value in state.answers.items():
        s.add(Answer(session_id=session.id, stage_id=stage_id, question_id=question_id,
                     participant_id=participants[uid].id, value=value))
    session.closed_at = end if state.status == "closed" else None
    s.flush()
    return session, participants


def _store_prep(s, flow, session_id: int, participants: dict[str, Participant], built: Built) -> None:
    counter = 0
    for uid, participant in participants.items():
        for question in flow.preparation.questions_for(ROLE_OF[uid]):
            if ROLE_OF[uid] == "coordinator":
                continue
            counter += 1
            token = f"P{counter:03d}"
            s.add(Answer(session_id=session_id, stage_id="prep", question_id=question.id,
                         participant_id=participant.id, value=f"Voorbereiding {token}"))
            built.prep[token] = (question.id, uid)


def _store_data(s, workspace: Workspace, outcome: Outcome) -> None:
    """Two quarters of aggregated figures, so the summary has a previous period to compare with."""
    dataset = DataSet(workspace_id=workspace.id, outcome_id=outcome.id, filename="ontmoeting.csv",
                      source="Welzijn Oost", meta={"kind": "outcome"})
    s.add(dataset)
    s.flush()
    for period, reach, attained in (("2025-Q4", 70, 30), ("2026-Q1", 84, 41)):
        s.add(OutcomeRow(dataset_id=dataset.id, outcome_id=outcome.id, period=period, activity="Ontmoeting",
                         reach=reach, potential_reach=600, goals_set=60, goals_attained=attained,
                         respondents=50, satisfied=40, satisfaction_mean=7.8))


def build_sessions(db: Database, *, visibility: str = "hidden", previous: bool = True, data: bool = False,
                   series: bool = False, running_at: str | None = None,
                   registry: FlowRegistry | None = None) -> Built:
    """A closed duiding session (answers in every stage, prep, two actions) and optionally the
    previous closed session of the same outcome and flow, with one action done and one open.

    `series`: both sessions belong to one Series; `running_at`: the newest session is still running
    with that stage open."""
    flow = (registry or FlowRegistry.load()).get("duiding")
    built = Built(session_id=0, previous_id=None)
    with db.unit_of_work() as s:
        workspace = Workspace(team_id=TEAM_ID, name="Gemeente Voorbeeld")
        s.add(workspace)
        s.flush()
        people = {}
        for uid, name, _role in PEOPLE:
            people[uid] = Person(workspace_id=workspace.id, slack_user_id=uid, display_name=name)
            s.add(people[uid])
        outcome = Outcome(workspace_id=workspace.id, name=OUTCOME_NAME,
                          description="Ouderen in de wijk voelen zich minder eenzaam & doen mee <b>samen</b>.")
        s.add(outcome)
        s.flush()
        if data:
            _store_data(s, workspace, outcome)
        series_id = None
        if series:
            rhythm = Series(workspace_id=workspace.id, outcome_id=outcome.id, flow_id=flow.id,
                            channel_id=CHANNEL_ID, rule={"months": 3}, timezone="Europe/Amsterdam")
            s.add(rhythm)
            s.flush()
            series_id = rhythm.id
        built.series_id = series_id
        if previous:
            start = datetime(2025, 12, 9, 13, 0, tzinfo=UTC)
            state, end = _run_flow(flow, start, Built(0, None), answer=False, script_in=None)
            old, _ = _store_session(s, flow, state, workspace, outcome, people, visibility=visibility, start=start,
                                    end=end, conclusion="Het bereik onder 75-plussers is te laag.",
                                    series_id=series_id)
            s.add_all([
                Action(session_id=old.id, what="Huisbezoeken bij 75-plussers", owner_party="aanbieder",
                       owner_person_id=people["U0SW00001"].id, due_date=date(2026, 2, 1), status="done",
                       done_at=datetime(2026, 1, 20, 10, tzinfo=UTC)),
                Action(session_id=old.id, what="Vervoer naar de ontmoetingsplek regelen", owner_party="gemeente",
                       owner_person_id=people["U0BM00001"].id, due_date=date(2026, 3, 1), status="open"),
            ])
            built.previous_id = old.id
        start = datetime(2026, 3, 10, 13, 0, tzinfo=UTC)
        state, end = _run_flow(flow, start, built, answer=True, script_in="herkennen_ontbreekt", stop_at=running_at)
        session, participants = _store_session(s, flow, state, workspace, outcome, people, visibility=visibility,
                                               start=start, end=end, series_id=series_id)
        _store_prep(s, flow, session.id, participants, built)
        s.add_all([
            Action(session_id=session.id, what="Buurtcirkels starten in Haven-Noord", owner_party="aanbieder",
                   owner_person_id=people["U0SW00002"].id, due_date=date(2026, 6, 30), indicator="bereik",
                   target=120),
            Action(session_id=session.id, what=f"Potentieel bereik per wijk bijhouden {SCRIPT}",
                   owner_party="gemeente", owner_person_id=people["U0BM00001"].id, due_date=date(2026, 5, 15)),
        ])
        built.session_id = session.id
    return built
