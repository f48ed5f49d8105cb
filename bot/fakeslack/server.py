"""FakeSlack: a loopback stand-in for Slack's Web API, response_url, file hosts and Socket Mode.

Why a real HTTP server: slack_sdk's WebClient talks urllib, so the only faithful way to
test the bot offline is to point its `base_url` at something that speaks HTTP, answers
like Slack (HTTP 200 with `ok: false`, 429 + Retry-After, 5xx) and remembers what it saw.
"""

from __future__ import annotations

import base64
import contextlib
import json
import threading
import time
import uuid
from collections import deque
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from .models import Call, Channel, Team, User
from .replies import Reply
from .socket_mode import SocketModeServer
from .state import State, StoredFile
from .webapi import METHODS, ApiError, Request, file_object

JSON_FIELDS = ("blocks", "attachments", "view", "files", "metadata")
RESPONSE_URL_MAX_USES = 5  # Slack: a response_url works 5 times within 30 minutes


@dataclass
class Answer:
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: dict[str, Any] | str | bytes | None = None

    def encode(self) -> tuple[bytes, str]:
        if isinstance(self.body, dict):
            return json.dumps(self.body).encode(), "application/json; charset=utf-8"
        if isinstance(self.body, bytes):
            return self.body, "application/octet-stream"
        return (self.body or "").encode(), "text/plain; charset=utf-8"


def parse_body(content_type: str, raw: bytes) -> tuple[dict[str, Any], dict[str, bytes]]:
    """Form fields / JSON object, plus uploaded file parts (multipart only)."""
    ctype = content_type.split(";")[0].strip().lower()
    if not raw:
        return {}, {}
    if ctype == "application/json":
        data = json.loads(raw.decode("utf-8"))
        return (data if isinstance(data, dict) else {"_json": data}), {}
    if ctype == "multipart/form-data":
        message = BytesParser(policy=HTTP).parsebytes(f"Content-Type: {content_type}\r\n\r\n".encode() + raw)
        fields: dict[str, Any] = {}
        files: dict[str, bytes] = {}
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition") or ""
            payload = part.get_payload(decode=True) or b""
            if part.get_filename():
                files[str(name)] = payload
            else:
                fields[str(name)] = payload.decode("utf-8", errors="replace")
        return fields, files
    return _form(raw.decode("utf-8", errors="replace")), {}


def _form(query: str) -> dict[str, Any]:
    return {k: v[-1] for k, v in parse_qs(query, keep_blank_values=True).items()}


def decode_json_fields(params: dict[str, Any]) -> dict[str, Any]:
    """Form-encoded callers send blocks/view/... as JSON strings; tests want objects either way."""
    for name in JSON_FIELDS:
        value = params.get(name)
        if isinstance(value, str) and value.strip()[:1] in ("[", "{"):
            # Undecodable JSON stays a string; the handler answers invalid_arguments for it.
            with contextlib.suppress(json.JSONDecodeError):
                params[name] = json.loads(value)
    return params


class FakeSlack:
    """Start with `with FakeSlack() as slack:`; point WebClient(base_url=slack.url) at it."""

    def __init__(
        self,
        *,
        enforce_limits: bool = True,
        time_scale: float = 1.0,
        client_id: str = "fake-client-id",
        client_secret: str = "fake-client-secret",
        app_id: str = "A0FAKEAPP",
        app_token: str | None = None,
    ) -> None:
        self._state = State(
            enforce_limits=enforce_limits,
            time_scale=time_scale,
            client_id=client_id,
            client_secret=client_secret,
            app_id=app_id,
            app_token=app_token,
        )
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._socket: SocketModeServer | None = None
        self._calls_cond = threading.Condition(self._state.lock)

    # -- lifecycle ---------------------------------------------------------------------------

    def start(self) -> FakeSlack:
        if self._server is not None:
            return self
        server = ThreadingHTTPServer(("127.0.0.1", 0), _make_handler(self))
        server.daemon_threads = True
        self._server = server
        self._state.base = f"http://127.0.0.1:{server.server_address[1]}"
        self._thread = threading.Thread(
            target=server.serve_forever, args=(0.05,), name="fakeslack", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._socket is not None:
            self._socket.stop()
            self._socket = None
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> FakeSlack:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def base(self) -> str:
        if not self._state.base:
            raise RuntimeError("FakeSlack is not started")
        return self._state.base

    @property
    def url(self) -> str:
        return self.base + "/api/"

    @property
    def client_id(self) -> str:
        return self._state.client_id

    @property
    def client_secret(self) -> str:
        return self._state.client_secret

    @property
    def app_id(self) -> str:
        return self._state.app_id

    # -- setup -------------------------------------------------------------------------------

    def add_team(
        self,
        team_id: str,
        *,
        token: str,
        bot_user_id: str = "UBOT",
        name: str | None = None,
        bot_id: str | None = None,
        domain: str | None = None,
    ) -> Team:
        """Register a workspace and its bot token (more tokens for it may follow via OAuth)."""
        name = name or team_id
        with self._state.lock:
            team = self._state.teams.get(team_id)
            if team is None:
                team = Team(
                    id=team_id,
                    name=name,
                    bot_user_id=bot_user_id,
                    bot_id=bot_id or "B" + team_id.lstrip("T")[:9],
                    app_id=self._state.app_id,
                    domain=domain or name.lower().replace(" ", "-"),
                )
                self._state.teams[team_id] = team
            team.tokens.add(token)
            self._state.tokens[token] = team_id
            self._state.users.setdefault(
                bot_user_id,
                User(id=bot_user_id, team=team_id, name="bot", real_name=name + " bot", is_bot=True),
            )
            return team

    def add_user(
        self,
        user_id: str,
        *,
        name: str | None = None,
        real_name: str | None = None,
        tz: str = "Europe/Amsterdam",
        is_admin: bool = False,
        is_owner: bool = False,
        locale: str = "en-US",
        team: str | None = None,
        deleted: bool = False,
        email: str | None = None,
    ) -> User:
        with self._state.lock:
            user = User(
                id=user_id,
                team=team or self._state.default_team(),
                name=name or user_id,
                real_name=real_name or name or user_id,
                tz=tz,
                locale=locale,
                is_admin=is_admin,
                is_owner=is_owner,
                deleted=deleted,
                email=email,
            )
            self._state.users[user_id] = user
            return user

    def add_channel(
        self,
        channel_id: str,
        *,
        name: str | None = None,
        members: list[str] | None = None,
        is_private: bool = False,
        team: str | None = None,
    ) -> Channel:
        """Declare a channel explicitly (otherwise any C…/G… id is an implicit public channel)."""
        with self._state.lock:
            team_id = team or self._state.default_team()
            channel = Channel(
                id=channel_id,
                team=team_id,
                name=name or channel_id.lower(),
                members=list(members or []),
                is_private=is_private,
            )
            self._state.channels[(team_id, channel_id)] = channel
            return channel

    def add_file(
        self,
        content: bytes,
        name: str = "data.csv",
        filetype: str = "csv",
        *,
        team: str | None = None,
        title: str | None = None,
    ) -> dict[str, Any]:
        """A file the bot can fetch with files.info and download with its bot token."""
        with self._state.lock:
            stored = StoredFile(
                id=self._state.ids.make("F"),
                team=team or self._state.default_team(),
                name=name,
                title=title or name,
                filetype=filetype,
                content=content,
            )
            self._state.files[stored.id] = stored
            return file_object(self._state, stored)

    def redirect_file(self, file_id: str, location: str, *, status: int = 302, times: int | None = None) -> None:
        """Downloads of `file_id` answer `status` with `Location: location` (`times` times, or always).

        With `bot.fakeslack.OtherHost` as the location, a test sees whether the bot followed the
        redirect to another host, and whether the bot token went along.
        """
        with self._state.lock:
            self._state.file_redirects[file_id] = (status, location, times)

    def oauth_code(
        self,
        team: str = "T2",
        *,
        team_name: str | None = None,
        user: str = "UINSTALLER",
        bot_user_id: str | None = None,
        scope: str = "chat:write,commands,users:read",
    ) -> str:
        """A one-time code that oauth.v2.access exchanges for a new bot token of `team`."""
        code = f"code-{uuid.uuid4().hex}"
        with self._state.lock:
            self._state.oauth_codes[code] = {
                "team": team,
                "team_name": team_name or team,
                "user": user,
                "bot_user_id": bot_user_id or "UBOT" + team.lstrip("T")[:6],
                "scope": scope,
            }
        return code

    def revoke_token(self, token: str) -> None:
        """Later calls with `token` answer `token_revoked` (like after an uninstall)."""
        with self._state.lock:
            self._state.revoked.add(token)

    def new_response_url(self) -> str:
        key = uuid.uuid4().hex
        with self._state.lock:
            self._state.response_urls[f"/response/{key}"] = 0
        return f"{self.base}/response/{key}"

    def issue_trigger(self, trigger_id: str | None = None) -> str:
        """Register a trigger id as issued now; views.open with it fails after 3 (scaled) seconds."""
        trigger_id = trigger_id or f"trig-{uuid.uuid4().hex[:16]}"
        with self._state.lock:
            self._state.triggers[trigger_id] = time.monotonic()  # real seconds: Slack's 3 s is wall time
        return trigger_id

    def script(self, method: str, *replies: Reply, times: int = 1) -> None:
        """Queue replies for `method` ("response_url" for response URLs), used before normal handling."""
        with self._state.lock:
            queue = self._state.scripts.setdefault(method, deque())
            for _ in range(times):
                queue.extend(replies)

    # -- observation -------------------------------------------------------------------------

    @property
    def calls(self) -> list[Call]:
        with self._state.lock:
            return list(self._state.calls)

    def calls_to(self, method: str) -> list[Call]:
        with self._state.lock:
            return [c for c in self._state.calls if c.method == method]

    def wait_for_calls(self, method: str, count: int = 1, timeout: float = 5.0) -> list[Call]:
        """Block until `count` calls of `method` were answered (for bots that send from threads)."""

        def done() -> bool:
            return sum(1 for c in self._state.calls if c.method == method and c.response) >= count

        with self._calls_cond:
            self._calls_cond.wait_for(done, timeout)
            return [c for c in self._state.calls if c.method == method]

    def reset_calls(self) -> None:
        """Forget recorded calls and violations and refill all rate-limit buckets."""
        with self._state.lock:
            self._state.calls.clear()
            self._state.violations.clear()
            self._state.limiter.reset()

    @property
    def violations(self) -> list[str]:
        with self._state.lock:
            return list(self._state.violations)

    @property
    def responses(self) -> list[dict[str, Any]]:
        with self._state.lock:
            return list(self._state.responses)

    @property
    def uploads(self) -> list[dict[str, Any]]:
        with self._state.lock:
            return [dict(u) for u in self._state.uploads]

    @property
    def ephemerals(self) -> list[dict[str, Any]]:
        with self._state.lock:
            return [dict(e) for e in self._state.ephemerals]

    @property
    def unfurls(self) -> list[dict[str, Any]]:
        """chat.unfurl calls that were accepted, oldest first."""
        with self._state.lock:
            return [dict(u) for u in self._state.unfurls]

    @property
    def downloads(self) -> list[dict[str, Any]]:
        with self._state.lock:
            return list(self._state.downloads)

    def messages(self, channel: str, team: str | None = None) -> list[dict[str, Any]]:
        """Messages now in `channel` (a user id means the bot's DM with that user)."""
        if channel.startswith(("U", "W")):
            channel = "D" + channel
        with self._state.lock:
            found = []
            for (team_id, channel_id), messages in self._state.messages.items():
                if channel_id == channel and (team is None or team == team_id):
                    found.extend(json.loads(json.dumps(m)) for m in messages)
            return sorted(found, key=lambda m: m["ts"])

    def views_published(self, user: str) -> list[dict[str, Any]]:
        with self._state.lock:
            return [json.loads(json.dumps(v)) for v in self._state.home_views.get(user, [])]

    def views(self) -> dict[str, dict[str, Any]]:
        """Modals opened/pushed/updated, by view id (current state)."""
        with self._state.lock:
            return json.loads(json.dumps(self._state.views))

    # -- Socket Mode ---------------------------------------------------------------------------

    def _socket_server(self) -> SocketModeServer:
        with self._state.lock:
            if self._socket is None:
                self._socket = SocketModeServer(self._state.app_id)
            return self._socket

    def socket_send(
        self,
        envelope_type: str,
        payload: dict[str, Any],
        *,
        accepts_response_payload: bool = False,
        retry_attempt: int = 0,
        retry_reason: str = "",
    ) -> str:
        """Deliver one envelope to the connected client; returns its envelope_id."""
        envelope_id = str(uuid.uuid4())
        envelope: dict[str, Any] = {
            "envelope_id": envelope_id,
            "type": envelope_type,
            "payload": payload,
            "accepts_response_payload": accepts_response_payload,
        }
        if envelope_type == "events_api":
            envelope.update({"retry_attempt": retry_attempt, "retry_reason": retry_reason})
        self._socket_server().send(envelope)
        return envelope_id

    @property
    def socket_acks(self) -> list[dict[str, Any]]:
        return list(self._socket.acks) if self._socket else []

    def wait_socket_connected(self, timeout: float = 5.0) -> bool:
        return self._socket_server().wait_connected(timeout)

    def wait_socket_ack(self, envelope_id: str, timeout: float = 5.0) -> dict[str, Any] | None:
        return self._socket_server().wait_ack(envelope_id, timeout)

    def socket_disconnect(self) -> None:
        """Drop Socket Mode clients (they should reconnect through apps.connections.open)."""
        if self._socket is not None:
            self._socket.disconnect_all()

    # -- request handling (server threads) -------------------------------------------------------

    def _handle(self, verb: str, path: str, headers: Any, raw: bytes) -> Answer:
        parts = urlsplit(path)
        route = unquote(parts.path)
        if route.startswith("/api/"):
            return self._web_api(route[len("/api/") :], parts.query, headers, raw)
        if route.startswith("/response/") and verb == "POST":
            return self._response_url(route, headers, raw)
        if route.startswith("/upload/v1/") and verb == "POST":
            return self._upload(route[len("/upload/v1/") :], headers, raw)
        if route.startswith("/files-pri/") and verb == "GET":
            return self._download(route, headers)
        return Answer(404, body="not found")

    def _next_script(self, key: str) -> Reply | None:
        with self._state.lock:
            queue = self._state.scripts.get(key)
            return queue.popleft() if queue else None

    def _web_api(self, method: str, query: str, headers: Any, raw: bytes) -> Answer:
        at = time.monotonic()
        state = self._state
        try:
            fields, _ = parse_body(headers.get("Content-Type", ""), raw)
        except (ValueError, UnicodeDecodeError):
            fields = {}
        params = decode_json_fields({**_form(query), **fields})
        auth = headers.get("Authorization", "")
        token: str | None = None
        if auth.startswith("Bearer "):
            token = auth[len("Bearer ") :].strip()
        elif auth.startswith("Basic "):
            try:
                cid, _, secret = base64.b64decode(auth[6:]).decode().partition(":")
                params.setdefault("client_id", cid)
                params.setdefault("client_secret", secret)
            except ValueError:
                pass
        token = token or params.get("token") or None
        team = state.team_for_token(token)
        call = Call(method=method, params=params, token=token, team=team.id if team else None, at=at)
        with state.lock:
            state.calls.append(call)

        scripted = self._next_script(method)
        if scripted is not None and scripted.delay:
            time.sleep(scripted.delay)
        if scripted is not None and not scripted.passthrough:
            answer = Answer(scripted.status, dict(scripted.headers), scripted.body)
        else:
            answer = self._dispatch(method, params, token, team)
        with self._calls_cond:
            call.status = answer.status
            call.response = answer.body if isinstance(answer.body, dict) else {"raw": answer.body}
            self._calls_cond.notify_all()
        return answer

    def _dispatch(self, method: str, params: dict[str, Any], token: str | None, team: Team | None) -> Answer:
        state = self._state
        if method not in METHODS and method != "apps.connections.open":
            return Answer(body={"ok": False, "error": "unknown_method"})
        if method != "oauth.v2.access":
            error = self._auth_error(method, token, team)
            if error:
                return Answer(body={"ok": False, "error": error})
        channel = params.get("channel") or params.get("channel_id")
        if isinstance(channel, str) and channel.startswith(("U", "W")):
            channel = "D" + channel
        verdict = state.limiter.check(
            team.id if team else None, method, channel if isinstance(channel, str) else None
        )
        if not verdict.allowed:
            with state.lock:
                state.violations.append(verdict.message)
            if state.enforce_limits:
                return Answer(
                    429, {"Retry-After": str(verdict.retry_after)}, {"ok": False, "error": "ratelimited"}
                )
        if method == "apps.connections.open":
            return Answer(body={"ok": True, "url": self._socket_server().url()})
        try:
            data = METHODS[method](Request(method, params, token, team, state))
            return Answer(body={"ok": True, **data})
        except ApiError as exc:
            return Answer(body={"ok": False, "error": exc.code, **exc.extra})

    def _auth_error(self, method: str, token: str | None, team: Team | None) -> str | None:
        state = self._state
        if not token:
            return "not_authed"
        if token in state.revoked:
            return "token_revoked"
        is_app_token = token.startswith("xapp-")
        if method == "apps.connections.open":
            if team is not None:
                return "not_allowed_token_type"
            if not is_app_token or (state.app_token is not None and token != state.app_token):
                return "invalid_auth"
            return None
        if is_app_token:
            return "not_allowed_token_type"
        return None if team is not None else "invalid_auth"

    def _response_url(self, route: str, headers: Any, raw: bytes) -> Answer:
        state = self._state
        try:
            fields, _ = parse_body(headers.get("Content-Type", "application/json") or "application/json", raw)
        except (ValueError, UnicodeDecodeError):
            return Answer(400, body="invalid_payload")
        if set(fields) == {"payload"} and isinstance(fields["payload"], str):
            fields = json.loads(fields["payload"])
        with state.lock:
            if route not in state.response_urls:
                return Answer(404, body="no_url")
            state.response_urls[route] += 1
            uses = state.response_urls[route]
            state.responses.append({"url": state.base + route, "body": fields, "at": time.monotonic()})
        scripted = self._next_script("response_url")
        if scripted is not None:
            time.sleep(scripted.delay)
            if not scripted.passthrough:
                return Answer(scripted.status, dict(scripted.headers), scripted.body)
        if uses > RESPONSE_URL_MAX_USES:
            with state.lock:
                state.violations.append(
                    f"response_url {route} used {uses} times (Slack allows {RESPONSE_URL_MAX_USES})"
                )
            if state.enforce_limits:
                return Answer(404, body="used_url")
        return Answer(200, {"Content-Type": "text/plain"}, "ok")

    def _upload(self, file_id: str, headers: Any, raw: bytes) -> Answer:
        state = self._state
        content = raw
        if headers.get("Content-Type", "").lower().startswith("multipart/form-data"):
            _, files = parse_body(headers["Content-Type"], raw)
            content = files.get("file") or next(iter(files.values()), b"")
        with state.lock:
            pending = state.pending_uploads.get(file_id)
            if pending is None:
                return Answer(404, body="upload_url_not_found")
            pending.content = content
        return Answer(200, {"Content-Type": "text/plain"}, f"OK - {len(content)}")

    def _download(self, route: str, headers: Any) -> Answer:
        state = self._state
        ident = route[len("/files-pri/") :].split("/", 1)[0]
        team_id, _, file_id = ident.partition("-")
        auth = headers.get("Authorization", "")
        token = auth[len("Bearer ") :].strip() if auth.startswith("Bearer ") else None
        with state.lock:
            f = state.files.get(file_id)
            allowed = (
                f is not None
                and f.team == team_id
                and state.team_for_token(token) is not None
                and state.tokens.get(token or "") == f.team
            )
            redirect = state.file_redirects.get(file_id)
            if redirect is not None and redirect[2] == 0:
                redirect = None
            elif redirect is not None and redirect[2] is not None:
                state.file_redirects[file_id] = (redirect[0], redirect[1], redirect[2] - 1)
            state.downloads.append({"file_id": file_id, "token": token, "allowed": allowed,
                                    "redirected_to": redirect[1] if redirect else None})
        if redirect is not None:
            return Answer(redirect[0], {"Location": redirect[1]}, "")
        if f is None:
            return Answer(404, body="file_not_found")
        if not allowed:
            return Answer(403, body="forbidden: send Authorization: Bearer <bot token of the file's team>")
        return Answer(200, {"Content-Type": "application/octet-stream"}, f.content)


def _make_handler(fake: FakeSlack) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

        def _serve(self, verb: str) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            try:
                answer = fake._handle(verb, self.path, self.headers, raw)
            except Exception as exc:  # a bug in the fake must show up as a 500, not a hang
                answer = Answer(500, body=f"fakeslack error: {exc!r}")
            payload, content_type = answer.encode()
            self.send_response(answer.status)
            headers = {"Content-Type": content_type, **answer.headers}
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def do_GET(self) -> None:
            self._serve("GET")

        def do_POST(self) -> None:
            self._serve("POST")

    return Handler


__all__ = ["Answer", "FakeSlack", "Reply"]
