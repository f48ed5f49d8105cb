"""Staged imports: datasets, outcome rows and stories may belong to no outcome while staged

Why: a large import used to write all its rows in one transaction, holding SQLite's write lock
for seconds (20 s for 450,000 rows) so answers timed out. Now the rows are written in short
transactions with `outcome_id` NULL, invisible to every reader, and one short transaction gives
them their outcome (storage/importing/staging.py).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_COLUMNS = (("datasets", "workspace_id"), ("datasets", "outcome_id"), ("outcome_rows", "outcome_id"),
            ("stories", "outcome_id"))


def upgrade() -> None:
    for table, column in _COLUMNS:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column(column, existing_type=sa.Integer(), nullable=True)


def downgrade() -> None:
    # Staged imports that never finished (a crash mid-import) have no outcome: they go first.
    for table in ("outcome_rows", "stories"):
        op.execute(sa.text(f"DELETE FROM {table} WHERE outcome_id IS NULL OR dataset_id IN "
                           "(SELECT id FROM datasets WHERE outcome_id IS NULL)"))
    op.execute(sa.text("DELETE FROM datasets WHERE outcome_id IS NULL OR workspace_id IS NULL"))
    for table, column in reversed(_COLUMNS):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column(column, existing_type=sa.Integer(), nullable=False)
