"""A polite 'no' for the person who clicked, in their language, instead of an exception.

Why a type of its own: every use case (start, answer, steer, prepare, follow up) refuses the
same way, and listeners turn it into an ephemeral reply or an error inside the modal.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.i18n import t


@dataclass
class Refusal(Exception):
    """A polite 'no' for the person who clicked, in their language."""

    message: str


def refusal_for(lang: str, error: Exception) -> Refusal:
    code = getattr(error, "code", None)
    key = f"errors.{code}" if code else "errors.generic"
    try:
        return Refusal(t(lang, key))
    except KeyError:
        return Refusal(t(lang, "errors.generic"))
