"""slack_sdk installation and OAuth state stores

Why in a migration: multi-workspace installs keep their tokens in our database, and
`python -m bot migrate` must leave a database ready for them. The table shapes are
slack_sdk's own (built from its metadata), so env.py excludes them from drift checks.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""

from collections.abc import Sequence

from alembic import op
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlalchemy import MetaData

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _slack_metadata() -> MetaData:
    metadata = MetaData()
    SQLAlchemyInstallationStore.build_bots_table(metadata=metadata, table_name="slack_bots")
    SQLAlchemyInstallationStore.build_installations_table(metadata=metadata, table_name="slack_installations")
    SQLAlchemyOAuthStateStore.build_oauth_states_table(metadata, "slack_oauth_states")
    return metadata


def upgrade() -> None:
    _slack_metadata().create_all(bind=op.get_bind(), checkfirst=True)


def downgrade() -> None:
    _slack_metadata().drop_all(bind=op.get_bind(), checkfirst=True)
