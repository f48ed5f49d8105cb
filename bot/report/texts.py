"""The report's constants and its text lookups (the texts are in bot/locales, section `report`)."""

from __future__ import annotations

from bot.i18n import DEFAULT_LANGUAGE, catalogue, t

EVALUATION_STAGE = "evaluatie"
PREP_STAGE = "prep"
DEFAULT_TIMEZONE = "Europe/Amsterdam"

# The council reads the conclusion and the actions first, then the figures and their sources,
# then how the conversation went and every answer by stage and role (issue 12 point 22).
SECTION_IDS: tuple[str, ...] = (
    "conclusion", "actions", "data", "comparison", "outcome", "participants", "preparation", "stages",
    "evaluation",
)


class SessionNotFound(LookupError):
    """No session with this id exists (the CLI turns this into one line on stderr)."""


def _text(lang: str, key: str, **params: object) -> str:
    """A text of the report: the `report` section of the one catalogue (bot/locales)."""
    return t(lang, f"report.{key}", **params)


def has_text(key: str) -> bool:
    return f"report.{key}" in catalogue(DEFAULT_LANGUAGE)


def _catalogue(lang: str, key: str, fallback: str) -> str:
    """A name from the bot's catalogue (roles, parties, visibility); stored values we do not know
    (a newer role, an old party name) are shown as they are rather than breaking the report."""
    try:
        return t(lang, key)
    except KeyError:
        return fallback


