"""Recurring conversations: a series plans its next session, carries open actions over,
and coordinators can view, change, pause and stop it (`/gesprek reeks ...`).

Why the next session is created when the current one closes: that is the moment the
group agrees on actions; the next cycle then asks about those actions first.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.i18n import t
from bot.runtime.deps import Deps
from bot.services.common.agenda import cancel_session_work, plan_scheduled_session
from bot.services.common.calendar import send_cancellation
from bot.services.common.caller import asking
from bot.services.common.people import ensure_person
from bot.services.common.recurrence import EVERY_MONTHS, describe, next_after
from bot.services.common.worktime import format_when
from bot.services.conversation.starting import post_scheduled_root
from bot.slack.ids import small_int
from bot.slack.outgoing import Outgoing
from bot.texts.formatting import plural
from flows import engine as fe
from storage.models import Action, ConversationSession, DueItem, Outcome, Participant, Series, Workspace


def next_cycle(s: Session, deps: Deps, item: DueItem) -> None:
    """Create the series' next session (scheduled, with its prep round) and carry open actions."""
    previous = s.get(ConversationSession, item.session_id)
    if previous is None or previous.series_id is None:
        return
    series = s.get(Series, previous.series_id)
    if series is None or series.status != "active":
        return
    after = max(previous.scheduled_at or previous.started_at or deps.now(), deps.now())
    when = next_after(series.rule, series.timezone, after)
    flow = deps.flows.get(series.flow_id)
    roles = {p["user"]: p["role"] for p in series.participants}
    state = fe.plan_session(flow, roles, theme=previous.theme, visibility=previous.visibility)
    nxt = ConversationSession(
        workspace_id=series.workspace_id, outcome_id=series.outcome_id, series_id=series.id, flow_id=flow.id,
        flow_version=flow.version, channel_id=series.channel_id, theme=previous.theme, language=previous.language,
        visibility=state.visibility, status="scheduled", scheduled_at=when, created_by=series.created_by,
        request_key=f"series:{series.id}:{when.isoformat()}",
    )
    s.add(nxt)
    s.flush()
    workspace = s.get(Workspace, series.workspace_id)
    for user_id, role in roles.items():
        person = ensure_person(s, deps, workspace, user_id, fetch=False)
        s.add(Participant(session_id=nxt.id, person_id=person.id, role=role))
    carried = 0
    for action in s.scalars(select(Action).where(Action.session_id == previous.id, Action.status == "open")):
        s.add(Action(session_id=nxt.id, what=action.what, owner_party=action.owner_party,
                     owner_person_id=action.owner_person_id, due_date=action.due_date, indicator=action.indicator,
                     target=action.target, status="open", carried_from_id=action.id, created_by=action.created_by,
                     anonymous=action.anonymous))
        carried += 1
    s.flush()
    post_scheduled_root(s, deps, nxt, workspace)
    plan_scheduled_session(s, deps, nxt, workspace)
    lang = previous.language
    Outgoing(s, series.workspace_id, report_to=series.created_by, lang=lang).to_thread(
        previous, plural(lang, "series.next_created", carried, date=format_when(deps, when, series.timezone, lang)),
        dedupe=f"next_note:{previous.id}")


def _next_date(s: Session, deps: Deps, series: Series, lang: str) -> str:
    upcoming = s.scalar(select(ConversationSession.scheduled_at).where(
        ConversationSession.series_id == series.id, ConversationSession.status == "scheduled")
        .order_by(ConversationSession.scheduled_at).limit(1))
    return format_when(deps, upcoming, series.timezone, lang) if upcoming else ""


def series_lines(s: Session, deps: Deps, workspace_id: int, lang: str) -> list[str]:
    lines = []
    for series in s.scalars(select(Series).where(Series.workspace_id == workspace_id).order_by(Series.id)):
        outcome = s.get(Outcome, series.outcome_id)
        nxt = _next_date(s, deps, series, lang) if series.status == "active" else ""
        lines.append(t(lang, "series.line", id=series.id, outcome=outcome.name if outcome else "",
                       flow=deps.flows.get(series.flow_id).title.get(lang), rule=describe(series.rule, lang),
                       status=t(lang, f"series.status_{series.status}"),
                       next=t(lang, "series.next", date=nxt) if nxt else ""))
    return lines


def series_command(deps: Deps, team_id: str, user_id: str, rest: str) -> str:
    """`/gesprek reeks [pauzeer|hervat|stop|ritme] [ID] [maand|kwartaal|halfjaar|jaar]` (coordinators)."""
    parts = rest.split()
    with asking(deps, team_id, user_id) as me:
        if not me.is_coordinator():
            return me.text("errors.not_coordinator")
        if not parts:
            lines = series_lines(me.s, deps, me.workspace.id, me.lang)
            return "\n".join([f"*{me.text('series.header')}*", *lines]) if lines else me.text("series.none")
        verb = parts[0].lower()
        series_id = small_int(parts[1].lstrip("#")) if len(parts) > 1 else None
        if verb not in _VERBS or series_id is None:
            return me.text("series.usage")
        series = me.s.get(Series, series_id)
        if series is None or series.workspace_id != me.workspace.id:
            return me.text("series.unknown", id=series_id)
        if _VERBS[verb] == "pause":
            series.status = "paused"
            return me.text("series.paused", id=series_id)
        if _VERBS[verb] == "resume":
            series.status = "active"
            return me.text("series.resumed", id=series_id)
        if _VERBS[verb] == "stop":
            series.status = "stopped"
            for planned in me.s.scalars(select(ConversationSession).where(
                    ConversationSession.series_id == series.id, ConversationSession.status == "scheduled")):
                planned.status = "closed"
                cancel_session_work(me.s, planned.id)
                send_cancellation(me.s, deps, planned)
            return me.text("series.stopped", id=series_id)
        if len(parts) < 3 or parts[2].lower() not in EVERY_MONTHS:
            return me.text("series.usage")
        series.rule = {**series.rule, "every": parts[2].lower()}
        return me.text("series.changed", id=series_id, rule=describe(series.rule, me.lang))


_VERBS = {"pauzeer": "pause", "pause": "pause", "hervat": "resume", "resume": "resume", "stop": "stop",
          "ritme": "rhythm", "rhythm": "rhythm"}
