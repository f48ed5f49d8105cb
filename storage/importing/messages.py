"""Problems as sentences people understand, in Dutch (default) or English.

Why here and not in the bot's YAML catalogue: the importer is also used from the command line
and in tests without the bot, and every code must have a sentence in both languages (a test
checks that). Texts are short and name the row and column as the user sees them, e.g.
"Rij 7, kolom ‘bereik’: ‘veel’ is geen getal."
"""

from __future__ import annotations

from collections.abc import Iterable

from storage.importing.validate import Problem

_TEXTS: dict[str, dict[str, str]] = {
    "nl": {
        "missing_column": "De kolom ‘{column}’ ontbreekt.",
        "missing_column_any_figure": "Er is geen kolom met cijfers: voeg ten minste ‘bereik’, ‘doelen gesteld’, "
        "‘respondenten’ of ‘tevredenheid’ toe.",
        "missing_column_needed_by": "De kolom ‘{column}’ ontbreekt; die is nodig voor ‘{needed_by}’.",
        "duplicate_column": "staat er twee keer in (ook als ‘{first}’).",
        "not_a_number": "‘{value}’ is geen getal.",
        "not_whole_number": "‘{value}’ is geen heel getal (een aantal heeft geen cijfers achter de komma).",
        "negative": "‘{value}’ is negatief; een aantal kan niet kleiner zijn dan 0.",
        "too_large": "‘{value}’ is te groot; een aantal kan hoogstens {max} zijn.",
        "out_of_range": "‘{value}’ ligt niet tussen {min} en {max}.",
        "bad_scale": "‘{value}’ is geen schaal; gebruik 5 of 10.",
        "attained_exceeds_set": "{value} doelen behaald is meer dan {limit} doelen gesteld (‘{other}’).",
        "reach_exceeds_potential": "bereik {value} is groter dan het potentieel bereik {limit} (‘{other}’).",
        "satisfied_exceeds_respondents": "{value} tevreden is meer dan {limit} respondenten (‘{other}’).",
        "duplicate_row": "dezelfde periode, activiteit en groep staan al in rij {first_row}.",
        "unknown_period": "‘{value}’ is geen periode die ik ken. Gebruik bijvoorbeeld 2024, 2024-Q1, 2024-03 "
        "of 2024-H1.",
        "missing_value": "dit vak is leeg, maar is verplicht.",
        "too_long": "de tekst is te lang (meer dan {max} tekens).",
        "several_groups": "er is meer dan één groep ingevuld ({columns}); gebruik één groep per rij.",
        "personal_data_header": "deze kolom lijkt persoonsgegevens te bevatten. Ik neem het hele bestand niet "
        "over; haal de kolom weg en stuur alleen totalen.",
        "personal_data_email": "hier staan e-mailadressen ({cells} vakken). Ik neem het hele bestand niet over; "
        "haal ze weg en stuur alleen totalen.",
        "personal_data_bsn": "hier staan getallen die op een BSN lijken ({cells} vakken). Ik neem het hele "
        "bestand niet over; haal ze weg en stuur alleen totalen.",
        "too_many_problems": "Er zijn meer problemen; ik toon de eerste {shown}.",
        "no_data_rows": "Het bestand heeft een kopregel maar geen rijen met cijfers.",
        "empty_file": "Het bestand is leeg.",
        "unreadable_file": "Ik kan dit bestand niet lezen. Stuur een CSV- of Excel-bestand (.xlsx).",
        "unsupported_format": "Het oude Excel-formaat (.{format}) lees ik niet; sla op als .xlsx of CSV.",
        "file_too_large": "Het bestand is te groot (meer dan {max_mb} MB).",
        "too_many_rows": "In rij {found} staat nog iets, maar ik lees hoogstens {max} rijen. Haal weg wat er niet "
        "bij hoort (ook ver naar beneden) of verdeel de gegevens over meer bestanden.",
        "too_many_columns": "In kolom {letter} staat nog iets, maar ik lees hoogstens {max} kolommen (A tot en met "
        "{max_letter}). Haal weg wat er niet bij hoort (ook ver naar rechts).",
        "too_many_cells": "Het bestand heeft meer dan {max} gevulde vakken; zoveel lees ik niet. Stuur alleen de "
        "totalen per periode, activiteit en groep.",
        "cell_too_long": "Er staat een vak in met meer dan {max} tekens; zo lang kan een vak in Excel niet eens zijn.",
        "line_too_long": "Regel {found} is langer dan {max} tekens; zo lang is geen rij van een tabel.",
        "xlsx_too_many_parts": "Dit Excel-bestand bestaat uit meer dan {max} onderdelen; zo ziet een werkblad met "
        "cijfers er niet uit. Sla de cijfers op in een nieuw .xlsx- of CSV-bestand.",
        "xlsx_unpacked_too_large_sheet": "Uitgepakt is het werkblad groter dan {max_mb} MB; zoveel lees ik niet. "
        "Stuur alleen de totalen per periode, activiteit en groep.",
        "xlsx_unpacked_too_large_strings": "Uitgepakt zijn de teksten in dit Excel-bestand samen groter dan "
        "{max_mb} MB; zoveel lees ik niet. Stuur alleen de totalen, of een CSV-bestand.",
        "xlsx_unpacked_too_large_other": "Uitgepakt is een onderdeel van dit Excel-bestand (opmaak, een afbeelding "
        "of iets anders) groter dan {max_mb} MB. Zet de cijfers in een nieuw .xlsx- of CSV-bestand.",
        "xlsx_unpacked_too_large_total": "Uitgepakt is dit Excel-bestand groter dan {max_mb} MB; zoveel lees ik "
        "niet. Zet de cijfers in een nieuw .xlsx- of CSV-bestand.",
        "wrong_kind_named": "Het bestand heet ‘.{extension}’, maar is {what}. Stuur een CSV- of Excel-bestand "
        "(.xlsx) met de naam die erbij hoort.",
        "wrong_kind": "Dit bestand is {what}, geen CSV- of Excel-bestand (.xlsx).",
        "ignored_column": "deze kolom ken ik niet; ik sla hem over.",
        "satisfaction_scale_assumed": "ik ga uit van een schaal van 1 tot {scale}. Klopt dat niet, voeg dan "
        "een kolom ‘schaal’ toe.",
        "missing_text": "dit verhaal heeft geen tekst.",
        "prefix_row_column": "Rij {row}, kolom ‘{column}’: ",
        "prefix_row": "Rij {row}: ",
        "prefix_column": "Kolom ‘{column}’: ",
    },
    "en": {
        "missing_column": "The column ‘{column}’ is missing.",
        "missing_column_any_figure": "There is no column with figures: add at least ‘bereik’, ‘doelen gesteld’, "
        "‘respondenten’ or ‘tevredenheid’.",
        "missing_column_needed_by": "The column ‘{column}’ is missing; ‘{needed_by}’ needs it.",
        "duplicate_column": "appears twice (also as ‘{first}’).",
        "not_a_number": "‘{value}’ is not a number.",
        "not_whole_number": "‘{value}’ is not a whole number (a count has no decimals).",
        "negative": "‘{value}’ is negative; a count cannot be below 0.",
        "too_large": "‘{value}’ is too large; a count can be at most {max}.",
        "out_of_range": "‘{value}’ is not between {min} and {max}.",
        "bad_scale": "‘{value}’ is not a scale; use 5 or 10.",
        "attained_exceeds_set": "{value} goals attained is more than {limit} goals set (‘{other}’).",
        "reach_exceeds_potential": "reach {value} is larger than the potential reach {limit} (‘{other}’).",
        "satisfied_exceeds_respondents": "{value} satisfied is more than {limit} respondents (‘{other}’).",
        "duplicate_row": "the same period, activity and group are already in row {first_row}.",
        "unknown_period": "‘{value}’ is not a period I know. Use for example 2024, 2024-Q1, 2024-03 or 2024-H1.",
        "missing_value": "this cell is empty but required.",
        "too_long": "the text is too long (more than {max} characters).",
        "several_groups": "more than one group is filled in ({columns}); use one group per row.",
        "personal_data_header": "this column seems to hold personal data. I do not take the file; remove the "
        "column and send totals only.",
        "personal_data_email": "this holds e-mail addresses ({cells} cells). I do not take the file; remove "
        "them and send totals only.",
        "personal_data_bsn": "this holds numbers that look like a BSN ({cells} cells). I do not take the "
        "file; remove them and send totals only.",
        "too_many_problems": "There are more problems; I show the first {shown}.",
        "no_data_rows": "The file has a header but no rows with figures.",
        "empty_file": "The file is empty.",
        "unreadable_file": "I cannot read this file. Send a CSV or Excel file (.xlsx).",
        "unsupported_format": "I cannot read the old Excel format (.{format}); save it as .xlsx or CSV.",
        "file_too_large": "The file is too large (more than {max_mb} MB).",
        "too_many_rows": "Row {found} still holds something, but I read at most {max} rows. Remove what does not "
        "belong (also far down) or spread the data over more files.",
        "too_many_columns": "Column {letter} still holds something, but I read at most {max} columns (A to "
        "{max_letter}). Remove what does not belong (also far to the right).",
        "too_many_cells": "The file has more than {max} filled cells; I do not read that many. Send only the totals "
        "per period, activity and group.",
        "cell_too_long": "A cell holds more than {max} characters; not even Excel allows a cell that long.",
        "line_too_long": "Line {found} is longer than {max} characters; no row of a table is that long.",
        "xlsx_too_many_parts": "This Excel file consists of more than {max} parts; a sheet of figures does not look "
        "like that. Save the figures in a new .xlsx or CSV file.",
        "xlsx_unpacked_too_large_sheet": "Unpacked, the sheet is larger than {max_mb} MB; I do not read that much. "
        "Send only the totals per period, activity and group.",
        "xlsx_unpacked_too_large_strings": "Unpacked, the texts in this Excel file are larger than {max_mb} MB "
        "together; I do not read that much. Send only the totals, or a CSV file.",
        "xlsx_unpacked_too_large_other": "Unpacked, a part of this Excel file (formatting, a picture or something "
        "else) is larger than {max_mb} MB. Put the figures in a new .xlsx or CSV file.",
        "xlsx_unpacked_too_large_total": "Unpacked, this Excel file is larger than {max_mb} MB; I do not read that "
        "much. Put the figures in a new .xlsx or CSV file.",
        "wrong_kind_named": "The file is called ‘.{extension}’ but is {what}. Send a CSV or Excel file (.xlsx) with "
        "the name that belongs to it.",
        "wrong_kind": "This file is {what}, not a CSV or Excel file (.xlsx).",
        "ignored_column": "I do not know this column; I skip it.",
        "satisfaction_scale_assumed": "I assume a scale from 1 to {scale}. If that is wrong, add a column "
        "‘schaal’.",
        "missing_text": "this story has no text.",
        "prefix_row_column": "Row {row}, column ‘{column}’: ",
        "prefix_row": "Row {row}: ",
        "prefix_column": "Column ‘{column}’: ",
    },
}

# What a file really is (`sniff.content_kind`), for the "wrong_kind" sentences.
_KINDS: dict[str, dict[str, str]] = {
    "nl": {"xlsx": "een Excel-bestand (.xlsx)", "zip": "een zip-bestand zonder Excel-werkblad", "pdf": "een PDF",
           "image": "een afbeelding", "archive": "een ingepakt archief", "program": "een programma",
           "binary": "geen tekst maar binaire gegevens", "text": "een tekstbestand, geen Excel-bestand",
           "ole": "een bestand in het oude Office-formaat"},
    "en": {"xlsx": "an Excel file (.xlsx)", "zip": "a zip file without an Excel sheet", "pdf": "a PDF",
           "image": "a picture", "archive": "a packed archive", "program": "a program",
           "binary": "not text but binary data", "text": "a text file, not an Excel file",
           "ole": "a file in the old Office format"},
}

# Codes whose sentence is a whole sentence on its own (no row/column prefix).
_STANDALONE = frozenset({"missing_column", "too_many_problems", "no_data_rows", "empty_file", "unreadable_file",
                         "unsupported_format", "file_too_large", "too_many_rows", "too_many_columns",
                         "too_many_cells", "cell_too_long", "line_too_long", "xlsx_too_many_parts",
                         "xlsx_unpacked_too_large", "wrong_kind"})
# Limits and positions in these sentences are large numbers: grouped as people write them (200.000).
_GROUPED = frozenset({"too_large", "too_many_rows", "too_many_columns", "too_many_cells", "cell_too_long", "line_too_long",
                      "xlsx_too_many_parts"})


def _number(value: object) -> object:
    """12.0 -> 12, 7.5 -> '7,5' in Dutch: figures in messages look like the user's own."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _key(problem: Problem) -> str:
    if problem.code == "missing_column":
        if problem.params.get("any_figure"):
            return "missing_column_any_figure"
        if problem.params.get("needed_by"):
            return "missing_column_needed_by"
    if problem.code == "personal_data":
        return f"personal_data_{problem.params.get('reason', 'header')}"
    if problem.code == "xlsx_unpacked_too_large":
        return f"xlsx_unpacked_too_large_{problem.params.get('part', 'total')}"
    if problem.code == "wrong_kind" and problem.params.get("extension"):
        return "wrong_kind_named"
    return problem.code


def _grouped(value: object, lang: str) -> object:
    """200000 -> '200.000' (Dutch) or '200,000' (English)."""
    if not isinstance(value, int) or isinstance(value, bool):
        return value
    text = f"{value:,}"
    return text.replace(",", ".") if lang != "en" else text


def _params(problem: Problem, lang: str) -> dict[str, object]:
    """The message's parameters, with what the sentence shows rather than what the code knows."""
    params = {k: _number(v) for k, v in problem.params.items()}
    if problem.code in _GROUPED:
        params = {k: _grouped(v, lang) for k, v in params.items()}
    if problem.code == "too_many_columns":
        from openpyxl.utils import get_column_letter

        params["letter"] = get_column_letter(min(int(problem.params["found"]), 18_278))
        params["max_letter"] = get_column_letter(int(problem.params["max"]))
    if problem.code == "wrong_kind":
        kinds = _KINDS.get(lang, _KINDS["nl"])
        params["what"] = kinds.get(str(problem.params.get("actual")), kinds["binary"])
    return params


def format_problem(problem: Problem, lang: str = "nl") -> str:
    """One problem as a sentence, e.g. "Rij 7, kolom ‘bereik’: ‘veel’ is geen getal."."""
    texts = _TEXTS.get(lang, _TEXTS["nl"])
    template = texts.get(_key(problem), problem.code)
    body = template.format(column=problem.column, row=problem.row, **_params(problem, lang))
    if problem.code in _STANDALONE:
        return body
    if problem.row is not None and problem.column:
        prefix = texts["prefix_row_column"].format(row=problem.row, column=problem.column)
    elif problem.row is not None:
        prefix = texts["prefix_row"].format(row=problem.row)
    elif problem.column:
        prefix = texts["prefix_column"].format(column=problem.column)
    else:
        return body[:1].upper() + body[1:]
    return prefix + body


def format_problems(problems: Iterable[Problem], lang: str = "nl", limit: int | None = None) -> list[str]:
    """Sentences for a list of problems, at most `limit` (then a closing 'and N more')."""
    items = list(problems)
    shown = items if limit is None else items[:limit]
    lines = [format_problem(p, lang) for p in shown]
    hidden = len(items) - len(shown)
    if hidden > 0:
        lines.append(f"… en nog {hidden} andere." if lang != "en" else f"… and {hidden} more.")
    return lines


def message_codes(lang: str = "nl") -> set[str]:
    """All message keys in a language (used by the test that both languages match)."""
    return set(_TEXTS[lang])
