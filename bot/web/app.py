"""The HTTP face: one WSGI app for `/slack/events`, OAuth install pages and `/healthz`.

Production: the Procfile's gunicorn (settings in gunicorn.conf.py), or waitress through
`python -m bot run` / `web` (bot/web/server.py). Both serve this same app.
"""

from __future__ import annotations

import io
import json
import logging
import uuid

from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk.signature import SignatureVerifier
from sqlalchemy import func, select

from bot import logs
from bot.config import Settings, load_settings
from bot.runtime.build import Runtime, build_runtime
from bot.services.reports.links import PATH_PREFIX as PAGE_PREFIX
from storage.health import describe, write_problem
from storage.models import OutboxMessage

log = logging.getLogger(__name__)
MAX_BODY_BYTES = 1_000_000  # Slack's payloads are far smaller; refuse floods early
PAGE_HEADERS = (
    ("Cache-Control", "private, no-store"),
    ("X-Robots-Tag", "noindex, nofollow"),
    ("Referrer-Policy", "no-referrer"),
    ("X-Content-Type-Options", "nosniff"),
    ("Content-Security-Policy", "default-src 'none'; img-src data:; style-src 'unsafe-inline'; "
                                "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"),
)
NOT_FOUND_PAGE = (b'<!DOCTYPE html>\n<html lang="nl"><head><meta charset="utf-8"><title>Niet gevonden</title></head>'
                  b"<body><p>Deze pagina bestaat niet (meer). / This page does not exist (any more).</p></body></html>\n")


class WsgiApp:
    """Routes requests; never lets an exception become a 5xx for Slack's endpoint."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self.slack = SlackRequestHandler(runtime.app) if runtime.app is not None else None
        self._last_problem: str | None = None

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        request_id = environ.get("HTTP_X_REQUEST_ID") or uuid.uuid4().hex[:12]
        logs.request_id.set(request_id)
        if path == "/healthz":
            return self._health(start_response)
        if path.startswith(PAGE_PREFIX) and environ.get("REQUEST_METHOD") in ("GET", "HEAD"):
            return self._report_page(start_response, path[len(PAGE_PREFIX):], request_id)
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > MAX_BODY_BYTES:
            return _reply(start_response, "413 Payload Too Large", b"too large")
        if self.slack is None:
            return _reply(start_response, "404 Not Found", b"Not Found")
        if path == "/slack/events" and environ.get("REQUEST_METHOD") == "POST":
            if not self._signed(environ, length):
                return _reply(start_response, "401 Unauthorized", b"invalid signature")
            reason = self._shape_problem(environ)
            if reason:
                log.info("request %s refused: malformed %s", request_id, reason)
                return _reply(start_response, "400 Bad Request", b"malformed request")
        try:
            chunks = self.slack(environ, start_response)
            return chunks
        except ValueError as exc:  # a signed but unparsable body (bad JSON, bad encoding)
            log.info("request %s refused: malformed body (%s)", request_id, type(exc).__name__)
            return _reply(start_response, "400 Bad Request", b"could not handle this request")
        except Exception:
            log.exception("request %s failed before Slack got an answer", request_id)
            return _reply(start_response, "400 Bad Request", b"could not handle this request")

    def _report_page(self, start_response, token: str, request_id: str):
        """A report page for a valid link; one and the same 404 for every other token.

        The page may not be cached, indexed, framed or leak its address onwards: the token
        in the address is the key to it. It has no scripts and loads nothing (CSP)."""
        from bot.services.reports.page import report_page

        try:
            page = report_page(self.runtime.deps, token)
        except Exception:
            log.exception("request %s: the report page failed", request_id)
            return _reply(start_response, "503 Service Unavailable", b"try again later", headers=PAGE_HEADERS)
        if page is None:
            return _reply(start_response, "404 Not Found", NOT_FOUND_PAGE, "text/html; charset=utf-8",
                          headers=PAGE_HEADERS)
        return _reply(start_response, "200 OK", page.encode("utf-8"), "text/html; charset=utf-8",
                      headers=PAGE_HEADERS)

    def _signed(self, environ, length: int) -> bool:
        """Check Slack's signature before Bolt sees the body (Bolt checks again).

        Why twice: a request with an empty or non-numeric timestamp header makes the
        verifier raise instead of answer, and that must be a plain 401, never a pass.
        The body is read once here and handed on to Bolt unchanged.
        """
        secret = self.runtime.deps.settings.signing_secret
        if not secret:  # Socket Mode only: no HTTP events expected, Bolt decides
            return True
        body = environ["wsgi.input"].read(length) if length else b""
        environ["wsgi.input"] = io.BytesIO(body)
        timestamp = environ.get("HTTP_X_SLACK_REQUEST_TIMESTAMP") or ""
        signature = environ.get("HTTP_X_SLACK_SIGNATURE") or ""
        if not timestamp.isdigit() or not signature:
            return False
        try:
            return SignatureVerifier(secret).is_valid(body, timestamp, signature)
        except (ValueError, TypeError):
            return False

    @staticmethod
    def _shape_problem(environ) -> str | None:
        """Parse the (already read) body and check its shape before Bolt touches it."""
        from bot.slack.payloads import malformed, parse

        raw = environ["wsgi.input"].getvalue() if isinstance(environ["wsgi.input"], io.BytesIO) else b""
        try:
            body = parse(raw, environ.get("CONTENT_TYPE", ""))
        except (ValueError, TypeError):
            return "body"
        return malformed(body)

    def _health(self, start_response):
        """200 when a test write succeeds, 503 (with the reason) when the database cannot be written.

        Why a write: see storage.health. A change of state is logged once (error when it
        breaks, info when it recovers), not on every probe of the load balancer.
        """
        db = self.runtime.db
        problem = write_problem(db)
        body: dict = {"database": problem or "ok"}  # the problem words of storage.health
        if problem != self._last_problem:
            if problem is None:
                log.info("database writable again")
            else:
                log.error("healthz: %s", describe(db, problem))
            self._last_problem = problem
        if problem is None:
            try:
                with db.reader() as s:
                    body["outbox_pending"] = s.scalar(
                        select(func.count()).select_from(OutboxMessage).where(OutboxMessage.status == "pending")
                    )
                    body["outbox_failed"] = s.scalar(
                        select(func.count()).select_from(OutboxMessage).where(OutboxMessage.status == "failed")
                    )
            except Exception:
                body["outbox_pending"] = None
        status = "200 OK" if problem is None else "503 Service Unavailable"
        return _reply(start_response, status, json.dumps(body).encode(), "application/json")


def _reply(start_response, status: str, body: bytes, content_type: str = "text/plain; charset=utf-8", *,
           headers: tuple[tuple[str, str], ...] = ()):
    start_response(status, [("Content-Type", content_type), ("Content-Length", str(len(body))), *headers])
    return [body]


def create_wsgi_app(settings: Settings | None = None) -> WsgiApp:
    """Factory for gunicorn (gunicorn.conf.py) and `python -m bot web`: the runtime from the environment.

    Logging is configured here because under gunicorn this is the first code of ours that
    runs in a worker; the start-up checks ran once in gunicorn's master (`on_starting`).
    """
    if settings is None:
        settings = load_settings()
        logs.configure(settings.log_level, settings.log_format)
    settings.require_slack()
    return WsgiApp(build_runtime(settings))
