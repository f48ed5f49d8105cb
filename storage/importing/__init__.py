"""Import of outcome data and stories from the files offices really export (CSV, XLSX).

Pipeline: `reader` (bytes -> raw cells, separators/encodings/number formats; `sniff` checks the
bytes are what the name says, `xlsx` and `csvfile` stream within `limits`) -> `validate`
(raw cells -> typed rows or problems: a code, its parameters, row and column) -> `save` (one
transaction; a file with any error saves nothing). Storage says what is wrong as codes; the bot
says it in words (bot/texts/problems.py, the `problems` section of bot/locales).
`template` writes the documented template; docs/data-format.md describes the format.
"""

from storage.importing.reader import ReadError, parse_count, parse_decimal, read_table
from storage.importing.save import ImportResult, PeriodChange, import_outcome_data, import_story_data
from storage.importing.stories import StoryFile, validate_story_file
from storage.importing.template import template_csv, template_xlsx, write_templates
from storage.importing.validate import (
    OutcomeFile,
    Problem,
    parse_period,
    previous_period,
    validate_outcome_file,
)

__all__ = [
    "ImportResult",
    "OutcomeFile",
    "PeriodChange",
    "Problem",
    "ReadError",
    "StoryFile",
    "import_outcome_data",
    "import_story_data",
    "parse_count",
    "parse_decimal",
    "parse_period",
    "previous_period",
    "read_table",
    "template_csv",
    "template_xlsx",
    "validate_outcome_file",
    "validate_story_file",
    "write_templates",
]
