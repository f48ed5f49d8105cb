"""What a file really is, judged by its bytes, and whether that matches what its name says.

Why: a PDF or a photo named `cijfers.csv` decodes as Latin-1 into nonsense that then "fails"
with a dozen confusing problems; a renamed old `.xls` or a `.docx` named `.xlsx` fails deep in
a zip or XML parser. Looking at the first bytes first turns all of these into one sentence that
says what the file is and what to send instead. Content decides only when the name says
nothing (no extension, or one we do not know); a name we know must match the content.
"""

from __future__ import annotations

import io
import zipfile

from storage.importing.errors import ReadError

XLSX_EXTENSIONS = frozenset({"xlsx", "xlsm"})
TEXT_EXTENSIONS = frozenset({"csv", "tsv", "txt", "text"})

_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"PK\x03\x04", "zip"),
    (b"PK\x05\x06", "zip"),  # an empty zip
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "ole"),  # old Office: .xls, .doc
    (b"%PDF", "pdf"),
    (b"\x89PNG\r\n\x1a\n", "image"),
    (b"\xff\xd8\xff", "image"),
    (b"GIF87a", "image"),
    (b"GIF89a", "image"),
    (b"RIFF", "image"),  # WebP (and other RIFF media)
    (b"\x1f\x8b", "archive"),  # gzip
    (b"7z\xbc\xaf\x27\x1c", "archive"),
    (b"Rar!\x1a\x07", "archive"),
    (b"BZh", "archive"),
    (b"\xfd7zXZ\x00", "archive"),
    (b"MZ", "program"),
    (b"\x7fELF", "program"),
)
_TEXT_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")
_SAMPLE = 64 * 1024
# Bytes that never occur in text a person typed (tab, line ends, form feed and escape excluded).
_CONTROL = bytes(b for b in range(32) if b not in (0, 9, 10, 12, 13, 27))


def extension(filename: str | None) -> str:
    name = (filename or "").rsplit("/", 1)[-1]
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def content_kind(data: bytes) -> str:
    """'zip', 'ole', 'pdf', 'image', 'archive', 'program', 'binary' or 'text'."""
    if data.startswith(_TEXT_BOMS):
        return "text"
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            return kind
    return "binary" if _looks_binary(data[:_SAMPLE]) else "text"


def _looks_binary(sample: bytes) -> bool:
    """Control bytes in more than 1% of the sample, or NUL bytes that are not UTF-16 text."""
    if not sample:
        return False
    if sum(sample.count(byte) for byte in _CONTROL) * 100 > len(sample):
        return True
    nul = sample.count(0)
    if nul * 100 <= len(sample):
        return False
    # UTF-16 without a BOM (some exports write it): mostly ASCII, so every other byte is NUL.
    one_parity = max(sample[0::2].count(0), sample[1::2].count(0)) >= 0.9 * nul
    return not (one_parity and nul * 3 >= len(sample))


def _zip_holds_workbook(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return any(name.lower() == "xl/workbook.xml" for name in archive.namelist())
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        return False


def table_kind(data: bytes, filename: str | None) -> str:
    """'xlsx' or 'csv': how to read the file; ReadError when it is neither or not what its name says."""
    ext = extension(filename)
    kind = content_kind(data)
    if kind == "ole" or ext == "xls":
        raise ReadError("unsupported_format", format="xls")
    if kind == "zip" and ext not in TEXT_EXTENSIONS:
        return "xlsx"
    if kind == "text" and (ext in TEXT_EXTENSIONS or ext not in XLSX_EXTENSIONS):
        return "csv"
    if kind == "zip":
        kind = "xlsx" if _zip_holds_workbook(data) else "zip"
    known = ext in XLSX_EXTENSIONS or ext in TEXT_EXTENSIONS
    raise ReadError("wrong_kind", actual=kind, extension=ext if known else "")
