"""Report links and calendar invites

Why: report pages are served at /verslag/<token>; each issued token has a row so it can be
revoked before it expires. Planned sessions get .ics invites whose UID and SEQUENCE must be
remembered so that an update or a cancellation replaces the entry in people's calendars.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from storage.base import UTCDateTime

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "report_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=32), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("issued_by", sa.String(length=32), nullable=True),
        sa.Column("issued_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["workspace_id"], ["workspaces.id"],
                                name=op.f("fk_report_links_workspace_id_workspaces"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_links")),
        sa.UniqueConstraint("key", name=op.f("uq_report_links_key")),
    )
    with op.batch_alter_table("report_links", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_report_links_workspace_id"), ["workspace_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_report_links_target_id"), ["target_id"], unique=False)
    op.create_table(
        "calendar_invites",
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("uid", sa.String(length=200), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("starts_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["session_id"], ["sessions.id"],
                                name=op.f("fk_calendar_invites_session_id_sessions"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("session_id", name=op.f("pk_calendar_invites")),
    )


def downgrade() -> None:
    op.drop_table("calendar_invites")
    with op.batch_alter_table("report_links", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_report_links_target_id"))
        batch_op.drop_index(batch_op.f("ix_report_links_workspace_id"))
    op.drop_table("report_links")
