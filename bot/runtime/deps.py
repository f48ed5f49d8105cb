"""What every listener and job needs, passed explicitly (no globals, easy to test)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from bot.config import Settings
from bot.slack.client import TokenSource
from flows import FlowRegistry
from storage import Database

if TYPE_CHECKING:
    from bot.slack.sender import OutboxSender


def _utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass
class Deps:
    settings: Settings
    db: Database
    flows: FlowRegistry
    tokens: TokenSource
    sender: OutboxSender | None = None
    clock: object = field(default=_utcnow)

    def now(self) -> datetime:
        return self.clock()  # type: ignore[operator]

    def notify(self) -> None:
        """Wake the in-process outbox sender after a commit that enqueued messages."""
        if self.sender is not None:
            self.sender.notify()
