"""What `/gesprek` subcommands do (the listener only parses and acknowledges)."""

from __future__ import annotations

import logging
from collections.abc import Callable

from slack_sdk.errors import SlackApiError
from sqlalchemy import select

from bot.i18n import t
from bot.runtime.deps import Deps
from bot.services.people import ensure_person, ensure_workspace, is_coordinator, language_of
from bot.services.status import status_lines
from bot.slack.blocks.start_modal import start_modal
from storage.models import Outcome

log = logging.getLogger(__name__)

# Subcommands added by other feature modules: name -> fn(deps, command, rest, lang) -> reply text.
EXTRA_SUBCOMMANDS: dict[str, Callable[[Deps, dict, str, str], str]] = {}


def user_language(deps: Deps, team_id: str, user_id: str) -> str:
    if not team_id or not user_id:
        return deps.settings.language
    with deps.db.unit_of_work() as s:
        workspace = ensure_workspace(s, team_id, language=deps.settings.language)
        person = ensure_person(s, deps, workspace, user_id, fetch=False)
        return language_of(person, deps)


def set_language(deps: Deps, team_id: str, user_id: str, choice: str) -> str:
    choice = choice.lower()[:2]
    if choice not in ("nl", "en"):
        return "Gebruik `/gesprek taal nl` of `/gesprek taal en`. / Use `/gesprek taal nl` or `/gesprek taal en`."
    with deps.db.unit_of_work() as s:
        workspace = ensure_workspace(s, team_id)
        person = ensure_person(s, deps, workspace, user_id, fetch=False)
        person.language = choice
    return t(choice, "language.set")


def open_start_modal(deps: Deps, client, team_id: str, user_id: str, trigger_id: str,
                     channel_id: str | None = None, flow_id: str | None = None) -> str | None:
    """Open the start modal (coordinators only). Returns a refusal text, or None when opened."""
    with deps.db.unit_of_work() as s:
        workspace = ensure_workspace(s, team_id, language=deps.settings.language)
        person = ensure_person(s, deps, workspace, user_id)
        lang = language_of(person, deps)
        if not is_coordinator(s, workspace, person):
            return t(lang, "errors.not_coordinator")
        outcomes = [(o.id, o.name) for o in s.scalars(
            select(Outcome).where(Outcome.workspace_id == workspace.id).order_by(Outcome.id.desc()).limit(100))]
    flows = [(flow.id, flow.title.get(lang)) for flow in deps.flows.all()]
    view = start_modal(lang, flows, outcomes, channel_id, flow_id)
    try:
        client.views_open(trigger_id=trigger_id, view=view)
    except SlackApiError as exc:
        log.info("views.open failed: %s", exc.response.get("error") if exc.response else exc)
        return t(lang, "errors.generic")
    return None


def status_text(deps: Deps, team_id: str, user_id: str, lang: str) -> str:
    with deps.db.reader() as s:
        workspace = ensure_workspace(s, team_id)
        person = ensure_person(s, deps, workspace, user_id)
        coordinator = is_coordinator(s, workspace, person)
        lines = status_lines(s, deps, workspace, person, coordinator, lang)
        s.commit()
    if not lines:
        return t(lang, "status.none")
    return "*" + t(lang, "status.header") + "*\n" + "\n".join(lines)


from bot.services.data import data_subcommand  # noqa: E402 - registered after EXTRA_SUBCOMMANDS exists

EXTRA_SUBCOMMANDS["data"] = data_subcommand
