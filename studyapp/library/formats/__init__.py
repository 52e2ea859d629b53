"""Import and export formats: CSV/TSV (Anki, Quizlet), Moodle GIFT, our JSON, and Anki packages (export only).

`parse(raw, format)` reads a file's bytes into `Parsed` rows and problems without saving anything and
raises only `FormatError`; `studyapp.library.transfer` validates the rows and saves them all or none.
"""

from __future__ import annotations

from studyapp.library.formats import deckjson, delimited, gift
from studyapp.library.formats.base import (
    FORMATS,
    MAX_FIELD_CHARS,
    MAX_ITEMS,
    FormatError,
    Parsed,
    Problem,
    Row,
    guess_format,
)

__all__ = [
    "FORMATS",
    "MAX_FIELD_CHARS",
    "MAX_ITEMS",
    "FormatError",
    "Parsed",
    "Problem",
    "Row",
    "guess_format",
    "parse",
]


def parse(raw: bytes, format: str) -> Parsed:
    """The rows of a file in one of FORMATS; FormatError if it can't be read at all."""
    if format == "csv":
        return delimited.parse(raw)
    if format == "tsv":
        return delimited.parse(raw, tab=True)
    if format == "gift":
        return gift.parse(raw)
    if format == "json":
        return deckjson.parse(raw)
    raise FormatError(f"“{format}” is not a format this app reads: choose one of {', '.join(FORMATS)}.")
