"""The preparation round from the participant's side: the prep modal, saving it, and the
snooze / away / decline choices every reminder offers.

Why answers go through a modal: Slack may drop an event, but a view submission is only
acknowledged after our commit, so nothing a person wrote is lost.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from bot.runtime.deps import Deps
from bot.services.common.agenda import nudge_moment
from bot.services.common.caller import Caller, asking
from bot.services.common.store import PREP_STAGE
from bot.services.common.worktime import format_when
from bot.services.conversation.thread import update_stage
from bot.services.conversation.turn import settle
from bot.services.preparation.rounds import carried_actions
from bot.slack.blocks.kit import clip
from bot.slack.blocks.preparation import PrepField, absent_modal, prep_modal
from bot.texts.formatting import format_date
from storage.models import Action, Answer, Outcome

ACTION_QUESTION = "action_{id}"


def prep_view(deps: Deps, team_id: str, user_id: str, session_id: int | None) -> dict:
    """The prep questions for this person's role, carried-over actions first, prefilled with
    what they already wrote (they may edit until the session begins)."""
    with asking(deps, team_id, user_id, write=False) as me:
        session, participant = me.participation(session_id)
        if session.status != "scheduled":
            raise me.refusal("errors.stage_not_open")
        flow = deps.flows.get(session.flow_id, session.flow_version)
        own = {a.question_id: a.value for a in me.s.scalars(select(Answer).where(
            Answer.session_id == session.id, Answer.stage_id == PREP_STAGE, Answer.participant_id == participant.id))}
        theme = session.theme or "…"
        fields = [PrepField(ACTION_QUESTION.format(id=a.id), me.text("prep.action_question", what=clip(a.what, 150)),
                            own.get(ACTION_QUESTION.format(id=a.id)), optional=True)
                  for a in carried_actions(me.s, session.id)[:10]]
        for q in flow.preparation.questions_for(participant.role) if flow.preparation else ():
            fields.append(PrepField(q.id, q.label.get(me.lang).replace("{theme}", theme), own.get(q.id),
                                    q.hint.get(me.lang).replace("{theme}", theme) if q.hint else None,
                                    optional=not q.required))
        purpose = flow.preparation.purpose.get(me.lang).replace("{theme}", theme) if flow.preparation else None
        return prep_modal(me.lang, session.id, me.s.get(Outcome, session.outcome_id).name, purpose, fields)


def submit_prep(deps: Deps, team_id: str, user_id: str, session_id: int | None, values: dict[str, str], *,
                confirm: bool = False) -> str:
    """Store prep answers (replacing earlier ones); returns the thank-you text (and, with
    `confirm`, sends it as a DM in the same transaction)."""
    with asking(deps, team_id, user_id) as me:
        session, participant = me.participation(session_id)
        if session.status != "scheduled":
            raise me.refusal("errors.stage_not_open")
        flow = deps.flows.get(session.flow_id, session.flow_version)
        allowed = {q.id for q in (flow.preparation.questions_for(participant.role) if flow.preparation else ())}
        allowed |= {ACTION_QUESTION.format(id=a.id) for a in carried_actions(me.s, session.id)}
        rows = {a.question_id: a for a in me.s.scalars(select(Answer).where(
            Answer.session_id == session.id, Answer.stage_id == PREP_STAGE, Answer.participant_id == participant.id))}
        for qid, value in values.items():
            if qid not in allowed:
                continue
            value = (value or "").strip()[:3000]
            row = rows.get(qid)
            if row is None and value:
                me.s.add(Answer(session_id=session.id, stage_id=PREP_STAGE, question_id=qid,
                                participant_id=participant.id, value=value))
            elif row is not None and value:
                row.value = value
            elif row is not None:
                me.s.delete(row)
            if qid.startswith("action_") and value:
                action = me.s.get(Action, int(qid.split("_", 1)[1]))
                if action is not None and action.session_id == session.id:
                    action.comment = value
        text = me.text("prep.saved", outcome=me.s.get(Outcome, session.outcome_id).name)
        return me.confirm(text) if confirm else text


def snooze(deps: Deps, team_id: str, user_id: str, session_id: int | None) -> str:
    """No reminders for this session for a day (then at the next allowed moment)."""
    with asking(deps, team_id, user_id) as me:
        _session, participant = me.participation(session_id)
        until = nudge_moment(deps, me.workspace, me.person, deps.now() + timedelta(hours=24))
        participant.snoozed_until = until
        return me.text("remind.snoozed", date=format_when(deps, until, me.person.tz, me.lang))


def decline(deps: Deps, team_id: str, user_id: str, session_id: int | None) -> str:
    """'I am not taking part': no more nudges, and nobody waits for this person's answers."""
    with asking(deps, team_id, user_id) as me:
        session, participant = me.participation(session_id)
        participant.status = "declined"
        if session.status == "running":
            _regroup(me, session.id)
        return me.text("remind.declined")


def _regroup(me: Caller, session_id: int) -> None:
    """Someone stopped being awaited: the open stage shows it, and closes if everyone else answered."""
    me.s.flush()
    loaded = me.session(session_id, lock=True)
    if loaded.state.current_stage_id:
        update_stage(me.s, loaded, loaded.state.current_stage_id)
    settle(me.s, me.deps, loaded)


def absent_view(deps: Deps, team_id: str, user_id: str, session_id: int | None) -> dict:
    with asking(deps, team_id, user_id, write=False) as me:
        session, participant = me.participation(session_id)
        initial = (participant.absent_until or (deps.now().date() + timedelta(days=7))).isoformat()
        return absent_modal(me.lang, session.id, initial)


def set_absent(deps: Deps, team_id: str, user_id: str, session_id: int | None, until: date, *,
               confirm: bool = False) -> str:
    with asking(deps, team_id, user_id) as me:
        _session, participant = me.participation(session_id)
        participant.absent_until = until
        text = me.text("remind.absent_saved", date=format_date(until, me.lang))
        return me.confirm(text) if confirm else text
