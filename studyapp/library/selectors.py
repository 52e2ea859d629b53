"""Reads of the library: what a user may see or edit, and the deck export."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Count, QuerySet
from django.shortcuts import get_object_or_404

from studyapp.library.models import Deck, Item, ItemKind, Passage, Source
from studyapp.library.services import DECK_FORMAT, DECK_FORMAT_VERSION


def decks_for_home() -> QuerySet[Deck]:
    """Every deck not archived, with its item count, for the home page (decks are public to signed-in users)."""
    return Deck.objects.listed().select_related("owner", "source").annotate(item_count=Count("items"))


def get_deck(slug: str) -> Deck:
    return get_object_or_404(Deck.objects.select_related("owner", "source"), slug=slug)


def deck_items(deck: Deck) -> QuerySet[Item]:
    """A deck's items with what their rows need, in deck order: 4 queries whatever the size."""
    return deck.items.select_related("passage").prefetch_related("tags", "choices", "events").order_by("position")


def get_source_with_items(source_id: int) -> tuple[Source, dict[int, list[Item]]]:
    """A source, and the items drawn from each of its passages keyed by passage id."""
    source = get_object_or_404(Source.objects.prefetch_related("passages"), pk=source_id)
    by_passage: dict[int, list[Item]] = {}
    for item in Item.objects.filter(passage__source=source).select_related("deck").order_by("deck", "position"):
        by_passage.setdefault(item.passage_id, []).append(item)
    return source, by_passage


def paragraph_of(passage: Passage) -> list[Passage]:
    """The sentences of the paragraph a passage stands in, in order, to show it in context."""
    return list(Passage.objects.filter(source_id=passage.source_id, paragraph=passage.paragraph).order_by("index"))


def can_edit_deck(user, deck: Deck) -> bool:
    return user.is_authenticated and Deck.objects.editable_by(user).filter(pk=deck.pk).exists()


def _number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def export_deck(deck: Deck) -> dict[str, Any]:
    """The deck as a `studyapp-deck` document (see docs/deck-format.md)."""
    source = deck.source
    items = deck.items.select_related("passage").prefetch_related("tags", "choices", "events").order_by("position")
    return {
        "format": DECK_FORMAT,
        "version": DECK_FORMAT_VERSION,
        "deck": {"slug": deck.slug, "title": deck.title, "description": deck.description},
        "source": None
        if source is None
        else {"title": source.title, "author": source.author, "publication": source.publication, "text": source.text},
        "items": [_export_item(item) for item in items],
    }


def _export_item(item: Item) -> dict[str, Any]:
    data: dict[str, Any] = {
        "kind": item.kind,
        "prompt": item.prompt,
        "answer": item.answer,
        "accepted_answers": list(item.accepted_answers),
        "explanation": item.explanation,
        "tags": sorted((tag.name for tag in item.tags.all()), key=str.casefold),
        "passage": None
        if item.passage is None
        else {
            "index": item.passage.index,
            "start": item.passage.start,
            "end": item.passage.end,
            "text": item.passage.text,
        },
    }
    if item.kind == ItemKind.MULTIPLE_CHOICE:
        data["choices"] = [{"text": c.text, "correct": c.is_correct} for c in item.choices.all()]
    elif item.kind == ItemKind.NUMBER:
        data["tolerance"] = _number(item.tolerance)
    elif item.kind == ItemKind.CHRONOLOGY:
        data["events"] = [{"text": e.text, "when": e.when, "sort_key": e.sort_key} for e in item.events.all()]
    return data
