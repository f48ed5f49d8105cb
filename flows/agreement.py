"""Agreeing on a short text together: a stage's shared picture, or the conclusion at the close.

Both go the same way, so they share one set of transitions:

    draft  →  everyone confirms the current version, or proposes a change
           →  the coordinator settles each proposal (accept: it becomes the next version;
              reject: it stays on record)  →  the coordinator finalises.

Rules (each refusal has its own error class):
- a shared picture is drafted by a coordinator, or by any participant when the flow says
  `drafted_by: anyone`; it is one to three sentences. The conclusion is drafted by a coordinator.
- pictures can only be drafted once the stage's answers are visible and while the stage is
  current; the conclusion while its stage is current.
- confirmations are per person and belong to one version: a new version empties them, and
  confirming a version that was replaced is refused (`stale_version`). Confirming twice counts once.
- a person has at most one open proposal: a new one replaces it; confirming withdraws it;
  proposing takes back one's confirmation. An accepted proposal counts as its author's confirmation.
- the coordinator finalises only when no proposal is open; after that nothing changes.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from flows import events as ev
from flows import transition_errors as E
from flows.guards import (
    clean_text,
    require_coordinator,
    require_participant,
    require_running,
    require_stage,
    require_together_phase,
)
from flows.model import Flow
from flows.participation import awaited, eligible
from flows.state import Agreement, DraftVersion, Proposal, SessionState

PICTURE_MAX = 600
PICTURE_SENTENCES = 3
CONCLUSION_MAX = 1500

Step = tuple[SessionState, list[ev.Event]]


def _limits(kind: str) -> tuple[int, int | None]:
    return (PICTURE_MAX, PICTURE_SENTENCES) if kind == "picture" else (CONCLUSION_MAX, None)


def _agreement(flow: Flow, state: SessionState, stage_id: str) -> Agreement:
    """The stage's agreement (empty when nothing was drafted yet), after checking it may change now."""
    stage = require_stage(flow, stage_id)
    kind = stage.agreement_kind
    if kind is None:
        raise E.NoAgreementHere(stage_id)
    if kind == "picture":
        require_together_phase(state, stage_id)
    else:
        require_running(state)
        if state.stages[stage_id].status not in ("open", "revealed"):
            raise E.StageNotOpen(stage_id)
    agreement = state.agreements.get(stage_id) or Agreement(kind)
    if agreement.is_final:
        raise E.AgreementFinal(stage_id)
    return agreement


def _with(state: SessionState, stage_id: str, agreement: Agreement) -> SessionState:
    return replace(state, agreements={**state.agreements, stage_id: agreement})


def _new_version(agreement: Agreement, text: str, author: str, now: datetime) -> Agreement:
    number = agreement.current.number + 1 if agreement.current else 1
    return replace(agreement, versions=(*agreement.versions, DraftVersion(number, text, author, now)),
                   confirmations=frozenset())


def draft_agreement(flow: Flow, state: SessionState, stage_id: str, author: str, text: str,
                    now: datetime) -> Step:
    """Write the first or a new version; a new version empties the confirmations."""
    agreement = _agreement(flow, state, stage_id)
    require_participant(state, author)
    picture = flow.stage(stage_id).shared_picture
    anyone = picture is not None and picture.drafted_by == "anyone"
    if not anyone:
        require_coordinator(state, author)
    limit, sentences = _limits(agreement.kind)
    clean = clean_text(text, limit, sentences=sentences)
    if agreement.current and agreement.current.text == clean:
        return state, []  # the same text twice (a double click) is not a new version
    agreement = _new_version(agreement, clean, author, now)
    return _with(state, stage_id, agreement), [ev.AgreementDrafted(stage_id, agreement.current.number, author)]


def confirm_agreement(flow: Flow, state: SessionState, stage_id: str, participant: str, version: int,
                      now: datetime) -> Step:  # noqa: ARG001 - every transition takes `now`
    """`participant` stands behind version `version`; a second confirmation changes nothing."""
    agreement = _agreement(flow, state, stage_id)
    require_participant(state, participant)
    if agreement.current is None:
        raise E.NoDraft(stage_id)
    if version != agreement.current.number:
        raise E.StaleVersion(f"{stage_id} v{version}")
    if participant in agreement.confirmations:
        return state, []
    proposals = tuple(replace(p, status="withdrawn") if p.author == participant and p.status == "open" else p
                      for p in agreement.proposals)
    agreement = replace(agreement, confirmations=agreement.confirmations | {participant}, proposals=proposals)
    return _with(state, stage_id, agreement), [ev.AgreementConfirmed(stage_id, version, participant)]


def propose_change(flow: Flow, state: SessionState, stage_id: str, participant: str, text: str,
                   now: datetime) -> Step:  # noqa: ARG001 - every transition takes `now`
    """Suggest other words; replaces the person's earlier open proposal and takes back their confirmation."""
    agreement = _agreement(flow, state, stage_id)
    require_participant(state, participant)
    if agreement.current is None:
        raise E.NoDraft(stage_id)
    limit, sentences = _limits(agreement.kind)
    clean = clean_text(text, limit, sentences=sentences)
    mine = next((p for p in agreement.open_proposals() if p.author == participant), None)
    if mine is not None and mine.text == clean:
        return state, []
    proposals = tuple(replace(p, status="withdrawn") if p is mine else p for p in agreement.proposals)
    proposal = Proposal(f"p{len(proposals) + 1}", participant, clean, agreement.current.number)
    agreement = replace(agreement, proposals=(*proposals, proposal),
                        confirmations=agreement.confirmations - {participant})
    return _with(state, stage_id, agreement), [ev.ChangeProposed(stage_id, proposal.id, participant)]


def settle_proposal(flow: Flow, state: SessionState, stage_id: str, coordinator: str, proposal_id: str,
                    accept: bool, now: datetime) -> Step:
    """The coordinator accepts a proposal (it becomes the next version) or rejects it."""
    agreement = _agreement(flow, state, stage_id)
    require_coordinator(state, coordinator)
    proposal = next((p for p in agreement.proposals if p.id == proposal_id), None)
    if proposal is None:
        raise E.UnknownProposal(proposal_id)
    if proposal.status != "open":
        raise E.ProposalAlreadySettled(proposal_id)
    settled = replace(proposal, status="accepted" if accept else "rejected")
    agreement = replace(agreement, proposals=tuple(settled if p is proposal else p for p in agreement.proposals))
    if accept:
        agreement = _new_version(agreement, proposal.text, proposal.author, now)
        if state.is_active(proposal.author):
            agreement = replace(agreement, confirmations=frozenset({proposal.author}))
    return _with(state, stage_id, agreement), [
        ev.ProposalSettled(stage_id, proposal_id, accept, agreement.current.number)]


def finalise_agreement(flow: Flow, state: SessionState, stage_id: str, coordinator: str,
                       now: datetime) -> Step:
    """The coordinator declares the current version final; refused while proposals are open.

    Finalising does not wait for every confirmation: people may not respond in time, and the
    summary says how many stood behind it.
    """
    require_running(state)
    stage = require_stage(flow, stage_id)
    existing = state.agreements.get(stage_id)
    if existing is not None and existing.is_final and stage.agreement_kind is not None:
        require_coordinator(state, coordinator)
        return state, []  # finalising twice (a double click) changes nothing
    agreement = _agreement(flow, state, stage_id)
    require_coordinator(state, coordinator)
    if agreement.current is None:
        raise E.NoDraft(stage_id)
    if agreement.open_proposals():
        raise E.OpenProposals(stage_id)
    agreement = replace(agreement, finalised_at=now)
    return _with(state, stage_id, agreement), [ev.AgreementFinalised(stage_id, agreement.current.number)]


# ---- what people see ------------------------------------------------------------------------


@dataclass(frozen=True)
class ProposalView:
    id: str
    author: str | None  # None when anonymous
    text: str
    version: int
    status: str


@dataclass(frozen=True)
class AgreementSummary:
    """The state of a picture or conclusion as the bot, the report and the export show it.

    `confirmed_count` counts the awaited people who confirmed the current version, out of
    `awaited_count` (coordinators and people who declined or were removed are not awaited).
    Anonymous: no ids at all, only counts.
    """

    stage_id: str
    kind: str
    status: str  # none | draft | final
    text: str | None
    version: int
    confirmed_by: tuple[str, ...]
    confirmed_count: int
    awaited_count: int
    not_yet: tuple[str, ...]  # awaited people who neither confirmed nor have an open proposal
    proposals: tuple[ProposalView, ...]

    @property
    def open_proposals(self) -> int:
        return sum(1 for p in self.proposals if p.status == "open")


def agreement_summary(flow: Flow, state: SessionState, stage_id: str, *,
                      anonymous: bool = False) -> AgreementSummary | None:
    """The picture or conclusion of a stage, or None when the stage has neither."""
    stage = flow.stage(stage_id)
    if stage.agreement_kind is None:
        return None
    agreement = state.agreements.get(stage_id) or Agreement(stage.agreement_kind)
    people = eligible(flow, state, stage_id) if agreement.kind == "picture" else awaited(state)
    confirmed = [p for p in people if p in agreement.confirmations]
    proposing = {p.author for p in agreement.open_proposals()}
    not_yet = [p for p in people if p not in agreement.confirmations and p not in proposing]
    status = "final" if agreement.is_final else "draft" if agreement.current else "none"
    proposals = tuple(ProposalView(p.id, None if anonymous else p.author, p.text, p.version, p.status)
                      for p in agreement.proposals)
    current = agreement.current
    return AgreementSummary(
        stage_id=stage_id, kind=agreement.kind, status=status, text=current.text if current else None,
        version=current.number if current else 0,
        confirmed_by=() if anonymous else tuple(p for p in state.participants if p in agreement.confirmations),
        confirmed_count=len(confirmed), awaited_count=len(people),
        not_yet=() if anonymous else tuple(not_yet), proposals=proposals,
    )
