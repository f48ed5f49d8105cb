"""Sending requests to the bot the way Slack does: signed, form- or JSON-encoded, over HTTP.

Why real HTTP and real signatures: the bot's signature check, body parsing and 3-second
acknowledgement are part of what must work in production, so tests go through them too.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from .links import LinkEvents

if TYPE_CHECKING:
    from .server import FakeSlack


def sign(secret: str, body: str | bytes, timestamp: int | None = None) -> dict[str, str]:
    """Slack's request signature headers: v0=hex(HMAC-SHA256(secret, "v0:{ts}:{body}"))."""
    ts = int(time.time()) if timestamp is None else int(timestamp)
    raw = body.encode("utf-8") if isinstance(body, str) else body
    base = b"v0:" + str(ts).encode() + b":" + raw
    digest = hmac.new(secret.encode("utf-8"), base, hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": str(ts), "X-Slack-Signature": f"v0={digest}"}


@dataclass
class Response:
    """What the bot answered."""

    status: int
    headers: dict[str, str]
    body: str
    json: Any = None


_ENTITY_OPEN, _ENTITY_CLOSE = "\ue010", "\ue011"


def mention(user_id: str, name: str | None = None) -> str:
    """A user picked from Slack's mention menu while typing a command (not typed characters)."""
    return f"{_ENTITY_OPEN}@{user_id}{'|' + name if name else ''}{_ENTITY_CLOSE}"


def slack_escaped(typed: str) -> str:
    """What Slack sends for typed text with `should_escape: true`: &, < and > escaped; entities
    picked from menus (see `mention`) as Slack's own `<@U…>` markup."""
    escaped = typed.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return escaped.replace(_ENTITY_OPEN, "<").replace(_ENTITY_CLOSE, ">")


def _new_trigger() -> str:
    return f"trig-{uuid.uuid4().hex[:20]}"


class SlackSender(LinkEvents):
    """Posts signed Slack requests (events, commands, interactions) to `{app_url}/slack/events`.

    With `api` given, trigger ids are registered on the fake (so they expire after 3 s like
    Slack's) and response_urls point at the fake (so replies through them are recorded).
    """

    def __init__(
        self,
        app_url: str,
        signing_secret: str,
        team_id: str,
        *,
        api: FakeSlack | None = None,
        api_app_id: str | None = None,
        team_domain: str = "gemeente-test",
        path: str = "/slack/events",
        timeout: float = 10.0,
    ) -> None:
        self.url = app_url.rstrip("/") + path
        self.signing_secret = signing_secret
        self.team_id = team_id
        self.api = api
        self.api_app_id = api_app_id or (api.app_id if api is not None else "A0FAKEAPP")
        self.team_domain = team_domain
        self.timeout = timeout

    # -- plumbing ------------------------------------------------------------------------------

    def raw(
        self,
        body: str | bytes,
        headers: dict[str, str] | None = None,
        *,
        sign_with: str | None = None,
        timestamp: int | None = None,
        content_type: str | None = None,
    ) -> Response:
        """POST exactly `body`; signed with `sign_with` (default: the real secret) unless
        `headers` already carry a signature. Use for malformed or badly signed requests."""
        raw = body.encode("utf-8") if isinstance(body, str) else body
        all_headers: dict[str, str] = {}
        if content_type is None:
            stripped = raw.lstrip()[:1]
            content_type = (
                "application/json" if stripped in (b"{", b"[") else "application/x-www-form-urlencoded"
            )
        all_headers["Content-Type"] = content_type
        given = {k.lower() for k in (headers or {})}
        if "x-slack-signature" not in given:
            all_headers.update(
                sign(sign_with if sign_with is not None else self.signing_secret, raw, timestamp)
            )
        all_headers.update(headers or {})
        request = urllib.request.Request(self.url, data=raw, headers=all_headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as resp:
                return self._response(resp.status, dict(resp.headers), resp.read())
        except urllib.error.HTTPError as err:
            return self._response(err.code, dict(err.headers), err.read())

    @staticmethod
    def _response(status: int, headers: dict[str, str], raw: bytes) -> Response:
        text = raw.decode("utf-8", errors="replace")
        try:
            data = json.loads(text) if text.strip() else None
        except json.JSONDecodeError:
            data = None
        return Response(status, headers, text, data)

    def _trigger(self, trigger_id: str | None = None) -> str:
        trigger = trigger_id or _new_trigger()
        if self.api is not None:
            self.api.issue_trigger(trigger)
        return trigger

    def _response_url(self) -> str:
        if self.api is not None:
            return self.api.new_response_url()
        return f"https://hooks.slack.com/actions/{self.team_id}/{uuid.uuid4().hex[:12]}/fake"

    def _post_json(self, data: dict[str, Any], headers: dict[str, str] | None = None) -> Response:
        return self.raw(json.dumps(data), headers, content_type="application/json")

    def _post_form(self, fields: dict[str, str]) -> Response:
        return self.raw(urlencode(fields), content_type="application/x-www-form-urlencoded")

    def _interaction(self, payload: dict[str, Any]) -> Response:
        return self._post_form({"payload": json.dumps(payload)})

    # -- Events API ----------------------------------------------------------------------------

    def url_verification(self, challenge: str = "challenge-token") -> Response:
        return self._post_json(
            {"token": "legacy-verification-token", "challenge": challenge, "type": "url_verification"}
        )

    def event(
        self,
        event: dict[str, Any],
        *,
        event_id: str | None = None,
        retry_num: int | None = None,
        retry_reason: str = "http_timeout",
        event_time: int | None = None,
    ) -> Response:
        """An `event_callback` envelope; `retry_num` makes it look like Slack's redelivery."""
        now = int(time.time())
        body = {
            "token": "legacy-verification-token",
            "team_id": self.team_id,
            "context_team_id": self.team_id,
            "api_app_id": self.api_app_id,
            "event": {"event_ts": f"{now}.000100", **event},
            "type": "event_callback",
            "event_id": event_id or f"Ev{uuid.uuid4().hex[:10].upper()}",
            "event_time": event_time or now,
            "authorizations": [
                {
                    "enterprise_id": None,
                    "team_id": self.team_id,
                    "user_id": "UBOT",
                    "is_bot": True,
                    "is_enterprise_install": False,
                }
            ],
            "is_ext_shared_channel": False,
        }
        headers = {}
        if retry_num is not None:
            headers = {"X-Slack-Retry-Num": str(retry_num), "X-Slack-Retry-Reason": retry_reason}
        return self._post_json(body, headers)

    # -- slash commands --------------------------------------------------------------------------

    def command(
        self,
        text: str,
        *,
        user: str,
        channel: str = "C0CHAN",
        command: str = "/gesprek",
        trigger_id: str | None = None,
        user_name: str | None = None,
        channel_name: str | None = None,
    ) -> Response:
        fields = {
            "token": "legacy-verification-token",
            "team_id": self.team_id,
            "team_domain": self.team_domain,
            "channel_id": channel,
            "channel_name": channel_name or ("directmessage" if channel.startswith("D") else "general"),
            "user_id": user,
            "user_name": user_name or user.lower(),
            "command": command,
            "text": slack_escaped(text),
            "api_app_id": self.api_app_id,
            "is_enterprise_install": "false",
            "response_url": self._response_url(),
            "trigger_id": self._trigger(trigger_id),
        }
        return self._post_form(fields)

    def command_reply(self, text: str, *, user: str, timeout: float = 10.0, **kwargs: Any) -> dict[str, Any]:
        """The private answer the person sees to a command: the acknowledgement's own text, or
        (for work done after acknowledging) what the bot posted to the command's response_url."""
        before = len(self.api.responses) if self.api is not None else 0
        response = self.command(text, user=user, **kwargs)
        if response.status != 200:
            raise AssertionError(f"command answered {response.status}: {response.body}")
        if isinstance(response.json, dict) and response.json.get("text"):
            return response.json
        deadline = time.monotonic() + timeout
        while self.api is not None and time.monotonic() < deadline:
            posted = self.api.responses[before:]
            if posted:
                return posted[0]["body"]
            time.sleep(0.02)
        raise AssertionError("no reply to the command (neither in the acknowledgement nor via response_url)")

    # -- interactivity ---------------------------------------------------------------------------

    def _user(self, user: str) -> dict[str, Any]:
        return {"id": user, "username": user.lower(), "name": user.lower(), "team_id": self.team_id}

    def block_action(
        self,
        action_id: str,
        value: str,
        *,
        user: str,
        channel: str | None = None,
        message_ts: str | None = None,
        block_id: str = "b",
        view: dict[str, Any] | None = None,
        container: dict[str, Any] | None = None,
        trigger_id: str | None = None,
    ) -> Response:
        """A button click, in a message (channel + message_ts) or in a view (view)."""
        now = f"{time.time():.6f}"
        payload: dict[str, Any] = {
            "type": "block_actions",
            "user": self._user(user),
            "api_app_id": self.api_app_id,
            "token": "legacy-verification-token",
            "team": {"id": self.team_id, "domain": self.team_domain},
            "enterprise": None,
            "is_enterprise_install": False,
            "trigger_id": self._trigger(trigger_id),
            "response_url": self._response_url(),
            "actions": [
                {
                    "action_id": action_id,
                    "block_id": block_id,
                    "value": value,
                    "type": "button",
                    "action_ts": now,
                    "text": {"type": "plain_text", "text": value, "emoji": True},
                }
            ],
            "state": {"values": {}},
        }
        if view is not None:
            payload["view"] = self._view(view)
            payload["container"] = container or {"type": "view", "view_id": payload["view"]["id"]}
            del payload["response_url"]
        else:
            channel = channel or "C0CHAN"
            ts = message_ts or now
            payload["container"] = container or {
                "type": "message",
                "message_ts": ts,
                "channel_id": channel,
                "is_ephemeral": False,
            }
            payload["channel"] = {
                "id": channel,
                "name": "directmessage" if channel.startswith("D") else "general",
            }
            payload["message"] = {
                "type": "message",
                "ts": ts,
                "user": "UBOT",
                "bot_id": "B0BOT",
                "text": "",
                "blocks": [],
            }
        return self._interaction(payload)

    def _view(
        self,
        view: dict[str, Any],
        *,
        values: dict[str, Any] | None = None,
        view_id: str | None = None,
        hash: str | None = None,
    ) -> dict[str, Any]:
        """A view as Slack echoes it back: ids, hash, team and state filled in."""
        return {
            "id": view_id or view.get("id") or f"V{uuid.uuid4().hex[:10].upper()}",
            "team_id": self.team_id,
            "type": view.get("type", "modal"),
            "blocks": view.get("blocks", []),
            "private_metadata": view.get("private_metadata", ""),
            "callback_id": view.get("callback_id", ""),
            "state": {"values": values if values is not None else view.get("state", {}).get("values", {})},
            "hash": hash or view.get("hash") or f"{int(time.time())}.abc{uuid.uuid4().hex[:6]}",
            "title": view.get("title", {"type": "plain_text", "text": "Gesprek"}),
            "clear_on_close": False,
            "notify_on_close": False,
            "close": view.get("close"),
            "submit": view.get("submit"),
            "previous_view_id": None,
            "root_view_id": view_id or view.get("id"),
            "app_id": self.api_app_id,
            "external_id": "",
            "app_installed_team_id": self.team_id,
            "bot_id": "B0BOT",
        }

    def view_submission(
        self,
        callback_id: str,
        values: dict[str, Any],
        *,
        user: str,
        private_metadata: str = "",
        view_id: str | None = None,
        hash: str | None = None,
    ) -> Response:
        """A modal submit; `values` is state.values: {block_id: {action_id: {type, value, ...}}}."""
        view = self._view(
            {"callback_id": callback_id, "private_metadata": private_metadata},
            values=values,
            view_id=view_id,
            hash=hash,
        )
        return self._interaction(
            {
                "type": "view_submission",
                "team": {"id": self.team_id, "domain": self.team_domain},
                "user": self._user(user),
                "api_app_id": self.api_app_id,
                "token": "legacy-verification-token",
                "trigger_id": self._trigger(),
                "view": view,
                "response_urls": [],
                "is_enterprise_install": False,
                "enterprise": None,
            }
        )

    def view_closed(
        self,
        callback_id: str,
        *,
        user: str,
        private_metadata: str = "",
        view_id: str | None = None,
        is_cleared: bool = False,
    ) -> Response:
        view = self._view({"callback_id": callback_id, "private_metadata": private_metadata}, view_id=view_id)
        return self._interaction(
            {
                "type": "view_closed",
                "team": {"id": self.team_id, "domain": self.team_domain},
                "user": self._user(user),
                "api_app_id": self.api_app_id,
                "token": "legacy-verification-token",
                "view": view,
                "is_cleared": is_cleared,
                "is_enterprise_install": False,
                "enterprise": None,
            }
        )
