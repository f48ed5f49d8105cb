"""A round as JSON (`python -m bot export --round ROUND --format json`): the round with its
conversations, their conclusions, shared pictures and actions.

Why its own module: the export of one session (`python -m bot export SESSION`) is built next
to this by another part of the code base; a round's document holds the same facts per
conversation, so the two can share one schema (docs/rounds.md describes this one) without
either module knowing the other. Dates are ISO 8601 in UTC; ids are the database's.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from bot.report.rounds import ConversationReport, RoundReport

SCHEMA = "kwaliteitsgesprek.round/1"


def _iso(value: datetime | date | None) -> str | None:
    return value.isoformat() if value else None


def _conversation(item: ConversationReport) -> dict[str, Any]:
    return {
        "session_id": item.session_id,
        "outcome": item.outcome,
        "flow": {"id": item.flow_id, "title": item.flow_title},
        "status": item.status,
        "scheduled_at": _iso(item.scheduled_at),
        "started_at": _iso(item.started_at),
        "closed_at": _iso(item.closed_at),
        "anonymous": item.anonymous,
        "participants": [{"role": g.role, "label": g.label, "count": g.count, "names": list(g.names)}
                         for g in item.participants],
        "conclusion": list(item.conclusion),
        "agreed_conclusion": item.agreed_conclusion,
        "shared_pictures": [{"stage_id": p.stage_id, "stage": p.stage, "text": p.text, "status": p.status,
                             "confirmed": p.confirmed, "awaited": p.awaited} for p in item.pictures],
        "actions": [{"what": a.what, "party": a.party, "owner": a.owner, "due": _iso(a.due),
                     "indicator": a.indicator, "target": a.target, "status": a.status} for a in item.actions],
    }


def round_document(report: RoundReport) -> dict[str, Any]:
    return {
        "schema": SCHEMA,
        "round": {
            "id": report.round_id,
            "name": report.name,
            "language": report.lang,
            "scheduled_at": _iso(report.scheduled_at),
            "totals": {status: report.count(status) for status in ("planned", "running", "closed", "cancelled")},
        },
        "conversations": [_conversation(item) for item in report.conversations],
    }
