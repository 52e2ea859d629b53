"""Reading deck files from disk or upload: size-limited, strict JSON."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.conf import settings


class DeckFileError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.errors = [message]


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
    try:
        return json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as error:
        raise DeckFileError(f"line {error.lineno}, column {error.colno}: not valid JSON ({error.msg}).") from None
    except ValueError as error:
        raise DeckFileError(str(error)) from None


def read_deck_file(path: str | Path) -> Any:
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > settings.DECK_IMPORT_MAX_BYTES:
            raise DeckFileError(f"The file is {size:,} bytes; the limit is {settings.DECK_IMPORT_MAX_BYTES:,} bytes.")
        return parse_deck_json(path.read_bytes())
    except OSError as error:
        raise DeckFileError(f"Can't read the file: {error.strerror}.") from None
