"""Session state stored once: stage rows are the truth, the JSON copy goes

Why: the engine's state used to be written three times (sessions.state JSON, session_stages
rows and the status columns), with the bot's own bookkeeping ("_posted", "_retained") mixed
into the engine's JSON. Now each fact has one home: lifecycle in the session's columns, each
stage's status and times (and whether its message was queued) in session_stages, who takes
part in participants, what was said in answers, and what retention kept in sessions.retained.

The upgrade moves what only the JSON held into those homes before dropping the column; the
downgrade rebuilds the JSON from them.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02
"""

import json
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_sessions = sa.table("sessions", sa.column("id", sa.Integer), sa.column("state", sa.JSON),
                     sa.column("retained", sa.JSON), sa.column("status", sa.String),
                     sa.column("current_stage_id", sa.String), sa.column("flow_id", sa.String),
                     sa.column("flow_version", sa.Integer), sa.column("visibility", sa.String),
                     sa.column("theme", sa.String))
_stages = sa.table("session_stages", sa.column("id", sa.Integer), sa.column("session_id", sa.Integer),
                   sa.column("stage_id", sa.String), sa.column("status", sa.String),
                   sa.column("message_ts", sa.String), sa.column("posted", sa.Boolean),
                   sa.column("opened_at", sa.String), sa.column("closed_at", sa.String),
                   sa.column("deadline", sa.String))
_participants = sa.table("participants", sa.column("session_id", sa.Integer), sa.column("person_id", sa.Integer),
                         sa.column("role", sa.String))
_people = sa.table("people", sa.column("id", sa.Integer), sa.column("slack_user_id", sa.String))


def _as_dict(value) -> dict:
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return {}
    return value if isinstance(value, dict) else {}


def upgrade() -> None:
    with op.batch_alter_table("session_stages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("posted", sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table("sessions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("retained", sa.JSON(), nullable=True))
    bind = op.get_bind()
    for session_id, raw in bind.execute(sa.select(_sessions.c.id, _sessions.c.state)).all():
        state = _as_dict(raw)
        posted = set(state.get("_posted") or [])
        known = {stage_id for (stage_id,) in bind.execute(
            sa.select(_stages.c.stage_id).where(_stages.c.session_id == session_id)).all()}
        for stage_id, stage in (state.get("stages") or {}).items():
            if stage_id not in known and isinstance(stage, dict) and stage.get("status", "pending") != "pending":
                # Rows always existed for stages that moved; a JSON-only stage is copied over.
                bind.execute(_stages.insert().values(session_id=session_id, stage_id=stage_id,
                                                     status=stage.get("status"), posted=stage_id in posted))
        if posted:
            bind.execute(_stages.update().where(_stages.c.session_id == session_id,
                                                _stages.c.stage_id.in_(sorted(posted))).values(posted=True))
        if state.get("_retained"):
            bind.execute(_sessions.update().where(_sessions.c.id == session_id)
                         .values(retained=state["_retained"]))
    bind.execute(_stages.update().where(_stages.c.message_ts.is_not(None)).values(posted=True))
    with op.batch_alter_table("sessions", schema=None) as batch_op:
        batch_op.drop_column("state")


def downgrade() -> None:
    with op.batch_alter_table("sessions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("state", sa.JSON(), nullable=True))
    bind = op.get_bind()
    rows = bind.execute(sa.select(_sessions.c.id, _sessions.c.retained, _sessions.c.status,
                                  _sessions.c.current_stage_id, _sessions.c.flow_id, _sessions.c.flow_version,
                                  _sessions.c.visibility, _sessions.c.theme)).all()
    for session_id, retained, status, current, flow_id, flow_version, visibility, theme in rows:
        stages = bind.execute(sa.select(_stages.c.stage_id, _stages.c.status, _stages.c.posted)
                              .where(_stages.c.session_id == session_id)).all()
        people = bind.execute(sa.select(_people.c.slack_user_id, _participants.c.role)
                              .join(_participants, _participants.c.person_id == _people.c.id)
                              .where(_participants.c.session_id == session_id)).all()
        state = {"flow_id": flow_id, "flow_version": flow_version, "participants": dict(people), "status": status,
                 "current_stage_id": current, "visibility": visibility, "theme": theme,
                 "stages": {stage_id: {"status": stage_status} for stage_id, stage_status, _p in stages},
                 "_posted": [stage_id for stage_id, _s, was_posted in stages if was_posted]}
        if retained:
            state["_retained"] = _as_dict(retained) or retained
        bind.execute(_sessions.update().where(_sessions.c.id == session_id).values(state=state))
    with op.batch_alter_table("sessions", schema=None) as batch_op:
        batch_op.alter_column("state", existing_type=sa.JSON(), nullable=False)
        batch_op.drop_column("retained")
    with op.batch_alter_table("session_stages", schema=None) as batch_op:
        batch_op.drop_column("posted")
