"""What a party chose to share from its internal preparation, for the joint preparation summary.

Why only what was chosen, and without names: an internal preparation is a party's own
conversation (only its members take part, in their own group DM). The party decides which of
its stages and whether its conclusion go to the joint summary; those answers are shown by role,
never by person, and questions meant for the coordinator alone never leave it.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.i18n import t
from bot.runtime.deps import Deps
from bot.services.common.store import build
from bot.slack.blocks.kit import section, split_text
from bot.slack.blocks.reveal import stage_answer_blocks
from flows import engine as fe
from storage.models import ConversationSession, InternalPreparation, Workspace


def shared_blocks(s: Session, deps: Deps, internal: InternalPreparation, lang: str) -> list[dict]:
    """One party's shared part as blocks (empty when it chose nothing yet)."""
    shared = internal.shared or {}
    if not internal.shared:
        return []
    session = s.get(ConversationSession, internal.session_id)
    loaded = build(s, deps.flows, session, s.get(Workspace, session.workspace_id))
    blocks = [section("*" + t(lang, "rounds.internal.shared_header", party=t(lang, f"sides.{internal.party}")) + "*")]
    for stage_id in shared.get("stages") or []:
        if not loaded.flow.has_stage(stage_id) or loaded.flow.stage(stage_id).kind != "questions":
            continue
        summary = fe.stage_summary(loaded.flow, loaded.state, stage_id, lang, anonymous=True)
        blocks += [section(f"_{summary.title}_"), *stage_answer_blocks(lang, summary)]
    if shared.get("conclusion"):
        conclusion = fe.session_summary(loaded.flow, loaded.state, lang, anonymous=True).conclusion
        if conclusion:
            text = f"_{t(lang, 'session.conclusion')}_\n" + "\n".join(conclusion)
            blocks += [section(chunk) for chunk in split_text(text)]
    if shared.get("note"):
        text = f"_{t(lang, 'rounds.internal.note')}_\n{shared['note']}"
        blocks += [section(chunk) for chunk in split_text(text)]
    return blocks


def internal_share_blocks(s: Session, deps: Deps, joint: ConversationSession, lang: str) -> list[dict]:
    """Every party's shared part for this joint session, in a fixed order (gemeente, aanbieder)."""
    internals = s.scalars(select(InternalPreparation).where(InternalPreparation.joint_session_id == joint.id)
                          .order_by(InternalPreparation.party.desc()))
    blocks: list[dict] = []
    for internal in internals:
        blocks += shared_blocks(s, deps, internal, lang)
    return blocks
