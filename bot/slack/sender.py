"""Drains the outbox: paced per method tier and channel, retried until Slack takes it.

Rules (why they exist):
- Order per channel is kept: a row waits while an older row of the same channel waits.
- 429 → wait `Retry-After`, then try again; 5xx and network errors → exponential backoff
  with jitter. A Slack outage delays messages, it never drops them.
- Permanent errors (`channel_not_found`, `invalid_blocks`, ...) end the row as `failed`
  and the coordinator named in the row's `_report_to` gets a DM saying what failed.
- On PostgreSQL one sender at a time holds an advisory lock (leader), so a second
  process never sends the same row; SQLite deployments run one process.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from slack_sdk.errors import SlackApiError
from sqlalchemy import func, select, text

from bot.i18n import t
from bot.logs import log_failure
from bot.slack.client import TokenSource
from bot.slack.outgoing import Outgoing
from bot.slack.pacing import Pacer
from storage import Database
from storage.models import OutboxMessage, Workspace
from storage.outbox import Abandoned, Unresolved, apply_on_sent, resolve

log = logging.getLogger(__name__)

TRANSIENT_ERRORS = frozenset(
    {"ratelimited", "rate_limited", "service_unavailable", "internal_error", "fatal_error", "request_timeout"}
)
OUTBOX_EVENT = "kwaliteitsgesprek_outbox"  # message metadata type carrying our outbox id
ADVISORY_LOCK_KEY = 74_201_117  # "kwaliteitsgesprek outbox" leader lock
MAX_BACKOFF_SECONDS = 300.0


@dataclass
class DrainResult:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    waiting: int = 0
    errors: list[str] = field(default_factory=list)


class Leader:
    """PostgreSQL advisory-lock leadership on a dedicated connection (SQLite: always leader)."""

    def __init__(self, db: Database, key: int = ADVISORY_LOCK_KEY) -> None:
        self.db = db
        self.key = key
        self._conn = None

    def acquire(self) -> bool:
        if not self.db.is_postgres:
            return True
        if self._conn is not None:
            return True
        conn = self.db.engine.connect()
        got = conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": self.key}).scalar()
        conn.commit()
        if got:
            self._conn = conn
            return True
        conn.close()
        return False

    def release(self) -> None:
        if self._conn is not None:
            try:
                self._conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": self.key})
                self._conn.commit()
            finally:
                self._conn.close()
                self._conn = None


class OutboxSender:
    """Delivers outbox rows; `drain()` does one pass, `start()` runs passes in a thread."""

    def __init__(
        self,
        db: Database,
        tokens: TokenSource,
        *,
        pacer: Pacer | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        idle_seconds: float = 0.5,
        batch: int = 500,
    ) -> None:
        self.db = db
        self.tokens = tokens
        self.pacer = pacer or Pacer()
        self.clock = clock
        self.idle_seconds = idle_seconds
        self.batch = batch
        self.leader = Leader(db)
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._teams: dict[int, str] = {}
        self._recovered = False
        self._backlog_logged = 0.0

    # ---- lifecycle -------------------------------------------------------------------
    def notify(self) -> None:
        """Something was enqueued: drain now instead of at the next idle tick."""
        self._wake.set()

    def start(self) -> threading.Thread:
        self._thread = threading.Thread(target=self.run_forever, name="outbox-sender", daemon=True)
        self._thread.start()
        return self._thread

    def stop(self, timeout: float = 20.0) -> None:
        """Finish the row being sent (claim, call, record), send no further rows, then let go.

        Why wait: a row left `sending` must be checked against Slack at the next start; a
        clean stop leaves none. After `timeout` the row is left to that check.
        """
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
            if self._thread.is_alive():
                log.warning("outbox sender still busy after %.0f s; its row is checked at the next start", timeout)
                return  # the thread still uses the leader connection
        self.leader.release()

    def run_forever(self) -> None:
        while not self._stop.is_set():
            try:
                result = self.drain()
                busy = result.sent or result.retried
                if result.waiting or result.retried:
                    self._watch_backlog()
            except Exception:  # keep the sender alive; the row stays pending
                log_failure(log, "outbox pass failed")
                busy = False
            if not busy:
                self._wake.wait(self.idle_seconds)
                self._wake.clear()
            else:
                self._wake.wait(0.05)
                self._wake.clear()

    # ---- one pass --------------------------------------------------------------------
    def drain(self) -> DrainResult:
        result = DrainResult()
        if not self.leader.acquire():
            return result
        if not self._recovered:
            self.recover()
            self._recovered = True
        now = self.clock()
        with self.db.reader() as s:
            rows = s.execute(
                select(
                    OutboxMessage.id,
                    OutboxMessage.workspace_id,
                    OutboxMessage.method,
                    OutboxMessage.channel_key,
                    OutboxMessage.next_attempt_at,
                )
                .where(OutboxMessage.status == "pending")
                .order_by(OutboxMessage.id)
                .limit(self.batch)
            ).all()
        blocked: set[tuple[int | None, str]] = set()
        for row_id, workspace_id, method, channel_key, next_at in rows:
            if self._stop.is_set():
                break  # stopping: the rest stays pending for the next process
            key = (workspace_id, channel_key)
            if key in blocked:
                continue
            if next_at > now:
                blocked.add(key)  # an older row of this channel is waiting: keep order
                result.waiting += 1
                continue
            team = self._team(workspace_id)
            wait = self.pacer.reserve(team, method, channel_key)
            if wait > 0:
                blocked.add(key)
                result.waiting += 1
                continue
            outcome = self._deliver(row_id, team, now)
            if outcome == "sent":
                result.sent += 1
            else:
                blocked.add(key)
                if outcome == "failed":
                    result.failed += 1
                elif outcome == "retry":
                    result.retried += 1
                else:
                    result.waiting += 1
        return result

    BACKLOG_WARN = 500  # pending rows: above this, say so (at most once a minute)

    def _watch_backlog(self) -> None:
        now = time.monotonic()
        if now - self._backlog_logged < 60:
            return
        with self.db.reader() as s:
            pending = s.scalar(select(func.count()).select_from(OutboxMessage)
                               .where(OutboxMessage.status == "pending")) or 0
        if pending > self.BACKLOG_WARN:
            log.warning("outbox backlog is growing: %s messages waiting", pending)
            self._backlog_logged = now

    def drain_until_idle(self, timeout: float = 30.0) -> None:
        """Tests and the demo: keep draining until nothing is pending (or timeout)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.drain()
            with self.db.reader() as s:
                pending = s.scalar(select(OutboxMessage.id).where(OutboxMessage.status == "pending").limit(1))
            if pending is None:
                return
            time.sleep(0.05)
        raise TimeoutError("outbox still has pending rows")

    # ---- helpers ---------------------------------------------------------------------
    def _team(self, workspace_id: int | None) -> str:
        if workspace_id is None:
            return ""
        team = self._teams.get(workspace_id)
        if team is None:
            with self.db.reader() as s:
                team = s.scalar(select(Workspace.team_id).where(Workspace.id == workspace_id)) or ""
            self._teams[workspace_id] = team
        return team

    def _deliver(self, row_id: int, team: str, now: datetime) -> str:
        """Claim, send, record: three steps so a crash between them is recoverable.

        The row is marked `sending` (committed) before the call and `sent` after it. A
        process killed in between leaves a `sending` row, which `_recover` resolves by
        looking for the message's metadata in Slack instead of blindly sending twice.
        """
        with self.db.unit_of_work() as s:
            row = s.get(OutboxMessage, row_id)
            if row is None or row.status != "pending":
                return "sent"
            try:
                payload = resolve(s, row.payload)
            except Unresolved:
                row.next_attempt_at = now + timedelta(seconds=1)
                return "waiting"
            except Abandoned:  # e.g. the update of a progress message that could not be posted
                row.status, row.error = "failed", "target_failed"
                return "failed"
            row.status = "sending"
            row.attempts += 1
            row.next_attempt_at = now
            method = row.method
        meta = {k: v for k, v in payload.items() if k.startswith("_")}
        body = {k: v for k, v in payload.items() if not k.startswith("_")}
        if method == "chat.postMessage" and "metadata" not in body:
            body["metadata"] = {"event_type": OUTBOX_EVENT, "event_payload": {"outbox_id": row_id}}
        client = self.tokens.client(team or None)
        error: SlackApiError | None = None
        network: str | None = None
        response = None
        try:
            response = _upload(client, body) if method == "files.upload_v2" else client.api_call(method, json=body)
        except SlackApiError as exc:
            error = exc
        except Exception as exc:  # network trouble: urllib errors, timeouts, resets
            network = type(exc).__name__
        with self.db.unit_of_work() as s:
            row = s.get(OutboxMessage, row_id)
            if row is None:
                return "sent"
            row.status = "pending"
            if error is not None:
                return self._on_api_error(s, row, error, team, meta, now)
            if network is not None:
                self._retry_later(row, now, network)
                return "retry"
            self._mark_sent(s, row, now, _ts_of(response), response)
            return "sent"

    @staticmethod
    def _mark_sent(s, row: OutboxMessage, now: datetime, ts: str | None, response) -> None:
        row.status = "sent"
        row.sent_at = now
        row.result_ts = ts
        row.error = None
        if row.on_sent and ts:
            apply_on_sent(s, row.on_sent, ts)

    def recover(self) -> int:
        """Resolve rows left `sending` by a process that died mid-call; returns how many.

        chat.postMessage carries our outbox id as message metadata, so Slack itself tells
        whether the message arrived: found → sent (with its ts), not found → send again.
        Other methods are safe to repeat (updates, views) and simply go back to pending.
        """
        with self.db.reader() as s:
            rows = s.execute(select(OutboxMessage.id, OutboxMessage.workspace_id, OutboxMessage.method,
                                    OutboxMessage.payload, OutboxMessage.next_attempt_at)
                             .where(OutboxMessage.status == "sending")).all()
        for row_id, workspace_id, method, payload, claimed_at in rows:
            ts = None
            if method == "chat.postMessage":
                ts = self._find_sent(self._team(workspace_id), payload.get("channel", ""), row_id, claimed_at)
            with self.db.unit_of_work() as s:
                row = s.get(OutboxMessage, row_id)
                if row is None or row.status != "sending":
                    continue
                if ts:
                    self._mark_sent(s, row, self.clock(), ts, {"ts": ts})
                    log.info("outbox row %s was delivered before a crash; not sending again", row_id)
                else:
                    row.status = "pending"
        return len(rows)

    def _find_sent(self, team: str, channel: str, row_id: int, claimed_at: datetime) -> str | None:
        client = self.tokens.client(team or None)
        try:
            if channel.startswith(("U", "W")):
                channel = client.conversations_open(users=channel)["channel"]["id"]
            oldest = (claimed_at - timedelta(seconds=30)).timestamp()
            history = client.conversations_history(channel=channel, oldest=f"{oldest:.6f}", limit=200,
                                                   include_all_metadata=True)
        except Exception as exc:  # cannot tell: sending again is the lesser evil (never lose)
            log.info("could not check delivery of outbox row %s: %s", row_id, type(exc).__name__)
            return None
        for message in history.get("messages") or []:
            meta = message.get("metadata") or {}
            if meta.get("event_type") == OUTBOX_EVENT and (meta.get("event_payload") or {}).get("outbox_id") == row_id:
                return message.get("ts")
        return None

    def _on_api_error(self, s, row: OutboxMessage, exc: SlackApiError, team: str, meta: dict, now) -> str:
        status = getattr(exc.response, "status_code", 0) or 0
        error = (exc.response.get("error") if exc.response is not None else None) or f"http_{status}"
        if status == 429:
            retry_after = float(exc.response.headers.get("Retry-After", exc.response.headers.get("retry-after", 1)))
            row.next_attempt_at = now + timedelta(seconds=retry_after)
            row.error = "ratelimited"
            self.pacer.penalise(team, row.method, row.channel_key, retry_after)
            return "retry"
        if status >= 500 or error in TRANSIENT_ERRORS:
            self._retry_later(row, now, error)
            return "retry"
        row.status = "failed"
        row.error = error
        log.warning("outbox row %s failed permanently: %s %s", row.id, row.method, error)
        report_to = meta.get("_report_to")
        if report_to and not meta.get("_is_report"):
            lang = meta.get("_lang", "nl")
            channel = row.payload.get("channel", "")
            text_ = (
                t(lang, "errors.channel_not_found", channel=channel)
                if error in {"channel_not_found", "not_in_channel"}
                else f"{t(lang, 'errors.generic')} ({row.method}: {error})"
            )
            out = Outgoing(s, row.workspace_id)
            out.meta["_is_report"] = True
            out.to_person(report_to, text_, dedupe=f"report:{row.id}")
        return "failed"

    @staticmethod
    def _retry_later(row: OutboxMessage, now: datetime, error: str) -> None:
        delay = min(MAX_BACKOFF_SECONDS, 0.5 * 2 ** min(row.attempts, 10)) * (0.5 + random.random())
        row.next_attempt_at = now + timedelta(seconds=delay)
        row.error = error


def _ts_of(response) -> str | None:
    data = response.data if hasattr(response, "data") else response
    if not isinstance(data, dict):
        return None
    return data.get("ts") or data.get("message_ts") or (data.get("view") or {}).get("id")


def _upload(client, body: dict) -> Any:
    """files_upload_v2; a file for a person (a user id) goes to their DM with the bot, which
    Slack only names by a conversation id (opened here, at send time, not in the caller's request)."""
    import base64

    content = base64.b64decode(body.pop("content_b64"))
    if str(body.get("channel", "")).startswith(("U", "W")):
        body["channel"] = client.conversations_open(users=body["channel"])["channel"]["id"]
    return client.files_upload_v2(content=content, **body)
