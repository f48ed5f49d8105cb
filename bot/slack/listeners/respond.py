"""How a listener answers the person who clicked or typed: privately, in their language, never a 5xx.

Why one helper: a refusal, an error and a confirmation must reach the person the same way
everywhere (ephemeral through response_url, else a DM through the outbox), and an unexpected
failure (the database is down) must still give an honest sentence, in the workspace's default
language when the person's own cannot be read.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_sdk.errors import SlackApiError

from bot.i18n import t
from bot.logs import log_failure
from bot.runtime.deps import Deps
from bot.services.common.caller import language
from bot.services.common.notices import tell
from bot.services.common.refusal import Refusal
from bot.slack.inbound import first_input, who
from bot.slack.markup import finalise, plain
from bot.slack.replies import post_ephemeral

log = logging.getLogger(__name__)


class Responder:
    """Answers one interaction privately."""

    def __init__(self, deps: Deps, body: dict, client: Any = None) -> None:
        self.deps, self.body, self.client = deps, body, client
        self.team, self.user = who(body)

    def language(self) -> str:
        return language(self.deps, self.team, self.user)

    def tell(self, text: str, blocks: list[dict] | None = None) -> None:
        url = self.body.get("response_url")
        if isinstance(url, str) and post_ephemeral(url, self.deps.settings.slack_api_url, text, blocks):
            return
        try:
            tell(self.deps, self.team, self.user, text, blocks)
        except Exception:
            log_failure(log, "could not deliver a private reply")

    def tell_key(self, key: str, **params: object) -> None:
        self.tell(t(self.language(), key, **params))

    def open(self, view: dict) -> None:
        """Open a modal while the trigger id is valid (3 s)."""
        try:
            self.client.views_open(trigger_id=self.body.get("trigger_id", ""), view=finalise(view))
        except SlackApiError as exc:
            log.info("views.open failed: %s", exc.response.get("error") if exc.response else exc)
            self.tell_key("errors.generic")

    def run(self, work: Callable[[], Any], what: str) -> Any:
        """Run a service call; a Refusal is told, any other failure is logged and told honestly."""
        try:
            return work()
        except Refusal as refusal:
            self.tell(refusal.message)
        except Exception:
            log_failure(log, f"{what} failed")
            self.tell_key("errors.generic")
        return None


def submit(ack, deps: Deps, body: dict, view: dict, work: Callable[[], Any], what: str,
           failure_key: str = "errors.save_failed") -> Any:
    """A modal submission: the work commits first, then Slack hears 'ok' (the modal closes).

    A Refusal or any failure is shown inside the modal (`response_action: errors`), so what the
    person wrote stays in front of them; a dict result is shown as errors per input.
    """
    team, user = who(body)
    block = first_input(view)
    try:
        result = work()
    except Refusal as refusal:
        ack(response_action="errors", errors={block: plain(refusal.message)[:150]})
        return None
    except Exception:
        log_failure(log, what)
        ack(response_action="errors", errors={block: plain(t(language(deps, team, user), failure_key))[:150]})
        return None
    if isinstance(result, dict) and result:
        ack(response_action="errors", errors={k: plain(str(v))[:150] for k, v in result.items()})
        return None
    ack()
    return result
