"""Privacy (AVG/GDPR) end to end: the personal export, erasure by a coordinator, the retention period.

Driven through signed `/gesprek` requests against the real bot; the database is read (and, where
the world needs arranging, such as a session closed two months ago, written) directly.
"""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from bot.fakeslack.signing import mention
from bot.services import commands as command_service
from bot.services.common.store import load
from bot.services.privacy.erasure import parse_user
from bot.services.privacy.retention import apply_retention
from storage.models import (
    Action,
    Answer,
    ConversationSession,
    DueItem,
    OutboxMessage,
    Participant,
    Person,
    Workspace,
)
from storage.outbox import enqueue
from tests.e2e.conftest import COORDINATOR, wait_for
from tests.e2e.test_duiding_session import advance, session_status, values_for
from tests.harness import TEAM


@pytest.fixture
def privacy_commands():
    """The privacy subcommands are rows of the `/gesprek` table (bot/services/commands.py)."""
    assert {"mijn-gegevens", "wis"} <= set(command_service.SUBCOMMANDS)


def person_id(bot, user: str, team: str = TEAM) -> int | None:
    with bot.db.reader() as s:
        return s.scalar(select(Person.id).join(Workspace, Workspace.id == Person.workspace_id)
                        .where(Workspace.team_id == team, Person.slack_user_id == user))


def participant_id(bot, session_id: int, user: str) -> int:
    with bot.db.reader() as s:
        return s.scalar(select(Participant.id).join(Person, Person.id == Participant.person_id)
                        .where(Participant.session_id == session_id, Person.slack_user_id == user))


def add_prep_answer(bot, session_id: int, user: str, value: str) -> None:
    with bot.db.unit_of_work() as s:
        s.add(Answer(session_id=session_id, stage_id="prep", question_id="prep_verwachting",
                     participant_id=participant_id(bot, session_id, user), value=value))


def answer_opening(conversation, flow, session_id: int, users: tuple[str, ...], tag: str = "") -> None:
    for user in users:
        values = values_for(flow, "opening", user)
        conversation.answer(session_id, "opening", user, {q: f"{v}{tag}" for q, v in values.items()})


def export_of(slack, user: str) -> dict:
    uploads = [u for u in slack.uploads if u["filename"].startswith("mijn-gegevens-")
               and u["channel_id"] == "D" + user]
    assert uploads, "no export was uploaded to the person's DM"
    return json.loads(uploads[-1]["content"])


def all_values(document: dict) -> list[str]:
    return [a["value"] for p in document["participations"] for a in p["answers"]]


def test_parse_user_accepts_the_forms_slack_sends():
    assert parse_user("<@USW1|sam>") == "USW1"
    assert parse_user("<@USW1>") == "USW1"
    assert parse_user(" USW1 ") == "USW1"
    assert parse_user("W0ENTERPRISE") == "W0ENTERPRISE"
    assert parse_user("@sam") is None
    assert parse_user("") is None
    assert parse_user("<#C0CHAN|algemeen>") is None


def test_export_holds_own_answers_also_anonymous_and_nobody_elses(privacy_commands, conversation, bot, slack,
                                                                  sender):
    flow = bot.runtime.deps.flows.get("duiding")
    open_session = conversation.start("duiding", "Minder eenzame ouderen")
    anonymous_session = conversation.start("duiding", "Jongeren doen mee", visibility="anonymous")
    answer_opening(conversation, flow, open_session, ("USW1", "USW2"))
    answer_opening(conversation, flow, anonymous_session, ("USW1", "USW2"), tag="-anoniem")
    add_prep_answer(bot, open_session, "USW1", "voorbereiding-van-USW1")
    add_prep_answer(bot, open_session, "USW2", "voorbereiding-van-USW2")
    bot.drain()

    reply = sender.command_reply("mijn-gegevens", user="USW1")
    assert reply["response_type"] == "ephemeral"
    assert "privébericht" in reply["text"]
    bot.drain()
    document = export_of(slack, "USW1")

    assert document["person"]["slack_user_id"] == "USW1"
    assert {p["session_id"] for p in document["participations"]} == {open_session, anonymous_session}
    values = all_values(document)
    mine = [v for v in values_for(flow, "opening", "USW1").values() if v.startswith("antwoord-")]
    for value in mine:
        assert value in values
        assert f"{value}-anoniem" in values
    assert "voorbereiding-van-USW1" in values
    prep = next(a for p in document["participations"] for a in p["answers"] if a["stage"] == "prep")
    assert prep["value"] == "voorbereiding-van-USW1"
    roles = {p["session_id"]: p["role"] for p in document["participations"]}
    assert roles == {open_session: "sociaal_werker", anonymous_session: "sociaal_werker"}
    raw = json.dumps(document, ensure_ascii=False)
    assert "USW2" not in raw and "voorbereiding-van-USW2" not in raw
    # the note arrives in the same DM, before the file
    assert any("kopie" in m.get("text", "") for m in slack.messages("DUSW1"))


def test_export_of_someone_without_data_is_small_but_complete(privacy_commands, conversation, bot, slack, sender):
    reply = sender.command_reply("mijn-gegevens", user="UOUT")
    assert "privébericht" in reply["text"]
    bot.drain()
    document = export_of(slack, "UOUT")
    assert document["participations"] == [] and document["actions"] == []
    assert document["pending_reminders"] == []


def test_only_a_coordinator_erases(privacy_commands, conversation, bot, slack, sender):
    flow = bot.runtime.deps.flows.get("duiding")
    session_id = conversation.start("duiding", "Minder eenzame ouderen")
    answer_opening(conversation, flow, session_id, ("USW2",))
    reply = sender.command_reply(f"wis {mention('USW2', 'sanne')}", user="USW1")
    assert "coördinator" in reply["text"]
    assert person_id(bot, "USW2") is not None
    with bot.db.reader() as s:
        assert s.scalar(select(func.count()).select_from(Answer)) > 0
    usage = sender.command_reply("wis @sanne", user=COORDINATOR)
    assert "/gesprek wis" in usage["text"]
    assert person_id(bot, "USW2") is not None


def test_coordinator_erases_a_person_and_keeps_the_group_record(privacy_commands, conversation, bot, slack,
                                                                sender):
    flow = bot.runtime.deps.flows.get("duiding")
    first = conversation.start("duiding", "Minder eenzame ouderen")
    second = conversation.start("duiding", "Jongeren doen mee", visibility="anonymous")
    answer_opening(conversation, flow, first, ("USW1", "USW2"))
    answer_opening(conversation, flow, second, ("USW1", "USW2"))
    add_prep_answer(bot, first, "USW1", "voorbereiding-van-USW1")
    bot.drain()
    usw1 = person_id(bot, "USW1")
    with bot.db.unit_of_work() as s:
        workspace = s.scalar(select(Workspace).where(Workspace.team_id == TEAM))
        action = Action(session_id=first, what="Huisbezoeken bij 75-plussers", owner_party="aanbieder",
                        owner_person_id=usw1, created_by="USW1")
        s.add(action)
        s.flush()
        action_id = action.id
        s.add(DueItem(kind="action_due", action_id=action.id, due_at=bot.runtime.deps.now() + timedelta(days=9),
                      dedupe_key=f"test-action:{action.id}", payload={"when": "before"}))
        enqueue(s, method="chat.postMessage", payload={"channel": "USW1", "text": "nog niet verstuurd"},
                channel_key="USW1", workspace_id=workspace.id)
        # the same Slack user in another workspace is another person and stays untouched
        other = Workspace(team_id="T0OTHER", language="nl", coordinator_ids=[], settings={})
        s.add(other)
        s.flush()
        s.add(Person(workspace_id=other.id, slack_user_id="USW1"))
    usw2_before = {a for a in _answer_values(bot) if "USW2" in a}

    reply = sender.command_reply(f"wis {mention('USW1', 'sam')}", user=COORDINATOR)
    text = reply["text"]
    assert "<@USW1>" in text and "gewist" in text

    with bot.db.reader() as s:
        assert s.scalar(select(func.count()).select_from(Person).join(Workspace)
                        .where(Workspace.team_id == TEAM, Person.slack_user_id == "USW1")) == 0
        assert s.scalar(select(func.count()).select_from(Participant).where(Participant.person_id == usw1)) == 0
        for session in s.scalars(select(ConversationSession)):
            state = load(s, bot.runtime.deps.flows, session.id, TEAM).state
            assert "USW1" not in state.participants
            assert "USW1" not in json.dumps(state.to_dict())
        assert {s.get(ConversationSession, first).id, s.get(ConversationSession, second).id} == {first, second}
        kept = s.get(Action, action_id)
        assert kept is not None and kept.owner_person_id is None and kept.what == "Huisbezoeken bij 75-plussers"
        assert s.scalar(select(func.count()).select_from(DueItem).where(DueItem.action_id == action_id,
                                                                      DueItem.status == "pending")) == 0
        pending = s.scalars(select(OutboxMessage).where(OutboxMessage.status == "pending")).all()
        assert not any(row.payload.get("channel") == "USW1" for row in pending)
        sent = s.scalars(select(OutboxMessage).where(OutboxMessage.status == "sent")).all()
        assert not any("antwoord-USW1-" in json.dumps(row.payload, ensure_ascii=False) for row in sent)
    values = _answer_values(bot)
    assert not any("USW1" in v for v in values)
    assert usw2_before and usw2_before <= values
    assert person_id(bot, "USW1", team="T0OTHER") is not None

    again = sender.command_reply("wis USW1", user=COORDINATOR)
    assert "niets" in again["text"]
    assert _answer_values(bot) == values


def _answer_values(bot) -> set[str]:
    with bot.db.reader() as s:
        return set(s.scalars(select(Answer.value)))


def test_retention_keeps_counts_and_conclusion_and_runs_twice_safely(conversation, bot, slack):
    deps = bot.runtime.deps
    flow = deps.flows.get("duiding")
    old = conversation.start("duiding", "Minder eenzame ouderen")
    answer_opening(conversation, flow, old, ("USW1", "USW2", "UBM1"))
    add_prep_answer(bot, old, "USW1", "voorbereiding-van-USW1")
    advance(conversation, old, "opening")
    conversation.click("session_close", old, "herkennen")
    wait_for(lambda: session_status(bot, old) == "closed")
    bot.drain()
    with bot.db.reader() as s:
        last_old_row = s.scalar(select(func.max(OutboxMessage.id)))
    recent = conversation.start("duiding", "Jongeren doen mee")
    answer_opening(conversation, flow, recent, ("USW1",), tag="-recent")
    advance(conversation, recent, "opening")
    conversation.click("session_close", recent, "herkennen")
    wait_for(lambda: session_status(bot, recent) == "closed")
    bot.drain()

    now = deps.now()
    with bot.db.unit_of_work() as s:
        s.scalar(select(Workspace).where(Workspace.team_id == TEAM)).settings = {"retention_months": 1}
        session = s.get(ConversationSession, old)
        session.closed_at = now - timedelta(days=62)
        session.conclusion = "We gaan vaker op huisbezoek."
        s.add(Action(session_id=old, what="Huisbezoeken plannen", owner_party="aanbieder"))
        s.get(ConversationSession, recent).closed_at = now - timedelta(days=10)
        for row in s.scalars(select(OutboxMessage).where(OutboxMessage.id <= last_old_row)):
            row.created_at = now - timedelta(days=62)
        roles = dict(s.execute(select(Participant.role, func.count()).where(Participant.session_id == old)
                               .group_by(Participant.role)).all())
        opening_answers = s.scalar(select(func.count()).select_from(Answer).where(
            Answer.session_id == old, Answer.stage_id == "opening"))
    assert opening_answers >= 3

    assert apply_retention(deps) == 1

    with bot.db.reader() as s:
        assert s.scalar(select(func.count()).select_from(Answer).where(Answer.session_id == old)) == 0
        assert s.scalar(select(func.count()).select_from(Answer).where(Answer.session_id == recent)) > 0
        session = s.get(ConversationSession, old)
        retained = session.retained
        assert retained["answers_per_stage"] == {"opening": opening_answers, "prep": 1}
        assert retained["participants_per_role"] == roles
        assert retained["removed_at"]
        assert session.conclusion == "We gaan vaker op huisbezoek."
        assert session.status == "closed" and load(s, deps.flows, old, TEAM).state.participants
        assert s.scalar(select(func.count()).select_from(Action).where(Action.session_id == old)) == 1
        old_rows = s.scalars(select(OutboxMessage).where(OutboxMessage.id <= last_old_row,
                                                         OutboxMessage.status == "sent")).all()
        assert old_rows and not any("antwoord-" in json.dumps(r.payload) for r in old_rows)
        recent_texts = json.dumps([r.payload for r in s.scalars(
            select(OutboxMessage).where(OutboxMessage.id > last_old_row))], ensure_ascii=False)
        assert "-recent" in recent_texts
        state_after_first = json.dumps(session.retained, sort_keys=True)
        answers_after_first = _answer_values(bot)

    assert apply_retention(deps) == 0
    with bot.db.reader() as s:
        assert json.dumps(s.get(ConversationSession, old).retained, sort_keys=True) == state_after_first
    assert _answer_values(bot) == answers_after_first


def test_retention_without_a_setting_keeps_everything(conversation, bot):
    deps = bot.runtime.deps
    flow = deps.flows.get("duiding")
    session_id = conversation.start("duiding", "Minder eenzame ouderen")
    answer_opening(conversation, flow, session_id, ("USW1",))
    with bot.db.unit_of_work() as s:
        session = s.get(ConversationSession, session_id)
        session.status, session.closed_at = "closed", deps.now() - timedelta(days=3650)
    assert apply_retention(deps) == 0
    assert any("USW1" in v for v in _answer_values(bot))
