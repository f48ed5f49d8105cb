"""Signed, expiring, revocable links to report pages: `/verslag/<token>`.

Why signed *and* stored: the signature (HMAC-SHA256 with a secret only the bot has) lets the web
process turn away guessed or damaged tokens without touching the database; the row makes each
link revocable before it expires and says what it shows. A token is `<key>.<signature>`: `key`
is 16 random URL-safe characters naming the row, the signature covers the key.

Why no hint on failure: an unknown, expired, revoked or forged token all end in the same 404,
so a link tells nobody whether a report exists or how many there are. The comparison is
constant-time so timing tells nothing either.

The secret is BOT_LINK_SECRET, else derived (HMAC with a fixed label) from the signing secret,
the OAuth client secret or the app token, whichever is set: never the secret itself, so a
leaked link secret does not let anyone sign Slack requests. Changing it ends every link.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.config import Settings
from storage.models import ReportLink

_LABEL = b"kwaliteitsgesprek report links v1"
_TOKEN = re.compile(r"^([A-Za-z0-9_-]{16})\.([A-Za-z0-9_-]{22})$")
PATH_PREFIX = "/verslag/"


class NoLinkSecret(RuntimeError):
    """No secret is configured to sign links with (set BOT_LINK_SECRET or SLACK_SIGNING_SECRET)."""


@dataclass(frozen=True)
class Target:
    """What a link shows: its kind ('session', later 'round') and which one, in which workspace."""

    kind: str
    target_id: int
    workspace_id: int


def link_secret(settings: Settings) -> bytes | None:
    base = settings.link_secret or settings.signing_secret or settings.client_secret or settings.app_token
    if not base:
        return None
    return hmac.new(base.encode("utf-8"), _LABEL, hashlib.sha256).digest()


def _signature(secret: bytes, key: str) -> str:
    digest = hmac.new(secret, f"report-link:{key}".encode("ascii"), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:16]).decode("ascii").rstrip("=")


def issue(s: Session, settings: Settings, target: Target, now: datetime, *, issued_by: str | None = None) -> str:
    """A token for `target`, valid for BOT_REPORT_LINK_DAYS. A link of the same target that is
    still good for more than half its life is handed out again instead of a new row each click."""
    secret = link_secret(settings)
    if secret is None:
        raise NoLinkSecret()
    life = timedelta(days=settings.report_link_days)
    reusable = s.scalar(
        select(ReportLink).where(ReportLink.workspace_id == target.workspace_id, ReportLink.kind == target.kind,
                                 ReportLink.target_id == target.target_id, ReportLink.revoked_at.is_(None),
                                 ReportLink.expires_at > now + life / 2)
        .order_by(ReportLink.expires_at.desc()).limit(1))
    if reusable is not None:
        return f"{reusable.key}.{_signature(secret, reusable.key)}"
    key = secrets.token_urlsafe(12)  # 16 characters
    s.add(ReportLink(key=key, workspace_id=target.workspace_id, kind=target.kind, target_id=target.target_id,
                     issued_by=issued_by, issued_at=now, expires_at=now + life))
    s.flush()
    return f"{key}.{_signature(secret, key)}"


def url_for(settings: Settings, token: str) -> str | None:
    """The page's address, or None when BOT_PUBLIC_URL is not set (nobody could open it)."""
    return f"{settings.public_url}{PATH_PREFIX}{token}" if settings.public_url else None


def token_in(url: str, settings: Settings) -> str | None:
    """The token of a link to one of our report pages (unfurls), else None."""
    if not settings.public_url or not url.startswith(settings.public_url + PATH_PREFIX):
        return None
    token = url[len(settings.public_url + PATH_PREFIX):].split("?", 1)[0].split("#", 1)[0].rstrip("/")
    return token if _TOKEN.match(token) else None


def valid_link(s: Session, settings: Settings, token: str, now: datetime) -> ReportLink | None:
    """The link row of a well-signed, unexpired, unrevoked token; None for anything else."""
    match = _TOKEN.match(token or "")
    secret = link_secret(settings)
    if match is None or secret is None:
        return None
    key, signature = match.groups()
    if not hmac.compare_digest(signature, _signature(secret, key)):
        return None
    link = s.scalar(select(ReportLink).where(ReportLink.key == key))
    if link is None or link.revoked_at is not None or link.expires_at <= now:
        return None
    return link


def revoke(s: Session, now: datetime, *, token: str | None = None, kind: str = "session",
           target_id: int | None = None) -> int:
    """Take back one link (by its token or key) or every link of a target; returns how many."""
    query = select(ReportLink).where(ReportLink.revoked_at.is_(None))
    if token is not None:
        query = query.where(ReportLink.key == token.split(".", 1)[0])
    elif target_id is not None:
        query = query.where(ReportLink.kind == kind, ReportLink.target_id == target_id)
    else:
        return 0
    links = list(s.scalars(query))
    for link in links:
        link.revoked_at = now
    return len(links)
