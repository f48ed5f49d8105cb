"""The documented limits of what the importer reads (docs/data-format.md, "Limits").

Why limits at all: outcome data are aggregates, so a real file has hundreds or a few thousand
rows (quarters x activities x wijken). A file far beyond that is a mistake (an export of client
records, a sheet with a stray cell in row 1,048,576) or an attack (a 5 KB zip that unpacks to
gigabytes). Without limits such a file costs gigabytes and minutes and ends in "er ging iets
mis"; with them it is refused within seconds, in words that name the limit.

Why these numbers: 200,000 rows is a hundred times the largest real file we know of; 60 columns
leaves room for every known column plus an office's own; 2,500,000 filled cells lets a file at
the row limit have a dozen filled columns. The XLSX part sizes bound what an XLSX may unpack to,
whatever its zip headers claim about compression (Python's zipfile never yields more than the
declared size of a part). Every refusal names the limit it crossed, so people know what to change.

`Limits` is a value, not module constants, so tests can read the same hostile file under
smaller limits without generating a million rows.
"""

from __future__ import annotations

from dataclasses import dataclass

MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """What a file may hold; `DEFAULT` is what docs/data-format.md promises."""

    file_bytes: int = 20 * MB  # the file as uploaded (CSV or XLSX)
    rows: int = 200_000  # the last row with something in it (header and title rows count)
    columns: int = 60  # the last column with something in it (column BH)
    cells: int = 2_500_000  # cells with something in them
    cell_chars: int = 32_767  # one cell (Excel's own maximum)
    xlsx_parts: int = 1_000  # parts inside the XLSX zip
    xlsx_sheet_bytes: int = 150 * MB  # the worksheet that is read, unpacked
    xlsx_strings_bytes: int = 10 * MB  # the shared strings, unpacked (read whole by openpyxl)
    xlsx_other_bytes: int = 10 * MB  # each other XML part (workbook, styles, ...), unpacked
    xlsx_total_bytes: int = 250 * MB  # all XML parts together, unpacked

    @property
    def file_mb(self) -> int:
        return self.file_bytes // MB


DEFAULT = Limits()
