"""`python -m bot demo`: a whole conversation cycle on this machine, no Slack account needed.

It starts the loopback Slack stand-in, runs the real bot against it (real HTTP, signed
requests, the real SQLite database, the scheduler's job on an accelerated clock), and
plays a coordinator and four participants through one cycle: data import, planning,
the preparation round with a late participant and her reminder, the four stages, actions,
the closing summary, the evaluation and the next session of the series. It prints the
conversation as people would read it and writes the transcript, report and charts.
"""

from __future__ import annotations

import json
import re
import threading
import time
from datetime import datetime
from pathlib import Path
from wsgiref.simple_server import make_server
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from bot.cli import demo_script as script
from bot.config import load_settings
from bot.fakeslack import FakeSlack, SlackSender
from bot.i18n import t
from bot.texts.formatting import format_datetime

AMS = ZoneInfo("Europe/Amsterdam")
TEAM = "TDEMO0001"
BOT_TOKEN = "xoxb-demo-token"
SECRET = "demo-signing-secret"
CHANNEL = "CKWALITEIT"
SCALE = 200.0  # Slack's rate limits, 200 times faster (the stand-in and our pacer agree)
START = datetime(2027, 3, 1, 10, 0, tzinfo=AMS)  # a Monday morning
SESSION_DAY, SESSION_TIME = "2027-03-09", "14:00"  # the second Tuesday of March


class DemoClock:
    """The bot's notion of now, moved forward by the demo (weeks pass in milliseconds)."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now


class Demo:
    def __init__(self, runtime, slack: FakeSlack, url: str, lang: str, clock: DemoClock, say) -> None:
        self.runtime, self.slack, self.lang, self.clock, self.say = runtime, slack, lang, clock, say
        self.sender = SlackSender(url, SECRET, TEAM, api=slack)
        self.session_id: int | None = None

    # ---- plumbing --------------------------------------------------------------------------
    def drain(self) -> None:
        self.runtime.sender.drain_until_idle(30)

    def wait(self, predicate, what: str, timeout: float = 15.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            value = predicate()
            if value:
                return value
            time.sleep(0.01)
        raise RuntimeError(f"demo stalled while waiting for: {what}")

    def at(self, moment: datetime) -> None:
        """Move the clock and run the scheduler's job, as the clock process would."""
        from bot.runtime import jobs

        self.clock.now = moment
        jobs.process_due()
        self.drain()

    def modal_after(self, click) -> dict:
        before = len(self.slack.calls_to("views.open"))
        click()
        self.wait(lambda: len(self.slack.calls_to("views.open")) > before, "a modal to open")
        return self.slack.calls_to("views.open")[-1].params["view"]

    def submit(self, callback: str, values: dict, user: str, view: dict) -> None:
        response = self.sender.view_submission(callback, values, user=user,
                                               private_metadata=view.get("private_metadata", ""))
        if response.status != 200 or response.body.strip():
            raise RuntimeError(f"{callback} refused: {response.status} {response.body[:200]}")

    def db(self):
        return self.runtime.deps.db

    # ---- the cycle -------------------------------------------------------------------------
    def setup(self) -> None:
        from storage.models import Workspace

        with self.db().unit_of_work() as s:
            s.add(Workspace(team_id=TEAM, language=self.lang, coordinator_ids=[],
                            settings={"gemeente": "Ooststellingwerf", "min_age": 65}))
        self.say("werkruimte ingericht: coördinator Carla, sociaal werkers Sam en Sanne, beleid Bas en Bente"
                 if self.lang == "nl" else "workspace ready: coordinator Carla, social workers Sam and Sanne, "
                 "policy staff Bas and Bente")

    def import_data(self) -> None:
        import storage
        from storage.models import OutcomeRow, Story

        examples = Path(storage.__file__).resolve().parent / "examples"
        outcome = script.OUTCOME[self.lang]
        for name, text in (("ontmoeting_ooststellingwerf.csv", outcome),
                           ("verhalen_ooststellingwerf.csv", f"verhalen: {outcome}")):
            file = self.slack.add_file((examples / name).read_bytes(), name=name, filetype="csv", team=TEAM)
            self.sender.event({"type": "message", "subtype": "file_share", "channel_type": "im",
                               "channel": "D" + script.COORDINATOR, "user": script.COORDINATOR, "text": text,
                               "files": [file], "ts": f"{time.time():.6f}"})
        self.wait(lambda: self._count(OutcomeRow) and self._count(Story), "the data import")
        self.drain()
        self.say(f"{self._count(OutcomeRow)} rijen uitkomstdata en {self._count(Story)} verhalen geïmporteerd"
                 if self.lang == "nl" else f"imported {self._count(OutcomeRow)} rows of outcome data and "
                 f"{self._count(Story)} stories")

    def _count(self, model) -> int:
        with self.db().reader() as s:
            return s.scalar(select(func.count()).select_from(model)) or 0

    def plan(self) -> None:
        from storage.models import ConversationSession

        view = self.modal_after(lambda: self.sender.command("start", user=script.COORDINATOR, channel=CHANNEL))
        values = {
            "flow": {"value": {"type": "static_select", "selected_option": {"value": "duiding"}}},
            "outcome_new": {"value": {"type": "plain_text_input", "value": script.OUTCOME[self.lang]}},
            "channel": {"value": {"type": "conversations_select", "selected_conversation": CHANNEL}},
            "participants_sw": {"value": {"type": "multi_users_select", "selected_users": list(script.SOCIAL)}},
            "participants_bm": {"value": {"type": "multi_users_select", "selected_users": list(script.POLICY)}},
            "date": {"value": {"type": "datepicker", "selected_date": SESSION_DAY}},
            "time": {"value": {"type": "timepicker", "selected_time": SESSION_TIME}},
            "repeat": {"value": {"type": "static_select", "selected_option": {"value": "kwartaal"}}},
            "visibility": {"value": {"type": "static_select", "selected_option": {"value": "hidden"}}},
        }
        self.submit("start_session", values, script.COORDINATOR, view)
        self.drain()
        with self.db().reader() as s:
            self.session_id = s.scalar(select(func.max(ConversationSession.id)))
        self.say("duidingsgesprek gepland op dinsdag 9 maart 14:00, elk kwartaal"
                 if self.lang == "nl" else "interpretation conversation planned for Tuesday 9 March 14:00, quarterly")

    def prepare(self, user: str) -> None:
        view = self.modal_after(lambda: self.sender.block_action("prep_open", str(self.session_id), user=user))
        inputs = [b["block_id"] for b in view["blocks"] if b.get("type") == "input"]
        first = script.PREP[user][1 if self.lang == "en" else 0]
        rest = "Zie hierboven." if self.lang == "nl" else "See above."
        values = {block_id: {"value": {"type": "plain_text_input", "value": first if i == 0 else rest}}
                  for i, block_id in enumerate(inputs)}
        self.submit("prep_answer", values, user, view)

    def preparation(self) -> None:
        self.at(datetime(2027, 3, 2, 14, 0, tzinfo=AMS))
        self.say("voorbereidingsronde: een DM voor elke deelnemer" if self.lang == "nl"
                 else "preparation round: a DM for every participant")
        for user in script.PEOPLE:
            if user != script.LATE:
                self.prepare(user)
        self.at(datetime(2027, 3, 4, 14, 0, tzinfo=AMS))
        nudged = [c for c in self.slack.calls_to("chat.postMessage") if c.params.get("channel") == script.LATE
                  and t(self.lang, "remind.prep", outcome="")[:20] in c.params.get("text", "")]
        if not nudged:
            raise RuntimeError("the late participant got no reminder")
        self.say("Bente was nog niet voorbereid en kreeg donderdag om 14:00 een herinnering" if self.lang == "nl"
                 else "Bente had not prepared yet and got a reminder on Thursday at 14:00")
        self.prepare(script.LATE)
        self.at(datetime(2027, 3, 8, 14, 0, tzinfo=AMS))
        self.say("samenvatting van de voorbereiding in de draad gezet" if self.lang == "nl"
                 else "preparation summary posted in the thread")

    def answer(self, stage_id: str, user: str) -> None:
        view = self.modal_after(lambda: self.sender.block_action(
            "answer_open", f"{self.session_id}:{stage_id}", user=user, channel=CHANNEL))
        values, index = {}, 0
        for block in view["blocks"]:
            if block.get("type") != "input":
                continue
            element = block["element"]
            if element["type"] == "plain_text_input":
                values[block["block_id"]] = {"value": {"type": "plain_text_input",
                                                       "value": script.answer_text(stage_id, user, self.lang, index)}}
                index += 1
            else:
                options = element.get("options") or []
                pick = options[-1] if element["type"] == "radio_buttons" and len(options) == 5 else options[0]
                key = "selected_options" if element["type"] == "checkboxes" else "selected_option"
                values[block["block_id"]] = {"value": {"type": element["type"],
                                                       key: [pick] if key == "selected_options" else pick}}
        self.submit("answer_stage", values, user, view)

    def stage_status(self, stage_id: str) -> str:
        from storage.models import SessionStage

        with self.db().reader() as s:
            row = s.scalar(select(SessionStage).where(SessionStage.session_id == self.session_id,
                                                      SessionStage.stage_id == stage_id))
            return row.status if row is not None else "pending"

    def conversation(self) -> None:
        self.at(datetime(2027, 3, 9, 14, 0, tzinfo=AMS))
        flow = self.runtime.deps.flows.get("duiding")
        for stage in flow.stages:
            title = stage.title.get(self.lang)
            if stage.kind == "questions":
                who = [script.COORDINATOR] if stage.roles == frozenset({"coordinator"}) else \
                    list(script.SOCIAL + script.POLICY)
                for user in who:
                    self.answer(stage.id, user)
            elif stage.kind == "actions":
                for by, what_nl, what_en, party, owner, due in script.ACTIONS:
                    view = self.modal_after(lambda by=by, st=stage.id: self.sender.block_action(
                        "action_add", f"{self.session_id}:{st}", user=by, channel=CHANNEL))
                    self.submit("add_action", {
                        "what": {"value": {"type": "plain_text_input", "value": what_en if self.lang == "en" else what_nl}},
                        "party": {"value": {"type": "static_select", "selected_option": {"value": party}}},
                        "owner": {"value": {"type": "users_select", "selected_user": owner}},
                        "due": {"value": {"type": "datepicker", "selected_date": due}},
                    }, by, view)
            self.drain()
            if stage.id == flow.stage_ids[-1]:
                self.wait(lambda sid=stage.id: self.stage_status(sid) == "closed", "the evaluation to close")
                self.say(f"fase '{title}' afgerond" if self.lang == "nl" else f"stage '{title}' done")
                break
            if self.stage_status(stage.id) == "open":
                self.sender.block_action("stage_advance", f"{self.session_id}:{stage.id}",
                                         user=script.COORDINATOR, channel=CHANNEL)
                self.wait(lambda sid=stage.id: self.stage_status(sid) != "open", f"stage {stage.id} to close")
            self.drain()
            self.say(f"fase '{title}' afgerond" if self.lang == "nl" else f"stage '{title}' done")
        self.sender.block_action("session_close", f"{self.session_id}:{flow.stage_ids[-1]}",
                                 user=script.COORDINATOR, channel=CHANNEL)
        self.wait(self._closed, "the session to close")
        self.drain()
        self.say("gesprek afgesloten met samenvatting en conclusie" if self.lang == "nl"
                 else "conversation closed with summary and conclusion")

    def _closed(self) -> bool:
        from storage.models import ConversationSession

        with self.db().reader() as s:
            return s.get(ConversationSession, self.session_id).status == "closed"

    def next_cycle(self) -> datetime | None:
        from storage.models import ConversationSession

        self.at(datetime(2027, 3, 9, 16, 0, tzinfo=AMS))
        with self.db().reader() as s:
            nxt = s.scalar(select(ConversationSession.scheduled_at).where(
                ConversationSession.id != self.session_id, ConversationSession.status == "scheduled"))
        if nxt is not None:
            when = format_datetime(nxt, self.lang, AMS)
            self.say(f"volgende gesprek van de reeks gepland op {when}, open acties gaan mee" if self.lang == "nl"
                     else f"next conversation of the series planned for {when}, open actions carried over")
        return nxt


# ---- transcript -----------------------------------------------------------------------------

def _plain(text: str, names: dict[str, str]) -> str:
    text = re.sub(r"<@(\w+)>", lambda m: "@" + names.get(m.group(1), m.group(1)), text or "")
    text = re.sub(r"<#(\w+)>", "#kwaliteit", text)
    text = re.sub(r"<!date\^\d+\^[^|>]*\|([^>]*)>", r"\1", text)  # a date token as a reader in Amsterdam sees it
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def render_message(message: dict, names: dict[str, str]) -> list[str]:
    lines: list[str] = []
    blocks = message.get("blocks") or []
    if not blocks:
        return [_plain(message.get("text", ""), names)]
    for block in blocks:
        kind = block.get("type")
        if kind == "header":
            lines.append(f"== {_plain(block['text']['text'], names)} ==")
        elif kind == "section":
            if block.get("text"):
                lines.append(_plain(block["text"]["text"], names))
            for field in block.get("fields") or []:
                lines.append("  " + _plain(field.get("text", ""), names))
        elif kind == "context":
            lines.append("  (" + " · ".join(_plain(e.get("text", ""), names) for e in block.get("elements", [])) + ")")
        elif kind == "divider":
            lines.append("  ---")
    return lines


def transcript(slack: FakeSlack, lang: str) -> str:
    names = {uid: name for uid, (name, _role) in script.PEOPLE.items()}
    names["UBOT"] = "bot"
    out = ["# Kanaal #kwaliteit" if lang == "nl" else "# Channel #kwaliteit", ""]
    for message in sorted(slack.messages(CHANNEL), key=lambda m: float(m["ts"])):
        prefix = "  │ " if message.get("thread_ts") else ""
        out.extend(prefix + line for line in "\n".join(render_message(message, names)).splitlines())
        for file in message.get("files") or []:
            out.append(f"{prefix}[{file.get('title') or file.get('name')}]")
        out.append("")
    for uid, (name, _role) in script.PEOPLE.items():
        dms = sorted(slack.messages("D" + uid), key=lambda m: float(m["ts"]))
        if not dms:
            continue
        out.append(f"# {'Privéberichten aan' if lang == 'nl' else 'Direct messages to'} {name}")
        for message in dms:
            out.extend("  " + line for line in "\n".join(render_message(message, names)).splitlines())
            out.append("")
    return "\n".join(out)


# ---- entry point ----------------------------------------------------------------------------

def run_demo(language: str = "nl", output: Path = Path("demo-output")) -> int:
    from bot.logs import configure

    configure("WARNING")  # the demo prints its own progress; warnings and errors still show
    lang = "en" if language == "en" else "nl"
    output = Path(output).resolve()
    output.mkdir(parents=True, exist_ok=True)
    database = output / "demo.db"
    for leftover in (database, output / "demo.db-wal", output / "demo.db-shm"):
        leftover.unlink(missing_ok=True)
    started = time.monotonic()

    def say(message: str) -> None:
        print(f"  ✓ {message}", flush=True)

    print("Demo: een volledige cyclus van een kwaliteitsgesprek" if lang == "nl"
          else "Demo: one full cycle of a quality conversation", flush=True)
    with FakeSlack(time_scale=SCALE) as slack:
        slack.add_team(TEAM, token=BOT_TOKEN, bot_user_id="UBOT", name="Gemeente Ooststellingwerf")
        for uid, (name, role) in script.PEOPLE.items():
            slack.add_user(uid, name=name, real_name=name, is_admin=role == "coordinator", team=TEAM,
                           locale="en-US" if lang == "en" else "nl-NL")
        settings = load_settings({
            "SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": SECRET, "SLACK_API_URL": slack.url,
            "DATABASE_URL": f"sqlite:///{database}", "PORT": "0", "BOT_LANGUAGE": lang,
        }, dotenv=False)
        from bot.runtime import jobs
        from bot.runtime.build import build_runtime
        from bot.web.app import WsgiApp
        from bot.web.server import _QuietHandler, _ThreadingServer
        from storage.migrate import upgrade

        upgrade(settings.database_url)
        import logging

        logging.getLogger("slack_bolt.App").setLevel(logging.ERROR)  # "client given, token unused" is expected
        runtime = build_runtime(settings, start_sender=False, rate_scale=SCALE)
        clock = DemoClock(START)
        runtime.deps.clock = clock
        jobs.bind(runtime.deps)
        server = make_server("127.0.0.1", 0, WsgiApp(runtime), server_class=_ThreadingServer,
                             handler_class=_QuietHandler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        try:
            demo = Demo(runtime, slack, f"http://127.0.0.1:{server.server_port}", lang, clock, say)
            demo.setup()
            demo.import_data()
            demo.plan()
            demo.preparation()
            demo.conversation()
            demo.next_cycle()
            text = transcript(slack, lang)
            (output / "transcript.txt").write_text(text, encoding="utf-8")
            from bot.report import write_report

            html, markdown = write_report(runtime.deps.db, runtime.deps.flows, demo.session_id, output, lang=lang)
            charts = []
            for index, upload in enumerate(slack.uploads, 1):
                path = output / f"grafiek-{index}.png"
                path.write_bytes(upload["content"])
                charts.append(path)
            (output / "calls.json").write_text(json.dumps(
                [{"method": c.method, "status": c.status} for c in slack.calls], indent=1), encoding="utf-8")
        finally:
            server.shutdown()
            server.server_close()
            runtime.sender.stop()
            runtime.db.dispose()
    print()
    print(text)
    print()
    seconds = time.monotonic() - started
    if lang == "nl":
        print(f"Klaar in {seconds:.1f} s. Geschreven in {output}:")
    else:
        print(f"Done in {seconds:.1f} s. Written to {output}:")
    for path in [output / "transcript.txt", html, markdown, *charts]:
        print(f"  {path}")
    return 0
