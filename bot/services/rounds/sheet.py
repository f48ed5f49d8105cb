"""A round file (CSV or XLSX): one row per person per outcome, read into plain rows or problems.

Why the same reader as the outcome data (storage/importing/reader.py): offices export the
same way (semicolons, Windows-1252, a title line above the header), and the coordinator gets
the same kind of answer: every problem with its row as they see it in the spreadsheet, and
nothing is created while there is one.

Columns (Dutch or English, matched loosely like the data import):
`resultaat` (outcome), `rol` (role), `deelnemer` (a Slack user id, a mention or an e-mail
address), and optionally `gesprek` (flow id), `kanaal` (channel id) and `moment`.
This module only reads and checks what a cell can tell by itself; who an e-mail address is
and what the rows mean together is checked in rounds/checks.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time

from bot.services.rounds.problems import Problem
from flows.roles import ROLE_LABELS, ROLES
from storage.importing.columns import normalise
from storage.importing.reader import ReadError, cell_text, read_table

OUTCOME, ROLE, PERSON, FLOW, CHANNEL, MOMENT = "outcome", "role", "person", "flow", "channel", "moment"
REQUIRED = (OUTCOME, ROLE, PERSON)
DUTCH_HEADER = {OUTCOME: "resultaat", ROLE: "rol", PERSON: "deelnemer", FLOW: "gesprek", CHANNEL: "kanaal",
                MOMENT: "moment"}
_ALIASES = {
    OUTCOME: ("resultaat", "maatschappelijk resultaat", "uitkomst", "outcome", "result", "societal outcome",
              "thema"),
    ROLE: ("rol", "role", "functie"),
    PERSON: ("deelnemer", "persoon", "wie", "slack", "slack gebruiker", "gebruiker", "user", "slack user",
             "e-mail", "email", "e mail", "mail", "e-mailadres", "participant", "person", "slack id"),
    FLOW: ("gesprek", "soort gesprek", "gespreksvorm", "flow", "conversation"),
    CHANNEL: ("kanaal", "channel", "slack kanaal", "slack channel"),
    MOMENT: ("moment", "datum", "date", "wanneer", "when", "datum en tijd", "tijdstip", "datum tijd"),
}
_FIELD_BY_ALIAS = {normalise(alias): name for name, aliases in _ALIASES.items() for alias in aliases}
# Party words people write in a role column, besides the role ids and their labels.
_ROLE_WORDS = {"gemeente": "beleidsmedewerker", "beleid": "beleidsmedewerker", "aanbieder": "sociaal_werker",
               "welzijn": "sociaal_werker", "sw": "sociaal_werker", "bm": "beleidsmedewerker",
               "voorzitter": "coordinator", "coordinator": "coordinator", "anders": "other"}
_ROLE_BY_WORD = {
    **{normalise(word): role for word, role in _ROLE_WORDS.items()},
    **{normalise(role): role for role in ROLES},
    **{normalise(label.get(lang)): role for role, label in ROLE_LABELS.items() for lang in ("nl", "en")},
}
_USER_ID = re.compile(r"^[UW][A-Z0-9]{2,30}$")
_MENTION = re.compile(r"^<@([UW][A-Z0-9]{2,30})(?:\|[^>]*)?>$")
_EMAIL = re.compile(r"^[^@\s<>]+@[^@\s<>]+\.[A-Za-z]{2,}$")
_CHANNEL = re.compile(r"^(?:<#)?#?([CG][A-Z0-9]{2,30})(?:\|[^>]*)?>?$")
_MOMENT_FORMATS = ("%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%d-%m-%Y %H:%M", "%d-%m-%Y %H.%M", "%d/%m/%Y %H:%M",
                   "%Y-%m-%d %H:%M:%S", "%d-%m-%Y %H:%M:%S")
_DATE_FORMATS = ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y")
DEFAULT_TIME = time(14, 0)  # like the start modal: a date without a time means 14:00
MAX_ROWS = 500
MAX_OUTCOME = 200


@dataclass(frozen=True)
class SheetRow:
    row: int  # as the coordinator sees it in the spreadsheet
    outcome: str
    role: str
    who: str  # a Slack user id (U…) or an e-mail address in lower case
    flow: str | None = None
    channel: str | None = None
    moment: datetime | None = None  # naive: local time of the workspace


@dataclass
class Sheet:
    rows: list[SheetRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)  # field -> header as written in the file


def parse_role(cell: object) -> str | None:
    return _ROLE_BY_WORD.get(normalise(cell_text(cell)))


def parse_who(cell: object) -> str | None:
    """A Slack user id (from an id or a mention) or an e-mail address; None when it is neither."""
    text = cell_text(cell).strip()
    if match := _MENTION.match(text):
        return match.group(1)
    if _USER_ID.match(text.lstrip("@")):
        return text.lstrip("@")
    if _EMAIL.match(text):
        return text.lower()
    return None


def parse_channel(cell: object) -> str | None:
    match = _CHANNEL.match(cell_text(cell).strip())
    return match.group(1) if match else None


def parse_moment(cell: object) -> datetime | None:
    """A local date and time from a cell: Excel's own date, or 12-11-2026 14:00 and the like."""
    if isinstance(cell, datetime):
        return cell.replace(tzinfo=None) if cell.time() != time(0) else datetime.combine(cell.date(), DEFAULT_TIME)
    if isinstance(cell, date):
        return datetime.combine(cell, DEFAULT_TIME)
    text = " ".join(cell_text(cell).replace("u", ":").split())
    for fmt in _MOMENT_FORMATS:
        try:
            return datetime.strptime(text, fmt)
        except ValueError:
            continue
    for fmt in _DATE_FORMATS:
        try:
            return datetime.combine(datetime.strptime(text, fmt).date(), DEFAULT_TIME)
        except ValueError:
            continue
    return None


def _fields(headers: list[object]) -> dict[str, int]:
    found: dict[str, int] = {}
    for position, header in enumerate(headers):
        name = _FIELD_BY_ALIAS.get(normalise(header))
        if name is not None and name not in found:
            found[name] = position
    return found


def _header(table) -> tuple[dict[str, int], dict[str, str], int]:
    """Where the columns are: the reader's header, or a row below a title line that names them."""
    fields = _fields(table.headers)
    if all(name in fields for name in REQUIRED):
        return fields, {name: table.headers[pos] for name, pos in fields.items()}, -1
    for index in range(min(10, len(table.frame))):
        cells = table.frame.iloc[index].tolist()
        candidate = _fields(cells)
        if all(name in candidate for name in REQUIRED):
            return candidate, {name: cell_text(cells[pos]) for name, pos in candidate.items()}, index
    return fields, {name: table.headers[pos] for name, pos in fields.items()}, -1


def read_sheet(data: bytes, filename: str | None, flows: set[str]) -> Sheet:
    """Rows of a round file, or the problems that stop it (a cell that is not what it should be)."""
    try:
        table = read_table(data, filename)
    except ReadError as exc:
        return Sheet(problems=[Problem(exc.code, params=dict(exc.params))])
    fields, headers, skip = _header(table)
    sheet = Sheet(headers=headers)
    for name in REQUIRED:
        if name not in fields:
            sheet.problems.append(Problem("missing_column", column=DUTCH_HEADER[name]))
    if sheet.problems:
        return sheet
    if len(table.frame) - skip - 1 > MAX_ROWS:
        return Sheet(problems=[Problem("too_many_rows", params={"max": MAX_ROWS})], headers=headers)
    for index in range(skip + 1, len(table.frame)):
        cells = table.frame.iloc[index].tolist()
        _read_row(sheet, int(table.rows.iloc[index]), cells, fields, flows)
    if not sheet.rows and not sheet.problems:
        sheet.problems.append(Problem("no_rows"))
    return sheet


def _read_row(sheet: Sheet, row: int, cells: list, fields: dict[str, int], flows: set[str]) -> None:
    """One spreadsheet row: a SheetRow, or a problem per cell that cannot be read."""
    def cell(name: str) -> object:
        return cells[fields[name]] if name in fields and fields[name] < len(cells) else None

    before = len(sheet.problems)
    values: dict[str, object] = {}
    readers = {ROLE: parse_role, PERSON: parse_who, CHANNEL: parse_channel, MOMENT: parse_moment,
               FLOW: lambda c: cell_text(c).strip().lower() if cell_text(c).strip().lower() in flows else None}
    outcome = " ".join(cell_text(cell(OUTCOME)).split())
    if not outcome:
        sheet.problems.append(Problem("missing_value", row, sheet.headers[OUTCOME]))
    elif len(outcome) > MAX_OUTCOME:
        sheet.problems.append(Problem("too_long", row, sheet.headers[OUTCOME], {"max": MAX_OUTCOME}))
    for name, reader in readers.items():
        text = cell_text(cell(name)).strip()
        if not text:
            if name in REQUIRED:
                sheet.problems.append(Problem("missing_value", row, sheet.headers[name]))
            continue
        value = reader(cell(name))
        if value is None:
            sheet.problems.append(Problem(f"bad_{name}", row, sheet.headers[name], {"value": text[:80]}))
        values[name] = value
    if len(sheet.problems) == before:
        sheet.rows.append(SheetRow(row, outcome, values[ROLE], values[PERSON], values.get(FLOW),
                                   values.get(CHANNEL), values.get(MOMENT)))
