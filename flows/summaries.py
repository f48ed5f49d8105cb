"""What a stage and a session look like once revealed: answers by question and role, with
reactions, the shared picture, the vote and the conclusion's consent.

Why here and not in the bot: the same summary feeds Slack, the report and the export, and
two rules must hold everywhere: anonymous summaries carry no participant ids at all, and
answers to questions marked `visible_to: coordinator` reach only a coordinator's view.
"""

from __future__ import annotations

from dataclasses import dataclass

from flows.agreement import AgreementSummary, agreement_summary
from flows.dotvote import VoteSummary, vote_summary
from flows.guards import require_stage
from flows.model import Flow, Question
from flows.reactions import Reactions, answer_ref, reactions_to
from flows.roles import ROLE_ORDER
from flows.state import SessionState


def render_value(question: Question, value: str, lang: str) -> str:
    """A stored value as a person reads it (option labels, 'n / max' on a scale)."""
    if question.kind == "scale":
        return f"{value} / {question.scale_max}"
    if question.kind in ("single", "multiple"):
        labels = [(question.option(v).label.get(lang) if question.option(v) else v) for v in value.split(",") if v]
        return ", ".join(labels)
    return value


@dataclass(frozen=True)
class Entry:
    author: str | None  # None when anonymous
    role: str
    text: str
    ref: str = ""  # answer reference for reactions (no author id in anonymous sessions)
    removed: bool = False  # the author was removed from the session after answering
    reactions: Reactions | None = None


@dataclass(frozen=True)
class QuestionSummary:
    question_id: str
    label: str
    by_role: list[tuple[str, list[Entry]]]  # role order: municipality and provider side by side
    visible_to: str = "everyone"

    @property
    def count(self) -> int:
        return sum(len(entries) for _, entries in self.by_role)


@dataclass(frozen=True)
class StageSummary:
    stage_id: str
    title: str
    status: str
    questions: list[QuestionSummary]
    picture: AgreementSummary | None = None
    vote: VoteSummary | None = None

    @property
    def count(self) -> int:
        return sum(q.count for q in self.questions)


@dataclass(frozen=True)
class SessionSummary:
    flow_title: str
    theme: str | None
    stages: list[StageSummary]
    conclusion: list[str]
    consent: AgreementSummary | None = None

    @property
    def agreed_conclusion(self) -> str | None:
        """The conclusion the group confirmed, once the coordinator finalised it."""
        return self.consent.text if self.consent and self.consent.status == "final" else None


def _role_rank(role: str) -> int:
    return ROLE_ORDER.index(role) if role in ROLE_ORDER else len(ROLE_ORDER)


def _question_summary(state: SessionState, stage_id: str, question: Question, lang: str,
                      anonymous: bool) -> QuestionSummary:
    grouped: dict[str, list[Entry]] = {}
    order = list(state.participants)
    for (sid, qid, participant), value in state.answers.items():
        if sid != stage_id or qid != question.id:
            continue
        role = state.participants.get(participant, "other")
        grouped.setdefault(role, []).append(Entry(
            author=None if anonymous else participant, role=role, text=render_value(question, value, lang),
            ref=answer_ref(state, stage_id, question.id, participant), removed=participant in state.removed,
            reactions=reactions_to(state, stage_id, question.id, participant, anonymous=anonymous),
        ))
    by_role = []
    for role in sorted(grouped, key=lambda r: (_role_rank(r), r)):
        entries = grouped[role]
        entries.sort(key=(lambda e: e.text) if anonymous else (lambda e: order.index(e.author)))
        by_role.append((role, entries))
    label = question.label.get(lang).replace("{theme}", state.theme or "…")
    return QuestionSummary(question.id, label, by_role, question.visible_to)


def stage_summary(flow: Flow, state: SessionState, stage_id: str, lang: str, *,
                  anonymous: bool = False, viewer: str = "participant") -> StageSummary:
    """All answers of a stage grouped by question and role, with reactions, picture and vote.

    Anonymous: no authors, and a neutral order (by text) so that the order of answering does
    not give people away. `viewer='participant'` (the default, the safe choice) leaves out
    questions marked `visible_to: coordinator`; pass `viewer='coordinator'` only for a view
    that a coordinator alone sees.
    """
    stage = require_stage(flow, stage_id)
    questions = [_question_summary(state, stage_id, q, lang, anonymous)
                 for q in stage.questions if q.visible_for(viewer)]
    return StageSummary(stage_id, stage.title.get(lang), state.stages[stage_id].status, questions,
                        picture=agreement_summary(flow, state, stage_id, anonymous=anonymous)
                        if stage.shared_picture else None,
                        vote=vote_summary(flow, state, stage_id, anonymous=anonymous))


def session_summary(flow: Flow, state: SessionState, lang: str, *, anonymous: bool = False,
                    viewer: str = "participant") -> SessionSummary:
    """Every stage that was reached, with its answers, plus the conclusion (answers to questions
    marked `conclusion: true`) and, when the flow asks consent for it, the consent status."""
    stages = [stage_summary(flow, state, s.id, lang, anonymous=anonymous, viewer=viewer)
              for s in flow.stages
              if s.kind == "questions" and state.stages[s.id].status in ("closed", "open", "revealed")]
    conclusion = [value for (sid, qid, _p), value in state.answers.items()
                  if flow.has_stage(sid) and (q := flow.stage(sid).question(qid)) is not None and q.conclusion]
    consent_stage = next((s for s in flow.stages if s.conclusion_consent is not None), None)
    consent = agreement_summary(flow, state, consent_stage.id, anonymous=anonymous) if consent_stage else None
    return SessionSummary(flow.title.get(lang), state.theme, stages, conclusion, consent)
