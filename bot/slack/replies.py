"""Private replies to a click or a command, in the moment: through Slack's response_url.

Why only to Slack's own hosts: a response_url comes inside the request; a forged (but signed,
e.g. replayed and edited) payload could point it anywhere and make the bot POST there. Only
hooks.slack.com (and GovSlack's), or the configured SLACK_API_URL's host for the stand-in,
are used; anything else, or a failed post, falls back to a DM through the outbox, which
delays the reply but never drops it.
"""

from __future__ import annotations

import logging
from urllib.parse import urlparse

from slack_sdk.webhook import WebhookClient

from bot.slack.markup import finalise

log = logging.getLogger(__name__)
SLACK_HOOK_HOSTS = frozenset({"hooks.slack.com", "hooks.slack-gov.com"})


def allowed_response_url(url: str, api_url: str) -> bool:
    target, api = urlparse(url or ""), urlparse(api_url or "")
    host = (target.hostname or "").lower()
    if not host:
        return False
    if target.scheme == "https" and host in SLACK_HOOK_HOSTS:
        return True
    return host == (api.hostname or "").lower() and target.port == api.port and target.scheme == api.scheme


def post_ephemeral(url: str, api_url: str, text: str, blocks: list[dict] | None = None) -> bool:
    """Post an ephemeral reply to a response_url; False when not allowed or not delivered."""
    if not allowed_response_url(url, api_url):
        log.info("response_url refused: not a Slack host")
        return False
    payload = finalise({"text": text or " ", **({"blocks": blocks} if blocks else {})})
    try:
        response = WebhookClient(url, timeout=5).send(text=payload["text"], blocks=payload.get("blocks"),
                                                      response_type="ephemeral", replace_original=False)
    except Exception as exc:  # network: the caller falls back to a DM through the outbox
        log.info("response_url post failed: %s", type(exc).__name__)
        return False
    return 200 <= response.status_code < 300
