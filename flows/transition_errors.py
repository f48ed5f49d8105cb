"""Refused steps: one exception class per reason, each with a stable `code`.

Why stable codes: the engine never writes a sentence for a person. The bot looks the code up
in its catalogue (`errors.<code>`) and answers politely in the person's language; tests assert
on the class or the code, never on wording. A refused step never changes the state.
"""

from __future__ import annotations


class TransitionError(Exception):
    """A step the rules do not allow; `code` is stable and translated by the bot."""

    code = "transition"

    def __init__(self, detail: str = "") -> None:
        super().__init__(detail or self.code)


class _CodedError(TransitionError):
    """A refusal whose exact code depends on what was wrong with a typed value."""

    def __init__(self, code: str = "", detail: str = "") -> None:
        super().__init__(detail or code or self.code)
        if code:
            self.code = code


# ---- the session and its stages -------------------------------------------------------------


class SessionIsClosed(TransitionError):
    code = "session_closed"


class StageNotOpen(TransitionError):
    code = "stage_not_open"


class StageNotRevealed(TransitionError):
    """Reactions, shared pictures and votes need the stage's answers to be visible first."""

    code = "stage_not_revealed"


class NoNextStage(TransitionError):
    code = "no_next_stage"


class UnknownStage(TransitionError):
    code = "unknown_stage"


class UnknownQuestion(TransitionError):
    code = "unknown_question"


class NeedsTheme(TransitionError):
    code = "needs_theme"


class NotExtendable(TransitionError):
    code = "not_extendable"


class InvalidAnswer(_CodedError):
    """The value does not fit the question (empty, too long, not on the scale, unknown option)."""

    code = "invalid_answer"


class InvalidText(_CodedError):
    """A typed text (draft, proposal, idea, reaction) is empty, too long or has too many sentences."""

    code = "invalid_text"


# ---- who takes part -------------------------------------------------------------------------


class RoleNotAllowed(TransitionError):
    code = "role_not_allowed"


class NotAParticipant(TransitionError):
    code = "not_a_participant"


class NoLongerParticipant(TransitionError):
    """The person was removed from the session; their earlier answers stay, new steps are refused."""

    code = "participant_removed"


class NotCoordinator(TransitionError):
    """Only a participant with the coordinator role of this session may take this step."""

    code = "not_coordinator"


class NoParticipants(TransitionError):
    code = "no_participants"


class UnknownRole(TransitionError):
    code = "unknown_role"


class AlreadyParticipant(TransitionError):
    """Adding someone who already takes part with another role (roles are not changed silently)."""

    code = "already_participant"


class LastCoordinator(TransitionError):
    """Removing the only coordinator would leave nobody to steer the session."""

    code = "last_coordinator"


# ---- shared picture and conclusion consent ---------------------------------------------------


class NoAgreementHere(TransitionError):
    """The stage has neither a shared picture nor conclusion consent in its flow."""

    code = "no_agreement_here"


class NoDraft(TransitionError):
    code = "no_draft"


class StaleVersion(TransitionError):
    """A confirmation for a draft that has since been replaced by a newer version."""

    code = "stale_version"


class AgreementFinal(TransitionError):
    """The text was already settled for good; it no longer changes."""

    code = "agreement_final"


class UnknownProposal(TransitionError):
    code = "unknown_proposal"


class ProposalAlreadySettled(TransitionError):
    code = "proposal_settled"


class OpenProposals(TransitionError):
    """The coordinator must accept or reject every open proposal before finalising."""

    code = "open_proposals"


# ---- dot vote -------------------------------------------------------------------------------


class NoVoteHere(TransitionError):
    code = "no_vote_here"


class VoteNotOpen(TransitionError):
    code = "vote_not_open"


class VoteAlreadyClosed(TransitionError):
    """Votes, ideas and reopening after the coordinator closed the vote."""

    code = "vote_closed"


class VoteStillOpen(TransitionError):
    """Tallies stay hidden until the vote is closed."""

    code = "vote_still_open"


class UnknownIdea(TransitionError):
    code = "unknown_idea"


class TooManyIdeas(TransitionError):
    code = "too_many_ideas"


class TooManyVotes(TransitionError):
    code = "too_many_votes"


class TooManyVotesOnIdea(TransitionError):
    code = "too_many_votes_on_idea"


class InvalidVotes(TransitionError):
    """An allocation that is not a mapping of idea ids to whole numbers of zero or more."""

    code = "invalid_votes"


# ---- reactions ------------------------------------------------------------------------------


class NoReactionsHere(TransitionError):
    code = "no_reactions_here"


class UnknownAnswer(TransitionError):
    code = "unknown_answer"


class UnknownReactionKind(TransitionError):
    code = "unknown_reaction_kind"


class OwnAnswer(TransitionError):
    """Reacting to one's own answer: nothing to recognise or ask there."""

    code = "own_answer"
