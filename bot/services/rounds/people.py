"""People come and go: a coordinator adds and removes participants of a planned or running
session (and, for a series, of its next sessions).

Why through the engine: who is awaited is the engine's answer, so adding and removing are
engine transitions (`fe.add_participant`, `fe.remove_participant`) and the participant rows
follow them. Progress lines, reminders and closing a stage then use the current people by
themselves. A removed person's answers stay, marked as removed, unless they are erased.

A late joiner gets what they missed: in a running session the revealed stages so far and the
open stage to answer; in a planned one the preparation. Removing the last person of a party
needs a confirmation; removing the only coordinator is refused.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from bot.i18n import t
from bot.runtime.deps import Deps
from bot.services.common.agenda import add_due, nudge_moment, schedule_stage_reminders
from bot.services.common.caller import Caller, asking
from bot.services.common.people import ensure_person, language_of
from bot.services.common.store import Loaded
from bot.services.conversation.thread import outgoing, update_stage
from bot.services.conversation.turn import settle, turn
from bot.services.rounds.checks import PARTIES
from bot.services.rounds.root import refresh_root
from bot.slack.blocks.kit import actions, button, header, section
from bot.slack.blocks.planning import PeopleChange, people_modal
from bot.slack.blocks.reveal import stage_answer_blocks
from bot.slack.blocks.stage import stage_ref
from bot.slack.ids import Action
from bot.slack.markup import mention
from flows import engine as fe
from flows.roles import role_label, side_of_role
from storage.models import Outcome, Participant, Person, Series


def people_view(deps: Deps, team_id: str, user_id: str, session_id: int | None) -> dict:
    with asking(deps, team_id, user_id, write=False) as me:
        loaded = me.session(session_id, coordinator=True, running=True)
        outcome = me.s.get(Outcome, loaded.session.outcome_id)
        active = [(uid, p) for uid, p in loaded.participants.items() if p.status != "removed"]
        current = " · ".join(f"{mention(uid)} ({role_label(p.role, me.lang)})" for uid, p in active)
        names = {uid: me.s.get(Person, p.person_id).display_name or uid for uid, p in active}
        removable = [(uid, f"{names[uid]} – {role_label(p.role, me.lang)}") for uid, p in active]
        return people_modal(me.lang, loaded.session.id, outcome.name if outcome else "",
                            me.text("rounds.people.current", names=current or "–"), removable,
                            series=loaded.session.series_id is not None)


def _sides(state: fe.SessionState) -> set[str]:
    return {side_of_role(role) for uid, role in state.participants.items() if state.is_active(uid)}


def _dry_run(me: Caller, loaded: Loaded, change: PeopleChange) -> tuple[fe.SessionState, dict[str, str]]:
    """The engine's state after the change, or the errors per field that stop it."""
    state, errors = loaded.state, {}
    for user, role in change.adds.items():
        try:
            state, _ = fe.add_participant(state, user, role)
        except fe.AlreadyParticipant:
            errors["add_sw"] = me.text("rounds.people.already", user=mention(user))
    for user in change.removes:
        if user not in state.participants:
            continue
        try:
            state, _ = fe.remove_participant(state, user)
        except fe.LastCoordinator:
            errors["remove"] = me.text("rounds.people.last_coordinator")
        except fe.NoParticipants:
            errors["remove"] = me.text("rounds.people.last_person")
    emptied = [party for party in PARTIES if party in _sides(loaded.state) - _sides(state)]
    if emptied and not change.confirm and "remove" not in errors:
        errors["confirm"] = me.text("rounds.people.last_of_party",
                                    party=", ".join(me.text(f"sides.{p}") for p in emptied))
    return state, errors


def change_people(deps: Deps, team_id: str, user_id: str, session_id: int | None,
                  change: PeopleChange) -> dict[str, str] | None:
    """Apply a coordinator's additions and removals, or errors per field (nothing changes then)."""
    with asking(deps, team_id, user_id) as me:
        loaded = me.session(session_id, lock=True, coordinator=True, running=True)
        if not change.adds and not change.removes:
            return {"add_sw": me.text("rounds.people.nothing")}
        target, errors = _dry_run(me, loaded, change)
        if errors:
            return errors
        before = dict(loaded.participants)
        turn(me.s, deps, loaded, lambda flow, state: (target, []), lang=me.lang)
        joined = [u for u in change.adds if u not in before or before[u].status == "removed"]
        left = [u for u in change.removes if u in before and before[u].status != "removed"]
        _store_rows(me, loaded, change, left)
        _after_change(me, loaded, joined, left)
        if change.series and loaded.session.series_id is not None:
            _update_series(me.s, loaded.session.series_id, change)
    return None


def _store_rows(me: Caller, loaded: Loaded, change: PeopleChange, left: list[str]) -> None:
    for user, role in change.adds.items():
        row = loaded.participants.get(user)
        if row is None:
            person = ensure_person(me.s, me.deps, me.workspace, user, fetch=False)
            row = Participant(session_id=loaded.session.id, person_id=person.id, role=role)
            me.s.add(row)
            loaded.participants[user] = row
        elif row.status == "removed":
            row.status, row.role = "active", role
    for user in left:
        loaded.participants[user].status = "removed"
    me.s.flush()


def _after_change(me: Caller, loaded: Loaded, joined: list[str], left: list[str]) -> None:
    """What follows a change: the stage may close, its message shows the new counts, people are told."""
    s, deps = me.s, me.deps
    running = loaded.state.status == "running"
    if running:
        settle(s, deps, loaded)
        stage_id = loaded.state.current_stage_id
        if stage_id:
            update_stage(s, loaded, stage_id, deps)
            schedule_stage_reminders(s, deps, loaded, stage_id)
    for user in joined:
        participant = loaded.participants[user]
        if running:
            welcome_late(s, deps, loaded, user)
        else:
            person = s.get(Person, participant.person_id)
            add_due(s, "prep_dm", nudge_moment(deps, loaded.workspace, person, deps.now()),
                    dedupe_key=f"prep_dm:{loaded.session.id}:{participant.id}", session_id=loaded.session.id,
                    participant_id=participant.id)
    outcome = s.get(Outcome, loaded.session.outcome_id)
    for user in left:
        person = s.get(Person, loaded.participants[user].person_id)
        outgoing(s, loaded).to_person(user, t(language_of(person, deps), "rounds.people.removed_you",
                                              outcome=outcome.name if outcome else "", by=mention(me.user_id)))
    refresh_root(s, deps, loaded.session)


def welcome_late(s: Session, deps: Deps, loaded: Loaded, user: str) -> None:
    """A DM with what happened so far (the revealed stages) and the open stage to answer."""
    person = s.get(Person, loaded.participants[user].person_id)
    lang = language_of(person, deps)
    outcome = s.get(Outcome, loaded.session.outcome_id)
    title = t(lang, "rounds.people.welcome", outcome=outcome.name if outcome else "")
    blocks: list[dict] = [header(title), section(t(lang, "rounds.people.welcome_intro"))]
    for stage in loaded.flow.stages:
        status = loaded.state.stages[stage.id].status
        if stage.kind == "questions" and status in ("closed", "revealed"):
            summary = fe.stage_summary(loaded.flow, loaded.state, stage.id, lang, anonymous=loaded.anonymous)
            blocks += [section(f"*{stage.title.get(lang)}*"), *stage_answer_blocks(lang, summary)]
    current = loaded.state.current_stage_id
    if current and loaded.flow.stage(current).kind == "questions" \
            and loaded.flow.stage(current).answered_by(loaded.state.participants[user]):
        blocks.append(section(t(lang, "rounds.people.open_stage", stage=loaded.flow.stage(current).title.get(lang))))
        blocks.append(actions(button(t(lang, "session.answer_button"), Action.ANSWER_OPEN,
                                     stage_ref(loaded.session.id, current), style="primary"), block_id="late"))
    outgoing(s, loaded).to_person(user, title, blocks, dedupe=f"late:{loaded.session.id}:{user}:"
                                                            f"{loaded.participants[user].id}:{current}")


def _update_series(s: Session, series_id: int, change: PeopleChange) -> None:
    """The next sessions of the series take part with the same people."""
    series = s.get(Series, series_id)
    if series is None:
        return
    people = {p["user"]: p["role"] for p in series.participants or [] if p.get("user") not in change.removes}
    people.update(change.adds)
    series.participants = [{"user": user, "role": role} for user, role in people.items()]
