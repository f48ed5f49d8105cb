"""Builds the Bolt app: one Web API client on SLACK_API_URL, OAuth when configured, listeners.

Why `process_before_response=False`: Bolt answers Slack as soon as a listener calls
`ack()`. Listeners that must commit before acknowledging (answer submissions) simply
commit first and ack after, so Slack only hears "ok" for what is safely stored.
"""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor

from slack_bolt import App, BoltResponse
from slack_bolt.oauth.oauth_settings import OAuthSettings
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlalchemy.exc import IntegrityError

from bot.runtime.deps import Deps
from bot.slack.client import make_client
from bot.slack.listeners import register_all
from bot.slack.scopes import BOT_SCOPES
from storage.models import ProcessedEvent

log = logging.getLogger(__name__)


def build_app(deps: Deps) -> App:
    settings = deps.settings
    client = make_client(settings, settings.bot_token)
    kwargs: dict = {
        "client": client,
        "signing_secret": settings.signing_secret or "socket-mode-needs-no-signature",
        "process_before_response": False,
        "request_verification_enabled": not settings.socket_mode,
        # Bolt's default pool has 5 threads; listeners keep working after ack() (modals, DB),
        # and with 5 busy threads the next click would wait for its ack. Slack waits 3 s.
        "listener_executor": ThreadPoolExecutor(max_workers=32, thread_name_prefix="listener"),
    }
    if settings.oauth:
        kwargs["oauth_settings"] = OAuthSettings(
            client_id=settings.client_id,
            client_secret=settings.client_secret,
            scopes=BOT_SCOPES,
            installation_store=deps.tokens.installation_store,
            state_store=SQLAlchemyOAuthStateStore(expiration_seconds=600, engine=deps.db.engine),
            install_path="/slack/install",
            redirect_uri_path="/slack/oauth_redirect",
        )
    else:
        kwargs["token"] = settings.bot_token
    app = App(**kwargs)
    app.use(_shape_guard)
    app.use(_deduplicate(deps))

    @app.error
    def _on_error(error: Exception, body: dict) -> None:
        # Never log payload texts (answers can be sensitive): type, ids and the error only.
        # Not even the error's message: database errors quote the row (user ids, answer text).
        log.error(
            "listener failed: %s type=%s team=%s",
            type(error).__name__,
            body.get("type") if isinstance(body, dict) else None,
            (body.get("team_id") or (body.get("team") or {}).get("id")) if isinstance(body, dict) else None,
        )

    register_all(app, deps)
    return app


def _shape_guard(body: dict, next, logger) -> BoltResponse | None:  # noqa: A002 - Bolt's name
    """The same shape check as the HTTP layer (bot/payloads.py), for Socket Mode deliveries."""
    from bot.slack.payloads import malformed

    reason = malformed(body)
    if reason:
        logger.info("malformed payload refused (%s)", reason)
        return BoltResponse(status=400, body="malformed request")
    return next()


def _deduplicate(deps: Deps):
    """Slack retries deliveries (X-Slack-Retry-Num) and Bolt does not deduplicate: we do.

    Events are keyed on `event_id`. Interactions carry no id; their listeners are made
    idempotent by unique keys instead (answers, sessions, actions).
    """

    def middleware(body: dict, next, logger) -> BoltResponse | None:  # noqa: A002 - Bolt's name
        event_id = body.get("event_id") if isinstance(body, dict) else None
        if body.get("type") == "event_callback" and event_id:
            try:
                with deps.db.unit_of_work() as s:
                    s.add(ProcessedEvent(key=f"event:{event_id}"))
            except IntegrityError:
                logger.info("duplicate delivery of %s ignored", event_id)
                return BoltResponse(status=200, body="")
        return next()

    return middleware
