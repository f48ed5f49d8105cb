"""The small checks every part of a flow file shares: fields, bilingual texts, numbers, ids, roles.

Why a hand-written validator instead of a schema library: coordinators edit these files,
so every message must name the file, the place and the reason in plain words, and report
all problems at once. A check never stops at the first problem: it records it and returns
a usable default, so the rest of the file is still checked.
"""

from __future__ import annotations

import re
from typing import Any

from flows import errors as E
from flows.model import LANGUAGES, Text
from flows.roles import ROLES

FLOW_ID = re.compile(r"^[a-z][a-z0-9-]{1,40}$")
ITEM_ID = re.compile(r"^[a-z][a-z0-9_]{1,40}$")
OPTION_ID = re.compile(r"^[a-z][a-z0-9_]{0,40}$")


def join(where: str, name: str) -> str:
    return f"{where}.{name}" if where else name


def kind_of(value: Any) -> str:
    return {dict: "a mapping", list: "a list", str: "text", int: "a number", float: "a number",
            bool: "true/false", type(None): "nothing"}.get(type(value), type(value).__name__)


class Checks:
    """Collects problems for one file instead of stopping at the first."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[E.FlowProblem] = []

    def problem(self, cls: type[E.FlowProblem], where: str, reason: str) -> None:
        self.problems.append(cls(self.file, where, reason))

    def fields(self, data: Any, where: str, required: set[str], optional: set[str]) -> dict | None:
        if not isinstance(data, dict):
            self.problem(E.WrongType, where, f"expected a mapping with fields, got {kind_of(data)}")
            return None
        for name in sorted(required - data.keys()):
            self.problem(E.MissingField, join(where, name), "this field is required")
        for name in sorted(data.keys() - required - optional, key=str):
            known = ", ".join(sorted(required | optional))
            self.problem(E.UnknownField, join(where, str(name)), f"unknown field; known fields: {known}")
        return data

    def text(self, data: Any, where: str, limit: int) -> Text:
        if isinstance(data, str):
            self.problem(E.MissingTranslation, where, "give the text in both languages: {nl: ..., en: ...}")
            return Text(data, data)
        if not isinstance(data, dict):
            self.problem(E.WrongType, where, f"expected {{nl: ..., en: ...}}, got {kind_of(data)}")
            return Text("", "")
        values: dict[str, str] = {}
        for lang in LANGUAGES:
            value = data.get(lang)
            if value is None or (isinstance(value, str) and not value.strip()):
                self.problem(E.MissingTranslation, join(where, lang), f"the {lang} text is missing")
                values[lang] = ""
            elif not isinstance(value, str):
                self.problem(E.WrongType, join(where, lang), f"expected text, got {kind_of(value)}")
                values[lang] = str(value)
            else:
                values[lang] = value.strip()
                if len(values[lang]) > limit:
                    self.problem(E.TextTooLong, join(where, lang),
                                 f"{len(values[lang])} characters; at most {limit} fit here")
        for extra in sorted(set(data) - set(LANGUAGES), key=str):
            self.problem(E.UnknownField, join(where, str(extra)), "only the languages nl and en are supported")
        return Text(values["nl"], values["en"])

    def optional_text(self, data: dict, name: str, where: str, limit: int) -> Text | None:
        return self.text(data[name], join(where, name), limit) if name in data else None

    def choice(self, data: dict, name: str, where: str, allowed: tuple[str, ...], default: str) -> str:
        value = data.get(name, default)
        if value not in allowed:
            self.problem(E.InvalidValue, join(where, name), f"{value!r} is not one of: {', '.join(allowed)}")
            return default
        return value

    def boolean(self, data: dict, name: str, where: str, default: bool = False) -> bool:
        value = data.get(name, default)
        if not isinstance(value, bool):
            self.problem(E.WrongType, join(where, name), f"expected true or false, got {value!r}")
            return default
        return value

    def integer(self, data: dict, name: str, where: str, low: int, high: int) -> int | None:
        value = data.get(name)
        if value is None:
            return None
        if not isinstance(value, int) or isinstance(value, bool):
            self.problem(E.WrongType, join(where, name), f"expected a whole number, got {value!r}")
            return None
        if not low <= value <= high:
            self.problem(E.InvalidValue, join(where, name), f"{value} is outside {low}..{high}")
            return None
        return value

    def ident(self, data: dict, where: str, pattern: re.Pattern[str], seen: set[str]) -> str:
        value = data.get("id")
        if not isinstance(value, str) or not pattern.match(value):
            if "id" in data:
                self.problem(E.InvalidValue, join(where, "id"),
                             f"{value!r} is not a valid id (lowercase letters, digits, '_' or '-')")
            return str(value)
        if value in seen:
            self.problem(E.DuplicateId, join(where, "id"), f"id {value!r} is used more than once")
        seen.add(value)
        return value

    def roles(self, data: dict, where: str) -> frozenset[str] | None:
        if "roles" not in data:
            return None
        value = data["roles"]
        if not isinstance(value, list) or not value:
            self.problem(E.WrongType, join(where, "roles"), "expected a non-empty list of roles")
            return None
        for i, role in enumerate(value):
            if role not in ROLES:
                self.problem(E.InvalidValue, f"{where}.roles[{i}]",
                             f"unknown role {role!r}; roles are: {', '.join(ROLES)}")
        return frozenset(r for r in value if r in ROLES) or None
