"""Writes to the library: sources and their passages, deck import, item housekeeping."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from studyapp.library.models import (
    DERIVED_ANSWER_KINDS,
    ChoiceData,
    Deck,
    EventData,
    Item,
    ItemKind,
    Passage,
    Source,
    Tag,
    derived_answer,
    validate_choices,
    validate_events,
)
from studyapp.library.text import split_passages

DECK_FORMAT = "studyapp-deck"
DECK_FORMAT_VERSION = 1


class DeckImportError(Exception):
    """A deck file that can't be imported; `errors` lists every problem found, each naming where."""

    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


@transaction.atomic
def create_source(*, title: str, text: str, author: str = "", publication: str = "", created_by=None) -> Source:
    source = Source(title=title, author=author, publication=publication, text=text, created_by=created_by)
    source.full_clean()
    source.save()
    split_source_into_passages(source=source)
    return source


@transaction.atomic
def split_source_into_passages(*, source: Source) -> list[Passage]:
    """(Re)build a source's passages from its text; refused while items still link to them."""
    if Item.objects.filter(passage__source=source).exists():
        raise ValidationError(
            "Items are linked to this source's sentences, so its text can't be re-split. "
            "Unlink or delete those items first."
        )
    source.passages.all().delete()
    return Passage.objects.bulk_create(
        Passage(
            source=source, index=span.index, paragraph=span.paragraph, start=span.start, end=span.end, text=span.text
        )
        for span in split_passages(source.text)
    )


def save_item_parts(*, item: Item, choices: list[ChoiceData], events: list[EventData]) -> None:
    """Replace an item's choices and events and refresh a derived answer. Call inside a transaction."""
    validate_choices(item.kind, choices)
    validate_events(item.kind, events)
    item.choices.all().delete()
    item.events.all().delete()
    item.choices.bulk_create(
        item.choices.model(item=item, text=choice.text.strip(), is_correct=choice.is_correct, order=order)
        for order, choice in enumerate(choices)
    )
    item.events.bulk_create(
        item.events.model(item=item, text=event.text.strip(), when=event.when.strip(), sort_key=event.sort_key)
        for event in events
    )
    refresh_derived_answer(item=item)


def refresh_derived_answer(*, item: Item) -> None:
    """Recompute the answer of a multiple-choice or chronology item from its saved rows."""
    if item.kind not in DERIVED_ANSWER_KINDS:
        return
    choices = [ChoiceData(c.text, c.is_correct) for c in item.choices.all()]
    events = [EventData(e.text, e.when, e.sort_key) for e in item.events.all()]
    answer = derived_answer(item.kind, choices, events)
    if answer != item.answer:
        item.answer = answer
        item.save(update_fields=["answer", "updated_at"])


def tags_named(names: Iterable[str]) -> list[Tag]:
    """The tags with these names, created when missing (matched ignoring case)."""
    tags = []
    for name in dict.fromkeys(n.strip() for n in names if n.strip()):
        tag = Tag.objects.filter(name__iexact=name).first() or Tag.objects.create(name=name)
        tags.append(tag)
    return tags


@transaction.atomic
def duplicate_items(*, items: Iterable[Item]) -> list[Item]:
    """Copy items (with choices, events and tags) to the end of their own decks."""
    copies = []
    for item in items:
        choices = [ChoiceData(c.text, c.is_correct) for c in item.choices.all()]
        events = [EventData(e.text, e.when, e.sort_key) for e in item.events.all()]
        tags = list(item.tags.all())
        copy = Item.objects.get(pk=item.pk)
        copy.pk = None
        copy.position = None
        copy.save()
        copy.tags.set(tags)
        save_item_parts(item=copy, choices=choices, events=events)
        copies.append(copy)
    return copies


@transaction.atomic
def move_items(*, items: Iterable[Item], deck: Deck) -> int:
    """Move items to the end of another deck; refused if any is linked to a passage of another source."""
    items = list(items)
    foreign = [item for item in items if item.passage_id and item.passage.source_id != deck.source_id]
    if foreign:
        raise ValidationError(
            f"{len(foreign)} of the items are drawn from a source that “{deck}” does not use; "
            "they can only move to a deck with the same source."
        )
    last = deck.items.aggregate(last=Max("position"))["last"]
    next_position = 0 if last is None else last + 1
    for offset, item in enumerate(items):
        item.deck = deck
        item.position = next_position + offset
        item.save(update_fields=["deck", "position", "updated_at"])
    return len(items)


# --- Import ------------------------------------------------------------------

_ITEM_KEYS = {"kind", "prompt", "answer", "accepted_answers", "explanation", "tags", "passage"}
_KIND_KEYS = {
    ItemKind.MULTIPLE_CHOICE: {"choices"},
    ItemKind.NUMBER: {"tolerance"},
    ItemKind.CHRONOLOGY: {"events"},
}


def _describe(item_number: int, raw: Any) -> str:
    prompt = raw.get("prompt") if isinstance(raw, dict) else None
    if isinstance(prompt, str) and prompt.strip():
        short = prompt.strip().replace("\n", " ")
        return f"item {item_number} (“{short[:50]}{'…' if len(short) > 50 else ''}”)"
    return f"item {item_number}"


def _messages(error: ValidationError) -> list[tuple[str, str]]:
    if hasattr(error, "error_dict"):
        return [(field, message) for field, errs in error.message_dict.items() for message in errs]
    return [("", message) for message in error.messages]


@transaction.atomic
def import_deck(data: Any, *, owner) -> Deck:
    """Create a deck (and its source, if new) from a `studyapp-deck` document.

    All or nothing: every problem is collected, each naming the item and field,
    and if there is any the transaction is rolled back and DeckImportError raised.
    """
    errors: list[str] = []
    if not isinstance(data, dict):
        raise DeckImportError(["The file must contain a JSON object with format, version, deck, source and items."])
    if data.get("format") != DECK_FORMAT:
        raise DeckImportError([f'format: expected "{DECK_FORMAT}", found {data.get("format")!r}.'])
    if data.get("version") != DECK_FORMAT_VERSION:
        raise DeckImportError(
            [f"version: this app reads version {DECK_FORMAT_VERSION}, found {data.get('version')!r}."]
        )

    deck_data = data.get("deck")
    if not isinstance(deck_data, dict):
        raise DeckImportError(["deck: expected an object with slug, title and description."])
    items_data = data.get("items")
    if not isinstance(items_data, list):
        raise DeckImportError(["items: expected a list of items."])

    source = _import_source(data.get("source"), owner=owner)
    passages = {p.index: p for p in source.passages.all()} if source else {}

    deck = Deck(
        slug=str(deck_data.get("slug", "")).strip(),
        title=str(deck_data.get("title", "")).strip(),
        description=str(deck_data.get("description", "") or ""),
        owner=owner,
        source=source,
    )
    try:
        deck.full_clean()
    except ValidationError as error:
        raise DeckImportError([f"deck, field {field}: {message}" for field, message in _messages(error)]) from None
    deck.save()

    for number, raw in enumerate(items_data, start=1):
        errors.extend(f"{_describe(number, raw)}, {problem}" for problem in _import_item(raw, deck, passages, number))

    if errors:
        raise DeckImportError(errors)
    return deck


def _import_source(raw: Any, *, owner) -> Source | None:
    if raw is None:
        return None
    if not isinstance(raw, dict) or not isinstance(raw.get("text"), str):
        raise DeckImportError(["source: expected null or an object with title, author, publication and text."])
    fields = {key: str(raw.get(key) or "") for key in ("title", "author", "publication")}
    existing = Source.objects.filter(text=raw["text"], **fields).first()
    if existing:
        return existing
    try:
        return create_source(text=raw["text"], created_by=owner, **fields)
    except ValidationError as error:
        raise DeckImportError([f"source, field {field}: {message}" for field, message in _messages(error)]) from None


def _import_item(raw: Any, deck: Deck, passages: dict[int, Passage], position: int) -> list[str]:
    """Save one item; return the problems found (nothing is kept if there are any)."""
    if not isinstance(raw, dict):
        return ["expected an object."]
    kind = raw.get("kind")
    if kind not in ItemKind.values:
        return [f"field kind: {kind!r} is not one of {', '.join(ItemKind.values)}."]
    allowed = _ITEM_KEYS | _KIND_KEYS.get(kind, set())
    problems = [f"field {key}: not used by {kind} items." for key in raw if key not in allowed]
    for key in ("prompt",):
        if not isinstance(raw.get(key), str):
            problems.append(f"field {key}: expected a text.")
    for key in ("answer", "explanation"):
        if not isinstance(raw.get(key, ""), str):
            problems.append(f"field {key}: expected a text.")
    for key in ("accepted_answers", "tags"):
        value = raw.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            problems.append(f"field {key}: expected a list of texts.")
    if problems:
        return problems

    passage, passage_problem = _resolve_passage(raw.get("passage"), passages)
    if passage_problem:
        return [passage_problem]

    tolerance = raw.get("tolerance", 0)
    if isinstance(tolerance, bool) or not isinstance(tolerance, (int, float)):
        return ["field tolerance: expected a number."]

    try:
        choices = [ChoiceData(str(c["text"]), _json_bool(c["correct"])) for c in raw.get("choices", [])]
    except (TypeError, KeyError):
        return ['field choices: expected a list of {"text": ..., "correct": true/false}.']
    try:
        events = [
            EventData(str(e["text"]), str(e.get("when", "")), _json_int(e["sort_key"])) for e in raw.get("events", [])
        ]
    except (TypeError, KeyError, ValueError):
        return ['field events: expected a list of {"text": ..., "when": ..., "sort_key": <integer>}.']

    item = Item(
        deck=deck,
        passage=passage,
        kind=kind,
        prompt=raw["prompt"],
        answer=raw.get("answer", ""),
        accepted_answers=raw.get("accepted_answers", []),
        explanation=raw.get("explanation", ""),
        tolerance=Decimal(str(tolerance)),
        position=position,
    )
    try:
        item.full_clean()
    except ValidationError as error:
        return [f"field {field}: {message}" if field != "__all__" else message for field, message in _messages(error)]
    item.save()
    item.tags.set(tags_named(raw.get("tags", [])))
    try:
        save_item_parts(item=item, choices=choices, events=events)
    except ValidationError as error:
        field = "choices" if kind == ItemKind.MULTIPLE_CHOICE or choices else "events"
        return [f"field {field}: {message}" for _, message in _messages(error)]
    if kind in DERIVED_ANSWER_KINDS and raw.get("answer") and raw["answer"].strip() != item.answer:
        return [f"field answer: expected “{item.answer}” (it follows from the {'choices' if choices else 'events'})."]
    return []


def _json_bool(value: Any) -> bool:
    # bool("false") is True: only JSON true/false may mark a choice correct.
    if not isinstance(value, bool):
        raise TypeError(value)
    return value


def _json_int(value: Any) -> int:
    # int(1923.9) is 1923 and int(True) is 1: a sort key must be written as an integer.
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(value)
    return value


def _resolve_passage(raw: Any, passages: dict[int, Passage]) -> tuple[Passage | None, str | None]:
    if raw is None:
        return None, None
    if not passages:
        return None, "field passage: the deck has no source text, so items can't link to a passage."
    if not isinstance(raw, dict) or not isinstance(raw.get("index"), int):
        return None, 'field passage: expected {"index", "start", "end", "text"}.'
    passage = passages.get(raw["index"])
    if passage is None:
        return None, f"field passage: the source has no passage number {raw['index']} (it has {len(passages)})."
    for key in ("start", "end", "text"):
        expected = getattr(passage, key)
        if key in raw and raw[key] != expected:
            return None, f"field passage: {key} is {raw[key]!r} but source passage {passage.index} has {expected!r}."
    return passage, None
