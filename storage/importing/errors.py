"""The one error the reading steps raise: a code plus parameters, turned into words by the bot (bot/texts/problems.py)."""

from __future__ import annotations


class ReadError(Exception):
    """The file cannot be read at all (not a table, not a supported format, past a limit)."""

    def __init__(self, code: str, **params: object) -> None:
        super().__init__(code)
        self.code = code
        self.params = params
