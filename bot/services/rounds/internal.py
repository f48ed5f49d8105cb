"""Internal preparation: before a joint session, one party holds its own short conversation
(flow `voorbereiding`), linked to the joint session, and chooses what it shares with it.

Why a group DM: only that party may see it, so the bot opens a conversation with exactly its
members (conversations.open with their user ids); nobody else can read or join it. One of them
leads it (the coordinator role inside it). Nothing goes to the joint session by itself: the
party picks the stages and whether the conclusion go to the joint preparation summary, plus an
optional note, and sees in its own DM what it shared.
"""

from __future__ import annotations

import logging

from slack_sdk.errors import SlackApiError
from sqlalchemy import select

from bot.i18n import t
from bot.runtime.deps import Deps
from bot.services.common.caller import Caller, asking
from bot.services.common.people import ensure_person
from bot.services.common.store import Loaded, save
from bot.services.conversation.thread import emit, outgoing
from bot.services.preparation.internal_shares import shared_blocks
from bot.services.rounds.root import post_root
from bot.slack.blocks.internal_prep import ShareChoice, internal_modal, share_modal
from bot.slack.blocks.kit import section
from bot.slack.outgoing import Outgoing
from flows import engine as fe
from flows.roles import side_of_role
from storage.models import ConversationSession, InternalPreparation, Participant
from storage.outbox import already_queued

log = logging.getLogger(__name__)
FLOW = "voorbereiding"
PARTIES = ("gemeente", "aanbieder")


def _members(loaded: Loaded, party: str) -> list[str]:
    return [u for u, p in loaded.participants.items()
            if p.status == "active" and p.role != "coordinator" and side_of_role(p.role) == party]


def _may_start(me: Caller, loaded: Loaded, party: str) -> bool:
    own = loaded.participants.get(me.user_id)
    in_party = own is not None and own.status == "active" and side_of_role(own.role) == party
    return in_party or me.is_coordinator(loaded)


def internal_view(deps: Deps, team_id: str, user_id: str, session_id: int | None) -> dict:
    with asking(deps, team_id, user_id, write=False) as me:
        loaded = me.session(session_id, as_participant=True, running=True)
        if loaded.state.status != "scheduled":
            raise me.refusal("rounds.internal.only_before")
        parties = [p for p in PARTIES if _members(loaded, p) and _may_start(me, loaded, p)]
        if not parties:
            raise me.refusal("errors.not_coordinator")
        own = loaded.participants.get(user_id)
        mine = side_of_role(own.role) if own is not None and own.role != "coordinator" else None
        return internal_modal(me.lang, loaded.session.id, parties, mine if mine in parties else parties[0])


def start_internal(deps: Deps, team_id: str, user_id: str, session_id: int | None, party: str,
                   leader: str | None) -> dict | None:
    """Open the party's group DM and start its internal preparation there (errors per field)."""
    with asking(deps, team_id, user_id) as me:
        joint = me.session(session_id, lock=True, as_participant=True, running=True)
        if joint.state.status != "scheduled":
            raise me.refusal("rounds.internal.only_before")
        members = _members(joint, party) if party in PARTIES else []
        if not members or not _may_start(me, joint, party):
            return {"party": me.text("rounds.internal.no_members")}
        if me.s.scalar(select(InternalPreparation.session_id).where(
                InternalPreparation.joint_session_id == joint.session.id, InternalPreparation.party == party)):
            return {"party": me.text("rounds.internal.exists", party=me.text(f"sides.{party}"))}
        if leader and leader not in members:
            return {"leader": me.text("rounds.internal.leader_not_member")}
        leader = leader or (user_id if user_id in members else members[0])
        try:
            channel = deps.tokens.client(team_id).conversations_open(users=",".join(members))["channel"]["id"]
        except SlackApiError as exc:
            log.info("conversations.open for an internal preparation failed: %s", exc.response.get("error"))
            return {"party": me.text("errors.generic")}
        _create(me, joint, party, channel, {u: ("coordinator" if u == leader else joint.participants[u].role)
                                            for u in members}, leader)
    return None


def _create(me: Caller, joint: Loaded, party: str, channel: str, roles: dict[str, str], leader: str) -> None:
    flow = me.deps.flows.get(FLOW)
    now = me.deps.now()
    state, events = fe.start_session(flow, roles, now)
    session = ConversationSession(
        workspace_id=me.workspace.id, outcome_id=joint.session.outcome_id, flow_id=flow.id,
        flow_version=flow.version, channel_id=channel, language=joint.session.language, visibility=state.visibility,
        status=state.status, started_at=now, created_by=leader,
        request_key=f"internal:{joint.session.id}:{party}")
    me.s.add(session)
    me.s.flush()
    me.s.add(InternalPreparation(session_id=session.id, joint_session_id=joint.session.id, party=party))
    people = {}
    for user, role in roles.items():
        person = ensure_person(me.s, me.deps, me.workspace, user, fetch=False)
        people[user] = Participant(session_id=session.id, person_id=person.id, role=role)
        me.s.add(people[user])
    me.s.flush()
    loaded = Loaded(session, me.workspace, flow, state, people, {})
    save(me.s, loaded, state)
    post_root(me.s, me.deps, session)
    emit(me.s, loaded, events, me.deps)


def _leads(me: Caller, loaded: Loaded) -> bool:
    own = loaded.participants.get(me.user_id)
    return loaded.session.created_by == me.user_id or (own is not None and own.role == "coordinator"
                                                       and own.status == "active")


def share_view(deps: Deps, team_id: str, user_id: str, session_id: int | None) -> dict:
    with asking(deps, team_id, user_id, write=False) as me:
        loaded = me.session(session_id, as_participant=True)
        internal = me.s.get(InternalPreparation, loaded.session.id)
        if internal is None or not _leads(me, loaded):
            raise me.refusal("rounds.internal.only_leader")
        stages = [(s.id, s.title.get(me.lang)) for s in loaded.flow.stages
                  if s.kind == "questions" and loaded.state.stages[s.id].status in ("closed", "revealed")
                  and any(q.visible_for("participant") for q in s.questions)]
        return share_modal(me.lang, loaded.session.id, stages, internal.shared or {})


def share(deps: Deps, team_id: str, user_id: str, session_id: int | None, choice: ShareChoice) -> dict | None:
    """Store what the party shares; it reaches the joint summary (or the joint thread, if that is
    already there) and the party sees in its own DM what it shared."""
    with asking(deps, team_id, user_id) as me:
        loaded = me.session(session_id, lock=True, as_participant=True)
        internal = me.s.get(InternalPreparation, loaded.session.id)
        if internal is None or not _leads(me, loaded):
            raise me.refusal("rounds.internal.only_leader")
        if not choice.stages and not choice.conclusion and not choice.note:
            return {"stages": me.text("rounds.internal.choose")}
        internal.shared = {"stages": [s for s in choice.stages if loaded.flow.has_stage(s)],
                           "conclusion": choice.conclusion, "note": choice.note[:2000]}
        internal.shared_at = deps.now()
        me.s.flush()
        joint = me.s.get(ConversationSession, internal.joint_session_id)
        stamp = internal.shared_at.isoformat()
        if joint is not None and (joint.status != "scheduled" or already_queued(me.s, f"prep_summary:{joint.id}")):
            blocks = shared_blocks(me.s, deps, internal, joint.language)
            Outgoing(me.s, me.workspace.id, report_to=joint.created_by, lang=joint.language).to_thread(
                joint, t(joint.language, "rounds.internal.shared_late"), blocks,
                dedupe=f"internal_share:{internal.session_id}:{stamp}")
        mine = shared_blocks(me.s, deps, internal, loaded.lang)
        head = t(loaded.lang, "rounds.internal.shared_you")
        outgoing(me.s, loaded).to_thread(loaded.session, head, [section(head), *mine],
                                         dedupe=f"internal_shared:{internal.session_id}:{stamp}")
    return None
