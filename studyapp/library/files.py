"""Reading deck files from disk or upload: size-limited, strict JSON."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from django.conf import settings


class DeckFileError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.errors = [message]


# A deck file nests five levels deep; json.loads recurses once per level and raises RecursionError
# near a thousand, so deeper files are refused before parsing, naming the line.
MAX_JSON_DEPTH = 32
_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
_JSON_BRACKET = re.compile(r"[\[\]{}]")


def check_json_depth(text: str) -> None:
    depth = 0
    # Strings are blanked out (same length, line breaks kept) so brackets inside them don't count.
    skeleton = _JSON_STRING.sub(lambda match: " " * len(match.group()), text)
    for match in _JSON_BRACKET.finditer(skeleton):
        depth += 1 if match.group() in "[{" else -1
        if depth > MAX_JSON_DEPTH:
            line = text.count("\n", 0, match.start()) + 1
            raise DeckFileError(
                f"line {line}: the JSON is nested more than {MAX_JSON_DEPTH} levels deep; a deck file never is."
            )


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def parse_deck_json(raw: bytes) -> Any:
    """Parse a deck file's bytes, refusing oversize files and naming the line of a syntax error."""
    limit = settings.DECK_IMPORT_MAX_BYTES
    if len(raw) > limit:
        raise DeckFileError(f"The file is {len(raw):,} bytes; the limit is {limit:,} bytes.")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise DeckFileError(f"The file is not UTF-8 text (byte {error.start}).") from None
    check_json_depth(text)
    try:
        return json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as error:
        raise DeckFileError(f"line {error.lineno}, column {error.colno}: not valid JSON ({error.msg}).") from None
    except ValueError as error:
        raise DeckFileError(str(error)) from None
    except RecursionError:  # a backstop: check_json_depth refuses such files first
        raise DeckFileError("the JSON is nested too deep to read.") from None


def read_deck_file(path: str | Path) -> Any:
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > settings.DECK_IMPORT_MAX_BYTES:
            raise DeckFileError(f"The file is {size:,} bytes; the limit is {settings.DECK_IMPORT_MAX_BYTES:,} bytes.")
        return parse_deck_json(path.read_bytes())
    except OSError as error:
        raise DeckFileError(f"Can't read the file: {error.strerror}.") from None
