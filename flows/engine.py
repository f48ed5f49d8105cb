"""The pure engine of a conversation, in one namespace: `from flows import engine as fe`.

No Slack, no SQL, no clock of its own: every transition takes the flow, the state and `now`,
and returns a new state plus events; a refused step raises a TransitionError with a stable code.
The parts live in modules named for what they hold; this module gathers them so callers
need one import:

- flows.state              SessionState and its companions (JSON form in to_dict/from_dict)
- flows.events             what happened in a step
- flows.transition_errors  why a step was refused
- flows.transitions        planning, answering, revealing, advancing, closing
- flows.participation      who is awaited; declining, adding and removing people
- flows.agreement          shared picture and conclusion consent
- flows.dotvote            choosing ideas with dots
- flows.reactions          "herken ik", "zie ik anders", "vraag"
- flows.summaries          what a revealed stage and a session look like
"""

from __future__ import annotations

from flows.agreement import (
    CONCLUSION_MAX,
    PICTURE_MAX,
    PICTURE_SENTENCES,
    AgreementSummary,
    ProposalView,
    agreement_summary,
    confirm_agreement,
    draft_agreement,
    finalise_agreement,
    propose_change,
    settle_proposal,
)
from flows.dotvote import (
    IDEA_MAX,
    MAX_IDEAS,
    IdeaView,
    VoteSummary,
    add_idea,
    close_vote,
    ideas_in_answer,
    open_vote,
    set_votes,
    vote_summary,
    vote_tallies,
    votes_of,
)
from flows.events import (
    AbsenceChanged,
    AgreementConfirmed,
    AgreementDrafted,
    AgreementFinalised,
    AnswerRecorded,
    ChangeProposed,
    Event,
    IdeaAdded,
    ParticipantAdded,
    ParticipantRemoved,
    ProposalSettled,
    ReactionAdded,
    ReactionWithdrawn,
    SessionClosed,
    StageClosed,
    StageExtended,
    StageOpened,
    StagePaused,
    StageReopened,
    StageRevealed,
    StageSkipped,
    VoteClosed,
    VoteOpened,
    VotesSet,
)
from flows.guards import answers_visible, count_sentences
from flows.participation import (
    add_participant,
    awaited,
    eligible,
    is_awaited,
    missing_answers,
    remove_participant,
    set_absent,
)
from flows.reactions import (
    REACTION_KINDS,
    REACTION_TEXT_MAX,
    Reactions,
    ReactionView,
    answer_ref,
    react,
    reactions_to,
    resolve_answer,
    withdraw_reaction,
)
from flows.state import (
    Agreement,
    AnswerKey,
    DraftVersion,
    Idea,
    Proposal,
    ReactionKey,
    SessionState,
    StageState,
    VoteState,
)
from flows.summaries import (
    Entry,
    QuestionSummary,
    SessionSummary,
    StageSummary,
    render_value,
    session_summary,
    stage_summary,
)
from flows.transition_errors import (
    AgreementFinal,
    AlreadyParticipant,
    InvalidAnswer,
    InvalidText,
    InvalidVotes,
    LastCoordinator,
    NeedsTheme,
    NoAgreementHere,
    NoDraft,
    NoLongerParticipant,
    NoNextStage,
    NoParticipants,
    NoReactionsHere,
    NotAParticipant,
    NotCoordinator,
    NotExtendable,
    NoVoteHere,
    OpenProposals,
    OwnAnswer,
    ProposalAlreadySettled,
    RoleNotAllowed,
    SessionIsClosed,
    StageNotOpen,
    StageNotRevealed,
    StaleVersion,
    TooManyIdeas,
    TooManyVotes,
    TooManyVotesOnIdea,
    TransitionError,
    UnknownAnswer,
    UnknownIdea,
    UnknownProposal,
    UnknownQuestion,
    UnknownReactionKind,
    UnknownRole,
    UnknownStage,
    VoteAlreadyClosed,
    VoteNotOpen,
    VoteStillOpen,
)
from flows.transitions import (
    ANSWER_MAX,
    advance,
    can_close,
    close_session,
    extend,
    open_session,
    plan_session,
    record_answer,
    reopen,
    reveal,
    skip,
    start_session,
    tick,
    validate_value,
)

__all__ = [
    "ANSWER_MAX", "CONCLUSION_MAX", "IDEA_MAX", "MAX_IDEAS", "PICTURE_MAX", "PICTURE_SENTENCES",
    "REACTION_KINDS", "REACTION_TEXT_MAX",
    # state
    "Agreement", "AnswerKey", "DraftVersion", "Idea", "Proposal", "ReactionKey", "SessionState",
    "StageState", "VoteState",
    # events
    "AbsenceChanged", "AgreementConfirmed", "AgreementDrafted", "AgreementFinalised", "AnswerRecorded",
    "ChangeProposed", "Event", "IdeaAdded", "ParticipantAdded", "ParticipantRemoved", "ProposalSettled",
    "ReactionAdded", "ReactionWithdrawn", "SessionClosed", "StageClosed", "StageExtended", "StageOpened",
    "StagePaused", "StageReopened", "StageRevealed", "StageSkipped", "VoteClosed", "VoteOpened", "VotesSet",
    # refusals
    "AgreementFinal", "AlreadyParticipant", "InvalidAnswer", "InvalidText", "InvalidVotes", "LastCoordinator",
    "NeedsTheme", "NoAgreementHere", "NoDraft", "NoLongerParticipant", "NoNextStage", "NoParticipants",
    "NoReactionsHere", "NotAParticipant", "NotCoordinator", "NotExtendable", "NoVoteHere", "OpenProposals",
    "OwnAnswer", "ProposalAlreadySettled", "RoleNotAllowed", "SessionIsClosed", "StageNotOpen",
    "StageNotRevealed", "StaleVersion", "TooManyIdeas", "TooManyVotes", "TooManyVotesOnIdea", "TransitionError",
    "UnknownAnswer", "UnknownIdea", "UnknownProposal", "UnknownQuestion", "UnknownReactionKind", "UnknownRole",
    "UnknownStage", "VoteAlreadyClosed", "VoteNotOpen", "VoteStillOpen",
    # transitions
    "add_idea", "add_participant", "advance", "can_close", "close_session", "close_vote", "confirm_agreement",
    "draft_agreement", "extend", "finalise_agreement", "open_session", "open_vote", "plan_session",
    "propose_change", "react", "record_answer", "remove_participant", "reopen", "reveal", "set_absent",
    "set_votes", "settle_proposal", "skip", "start_session", "tick", "withdraw_reaction",
    # questions about the state
    "answer_ref", "answers_visible", "awaited", "count_sentences", "eligible", "ideas_in_answer", "is_awaited",
    "missing_answers", "reactions_to", "resolve_answer", "validate_value", "vote_tallies", "votes_of",
    # summaries
    "AgreementSummary", "Entry", "IdeaView", "ProposalView", "QuestionSummary", "Reactions", "ReactionView",
    "SessionSummary", "StageSummary", "VoteSummary", "agreement_summary", "render_value", "session_summary",
    "stage_summary", "vote_summary",
]
