"""The report's buttons: its link and preview in the thread, and the PDF and spreadsheet.

Same rules as every listener: acknowledge at once, call one service, answer privately. The
files take seconds to make; the service posts "bezig met…" first, so the thread shows it.
"""

from __future__ import annotations

from slack_bolt import Ack, App

from bot.runtime.deps import Deps
from bot.services.reports.sharing import share_file, share_report
from bot.slack.ids import Action, small_int
from bot.slack.inbound import button_value
from bot.slack.listeners.respond import Responder


def register(app: App, deps: Deps) -> None:
    @app.action(Action.REPORT_MAKE)
    def report_make(ack: Ack, body: dict, client) -> None:
        """The button under a closed session's summary: the report's link and preview in the thread."""
        ack()
        me = Responder(deps, body, client)
        note = me.run(lambda: share_report(deps, me.team, me.user, small_int(button_value(body))), "a report")
        if note:
            me.tell(note)

    def report_file(fmt: str):
        def listener(ack: Ack, body: dict, client) -> None:
            """The PDF or spreadsheet button: made while "bezig met…" stands in the thread."""
            ack()
            me = Responder(deps, body, client)
            me.run(lambda: share_file(deps, me.team, me.user, small_int(button_value(body)), fmt), f"a {fmt} report")

        return listener

    app.action(Action.REPORT_PDF)(report_file("pdf"))
    app.action(Action.REPORT_XLSX)(report_file("xlsx"))
