"""Rounds of conversations, session plans (pace, cancellation) and internal preparations

Why: a coordinator sets up a round of conversations (one per outcome) in one go, runs a
session live (minutes per stage) or over days (working days per stage), cancels a planned
moment while keeping the preparation, and a party prepares internally before a joint session.
New tables only; the existing ones are untouched.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-10
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.base

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "rounds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("scheduled_at", storage.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("created_by", sa.String(length=32), nullable=True),
        sa.Column("request_key", sa.String(length=128), nullable=True),
        sa.Column("created_at", storage.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["workspace_id"], ["workspaces.id"], name=op.f("fk_rounds_workspace_id_workspaces"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rounds")),
        sa.UniqueConstraint("request_key", name=op.f("uq_rounds_request_key")),
    )
    with op.batch_alter_table("rounds", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_rounds_workspace_id"), ["workspace_id"], unique=False)

    op.create_table(
        "round_sessions",
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["round_id"], ["rounds.id"], name=op.f("fk_round_sessions_round_id_rounds"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["session_id"], ["sessions.id"], name=op.f("fk_round_sessions_session_id_sessions"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("session_id", name=op.f("pk_round_sessions")),
    )
    with op.batch_alter_table("round_sessions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_round_sessions_round_id"), ["round_id"], unique=False)

    op.create_table(
        "session_plans",
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("pace", sa.String(length=8), nullable=True),
        sa.Column("stage_minutes", sa.Integer(), nullable=True),
        sa.Column("stage_days", sa.Integer(), nullable=True),
        sa.Column("cancelled_at", storage.base.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["session_id"], ["sessions.id"], name=op.f("fk_session_plans_session_id_sessions"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("session_id", name=op.f("pk_session_plans")),
    )

    op.create_table(
        "internal_preparations",
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("joint_session_id", sa.Integer(), nullable=False),
        sa.Column("party", sa.String(length=16), nullable=False),
        sa.Column("shared", sa.JSON(), nullable=True),
        sa.Column("shared_at", storage.base.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["joint_session_id"], ["sessions.id"],
                                name=op.f("fk_internal_preparations_joint_session_id_sessions"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["session_id"], ["sessions.id"],
                                name=op.f("fk_internal_preparations_session_id_sessions"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("session_id", name=op.f("pk_internal_preparations")),
    )
    with op.batch_alter_table("internal_preparations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_internal_preparations_joint_session_id"), ["joint_session_id"],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table("internal_preparations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_internal_preparations_joint_session_id"))
    op.drop_table("internal_preparations")
    op.drop_table("session_plans")
    with op.batch_alter_table("round_sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_round_sessions_round_id"))
    op.drop_table("round_sessions")
    with op.batch_alter_table("rounds", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_rounds_workspace_id"))
    op.drop_table("rounds")
