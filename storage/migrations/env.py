"""Alembic environment: our metadata, batch mode for SQLite, slack_sdk's own tables ignored."""

from __future__ import annotations

from alembic import context
from sqlalchemy import engine_from_config, pool

import storage.models  # noqa: F401 - registers every table
from storage.base import Base

config = context.config
target_metadata = Base.metadata

# Tables that slack_sdk's installation/state stores own: created by our migration from
# slack_sdk's own metadata, but never compared (their shape is theirs to change).
SLACK_SDK_TABLES = {"slack_installations", "slack_bots", "slack_oauth_states"}


def include_object(obj, name, type_, reflected, compare_to):  # noqa: ANN001
    if type_ == "table" and name in SLACK_SDK_TABLES:
        return False
    table = getattr(obj, "table", None)
    return not (table is not None and table.name in SLACK_SDK_TABLES)


def run_migrations_offline() -> None:
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
        include_object=include_object,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connectable = config.attributes.get("connection")
    if connectable is None:
        connectable = engine_from_config(
            config.get_section(config.config_ini_section, {}), prefix="sqlalchemy.", poolclass=pool.NullPool
        )
        with connectable.connect() as connection:
            _run(connection)
    else:
        _run(connectable)


def _run(connection) -> None:  # noqa: ANN001
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,
        include_object=include_object,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
