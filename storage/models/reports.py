"""Links to report pages and calendar invites: what the bot handed out and may take back.

Why a table of issued links (and not only signed tokens): a signed token proves the bot made
it, but a link forwarded to the wrong person must be revocable before it expires. The token
names a row by its random `key`; the row says what the link shows and whether it still may.

Why a row per planned session for the calendar: an .ics update only replaces the entry in
Outlook when it carries the same UID and a higher SEQUENCE than the one before, so the bot
must remember which sequence it sent last.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base, UTCDateTime, utcnow


class ReportLink(Base):
    """One issued link to a report page (`/verslag/<token>`).

    `kind` says what the page shows ('session'; rounds may add 'round') and `target_id` which
    one. There is no foreign key on `target_id` because the kinds live in different tables; a
    link whose target is gone simply answers 404, like any unknown token.
    """

    __tablename__ = "report_links"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(32), unique=True)  # random, part of the token
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16), default="session")
    target_id: Mapped[int] = mapped_column(Integer, index=True)
    issued_by: Mapped[str | None] = mapped_column(String(32))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class CalendarInvite(Base):
    """The last calendar invite sent for a planned session (its UID, SEQUENCE and state)."""

    __tablename__ = "calendar_invites"

    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"), primary_key=True)
    uid: Mapped[str] = mapped_column(String(200))
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(16), default="planned")  # planned | cancelled
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
