"""Planned sessions can be moved: start now (with a short preparation window, or explicitly
without), a new moment, or cancelled while the preparation is kept for a next date.

Why every due row moves with the moment: a planned session's preparation summary and opening
are rows on the agenda (common/agenda.py); a new moment that left them behind would open the
session at the old time. Participants are told each change in a DM, with the moment as a
Slack date (everyone reads it in their own time zone).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import holidays
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.i18n import t
from bot.runtime.deps import Deps
from bot.services.common.agenda import add_due, cancel_session_work, end_preparation, policy_of
from bot.services.common.calendar import send_cancellation, send_invites
from bot.services.common.caller import Caller, asking
from bot.services.common.pace import pace_of
from bot.services.common.people import language_of
from bot.services.common.store import Loaded
from bot.services.common.worktime import format_when, is_working_day
from bot.services.conversation.thread import outgoing
from bot.services.conversation.turn import turn
from bot.services.rounds.root import refresh_root
from bot.services.rounds.sheet import DEFAULT_TIME
from bot.slack.blocks.kit import actions, button, section
from bot.slack.blocks.planning import StartNow, cancel_modal, reschedule_modal, start_now_modal
from bot.slack.ids import Action
from bot.slack.markup import date_token, mention
from bot.texts.formatting import format_time
from flows import engine as fe
from storage.models import DueItem, Outcome, Person, SessionPlan

PLANNED_KINDS = ("prep_round", "prep_summary", "session_open")


def _planned(me: Caller, session_id: int | None) -> Loaded:
    loaded = me.session(session_id, lock=True, coordinator=True, running=True)
    if loaded.state.status != "scheduled":
        raise me.refusal("rounds.move.already_started")
    return loaded


def _outcome(s: Session, loaded: Loaded) -> str:
    outcome = s.get(Outcome, loaded.session.outcome_id)
    return outcome.name if outcome else ""


def plan_row(s: Session, session_id: int) -> SessionPlan:
    plan = s.get(SessionPlan, session_id)
    if plan is None:
        plan = SessionPlan(session_id=session_id)
        s.add(plan)
    return plan


def moving_view(deps: Deps, team_id: str, user_id: str, session_id: int | None, which: str) -> dict:
    """The start-now, reschedule or cancel modal of a planned session."""
    with asking(deps, team_id, user_id, write=False) as me:
        loaded = _planned(me, session_id)
        name = _outcome(me.s, loaded)
        if which == "start":
            return start_now_modal(me.lang, loaded.session.id, name)
        if which == "cancel":
            return cancel_modal(me.lang, loaded.session.id, name)
        local = loaded.session.scheduled_at.astimezone(deps.settings.tz) if loaded.session.scheduled_at else None
        return reschedule_modal(me.lang, loaded.session.id, name, local.date() if local else None,
                                local.time() if local else None)


def _tell_people(s: Session, deps: Deps, loaded: Loaded, key: str, dedupe: str, blocks_for=None, **params) -> None:
    """A DM to every active participant, in their own language."""
    for user, participant in loaded.participants.items():
        if participant.status != "active":
            continue
        lang = language_of(s.get(Person, participant.person_id), deps)
        text = t(lang, key, outcome=_outcome(s, loaded), **params)
        blocks = blocks_for(lang, text) if blocks_for else None
        outgoing(s, loaded).to_person(user, text, blocks, dedupe=f"{dedupe}:{participant.id}")


def _move_due(s: Session, deps: Deps, loaded: Loaded, opens: datetime) -> None:
    """The opening, the preparation summary (and a session's own prep round) move to the new moment."""
    policy, now, session = policy_of(loaded.workspace), deps.now(), loaded.session
    summary_at = opens - policy.prep_summary_lead
    if summary_at <= now:  # too close for the usual lead: just before the opening
        summary_at = max(now, opens - timedelta(minutes=1))
    wanted = {"session_open": opens, "prep_summary": summary_at, "prep_round": max(now, opens - policy.prep_lead)}
    for kind in PLANNED_KINDS:
        key = f"{kind}:{session.id}"
        row = s.scalar(select(DueItem).where(DueItem.dedupe_key == key))
        if row is None and kind != "prep_round":
            add_due(s, kind, wanted[kind], dedupe_key=key, session_id=session.id)
        elif row is not None and row.status in ("pending", "cancelled"):
            row.due_at, row.status = wanted[kind], "pending"
    for reminder in s.scalars(select(DueItem).where(DueItem.session_id == session.id, DueItem.kind == "reminder",
                                                    DueItem.status == "cancelled")):
        reminder.due_at, reminder.status = max(reminder.due_at, now), "pending"


def _prep_button(session_id: int):
    def build(lang: str, text: str) -> list[dict]:
        return [section(text), actions(button(t(lang, "prep.button"), Action.PREP_OPEN, str(session_id),
                                              style="primary"), block_id="prep")]
    return build


# ---- start now ---------------------------------------------------------------------------------------


def start_now(deps: Deps, team_id: str, user_id: str, session_id: int | None, choice: StartNow) -> dict | None:
    """Start a planned session now: after a short preparation window, or at once when skipped."""
    with asking(deps, team_id, user_id) as me:
        loaded = _planned(me, session_id)
        plan = plan_row(me.s, loaded.session.id)
        plan.pace, plan.stage_minutes, plan.stage_days = choice.pace, choice.minutes, choice.days
        plan.cancelled_at = None
        loaded.pace = pace_of(plan.pace, plan.stage_minutes, plan.stage_days)
        now = deps.now()
        if choice.window <= 0:
            open_now(me.s, deps, loaded)
        else:
            opens = now + timedelta(minutes=choice.window)
            loaded.session.scheduled_at = opens
            _move_due(me.s, deps, loaded, opens)
            send_invites(me.s, deps, loaded.session)  # the calendar entry moves along (SEQUENCE + 1)
            _tell_people(me.s, deps, loaded, "rounds.start.soon", f"soon:{loaded.session.id}:{opens.isoformat()}",
                         _prep_button(loaded.session.id), minutes=choice.window,
                         time=date_token(opens, format_time(opens, loaded.lang, deps.settings.tz), "{time}"))
        refresh_root(me.s, deps, loaded.session)
    return None


def open_now(s: Session, deps: Deps, loaded: Loaded) -> None:
    """The first stage opens now; the preparation (and what was planned for it) is over."""
    lang = loaded.lang
    outgoing(s, loaded).to_thread(loaded.session, t(lang, "rounds.start.without_prep"),
                                  dedupe=f"opened:{loaded.session.id}")
    turn(s, deps, loaded, lambda flow, state: fe.open_session(flow, state, deps.now()))
    end_preparation(s, loaded.session.id)
    _cancel_planned(s, loaded.session.id)


def _cancel_planned(s: Session, session_id: int) -> None:
    for row in s.scalars(select(DueItem).where(DueItem.session_id == session_id, DueItem.status == "pending",
                                               DueItem.kind.in_(PLANNED_KINDS))):
        row.status = "cancelled"


# ---- a new moment ------------------------------------------------------------------------------------


def _day_warning(lang: str, moment: datetime, deps: Deps) -> str | None:
    """Why this day is not a working day (a weekend or a Dutch public holiday), or None."""
    day = moment.astimezone(deps.settings.tz).date()
    if is_working_day(day):
        return None
    name = holidays.country_holidays("NL", years=day.year, language="nl" if lang == "nl" else "en_US").get(day)
    if name:
        return t(lang, "rounds.move.holiday", name=name)
    return t(lang, "rounds.move.weekend")


def reschedule(deps: Deps, team_id: str, user_id: str, session_id: int | None, on: date | None,
               at: time | None, confirm: bool) -> dict | None:
    """A new moment for a planned (or cancelled) session; errors per field for a past day or an
    unconfirmed weekend or holiday."""
    with asking(deps, team_id, user_id) as me:
        loaded = _planned(me, session_id)
        if on is None:
            return {"date": me.text("errors.bad_date")}
        opens = datetime.combine(on, at or DEFAULT_TIME, tzinfo=deps.settings.tz)
        if opens <= deps.now():
            return {"date": me.text("rounds.move.past")}
        warning = _day_warning(me.lang, opens, deps)
        if warning and not confirm:
            return {"confirm": warning}
        loaded.session.scheduled_at = opens
        plan_row(me.s, loaded.session.id).cancelled_at = None
        _move_due(me.s, deps, loaded, opens)
        send_invites(me.s, deps, loaded.session)  # moved (or planned again after a cancellation)
        when = date_token(opens, format_when(deps, opens))
        _tell_people(me.s, deps, loaded, "rounds.move.moved", f"moved:{loaded.session.id}:{opens.isoformat()}",
                     _prep_button(loaded.session.id), date=when)
        outgoing(me.s, loaded).to_thread(loaded.session, t(loaded.lang, "rounds.move.moved_thread", date=when))
        refresh_root(me.s, deps, loaded.session)
    return None


# ---- cancel --------------------------------------------------------------------------------------------


def cancel(deps: Deps, team_id: str, user_id: str, session_id: int | None, reason: str) -> dict | None:
    """Nothing more is due; participants are told; their preparation stays for a next date."""
    with asking(deps, team_id, user_id) as me:
        loaded = _planned(me, session_id)
        plan = plan_row(me.s, loaded.session.id)
        if plan.cancelled_at is None:
            plan.cancelled_at = deps.now()
            cancel_session_work(me.s, loaded.session.id)
            send_cancellation(me.s, deps, loaded.session)  # METHOD:CANCEL for the calendar entry
            why = t(loaded.lang, "rounds.cancel.why", reason=reason[:500]) if reason else ""
            _tell_people(me.s, deps, loaded, "rounds.cancel.told", f"cancelled:{loaded.session.id}:"
                         f"{plan.cancelled_at.isoformat()}", reason=why)
            outgoing(me.s, loaded).to_thread(loaded.session, t(loaded.lang, "rounds.cancel.thread",
                                                               user=mention(me.user_id), reason=why))
            refresh_root(me.s, deps, loaded.session)
    return None
