"""Fuzzing the HTTP endpoint: random and mutated real-shaped Slack payloads never get a 5xx,
never take the bot down and never leave half-written state behind (issue 6, "Bad input").

Why mutation of real-shaped payloads instead of random bytes only: random bytes stop at the
signature check or the body parser. Payloads that look like Slack's (signed, the right
`type`, a real session id, a real action id) get past Bolt's routing into our listeners and
services, where a wrong type, a missing block or a huge string would otherwise crash.

Why hypothesis-free: the endpoint is a running server with state that builds up; a seeded
`random.Random` replays the same run for a given seed (`FUZZ_SEED`) and the run is bounded by
wall time (`FUZZ_SECONDS`, default 40) and a payload count (`FUZZ_MAX_PAYLOADS`), whichever
comes first, so it fits CI on both databases.
"""

from __future__ import annotations

import json
import logging
import os
import random
import re
import time
import urllib.error
import urllib.request
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote, urlencode

import pytest
from sqlalchemy import select

from bot.fakeslack import FakeSlack, SlackSender
from bot.services.common.store import load
from bot.slack.ids import Action, View
from storage.models import (
    Action as ActionRow,
)
from storage.models import (
    Answer,
    ConversationSession,
    OutboxMessage,
    Participant,
    Workspace,
)
from tests.conftest import TEST_DATABASE
from tests.databases import postgres_available, temporary_database
from tests.e2e.conftest import CHANNEL, COORDINATOR, OUTSIDER, POLICY, SOCIAL, Conversation
from tests.harness import BOT_TOKEN, SIGNING_SECRET, TEAM, RunningBot, running_bot

FUZZ_SECONDS = float(os.environ.get("FUZZ_SECONDS", "40"))
FUZZ_MAX_PAYLOADS = int(os.environ.get("FUZZ_MAX_PAYLOADS", "5000"))
FUZZ_SEED = int(os.environ.get("FUZZ_SEED", "20260611"))
CHECK_EVERY = 50  # healthz and the database invariants, every this many payloads (and at the end)

USERS = (COORDINATOR, *SOCIAL, *POLICY, OUTSIDER)
UNKNOWN_USERS = ("UNOBODY", "U" + "9" * 30, "", "W0ENTERPRISE", "B0BOT", "USLACKBOT")
SUBCOMMANDS = ("", "help", "hulp", "?", "start", "status", "data", "reeks", "series", "mijn-gegevens",
               "taal", "language", "START", "Status", "stop", "vliegen")
METHOD_RE = re.compile(r"^[a-z]+(\.[A-Za-z0-9_]+)+$")

HUGE = ("x" * 3001, "ë" * 20_000, "a " * 40_000)
NASTY_STRINGS = (
    "", " ", "\t\n", "0", "-1", "1e309", "NaN", "null", "true", "[]", "{}", "😀" * 50, "\u202eevil\u202c",
    "\x00\x01\x02\x1b[31m", "\r\n\r\n", "<!channel> <!here> <@UCOORD>", "*_~`>", "'; DROP TABLE answers; --",
    "../../etc/passwd", "%s%n%x", "{{ 7*7 }}", "q:", "q:../x", ":", "1:", ":opening", "1:opening:extra",
    "99999999999999999999:opening", "-1:opening", "0:opening", "１:opening", "٣", "²",
)
UNKNOWN_KEYS = ("__proto__", "constructor", "", " ", "q:", "q:zzz", "block-unknown", "💥", "x" * 300)


def garbage(rng: random.Random) -> Any:
    """A value of a random, usually wrong, JSON type."""
    pick = rng.randrange(12)
    if pick == 0:
        return None
    if pick == 1:
        return rng.choice((True, False))
    if pick == 2:
        return rng.choice((0, -1, 1, -(2**31), 2**31, 2**63, 10**30, -(10**30)))
    if pick == 3:
        return rng.choice((0.5, -1.5, 1e308, float("inf"), float("-inf"), float("nan")))
    if pick == 4:
        return rng.choice(HUGE)
    if pick in (5, 6, 7):
        return rng.choice(NASTY_STRINGS)
    if pick == 8:
        return []
    if pick == 9:
        return [garbage(rng) for _ in range(rng.randrange(3))]
    if pick == 10:
        return {}
    return {rng.choice(UNKNOWN_KEYS): rng.choice(NASTY_STRINGS)}


def mutate(value: Any, rng: random.Random, rate: float) -> Any:
    """Replace, drop or add parts of a JSON-like value; `rate` is the chance per node."""
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for key, item in value.items():
            roll = rng.random()
            if roll < rate / 3:
                continue  # missing field
            out[key] = garbage(rng) if roll < rate else mutate(item, rng, rate)
        if rng.random() < rate:
            out[rng.choice(UNKNOWN_KEYS)] = garbage(rng)  # an extra, unknown field
        return out
    if isinstance(value, list):
        items = [mutate(item, rng, rate) for item in value if rng.random() >= rate / 3]
        if rng.random() < rate:
            items.append(garbage(rng))
        return items
    return garbage(rng) if rng.random() < rate else value


def as_form_value(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value)


class Fuzzer:
    """Builds signed request bodies shaped like Slack's, from ids the running bot really knows."""

    def __init__(self, rng: random.Random, bot: RunningBot, slack: FakeSlack, sender: SlackSender) -> None:
        self.rng, self.bot, self.slack, self.sender = rng, bot, slack, sender
        self.sessions: list[int] = []
        self.stages: dict[int, list[str]] = {}
        self.questions: dict[tuple[int, str], list[tuple[str, str]]] = {}  # (session, stage) -> (qid, kind)
        self.actions: list[int] = []
        self.view_ids: list[str] = []
        self.files: list[dict[str, Any]] = []

    # ---- what the bot knows -------------------------------------------------------------
    def refresh(self) -> None:
        flows = self.bot.runtime.deps.flows
        with self.bot.db.reader() as s:
            rows = s.execute(select(ConversationSession.id, ConversationSession.flow_id,
                                    ConversationSession.flow_version)).all()
            self.actions = list(s.scalars(select(ActionRow.id)))
        self.sessions = [sid for sid, _f, _v in rows]
        for sid, flow_id, version in rows:
            flow = flows.get(flow_id, version)
            self.stages[sid] = [*flow.stage_ids, "prep"]
            for stage in flow.stages:
                self.questions[(sid, stage.id)] = [(q.id, q.kind) for q in stage.questions]
            if flow.preparation is not None:
                self.questions[(sid, "prep")] = [(q.id, "text") for q in flow.preparation.questions]
        self.view_ids = list(self.slack.views())

    # ---- small pieces -------------------------------------------------------------------
    def user(self) -> str:
        return self.rng.choice(USERS) if self.rng.random() < 0.85 else self.rng.choice(UNKNOWN_USERS)

    def team(self) -> str:
        return TEAM if self.rng.random() < 0.9 else self.rng.choice(("TOTHER", "", "T" + "0" * 40))

    def session_id(self) -> Any:
        if self.sessions and self.rng.random() < 0.75:
            return self.rng.choice(self.sessions)
        return self.rng.choice((0, -1, 999_999, 2**31, 2**63, "1", 1.5, None, [1]))

    def stage_id(self, session_id: Any) -> str:
        known = self.stages.get(session_id) if isinstance(session_id, int) else None
        if known and self.rng.random() < 0.8:
            return self.rng.choice(known)
        return self.rng.choice(("", "nope", "opening", "prep", "../opening", "x" * 200, "OPENING"))

    def trigger(self) -> str:
        if self.rng.random() < 0.7:
            return self.slack.issue_trigger()
        return self.rng.choice(("", "expired-trigger", "trig-" + uuid.uuid4().hex))

    def response_url(self) -> str:
        if self.rng.random() < 0.8:
            return self.slack.new_response_url()
        # never a real host: an unknown route on the fake, or a name that cannot resolve
        return self.rng.choice((self.slack.base + "/response/unknown", "not a url", "https://hooks.invalid/x"))

    def view_id(self) -> str:
        if self.view_ids and self.rng.random() < 0.6:
            return self.rng.choice(self.view_ids)
        return self.rng.choice(("VEXPIRED00", "", "V" + uuid.uuid4().hex[:10].upper()))

    def action_value(self, action_id: str) -> Any:
        rng = self.rng
        roll = rng.random()
        if roll < 0.55:
            sid = self.session_id()
            if action_id in (Action.PREP_OPEN, Action.REMIND_SNOOZE, Action.REMIND_DECLINE, Action.REMIND_ABSENT,
                             Action.REPORT_MAKE, Action.HOME_MORE):
                return str(sid)
            if action_id in (Action.ACTION_DONE, Action.ACTION_POSTPONE, Action.ACTION_COMMENT):
                return str(rng.choice(self.actions)) if self.actions and rng.random() < 0.7 else str(sid)
            if action_id == Action.START_FLOW:
                return rng.choice(("duiding", "zonder-data", "evaluatie", "onbekend", ""))
            return f"{sid}:{self.stage_id(sid)}"
        if roll < 0.85:
            return rng.choice(NASTY_STRINGS)
        return garbage(rng)

    # ---- payload families -------------------------------------------------------------------
    def command(self) -> tuple[str, str]:
        rng = self.rng
        sub = rng.choice(SUBCOMMANDS)
        args = rng.choice(("", "en", "nl", "xx", "stop 1", "pauze 1", "hervat 1", "lijst", str(self.session_id()),
                           *NASTY_STRINGS, *HUGE))
        text = f"{sub} {args}".strip() if rng.random() < 0.9 else rng.choice(HUGE)
        fields: dict[str, Any] = {
            "token": "legacy-verification-token", "team_id": self.team(), "team_domain": "gemeente-test",
            "channel_id": rng.choice((CHANNEL, "DUSW1", "C0OTHER", "G0PRIVATE", "")),
            "channel_name": "general", "user_id": self.user(), "user_name": "fuzz",
            "command": "/gesprek" if rng.random() < 0.9 else rng.choice(("/other", "", "gesprek")),
            "text": text, "api_app_id": self.slack.app_id, "is_enterprise_install": "false",
            "response_url": self.response_url(), "trigger_id": self.trigger(),
        }
        if rng.random() < 0.3:
            fields = mutate(fields, rng, 0.2)
        return urlencode({k: as_form_value(v) for k, v in fields.items()}), "application/x-www-form-urlencoded"

    def block_action(self) -> tuple[str, str]:
        rng = self.rng
        action_id = rng.choice([a.value for a in Action]) if rng.random() < 0.85 else rng.choice(
            ("unknown_action", "", "answer_open_", "ANSWER_OPEN", "stage_advance\x00"))
        user = self.user()
        now = f"{time.time():.6f}"
        payload: dict[str, Any] = {
            "type": "block_actions",
            "user": {"id": user, "username": user.lower(), "name": user.lower(), "team_id": self.team()},
            "api_app_id": self.slack.app_id, "token": "legacy-verification-token",
            "team": {"id": self.team(), "domain": "gemeente-test"}, "enterprise": None,
            "is_enterprise_install": False, "trigger_id": self.trigger(),
            "actions": [{"action_id": action_id, "block_id": rng.choice(("b", "prep", "")),
                         "value": self.action_value(action_id), "type": "button", "action_ts": now}],
            "state": {"values": {}},
        }
        if rng.random() < 0.25:  # a button in a view (Home tab, modal): no response_url
            payload["view"] = {"id": self.view_id(), "type": rng.choice(("home", "modal")), "callback_id": "",
                               "private_metadata": "", "state": {"values": {}}, "hash": "1.x"}
            payload["container"] = {"type": "view", "view_id": payload["view"]["id"]}
        else:
            channel = rng.choice((CHANNEL, "D" + user, "C0OTHER"))
            payload["response_url"] = self.response_url()
            payload["container"] = {"type": "message", "message_ts": now, "channel_id": channel,
                                    "is_ephemeral": False}
            payload["channel"] = {"id": channel, "name": "general"}
            payload["message"] = {"type": "message", "ts": now, "user": "UBOT", "text": "", "blocks": []}
        if rng.random() < 0.1:
            payload["actions"].append(dict(payload["actions"][0], action_id=rng.choice([a.value for a in Action])))
        if rng.random() < 0.35:
            payload = mutate(payload, rng, 0.12)
        return "payload=" + _quote(json.dumps(payload)), "application/x-www-form-urlencoded"

    def _state_values(self, callback_id: str, session_id: Any, stage_id: str) -> dict[str, Any]:
        rng = self.rng
        if callback_id == View.START:
            return {
                "flow": {"value": {"type": "static_select", "selected_option": {"value": rng.choice(
                    ("duiding", "zonder-data", "veranderverhaal", "evaluatie", "onbekend", ""))}}},
                "outcome_new": {"value": {"type": "plain_text_input", "value": rng.choice(
                    ("Fuzz uitkomst", *NASTY_STRINGS, *HUGE))}},
                "outcome": {"value": {"type": "static_select", "selected_option": {"value": str(rng.choice(
                    (1, 2, -1, 999_999)))}}},
                "channel": {"value": {"type": "conversations_select", "selected_conversation": rng.choice(
                    (CHANNEL, "C0OTHER", "", "DUSW1"))}},
                "participants_sw": {"value": {"type": "multi_users_select", "selected_users": rng.sample(
                    USERS + UNKNOWN_USERS, rng.randrange(4))}},
                "participants_bm": {"value": {"type": "multi_users_select", "selected_users": rng.sample(
                    USERS, rng.randrange(3))}},
                "visibility": {"value": {"type": "static_select", "selected_option": {"value": rng.choice(
                    ("hidden", "open", "anonymous", "public", ""))}}},
                "theme": {"value": {"type": "plain_text_input", "value": rng.choice(NASTY_STRINGS)}},
                "date": {"value": {"type": "datepicker", "selected_date": rng.choice(
                    ("2031-02-03", "2031-02-30", "yesterday", "0000-00-00", "", "1999-01-01"))}},
                "time": {"value": {"type": "timepicker", "selected_time": rng.choice(
                    ("10:00", "25:61", "", "noon"))}},
                "repeat": {"value": {"type": "static_select", "selected_option": {"value": rng.choice(
                    ("none", "weekly", "monthly", "quarterly", "hourly", ""))}}},
            }
        if callback_id == View.ACTION:
            return {
                "what": {"value": {"type": "plain_text_input", "value": rng.choice(("Huisbezoeken", *NASTY_STRINGS))}},
                "party": {"value": {"type": "static_select", "selected_option": {"value": rng.choice(
                    ("gemeente", "aanbieder", "samenwerkingsverband", "niemand", ""))}}},
                "owner": {"value": {"type": "users_select", "selected_user": self.user()}},
                "due": {"value": {"type": "datepicker", "selected_date": rng.choice(
                    ("2031-03-01", "2031-13-01", "", "morgen"))}},
                "target": {"value": {"type": "plain_text_input", "value": rng.choice(
                    ("12,5", "1e400", "abc", "", "-3", "nan"))}},
                "indicator": {"value": {"type": "static_select", "selected_option": {"value": rng.choice(
                    ("reach", "", "onbekend"))}}},
            }
        if callback_id == View.ABSENT:
            return {"until": {"value": {"type": "datepicker", "selected_date": rng.choice(
                ("2031-01-05", "2020-01-01", "", "2031-02-31", "soon"))}}}
        if callback_id == View.ACTION_COMMENT:
            return {"q:comment": {"value": {"type": "plain_text_input", "value": rng.choice(
                ("klaar", *NASTY_STRINGS, *HUGE))}}}
        values: dict[str, Any] = {}  # answer_stage and prep_answer: one input block per question
        known = self.questions.get((session_id, stage_id)) if isinstance(session_id, int) else None
        for qid, kind in known or [("q1", "text")]:
            if kind == "text":
                element = {"type": "plain_text_input", "value": rng.choice(("antwoord", *NASTY_STRINGS, *HUGE))}
            elif kind == "multi":
                element = {"type": "checkboxes", "selected_options": [
                    {"value": rng.choice(("a", "b", "", "zzz"))} for _ in range(rng.randrange(4))]}
            else:
                element = {"type": "radio_buttons", "selected_option": rng.choice(
                    ({"value": str(rng.randrange(-2, 12))}, {"value": "x"}, None))}
            values[f"q:{qid}"] = {"value": element}
        return values

    def private_metadata(self, callback_id: str, session_id: Any, stage_id: str) -> str:
        rng = self.rng
        roll = rng.random()
        if roll < 0.6:
            if callback_id == View.START:
                data: dict[str, Any] = {"channel": rng.choice((CHANNEL, ""))}
            elif callback_id == View.ACTION_COMMENT:
                data = {"action": rng.choice(self.actions) if self.actions else 1}
            else:
                data = {"session": session_id, "stage": stage_id}
            return json.dumps(mutate(data, rng, 0.15) if rng.random() < 0.4 else data)
        if roll < 0.85:
            return rng.choice(("", "[[[", "{", "null", "[]", "1", '"x"', '{"session": -1, "stage": "opening"}',
                               '{"session": 99999999, "stage": "opening"}', '{"session": "1", "stage": 1}',
                               '{"session": 1e999}', '{"action": -5}', '{"action": null}', "x" * 4000))
        return json.dumps(garbage(rng))

    def view_submission(self) -> tuple[str, str]:
        rng = self.rng
        callback_id = rng.choice([v.value for v in View]) if rng.random() < 0.9 else rng.choice(
            ("unknown_view", "", "answer_stage ", "START_SESSION"))
        session_id = self.session_id()
        stage_id = "prep" if callback_id == View.PREP else self.stage_id(session_id)
        values = self._state_values(callback_id, session_id, stage_id)
        if rng.random() < 0.5:
            values = mutate(values, rng, 0.15)
        user = self.user()
        view_id = self.view_id()
        payload = {
            "type": "view_submission", "team": {"id": self.team(), "domain": "gemeente-test"},
            "user": {"id": user, "username": user.lower(), "name": user.lower(), "team_id": self.team()},
            "api_app_id": self.slack.app_id, "token": "legacy-verification-token", "trigger_id": self.trigger(),
            "view": {"id": view_id, "team_id": TEAM, "type": "modal", "blocks": [],
                     "private_metadata": self.private_metadata(callback_id, session_id, stage_id),
                     "callback_id": callback_id, "state": {"values": values},
                     "hash": rng.choice((f"{int(time.time())}.abc", "stale", "")),
                     "root_view_id": view_id, "app_id": self.slack.app_id},
            "response_urls": [], "is_enterprise_install": False, "enterprise": None,
        }
        if rng.random() < 0.2:
            payload = mutate(payload, rng, 0.1)
        return "payload=" + _quote(json.dumps(payload)), "application/x-www-form-urlencoded"

    def event(self) -> tuple[str, str]:
        rng = self.rng
        user = self.user()
        kind = rng.choice(("app_home_opened", "message", "message", "app_mention", "member_joined_channel",
                           "unknown_event"))
        event: dict[str, Any] = {"type": kind, "user": user, "event_ts": f"{time.time():.6f}"}
        if kind == "app_home_opened":
            event.update(channel="D" + user, tab=rng.choice(("home", "messages", "", "about")))
        elif kind == "message":
            event.update(channel="D" + user, channel_type=rng.choice(("im", "im", "channel", "")),
                         text=rng.choice(("Minder eenzame ouderen", "verhalen: Jongeren doen mee", "", *NASTY_STRINGS)),
                         ts=f"{time.time():.6f}", subtype=rng.choice((None, "file_share", "message_changed")))
            event["files"] = [self.file() for _ in range(rng.randrange(0, 3))]
            if rng.random() < 0.1:
                event["files"] = garbage(rng)
        elif kind == "app_mention":
            event.update(channel=CHANNEL, text=rng.choice(("<@UBOT> help", *NASTY_STRINGS)), ts=f"{time.time():.6f}",
                         thread_ts=rng.choice((None, "1700000000.000001", "garbage")))
        if rng.random() < 0.3:
            event = mutate(event, rng, 0.15)
        body: dict[str, Any] = {
            "token": "legacy-verification-token", "team_id": self.team(), "api_app_id": self.slack.app_id,
            "event": event, "type": "event_callback",
            "event_id": rng.choice((f"Ev{uuid.uuid4().hex[:10].upper()}", "Ev0SAME", "", None)),
            "event_time": int(time.time()),
            "authorizations": [{"enterprise_id": None, "team_id": TEAM, "user_id": "UBOT", "is_bot": True,
                                "is_enterprise_install": False}],
        }
        if rng.random() < 0.2:
            body = mutate(body, rng, 0.1)
        return json.dumps(body), "application/json"

    def file(self) -> Any:
        rng = self.rng
        roll = rng.random()
        if roll < 0.3 and self.files:
            return dict(rng.choice(self.files))  # a real file on the fake (csv)
        if roll < 0.5:
            return {"id": rng.choice(("F0NOPE", "", "F" + "1" * 40))}  # files.info says file_not_found
        if roll < 0.8:
            return {"id": "F0X", "name": rng.choice(("virus.exe", "foto.png", "data.csv", "", "x" * 500)),
                    "filetype": rng.choice(("exe", "png", "csv", "xlsx", "", None)),
                    "size": rng.choice((10, 10**12, -1, "veel", None)),
                    "url_private_download": rng.choice((self.slack.base + "/files-pri/T0000TEST-F0NOPE/data.csv",
                                                        "https://evil.invalid/data.csv", "file:///etc/passwd",
                                                        "", None, 5))}
        return garbage(rng)

    def byte_mutation(self) -> tuple[bytes, str]:
        """A valid-looking body, then broken at the byte level: truncated, bytes flipped, keys doubled."""
        rng = self.rng
        body, ctype = rng.choice((self.command, self.block_action, self.view_submission, self.event))()
        raw = body.encode("utf-8")
        how = rng.randrange(6)
        if how == 0:
            raw = raw[: rng.randrange(len(raw) + 1)]
        elif how == 1:
            data = bytearray(raw)
            for _ in range(rng.randrange(1, 8)):
                if data:
                    data[rng.randrange(len(data))] = rng.randrange(256)
            raw = bytes(data)
        elif how == 2:  # duplicate keys: JSON keeps the last, forms the last (Bolt) or first (others)
            if ctype == "application/json":
                dup = rng.choice(('"type": "block_actions", ', '"event": "x", ', '"team_id": 5, ', '"type": null, '))
                raw = b"{" + dup.encode() + raw[1:]
            else:
                raw = raw + rng.choice((b"&payload=%7B", b"&command=%2Fother", b"&payload=" + raw[8:40],
                                        b"&text=" + b"y" * 1000))
        elif how == 3:
            pos = rng.randrange(len(raw) + 1)
            raw = raw[:pos] + rng.choice((b"\xff\xfe", b"\xc3", b"\x00", b"%", b"%zz", b"\xed\xa0\x80")) + raw[pos:]
        elif how == 4:  # the other content type than the body
            ctype = "application/json" if ctype != "application/json" else "application/x-www-form-urlencoded"
        else:
            raw = raw * rng.randrange(2, 4)
        return raw, ctype

    def next_payload(self) -> tuple[str, bytes | str, str]:
        roll = self.rng.random()
        if roll < 0.15:
            return ("command", *self.command())
        if roll < 0.40:
            return ("block_actions", *self.block_action())
        if roll < 0.65:
            return ("view_submission", *self.view_submission())
        if roll < 0.82:
            return ("event", *self.event())
        return ("bytes", *self.byte_mutation())


def _quote(text: str) -> str:
    from urllib.parse import quote

    return quote(text, safe="")


def healthz(url: str) -> int:
    try:
        with urllib.request.urlopen(url + "/healthz", timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def integrity_problems(bot: RunningBot) -> list[str]:
    """Half-written state: answers without their participant or stage, sessions whose state no
    longer loads, outbox rows without a method or payload. Empty means consistent."""
    deps = bot.runtime.deps
    problems: list[str] = []
    with bot.db.reader() as s:
        sessions = {
            row.id: (row, team)
            for row, team in s.execute(select(ConversationSession, Workspace.team_id)
                                       .join(Workspace, Workspace.id == ConversationSession.workspace_id)).all()
        }
        participant_session = dict(s.execute(select(Participant.id, Participant.session_id)).all())
        for session, team in sessions.values():
            try:
                load(s, deps.flows, session.id, team)
            except Exception as exc:  # any failure to load is a half-written session
                problems.append(f"session {session.id} does not load: {type(exc).__name__}: {exc}"[:300])
        for answer in s.scalars(select(Answer)):
            if participant_session.get(answer.participant_id) != answer.session_id:
                problems.append(f"answer {answer.id} of participant {answer.participant_id} not in session "
                                f"{answer.session_id}")
            found = sessions.get(answer.session_id)
            if found is None:
                problems.append(f"answer {answer.id} belongs to missing session {answer.session_id}")
                continue
            flow = deps.flows.get(found[0].flow_id, found[0].flow_version)
            if answer.stage_id not in (*flow.stage_ids, "prep"):
                problems.append(f"answer {answer.id} has stage {answer.stage_id!r} not in flow {flow.id}")
        for row in s.scalars(select(OutboxMessage)):
            if not isinstance(row.method, str) or not METHOD_RE.match(row.method):
                problems.append(f"outbox row {row.id} has method {row.method!r}")
            if not isinstance(row.payload, dict):
                problems.append(f"outbox row {row.id} has payload of type {type(row.payload).__name__}")
    return problems


def _send(sender: SlackSender, body: bytes | str, ctype: str, rng: random.Random) -> int:
    headers = {}
    if rng.random() < 0.05:
        headers = {"X-Slack-Retry-Num": rng.choice(("1", "2", "-1", "x")), "X-Slack-Retry-Reason": "http_timeout"}
    return sender.raw(body, headers, content_type=ctype).status


def _start(conversation: Conversation, flow: str, outcome: str, **kwargs: Any) -> int:
    """Start a session; once more when the first (cold) start missed Slack's 3 s acknowledgement.

    The very first start in a fresh process imports and warms up a lot and can take close to
    3 s on a busy machine; that is not what this test is about (see the report of issue 6).
    """
    try:
        return conversation.start(flow, outcome, **kwargs)
    except AssertionError:
        return conversation.start(flow, outcome, **kwargs)


def _seed_sessions(conversation: Conversation, bot: RunningBot, slack: FakeSlack) -> None:
    """Real sessions, answers, an action and a data file, so fuzzed ids hit real rows."""
    flows = bot.runtime.deps.flows
    first = _start(conversation, "duiding", "Minder eenzame ouderen")
    stage = flows.get("duiding").stage(conversation.stage_of(first))
    values = {q.id: ("antwoord" if q.kind == "text" else str(q.scale_max) if q.kind == "scale" else q.options[0].id)
              for q in stage.questions}
    conversation.answer(first, stage.id, SOCIAL[0], values)
    _start(conversation, "duiding", "Jongeren doen mee", visibility="anonymous")
    response = conversation.sender.view_submission("add_action", {
        "what": {"value": {"type": "plain_text_input", "value": "Huisbezoeken"}},
        "party": {"value": {"type": "static_select", "selected_option": {"value": "aanbieder"}}},
        "owner": {"value": {"type": "users_select", "selected_user": SOCIAL[0]}},
    }, user=SOCIAL[0], private_metadata=json.dumps({"session": first, "stage": stage.id}))
    assert response.status == 200
    bot.drain()


@dataclass
class FuzzRun:
    """What one fuzz run saw; two tests judge it (so the run happens once per database)."""

    tried: int = 0
    elapsed: float = 0.0
    statuses: Counter[int] = field(default_factory=Counter)
    kinds: Counter[str] = field(default_factory=Counter)
    server_errors: list[str] = field(default_factory=list)
    no_answer: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    listener_errors: Counter[str] = field(default_factory=Counter)

    @property
    def summary(self) -> str:
        return (f"fuzz: {self.tried} payloads in {self.elapsed:.1f}s (seed {FUZZ_SEED}); kinds {dict(self.kinds)}; "
                f"statuses {dict(sorted(self.statuses.items()))}; errors logged after the acknowledgement "
                f"{dict(self.listener_errors)}")


class _Collect(logging.Handler):
    """Errors our listeners log after Slack got its answer (no 5xx, but a crash all the same)."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.seen: Counter[str] = Counter()

    def emit(self, record: logging.LogRecord) -> None:
        if record.name.startswith("bot"):
            self.seen[record.getMessage().split("\n")[0][:100]] += 1


@pytest.fixture(scope="module")
def module_database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Like `database_url`, once for this module: the fuzz run is shared by its tests."""
    if TEST_DATABASE == "postgres" and not postgres_available():
        pytest.fail("TEST_DATABASE=postgres but PostgreSQL is not running on 127.0.0.1:5432")
    with temporary_database(TEST_DATABASE, tmp_path_factory.mktemp("fuzz")) as url:
        yield url


@pytest.fixture(scope="module")
def fuzz_run(module_database_url: str) -> Iterator[FuzzRun]:
    """Start the real bot against the fake Slack, seed real sessions, then fuzz until the time or
    payload budget is spent; healthz and the database invariants every CHECK_EVERY payloads."""
    run = FuzzRun()
    collect = _Collect()
    logging.getLogger().addHandler(collect)
    with FakeSlack(enforce_limits=True, time_scale=50.0) as slack:
        slack.add_team(TEAM, token=BOT_TOKEN, bot_user_id="UBOT", name="Gemeente Test")
        slack.add_user(COORDINATOR, name="Carla", is_admin=True, team=TEAM)
        for uid, name in zip(SOCIAL + POLICY + (OUTSIDER,), ("Sam", "Sanne", "Bas", "Bente", "Otto"), strict=True):
            slack.add_user(uid, name=name, team=TEAM)
        with running_bot(slack.url, module_database_url) as bot:
            sender = SlackSender(bot.url, SIGNING_SECRET, TEAM, api=slack, timeout=15)
            _seed_sessions(Conversation(bot, slack, sender), bot, slack)
            rng = random.Random(FUZZ_SEED)
            fuzzer = Fuzzer(rng, bot, slack, sender)
            fuzzer.files.append(slack.add_file(b"periode;bereik\n2026;10\n", name="cijfers.csv", filetype="csv"))
            fuzzer.refresh()

            def check() -> None:
                status = healthz(bot.url)
                if status != 200:
                    run.problems.append(f"/healthz answered {status} after {run.tried} payloads")
                run.problems.extend(integrity_problems(bot))

            started = time.monotonic()
            while run.tried < FUZZ_MAX_PAYLOADS and time.monotonic() - started < FUZZ_SECONDS:
                kind, body, ctype = fuzzer.next_payload()
                run.kinds[kind] += 1
                shown = body if isinstance(body, str) else body.decode("utf-8", errors="replace")
                try:
                    status = _send(sender, body, ctype, rng)
                except Exception as exc:  # connection reset / timeout: the server did not answer at all
                    status = 599
                    run.no_answer.append(f"{kind}: no answer ({type(exc).__name__}) for {unquote(shown)[:400]}")
                else:
                    if status >= 500:
                        run.server_errors.append(f"{kind}: HTTP {status} for {unquote(shown)[:400]}")
                run.statuses[status] += 1
                run.tried += 1
                if run.tried % CHECK_EVERY == 0:
                    check()
                    fuzzer.refresh()
                    if run.problems:
                        break
            run.elapsed = time.monotonic() - started
            time.sleep(1.0)  # let listeners that run after the acknowledgement finish their transactions
            check()
    logging.getLogger().removeHandler(collect)
    run.listener_errors = collect.seen
    print(run.summary)
    yield run


@pytest.mark.slow
def test_fuzzed_payloads_never_take_the_bot_down_or_half_write_state(fuzz_run: FuzzRun) -> None:
    """Whatever arrives, the bot answers every request, stays healthy and keeps its data consistent."""
    assert fuzz_run.tried > 0, fuzz_run.summary
    assert not fuzz_run.no_answer, fuzz_run.summary + "\n" + "\n".join(fuzz_run.no_answer[:10])
    assert not fuzz_run.problems, fuzz_run.summary + "\n" + "\n".join(fuzz_run.problems[:20])


@pytest.mark.slow
def test_fuzzed_payloads_never_get_a_5xx(fuzz_run: FuzzRun) -> None:
    """Slack must never see a 5xx from us: bad input gets a 4xx, a polite refusal or a modal error."""
    assert fuzz_run.tried > 0, fuzz_run.summary
    assert not fuzz_run.server_errors, (
        fuzz_run.summary + f"\n{len(fuzz_run.server_errors)} answers were 5xx, e.g.:\n"
        + "\n".join(fuzz_run.server_errors[:10]))
