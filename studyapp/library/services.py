"""Writes to the library: sources and their passages, deck import, item housekeeping."""

from __future__ import annotations

from collections.abc import Iterable
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


def import_deck(data: Any, *, owner) -> Deck:
    """Create a deck (and its source, if new) from a parsed `studyapp-deck` document.

    All or nothing: every problem is collected, each naming the item and field, and if there is any
    nothing is saved and DeckImportError raised. The work is `studyapp.library.transfer`'s, which
    imports every format through the same validation.
    """
    # Imported here: transfer builds on this module's writes (create_source, tags_named).
    from studyapp.library.formats import FormatError, deckjson
    from studyapp.library.transfer import import_parsed

    try:
        parsed = deckjson.parse_document(data)
    except FormatError as error:
        raise DeckImportError(error.errors) from None
    return import_parsed(parsed, owner=owner)
