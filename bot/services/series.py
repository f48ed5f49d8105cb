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
from bot.services.due import handler
from bot.services.people import ensure_person, ensure_workspace, is_coordinator, language_of
from bot.services.planning import _fmt_when, add_due, plan_scheduled_session
from bot.services.recurrence import EVERY_MONTHS, describe, next_after
from bot.slack.ids import small_int
from flows import engine as fe
from storage.models import Action, ConversationSession, DueItem, Outcome, Participant, Person, Series
from storage.outbox import enqueue


def schedule_next_cycle(s: Session, deps: Deps, session: ConversationSession) -> None:
    if session.series_id is not None:
        add_due(s, "next_cycle", deps.now(), dedupe_key=f"next_cycle:{session.id}", session_id=session.id)


@handler("next_cycle")
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
        request_key=f"series:{series.id}:{when.isoformat()}", state=state.to_dict(),
    )
    s.add(nxt)
    s.flush()
    for user_id, role in roles.items():
        person = s.scalar(select(Person).where(Person.workspace_id == series.workspace_id,
                                               Person.slack_user_id == user_id))
        if person is None:
            person = Person(workspace_id=series.workspace_id, slack_user_id=user_id)
            s.add(person)
            s.flush()
        s.add(Participant(session_id=nxt.id, person_id=person.id, role=role))
    carried = 0
    for action in s.scalars(select(Action).where(Action.session_id == previous.id, Action.status == "open")):
        s.add(Action(session_id=nxt.id, what=action.what, owner_party=action.owner_party,
                     owner_person_id=action.owner_person_id, due_date=action.due_date, indicator=action.indicator,
                     target=action.target, status="open", carried_from_id=action.id, created_by=action.created_by,
                     anonymous=action.anonymous))
        carried += 1
    s.flush()
    from bot.services.starting import post_scheduled_root
    from storage.models import Workspace

    workspace = s.get(Workspace, series.workspace_id)
    post_scheduled_root(s, deps, nxt, workspace)
    plan_scheduled_session(s, deps, nxt, workspace)
    lang = previous.language
    enqueue(s, method="chat.postMessage",
            payload={"channel": previous.channel_id, "thread_ts": previous.thread_ts or None,
                     "text": t(lang, "series.next_created", date=_fmt_when(deps, when), count=carried),
                     "_report_to": series.created_by},
            channel_key=previous.channel_id, workspace_id=series.workspace_id, dedupe_key=f"next_note:{previous.id}")


def _next_date(s: Session, deps: Deps, series: Series) -> str:
    upcoming = s.scalar(select(ConversationSession.scheduled_at).where(
        ConversationSession.series_id == series.id, ConversationSession.status == "scheduled")
        .order_by(ConversationSession.scheduled_at).limit(1))
    return _fmt_when(deps, upcoming) if upcoming else ""


def series_lines(s: Session, deps: Deps, workspace_id: int, lang: str) -> list[str]:
    lines = []
    for series in s.scalars(select(Series).where(Series.workspace_id == workspace_id).order_by(Series.id)):
        outcome = s.get(Outcome, series.outcome_id)
        nxt = _next_date(s, deps, series) if series.status == "active" else ""
        lines.append(t(lang, "series.line", id=series.id, outcome=outcome.name if outcome else "",
                       flow=deps.flows.get(series.flow_id).title.get(lang), rule=describe(series.rule, lang),
                       status=t(lang, f"series.status_{series.status}"),
                       next=t(lang, "series.next", date=nxt) if nxt else ""))
    return lines


def reeks_command(deps: Deps, command: dict, rest: str, lang: str) -> str:
    """`/gesprek reeks [pauzeer|hervat|stop|ritme] [ID] [maand|kwartaal|halfjaar|jaar]` (coordinators)."""
    team_id, user_id = command.get("team_id", ""), command.get("user_id", "")
    parts = rest.split()
    with deps.db.unit_of_work() as s:
        workspace = ensure_workspace(s, team_id, language=deps.settings.language)
        person = ensure_person(s, deps, workspace, user_id)
        lang = language_of(person, deps)
        if not is_coordinator(s, workspace, person):
            return t(lang, "errors.not_coordinator")
        if not parts:
            lines = series_lines(s, deps, workspace.id, lang)
            return "\n".join([f"*{t(lang, 'series.header')}*", *lines]) if lines else t(lang, "series.none")
        verb = parts[0].lower()
        if verb not in ("pauzeer", "pause", "hervat", "resume", "stop", "ritme", "rhythm") or len(parts) < 2 \
                or small_int(parts[1].lstrip("#")) is None:
            return t(lang, "series.usage")
        series_id = small_int(parts[1].lstrip("#"))
        series = s.get(Series, series_id)
        if series is None or series.workspace_id != workspace.id:
            return t(lang, "series.unknown", id=series_id)
        if verb in ("pauzeer", "pause"):
            series.status = "paused"
            return t(lang, "series.paused", id=series_id)
        if verb in ("hervat", "resume"):
            series.status = "active"
            return t(lang, "series.resumed", id=series_id)
        if verb == "stop":
            series.status = "stopped"
            for planned in s.scalars(select(ConversationSession).where(
                    ConversationSession.series_id == series.id, ConversationSession.status == "scheduled")):
                planned.status = "closed"
                for item in s.scalars(select(DueItem).where(DueItem.session_id == planned.id,
                                                            DueItem.status == "pending")):
                    item.status = "cancelled"
            return t(lang, "series.stopped", id=series_id)
        if len(parts) < 3 or parts[2].lower() not in EVERY_MONTHS:
            return t(lang, "series.usage")
        series.rule = {**series.rule, "every": parts[2].lower()}
        return t(lang, "series.changed", id=series_id, rule=describe(series.rule, lang))
