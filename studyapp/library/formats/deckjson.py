"""Our own `studyapp-deck` JSON (docs/deck-format.md): lossless, with the deck, its source and passages."""

from __future__ import annotations

import json
from typing import Any

from studyapp.library.files import DeckFileError, parse_deck_json
from studyapp.library.formats.base import FormatError, Parsed, Row, check_count, decode
from studyapp.library.services import DECK_FORMAT, DECK_FORMAT_VERSION


def describe(number: int, raw: Any) -> str:
    """Where an item is: "item 3 (“the start of its prompt”)"."""
    prompt = raw.get("prompt") if isinstance(raw, dict) else None
    if isinstance(prompt, str) and prompt.strip():
        short = prompt.strip().replace("\n", " ")
        return f"item {number} (“{short[:50]}{'…' if len(short) > 50 else ''}”)"
    return f"item {number}"


def parse(raw: bytes) -> Parsed:
    decode(raw)  # the size, encoding, NUL and empty-file checks every format shares
    try:
        data = parse_deck_json(raw)
    except DeckFileError as error:
        raise FormatError(error.errors[0]) from None
    return parse_document(data)


def parse_document(data: Any) -> Parsed:
    """A parsed `studyapp-deck` document's rows; its items are checked when they are imported."""
    if not isinstance(data, dict):
        raise FormatError("The file must contain a JSON object with format, version, deck, source and items.")
    if data.get("format") != DECK_FORMAT:
        raise FormatError(f'format: expected "{DECK_FORMAT}", found {data.get("format")!r}.')
    if data.get("version") != DECK_FORMAT_VERSION:
        raise FormatError(f"version: this app reads version {DECK_FORMAT_VERSION}, found {data.get('version')!r}.")
    deck = data.get("deck")
    if not isinstance(deck, dict):
        raise FormatError("deck: expected an object with slug, title and description.")
    items = data.get("items")
    if not isinstance(items, list):
        raise FormatError("items: expected a list of items.")
    source = data.get("source")
    if source is not None and (not isinstance(source, dict) or not isinstance(source.get("text"), str)):
        raise FormatError("source: expected null or an object with title, author, publication and text.")
    check_count(len(items))
    rows = [Row(describe(number, raw), raw) for number, raw in enumerate(items, start=1)]
    return Parsed(format="json", rows=rows, deck=deck, source=source)


def write(document: dict[str, Any]) -> str:
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"
