"""Web API method handlers: realistic answers and Slack's own error codes.

Each handler gets the shared State and the parsed request and returns the JSON body of
an `ok: true` answer, or raises ApiError with the code Slack would send. Only what our
bot (and slack_sdk/Bolt underneath it) actually calls is implemented; everything else is
`unknown_method`, so an unexpected call shows up loudly in tests.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .models import Team, User
from .state import PendingUpload, State, StoredFile

TRIGGER_TTL_SECONDS = 3.0  # trigger_id validity (scaled time), see docs/slack-platform.md
MAX_MESSAGE_BLOCKS = 50
MAX_VIEW_BLOCKS = 100
MAX_TEXT = 40_000
ALT_TXT_MAX = 1000  # files.getUploadURLExternal refuses a longer alt_txt with alt_txt_too_large


class ApiError(Exception):
    """An `ok: false` answer (HTTP 200, like Slack)."""

    def __init__(self, code: str, **extra: Any) -> None:
        super().__init__(code)
        self.code = code
        self.extra = extra


@dataclass
class Request:
    method: str
    params: dict[str, Any]
    token: str | None
    team: Team | None
    state: State

    def need(self, name: str, error: str = "invalid_arguments") -> Any:
        value = self.params.get(name)
        if value in (None, ""):
            raise ApiError(error)
        return value

    @property
    def t(self) -> Team:
        assert self.team is not None  # guaranteed by authentication before dispatch
        return self.team


Handler = Callable[[Request], dict[str, Any]]
METHODS: dict[str, Handler] = {}


def method(name: str) -> Callable[[Handler], Handler]:
    def register(fn: Handler) -> Handler:
        METHODS[name] = fn
        return fn

    return register


# -- auth / team ------------------------------------------------------------------------------


@method("auth.test")
def auth_test(req: Request) -> dict[str, Any]:
    team = req.t
    return {
        "url": f"https://{team.domain}.slack.com/",
        "team": team.name,
        "user": "bot",
        "team_id": team.id,
        "user_id": team.bot_user_id,
        "bot_id": team.bot_id,
        "app_id": team.app_id,
        "is_enterprise_install": False,
    }


@method("team.info")
def team_info(req: Request) -> dict[str, Any]:
    team = req.t
    return {
        "team": {
            "id": team.id,
            "name": team.name,
            "domain": team.domain,
            "email_domain": "",
            "icon": {"image_default": True},
            "enterprise_id": None,
        }
    }


# -- chat ------------------------------------------------------------------------------------


def _check_content(req: Request) -> tuple[str, list[Any] | None]:
    text = req.params.get("text") or ""
    blocks = req.params.get("blocks")
    attachments = req.params.get("attachments")
    if blocks is not None and not isinstance(blocks, list):
        raise ApiError("invalid_blocks_format")
    if not text and not blocks and not attachments:
        raise ApiError("no_text")
    if blocks is not None and len(blocks) > MAX_MESSAGE_BLOCKS:
        raise ApiError(
            "invalid_blocks",
            response_metadata={
                "messages": [
                    f"[ERROR] no more than {MAX_MESSAGE_BLOCKS} items allowed [json-pointer:/blocks]"
                ]
            },
        )
    if len(str(text)) > MAX_TEXT:
        raise ApiError("msg_too_long")
    return str(text), blocks


def _find_message(req: Request, channel: str, ts: str) -> dict[str, Any]:
    state = req.state
    for message in state.messages.get((req.t.id, channel), []):
        if message["ts"] == ts:
            return message
    raise ApiError("message_not_found")


def _resolve_channel(req: Request, param: str = "channel") -> str:
    channel = req.state.channel(req.t.id, str(req.params.get(param) or ""))
    if channel is None:
        raise ApiError("channel_not_found")
    return channel.id


@method("chat.postMessage")
def chat_post_message(req: Request) -> dict[str, Any]:
    channel = _resolve_channel(req)
    text, blocks = _check_content(req)
    team = req.t
    with req.state.lock:
        ts = req.state.ids.ts()
        message: dict[str, Any] = {
            "type": "message",
            "user": team.bot_user_id,
            "bot_id": team.bot_id,
            "app_id": team.app_id,
            "team": team.id,
            "text": text,
            "blocks": blocks or [],
            "ts": ts,
            "thread_ts": req.params.get("thread_ts") or None,
        }
        if req.params.get("attachments"):
            message["attachments"] = req.params["attachments"]
        if req.params.get("metadata"):
            message["metadata"] = req.params["metadata"]
        req.state.messages.setdefault((team.id, channel), []).append(message)
        return {"channel": channel, "ts": ts, "message": _public(message)}


@method("chat.update")
def chat_update(req: Request) -> dict[str, Any]:
    channel = _resolve_channel(req)
    ts = req.need("ts", "message_not_found")
    with req.state.lock:
        message = _find_message(req, channel, str(ts))
        text, blocks = _check_content(req)
        message["text"] = text
        if blocks is not None:
            message["blocks"] = blocks
        if req.params.get("attachments") is not None:
            message["attachments"] = req.params["attachments"]
        message["edited"] = {"user": req.t.bot_user_id, "ts": req.state.ids.ts()}
        return {"channel": channel, "ts": message["ts"], "text": text, "message": _public(message)}


@method("chat.delete")
def chat_delete(req: Request) -> dict[str, Any]:
    channel = _resolve_channel(req)
    ts = str(req.need("ts", "message_not_found"))
    with req.state.lock:
        message = _find_message(req, channel, ts)
        req.state.messages[(req.t.id, channel)].remove(message)
    return {"channel": channel, "ts": ts}


@method("chat.unfurl")
def chat_unfurl(req: Request) -> dict[str, Any]:
    """Link previews: `channel`+`ts` of a posted message, or `unfurl_id`+`source` in the composer.

    `unfurls` maps each URL (exactly as in the link_shared event) to blocks or attachment
    fields. The user's own message is not held by the fake, so an unknown ts is accepted."""
    unfurls = req.params.get("unfurls")
    if isinstance(unfurls, str):
        try:
            unfurls = json.loads(unfurls)
        except ValueError:
            raise ApiError("invalid_unfurls_format") from None
    if not isinstance(unfurls, dict) or not unfurls:
        raise ApiError("invalid_unfurls_format")
    for preview in unfurls.values():
        blocks = preview.get("blocks") if isinstance(preview, dict) else None
        if not isinstance(preview, dict) or (blocks is not None and not isinstance(blocks, list)):
            raise ApiError("invalid_unfurls_format")
        if blocks is not None and len(blocks) > MAX_MESSAGE_BLOCKS:
            raise ApiError("invalid_blocks")
    unfurl_id, source = req.params.get("unfurl_id"), req.params.get("source")
    if unfurl_id and source:
        channel, ts = None, None
    else:
        channel, ts = _resolve_channel(req), str(req.need("ts", "cannot_unfurl_message"))
    with req.state.lock:
        req.state.unfurls.append({"team": req.t.id, "channel": channel, "ts": ts, "unfurl_id": unfurl_id,
                                  "source": source, "unfurls": unfurls})
    return {}


@method("chat.postEphemeral")
def chat_post_ephemeral(req: Request) -> dict[str, Any]:
    channel = _resolve_channel(req)
    user = str(req.need("user", "user_not_found"))
    text, blocks = _check_content(req)
    with req.state.lock:
        if user not in req.state.users:
            raise ApiError("user_not_found")
        message_ts = req.state.ids.ts()
        req.state.ephemerals.append(
            {
                "channel": channel,
                "user": user,
                "text": text,
                "blocks": blocks or [],
                "ts": message_ts,
                "thread_ts": req.params.get("thread_ts") or None,
                "team": req.t.id,
            }
        )
    return {"message_ts": message_ts}


@method("chat.getPermalink")
def chat_get_permalink(req: Request) -> dict[str, Any]:
    channel = _resolve_channel(req)
    ts = str(req.need("message_ts", "message_not_found"))
    with req.state.lock:
        _find_message(req, channel, ts)
    return {
        "channel": channel,
        "permalink": f"https://{req.t.domain}.slack.com/archives/{channel}/p{ts.replace('.', '')}",
    }


def _public(message: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in message.items() if v is not None}


# -- conversations ---------------------------------------------------------------------------


@method("conversations.open")
def conversations_open(req: Request) -> dict[str, Any]:
    users = req.params.get("users") or req.params.get("channel")
    if not users:
        raise ApiError("users_list_not_supplied")
    ids = users if isinstance(users, list) else [u.strip() for u in str(users).split(",") if u.strip()]
    with req.state.lock:
        for user in ids:
            if user not in req.state.users:
                raise ApiError("user_not_found")
        if len(ids) == 1:
            existed = (req.t.id, "D" + ids[0]) in req.state.channels
            channel = req.state.dm_channel(req.t.id, ids[0])
            return {"no_op": existed, "already_open": existed, "channel": {"id": channel.id}}
        digest = hashlib.sha1(",".join(sorted(ids)).encode()).hexdigest()[:9].upper()
        return {"channel": {"id": "G" + digest}}


@method("conversations.history")
def conversations_history(req: Request) -> dict[str, Any]:
    """Newest first, like Slack; `metadata` only with include_all_metadata (as Slack does)."""
    channel = _resolve_channel(req)
    oldest = float(req.params.get("oldest") or 0)
    with_meta = str(req.params.get("include_all_metadata") or "").lower() in ("1", "true")
    with req.state.lock:
        found = [dict(m) for m in req.state.messages.get((req.t.id, channel), []) if float(m["ts"]) >= oldest]
    found.reverse()
    if not with_meta:
        for message in found:
            message.pop("metadata", None)
    page, cursor = _page([_public(m) for m in found], req)
    return {"messages": page, "has_more": bool(cursor), "response_metadata": {"next_cursor": cursor}}


@method("conversations.info")
def conversations_info(req: Request) -> dict[str, Any]:
    with req.state.lock:
        channel = req.state.channel(req.t.id, str(req.params.get("channel") or ""))
        if channel is None:
            raise ApiError("channel_not_found")
        return {"channel": channel.to_api()}


@method("conversations.members")
def conversations_members(req: Request) -> dict[str, Any]:
    with req.state.lock:
        channel = req.state.channel(req.t.id, str(req.params.get("channel") or ""))
        if channel is None:
            raise ApiError("channel_not_found")
        members, cursor = _page(list(channel.members), req)
    return {"members": members, "response_metadata": {"next_cursor": cursor}}


def _page(items: list[Any], req: Request) -> tuple[list[Any], str]:
    """Cursor pagination the way Slack does it: opaque cursor, empty string at the end."""
    start = int(req.params.get("cursor") or 0)
    limit = int(req.params.get("limit") or 0) or 1000
    chunk = items[start : start + limit]
    more = start + limit < len(items)
    return chunk, (str(start + limit) if more else "")


# -- users ---------------------------------------------------------------------------------


@method("users.info")
def users_info(req: Request) -> dict[str, Any]:
    user_id = str(req.params.get("user") or "")
    with req.state.lock:
        user = req.state.users.get(user_id)
        if user is None or user.team != req.t.id:
            raise ApiError("user_not_found")
        return {"user": user.to_api()}


@method("users.lookupByEmail")
def users_lookup_by_email(req: Request) -> dict[str, Any]:
    """Slack matches the address case-insensitively and answers users_not_found otherwise."""
    email = str(req.need("email", "invalid_email")).strip().lower()
    with req.state.lock:
        for user in req.state.users.values():
            if user.team == req.t.id and not user.is_bot and user.to_api()["profile"]["email"].lower() == email:
                return {"user": user.to_api()}
    raise ApiError("users_not_found")


@method("users.list")
def users_list(req: Request) -> dict[str, Any]:
    with req.state.lock:
        users = [u.to_api() for u in req.state.users.values() if u.team == req.t.id]
    members, cursor = _page(users, req)
    return {"members": members, "cache_ts": int(time.time()), "response_metadata": {"next_cursor": cursor}}


# -- views ---------------------------------------------------------------------------------


def _consume_trigger(req: Request) -> None:
    trigger = str(req.params.get("trigger_id") or req.params.get("interactivity_pointer") or "")
    if not trigger:
        raise ApiError("invalid_arguments")
    if trigger.startswith("expired"):
        raise ApiError("expired_trigger_id")
    if trigger.startswith("invalid"):
        raise ApiError("invalid_trigger_id")
    state = req.state
    with state.lock:
        if trigger in state.used_triggers:
            raise ApiError("exchanged_trigger_id")
        issued = state.triggers.get(trigger)
        if issued is not None and time.monotonic() - issued > TRIGGER_TTL_SECONDS:
            raise ApiError("expired_trigger_id")
        state.used_triggers.add(trigger)


def _check_view(view: Any) -> dict[str, Any]:
    if not isinstance(view, dict) or "type" not in view:
        raise ApiError("invalid_arguments")
    blocks = view.get("blocks") or []
    problems = []
    if len(blocks) > MAX_VIEW_BLOCKS:
        problems.append(f"[ERROR] no more than {MAX_VIEW_BLOCKS} items allowed [json-pointer:/view/blocks]")
    if view["type"] == "modal":
        for part in ("title", "submit", "close"):
            text = (view.get(part) or {}).get("text", "")
            if len(text) > 24:
                problems.append(f"[ERROR] must be less than 25 characters [json-pointer:/view/{part}/text]")
    if len(view.get("private_metadata") or "") > 3000:
        problems.append("[ERROR] must be less than 3001 characters [json-pointer:/view/private_metadata]")
    if problems:
        raise ApiError("invalid_arguments", response_metadata={"messages": problems})
    return view


def _store_view(
    req: Request,
    view: dict[str, Any],
    *,
    view_id: str | None = None,
    root: str | None = None,
    previous: str | None = None,
) -> dict[str, Any]:
    team = req.t
    with req.state.lock:
        view_id = view_id or req.state.ids.make("V")
        stored = {
            "id": view_id,
            "team_id": team.id,
            "type": view.get("type"),
            "title": view.get("title"),
            "submit": view.get("submit"),
            "close": view.get("close"),
            "blocks": view.get("blocks") or [],
            "private_metadata": view.get("private_metadata") or "",
            "callback_id": view.get("callback_id") or "",
            "external_id": view.get("external_id") or "",
            "state": {"values": {}},
            "hash": f"{int(time.time())}.{req.state.ids.make('h', 8)}",
            "clear_on_close": bool(view.get("clear_on_close")),
            "notify_on_close": bool(view.get("notify_on_close")),
            "root_view_id": root or view_id,
            "previous_view_id": previous,
            "app_id": team.app_id,
            "bot_id": team.bot_id,
        }
        req.state.views[view_id] = stored
        return dict(stored)


@method("views.open")
def views_open(req: Request) -> dict[str, Any]:
    view = _check_view(req.params.get("view"))
    _consume_trigger(req)
    return {"view": _store_view(req, view)}


@method("views.push")
def views_push(req: Request) -> dict[str, Any]:
    view = _check_view(req.params.get("view"))
    _consume_trigger(req)
    return {"view": _store_view(req, view)}


@method("views.update")
def views_update(req: Request) -> dict[str, Any]:
    view = _check_view(req.params.get("view"))
    with req.state.lock:
        view_id = req.params.get("view_id")
        external_id = req.params.get("external_id")
        current = None
        if view_id:
            current = req.state.views.get(str(view_id))
        elif external_id:
            current = next((v for v in req.state.views.values() if v["external_id"] == external_id), None)
        else:
            raise ApiError("invalid_arguments")
        if current is None or current["team_id"] != req.t.id:
            raise ApiError("not_found")
        wanted_hash = req.params.get("hash")
        if wanted_hash and wanted_hash != current["hash"]:
            raise ApiError("hash_conflict")
        return {
            "view": _store_view(
                req,
                view,
                view_id=current["id"],
                root=current["root_view_id"],
                previous=current["previous_view_id"],
            )
        }


@method("views.publish")
def views_publish(req: Request) -> dict[str, Any]:
    user_id = str(req.need("user_id"))
    view = _check_view(req.params.get("view"))
    if view.get("type") != "home":
        raise ApiError("invalid_arguments")
    with req.state.lock:
        user = req.state.users.get(user_id)
        if user is None or user.team != req.t.id:
            raise ApiError("user_not_found")
        stored = _store_view(req, view)
        req.state.home_views.setdefault(user_id, []).append(
            {"user_id": user_id, "view": view, "hash": req.params.get("hash"), "team": req.t.id}
        )
    return {"view": stored}


# -- files ---------------------------------------------------------------------------------


def file_object(state: State, f: StoredFile) -> dict[str, Any]:
    """Slack's file object; download URLs point at the fake and need the team's bot token."""
    url = f"{state.base}/files-pri/{f.team}-{f.id}/{f.name}"
    data = {
        "id": f.id,
        "created": int(time.time()),
        "timestamp": int(time.time()),
        "name": f.name,
        "title": f.title,
        "mimetype": _mimetype(f.filetype),
        "filetype": f.filetype,
        "pretty_type": f.filetype.upper(),
        "size": len(f.content),
        "mode": "hosted",
        "is_external": False,
        "is_public": False,
        "url_private": url,
        "url_private_download": url + "?download=1",
        "permalink": f"https://slack.example/files/{f.team}/{f.id}/{f.name}",
        "user_team": f.team,
    }
    data.update(f.meta)
    return data


def _mimetype(filetype: str) -> str:
    return {
        "csv": "text/csv",
        "text": "text/plain",
        "txt": "text/plain",
        "pdf": "application/pdf",
        "png": "image/png",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "json": "application/json",
        "markdown": "text/markdown",
    }.get(filetype, "application/octet-stream")


@method("files.info")
def files_info(req: Request) -> dict[str, Any]:
    file_id = str(req.params.get("file") or "")
    with req.state.lock:
        f = req.state.files.get(file_id)
        if f is None or f.team != req.t.id:
            raise ApiError("file_not_found")
        return {"file": file_object(req.state, f), "comments": [], "response_metadata": {"next_cursor": ""}}


@method("files.getUploadURLExternal")
def files_get_upload_url(req: Request) -> dict[str, Any]:
    filename = str(req.need("filename"))
    try:
        length = int(req.need("length"))
    except ValueError as exc:
        raise ApiError("invalid_arguments") from exc
    alt_txt = req.params.get("alt_txt")
    if alt_txt is not None and len(str(alt_txt)) > ALT_TXT_MAX:
        raise ApiError("alt_txt_too_large")
    with req.state.lock:
        file_id = req.state.ids.make("F")
        req.state.pending_uploads[file_id] = PendingUpload(
            id=file_id, team=req.t.id, filename=filename, length=length,
            alt_txt=str(alt_txt) if alt_txt is not None else None,
        )
    return {"upload_url": f"{req.state.base}/upload/v1/{file_id}", "file_id": file_id}


@method("files.completeUploadExternal")
def files_complete_upload(req: Request) -> dict[str, Any]:
    files = req.params.get("files")
    if not isinstance(files, list) or not files:
        raise ApiError("invalid_arguments")
    channel_id = req.params.get("channel_id") or None
    channels = req.params.get("channels")
    if channel_id is None and channels:
        channel_id = str(channels).split(",")[0]
    if channel_id is not None:
        found = req.state.channel(req.t.id, str(channel_id))
        if found is None:
            raise ApiError("channel_not_found")
        channel_id = found.id
    done = []
    with req.state.lock:
        for item in files:
            file_id = str(item.get("id") or "")
            pending = req.state.pending_uploads.get(file_id)
            if pending is None or pending.team != req.t.id or pending.content is None:
                raise ApiError("file_not_found")
        for item in files:
            pending = req.state.pending_uploads.pop(str(item["id"]))
            assert pending.content is not None
            title = item.get("title") or pending.filename
            ext = pending.filename.rsplit(".", 1)[-1].lower() if "." in pending.filename else "text"
            stored = StoredFile(
                id=pending.id,
                team=pending.team,
                name=pending.filename,
                title=title,
                filetype=ext,
                content=pending.content,
            )
            req.state.files[stored.id] = stored
            req.state.uploads.append(
                {
                    "id": stored.id,
                    "filename": pending.filename,
                    "title": title,
                    "content": pending.content,
                    "channel_id": channel_id,
                    "thread_ts": req.params.get("thread_ts") or None,
                    "initial_comment": req.params.get("initial_comment") or None,
                    "alt_txt": pending.alt_txt,
                    "team": req.t.id,
                }
            )
            done.append({"id": stored.id, "title": title})
    return {"files": done}


# -- oauth / socket mode -------------------------------------------------------------------


@method("oauth.v2.access")
def oauth_v2_access(req: Request) -> dict[str, Any]:
    state = req.state
    client_id = req.params.get("client_id")
    client_secret = req.params.get("client_secret")
    if client_id != state.client_id:
        raise ApiError("invalid_client_id")
    if client_secret != state.client_secret:
        raise ApiError("bad_client_secret")
    code = str(req.params.get("code") or "")
    with state.lock:
        grant = state.oauth_codes.pop(code, None)
        if grant is None:
            raise ApiError("invalid_code")
        team = state.teams.get(grant["team"])
        token = f"xoxb-{grant['team'].lower()}-{state.ids.make('', 12).lower()}"
        if team is None:
            team = Team(
                id=grant["team"],
                name=grant["team_name"],
                bot_user_id=grant["bot_user_id"],
                bot_id=state.ids.make("B"),
                app_id=state.app_id,
                domain=grant["team_name"].lower().replace(" ", "-"),
            )
            state.teams[team.id] = team
            state.users.setdefault(
                team.bot_user_id,
                User(
                    id=team.bot_user_id, team=team.id, name="bot", real_name=f"{team.name} bot", is_bot=True
                ),
            )
        team.tokens.add(token)
        state.tokens[token] = team.id
    return {
        "app_id": team.app_id,
        "authed_user": {"id": grant["user"]},
        "scope": grant["scope"],
        "token_type": "bot",
        "access_token": token,
        "bot_user_id": team.bot_user_id,
        "team": {"id": team.id, "name": team.name},
        "enterprise": None,
        "is_enterprise_install": False,
    }
