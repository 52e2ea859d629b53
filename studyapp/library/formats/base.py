"""What every import parser returns, the one error it may raise, and the limits and decoding they share.

A parser turns a file's bytes into `Parsed`: rows (one per item to create, as the plain dicts of the
`studyapp-deck` item format, each saying where in the file it came from) and the problems and warnings
found, each naming its line (or item). It never saves anything, and the only exception it raises is
`FormatError`, for a file that can't be read at all (too big, not UTF-8, empty, nested too deep).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.conf import settings

MAX_ITEMS = 20_000
# Longest text accepted in one field of an imported row (prompt, answer, explanation): the model sets no
# length for these, but a 5 MB prompt is a broken file, not a question.
MAX_FIELD_CHARS = 20_000

FORMATS = ("csv", "tsv", "gift", "json")
_EXTENSIONS = {".csv": "csv", ".tsv": "tsv", ".tab": "tsv", ".txt": "csv", ".gift": "gift", ".json": "json"}


@dataclass(frozen=True)
class Problem:
    """Something wrong (or, as a warning, left out) at a place in the file: "line 12", "item 3 (“…”)"."""

    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}, {self.message}" if self.where else self.message


class FormatError(Exception):
    """A file that can't be read at all; `problems` (and `errors`, as text) say why, naming the line."""

    def __init__(self, problems: list[Problem] | str):
        if isinstance(problems, str):
            problems = [Problem("", problems)]
        self.problems = problems
        self.errors = [str(problem) for problem in problems]
        super().__init__("\n".join(self.errors))


@dataclass
class Row:
    """One item to create: `data` is an item of the `studyapp-deck` format (docs/deck-format.md)."""

    where: str
    data: dict[str, Any]
    # How the file names the item's fields, for messages: a CSV row has a "front" and a "back".
    labels: dict[str, str] = field(default_factory=dict)


@dataclass
class Parsed:
    format: str
    rows: list[Row] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    # Only a studyapp-deck file names its deck and source.
    deck: dict[str, Any] | None = None
    source: dict[str, Any] | None = None


def guess_format(filename: str) -> str | None:
    """The format a file's extension names, or None."""
    name = filename.lower()
    for extension, name_format in _EXTENSIONS.items():
        if name.endswith(extension):
            return name_format
    return None


def check_size(size: int) -> None:
    limit = settings.DECK_IMPORT_MAX_BYTES
    if size > limit:
        raise FormatError(f"The file is {size:,} bytes; the limit is {limit:,} bytes.")


def check_count(count: int) -> None:
    if count > MAX_ITEMS:
        raise FormatError(f"The file has {count:,} items; the limit is {MAX_ITEMS:,} items in one import.")


def decode(raw: bytes) -> str:
    """The file's text: UTF-8, with or without a byte order mark, and without NUL characters."""
    check_size(len(raw))
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise FormatError("line 1, the file is UTF-16 text; save it as UTF-8 (with or without BOM) and try again.")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise FormatError(
            [
                Problem(
                    f"line {line}",
                    f"byte 0x{raw[error.start]:02x} is not UTF-8: the file is in another encoding "
                    "(Latin-1 or Windows-1252, perhaps). Save it as UTF-8 and try again.",
                )
            ]
        ) from None
    if not text.strip():
        raise FormatError("The file is empty.")
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise FormatError([Problem(f"line {line}", "the file contains a NUL character, which no text may hold.")])
    return text


def line_where(line: int) -> str:
    return f"line {line}"
