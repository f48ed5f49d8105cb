"""The preparation round from the participant's side: the prep modal, saving it, and the
snooze / away / decline choices every reminder offers.

Why answers go through a modal: Slack may drop an event, but a view submission is only
acknowledged after our commit, so nothing a person wrote is lost.
"""

from __future__ import annotations

import json
from datetime import date, timedelta

from sqlalchemy import select

from bot.i18n import t
from bot.runtime.deps import Deps
from bot.services.people import ensure_person, ensure_workspace, language_of
from bot.services.planning import PREP_STAGE, carried_actions
from bot.services.refusal import Refusal
from bot.services.worktime import next_nudge_moment, zone
from bot.slack.blocks.kit import MODAL_TITLE_MAX, clip, context, plain, section
from bot.slack.ids import View
from storage.models import Action, Answer, ConversationSession, Outcome, Participant, Person, Workspace

ACTION_QUESTION = "action_{id}"


def _own(s, deps: Deps, team_id: str, user_id: str, session_id: int):
    workspace = ensure_workspace(s, team_id, language=deps.settings.language)
    person = ensure_person(s, deps, workspace, user_id, fetch=False)
    lang = language_of(person, deps)
    session = s.get(ConversationSession, session_id)
    if session is None or session.workspace_id != workspace.id:
        raise Refusal(t(lang, "errors.stale"))
    participant = s.scalar(select(Participant).where(Participant.session_id == session.id,
                                                     Participant.person_id == person.id))
    if participant is None:
        raise Refusal(t(lang, "errors.not_participant"))
    return workspace, person, lang, session, participant


def prep_modal(deps: Deps, team_id: str, user_id: str, session_id: int) -> dict:
    """The prep questions for this person's role, carried-over actions first, prefilled with
    what they already wrote (they may edit until the session begins)."""
    with deps.db.reader() as s:
        _w, _p, lang, session, participant = _own(s, deps, team_id, user_id, session_id)
        if session.status != "scheduled":
            raise Refusal(t(lang, "errors.stage_not_open"))
        flow = deps.flows.get(session.flow_id, session.flow_version)
        outcome = s.get(Outcome, session.outcome_id)
        own = {a.question_id: a.value for a in s.scalars(select(Answer).where(
            Answer.session_id == session.id, Answer.stage_id == PREP_STAGE, Answer.participant_id == participant.id))}
        theme = session.theme or "…"
        blocks: list[dict] = [section(f"*{clip(outcome.name, 200)}*")]
        if flow.preparation is not None:
            blocks.append(context(clip(flow.preparation.purpose.get(lang).replace("{theme}", theme), 2000)))
        for action in carried_actions(s, session.id)[:10]:
            qid = ACTION_QUESTION.format(id=action.id)
            blocks.append(_text_input(qid, t(lang, "prep.action_question", what=clip(action.what, 150)),
                                      own.get(qid), optional=True))
        for q in flow.preparation.questions_for(participant.role) if flow.preparation else ():
            block = _text_input(q.id, q.label.get(lang).replace("{theme}", theme), own.get(q.id),
                                optional=not q.required)
            if q.hint is not None:
                block["hint"] = plain(q.hint.get(lang).replace("{theme}", theme), 2000)
            blocks.append(block)
    return {
        "type": "modal", "callback_id": View.PREP.value,
        "title": plain(clip(t(lang, "prep.title"), MODAL_TITLE_MAX), MODAL_TITLE_MAX),
        "submit": plain(clip(t(lang, "prep.submit"), MODAL_TITLE_MAX), MODAL_TITLE_MAX),
        "close": plain(clip(t(lang, "start.cancel"), MODAL_TITLE_MAX), MODAL_TITLE_MAX),
        "private_metadata": json.dumps({"session": session_id}), "blocks": blocks[:100],
    }


def _text_input(qid: str, label: str, current: str | None, *, optional: bool) -> dict:
    element = {"type": "plain_text_input", "action_id": "value", "multiline": True, "max_length": 3000}
    if current:
        element["initial_value"] = current[:3000]
    return {"type": "input", "block_id": f"q:{qid}", "label": plain(label, 2000), "element": element,
            "optional": optional}


def submit_prep(deps: Deps, team_id: str, user_id: str, session_id: int, values: dict[str, str]) -> str:
    """Store prep answers (replacing earlier ones); returns the thank-you text."""
    with deps.db.unit_of_work() as s:
        workspace, _p, lang, session, participant = _own(s, deps, team_id, user_id, session_id)
        if session.status != "scheduled":
            raise Refusal(t(lang, "errors.stage_not_open"))
        flow = deps.flows.get(session.flow_id, session.flow_version)
        allowed = {q.id for q in (flow.preparation.questions_for(participant.role) if flow.preparation else ())}
        allowed |= {ACTION_QUESTION.format(id=a.id) for a in carried_actions(s, session.id)}
        for qid, value in values.items():
            if qid not in allowed:
                continue
            value = (value or "").strip()[:3000]
            row = s.scalar(select(Answer).where(Answer.session_id == session.id, Answer.stage_id == PREP_STAGE,
                                                Answer.question_id == qid, Answer.participant_id == participant.id))
            if row is None and value:
                s.add(Answer(session_id=session.id, stage_id=PREP_STAGE, question_id=qid,
                             participant_id=participant.id, value=value))
            elif row is not None and value:
                row.value = value
            elif row is not None:
                s.delete(row)
            if qid.startswith("action_") and value:
                action = s.get(Action, int(qid.split("_", 1)[1]))
                if action is not None and action.session_id == session.id:
                    action.comment = value
        outcome = s.get(Outcome, session.outcome_id)
        return t(lang, "prep.saved", outcome=outcome.name)


def snooze(deps: Deps, team_id: str, user_id: str, session_id: int) -> str:
    """No reminders for this session for a day (then at the next allowed moment)."""
    with deps.db.unit_of_work() as s:
        workspace, person, lang, _session, participant = _own(s, deps, team_id, user_id, session_id)
        policy_hours = _hours(workspace)
        until = next_nudge_moment(deps.now() + timedelta(hours=24), zone(person.tz, deps.settings.timezone),
                                  policy_hours)
        participant.snoozed_until = until
        return t(lang, "remind.snoozed", date=until.astimezone(zone(person.tz)).strftime("%d-%m-%Y %H:%M"))


def decline(deps: Deps, team_id: str, user_id: str, session_id: int) -> str:
    with deps.db.unit_of_work() as s:
        _w, _p, lang, _session, participant = _own(s, deps, team_id, user_id, session_id)
        participant.status = "declined"
        return t(lang, "remind.declined")


def absent_modal(deps: Deps, team_id: str, user_id: str, session_id: int) -> dict:
    with deps.db.reader() as s:
        _w, _p, lang, _session, participant = _own(s, deps, team_id, user_id, session_id)
        initial = (participant.absent_until or (deps.now().date() + timedelta(days=7))).isoformat()
    return {
        "type": "modal", "callback_id": View.ABSENT.value,
        "title": plain(clip(t(lang, "remind.absent_title"), MODAL_TITLE_MAX), MODAL_TITLE_MAX),
        "submit": plain(clip(t(lang, "prep.submit"), MODAL_TITLE_MAX), MODAL_TITLE_MAX),
        "private_metadata": json.dumps({"session": session_id}),
        "blocks": [{"type": "input", "block_id": "until", "label": plain(t(lang, "remind.absent_until")),
                    "element": {"type": "datepicker", "action_id": "value", "initial_date": initial}}],
    }


def set_absent(deps: Deps, team_id: str, user_id: str, session_id: int, until: date) -> str:
    with deps.db.unit_of_work() as s:
        _w, _p, lang, _session, participant = _own(s, deps, team_id, user_id, session_id)
        participant.absent_until = until
        return t(lang, "remind.absent_saved", date=until.strftime("%d-%m-%Y"))


def _hours(workspace: Workspace):
    from bot.services.planning import policy_of

    return policy_of(workspace).hours


__all__ = ["Person", "absent_modal", "decline", "prep_modal", "set_absent", "snooze", "submit_prep"]
