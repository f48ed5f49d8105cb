"""'Remind those still missing, now': for one session, or for a whole round in one DM per person.

Why a confirmation outside working hours: the bot promises people no nudges at night, at the
weekend or on a public holiday (common/worktime.py). A coordinator may still decide that
tonight's live round needs it, but only by saying so: the answer offers a button that sends
anyway. Who is missing is the engine's answer for a running session and "has not prepared"
for a planned one; removed and declined people are never reminded.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.i18n import t
from bot.runtime.deps import Deps
from bot.services.common.agenda import policy_of
from bot.services.common.caller import Caller, asking
from bot.services.common.people import language_of
from bot.services.common.store import PREP_STAGE, Loaded, build
from bot.services.common.worktime import may_nudge, zone
from bot.slack.blocks.kit import actions, button, section
from bot.slack.blocks.preparation import reminder_blocks
from bot.slack.blocks.rounds import combined_reminder_blocks
from bot.slack.ids import Action
from bot.slack.outgoing import Outgoing
from flows import engine as fe
from storage.models import Answer, ConversationSession, Outcome, Person, Round, RoundSession


@dataclass(frozen=True)
class Missing:
    user: str
    person: Person
    session_id: int
    outcome: str
    stage_id: str | None  # None: the preparation
    stage_title: str = ""


def missing_in(s: Session, loaded: Loaded, lang: str) -> list[Missing]:
    """Who this session still waits for now (preparation, or the open stage)."""
    outcome = s.get(Outcome, loaded.session.outcome_id)
    name = outcome.name if outcome else ""
    state = loaded.state
    if state.status == "scheduled":
        prepared = set(s.scalars(select(Answer.participant_id).where(
            Answer.session_id == loaded.session.id, Answer.stage_id == PREP_STAGE)))
        waiting = [u for u, p in loaded.participants.items()
                   if p.status == "active" and p.role != "coordinator" and p.id not in prepared]
        return [Missing(u, s.get(Person, loaded.participants[u].person_id), loaded.session.id, name, None)
                for u in waiting]
    stage_id = state.current_stage_id
    if state.status != "running" or stage_id is None or state.stages[stage_id].status != "open":
        return []
    title = loaded.flow.stage(stage_id).title.get(lang)
    return [Missing(u, s.get(Person, loaded.participants[u].person_id), loaded.session.id, name, stage_id, title)
            for u in sorted(fe.missing_answers(loaded.flow, state, stage_id))]


def _outside_hours(me: Caller, people: list[Missing]) -> bool:
    hours = policy_of(me.workspace).hours
    now = me.deps.now()
    return any(not may_nudge(now, zone(m.person.tz, me.deps.settings.timezone), hours) for m in people)


def _confirm(me: Caller, action: str, value: str, count: int) -> tuple[str, list[dict]]:
    text = me.text("rounds.remind.outside_hours", count=count)
    return text, [section(text), actions(button(me.text("rounds.remind.send_anyway"), action, f"{value}:force",
                                                style="danger"), block_id="remind_confirm")]


def _parse(value: str) -> tuple[int | None, bool]:
    number, _, flag = (value or "").partition(":")
    return (int(number) if number.isdecimal() and len(number) <= 9 else None), flag == "force"


def remind_session(deps: Deps, team_id: str, user_id: str, value: str) -> tuple[str, list[dict]]:
    """Remind the session's missing people now; outside working hours only when confirmed."""
    session_id, force = _parse(value)
    with asking(deps, team_id, user_id) as me:
        loaded = me.session(session_id, coordinator=True, running=True)
        missing = missing_in(me.s, loaded, me.lang)
        if not missing:
            return me.text("rounds.remind.nobody"), []
        if not force and _outside_hours(me, missing):
            return _confirm(me, Action.SESSION_REMIND, str(loaded.session.id), len(missing))
        stamp = deps.now().strftime("%Y%m%d%H%M")
        for m in missing:
            lang = language_of(m.person, deps)
            text = (t(lang, "remind.prep", outcome=m.outcome) if m.stage_id is None
                    else t(lang, "remind.stage", outcome=m.outcome, stage=m.stage_title))
            Outgoing(me.s, me.workspace.id).to_person(m.user, text, reminder_blocks(lang, text, m.session_id,
                                                                                     m.stage_id),
                                                      dedupe=f"remind_now:{m.session_id}:{m.user}:{stamp}")
        return me.text("rounds.remind.sent", count=len(missing)), []


def remind_round(deps: Deps, team_id: str, user_id: str, value: str) -> tuple[str, list[dict]]:
    """One DM per person for every conversation of the round they still have to prepare or answer."""
    round_id, force = _parse(value)
    with asking(deps, team_id, user_id) as me:
        me.require_coordinator()
        rnd = me.s.get(Round, round_id) if round_id is not None else None
        if rnd is None or rnd.workspace_id != me.workspace.id:
            raise me.refusal("errors.stale")
        missing: list[Missing] = []
        for session in me.s.scalars(select(ConversationSession).join(
                RoundSession, RoundSession.session_id == ConversationSession.id)
                .where(RoundSession.round_id == rnd.id).order_by(ConversationSession.id)):
            missing += missing_in(me.s, build(me.s, deps.flows, session, me.workspace), me.lang)
        if not missing:
            return me.text("rounds.remind.nobody"), []
        if not force and _outside_hours(me, missing):
            return _confirm(me, Action.ROUND_REMIND, str(rnd.id), len({m.user for m in missing}))
        by_person: dict[str, list[Missing]] = {}
        for m in missing:
            by_person.setdefault(m.user, []).append(m)
        stamp = deps.now().strftime("%Y%m%d%H%M")
        for user, items in by_person.items():
            lang = language_of(items[0].person, deps)
            text = t(lang, "rounds.remind.combined_now", count=len(items))
            blocks = combined_reminder_blocks(
                lang, text, [(m.session_id, m.outcome) for m in items if m.stage_id is None],
                stages=[(m.session_id, m.stage_id, f"*{m.outcome}* · {m.stage_title}") for m in items if m.stage_id])
            Outgoing(me.s, me.workspace.id).to_person(user, text, blocks, dedupe=f"round_now:{rnd.id}:{user}:{stamp}")
        return me.text("rounds.remind.sent", count=len(by_person)), []
