"""Reads and writes of the authoring pages: decks, their items' order and bulk changes, saving an item.

Learners' review states and logs belong to the review app, which depends on the library and not the other
way round; so they are reached here only through the item's reverse relations (`review_states`,
`review_logs`), never by importing review.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, F, Max, Q, QuerySet
from django.utils import timezone
from django.utils.text import slugify

from studyapp.converters import parse_id
from studyapp.library import services
from studyapp.library.access import editable_sources
from studyapp.library.models import (
    Choice,
    ChoiceData,
    Deck,
    Event,
    EventData,
    Item,
    ItemKind,
    Source,
)

# --- Reads ----------------------------------------------------------------------------------------------


def my_decks(user) -> QuerySet[Deck]:
    """The decks the user may edit, with item counts and their sources: 1 query (co-owners are a second)."""
    return (
        Deck.objects.editable_by(user)
        .select_related("source", "owner")
        .prefetch_related("co_owners")
        .annotate(item_count=Count("items", distinct=True))
        .order_by("title", "pk")
    )


def my_sources(user) -> QuerySet[Source]:
    return editable_sources(user).annotate(passage_count=Count("passages", distinct=True)).order_by("title", "pk")


def editor_items(deck: Deck) -> QuerySet[Item]:
    """A deck's items for its editor page, in order: 2 queries (items, tags) whatever the size."""
    return deck.items.prefetch_related("tags").order_by("position")


def studied_counts(items: Iterable[Item]) -> tuple[int, int, int]:
    """(learners, review states, review log rows) that deleting these items takes with them."""
    ids = [item.pk for item in items]
    states = Item.review_states.rel.related_model.objects.filter(item_id__in=ids)
    logs = Item.review_logs.rel.related_model.objects.filter(item_id__in=ids)
    return states.values("learner_id").distinct().count(), states.count(), logs.count()


def learners_who_studied(item: Item) -> int:
    """How many learners have reviewed this item at least once (their schedule is at stake when it changes)."""
    return item.review_states.filter(last_review__isnull=False).count()


def unique_slug(title: str, *, exclude_pk: int | None = None) -> str:
    """A free slug made from the title: "my-deck", or "my-deck-2", "my-deck-3"… when taken."""
    base = slugify(title)[:90] or "deck"
    taken = set(Deck.objects.filter(slug__startswith=base).exclude(pk=exclude_pk).values_list("slug", flat=True))
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


# --- Decks ----------------------------------------------------------------------------------------------


@transaction.atomic
def create_deck(*, owner, title: str, description: str = "", source: Source | None = None) -> Deck:
    deck = Deck(owner=owner, title=title.strip(), slug=unique_slug(title), description=description, source=source)
    deck.full_clean()
    deck.save()
    return deck


@transaction.atomic
def update_deck(*, deck: Deck, title: str, description: str) -> Deck:
    """Rename a deck. Its slug (and so its links) stays: learners' bookmarks keep working."""
    deck.title, deck.description = title.strip(), description
    deck.full_clean()
    deck.save(update_fields=["title", "description", "updated_at"])
    return deck


def find_co_owner(*, deck: Deck, username: str):
    """The instructor named, if they may become a co-owner of the deck; ValidationError with the reason if not."""
    username = username.strip()
    user = get_user_model().objects.filter(username__iexact=username).first()
    if user is None:
        raise ValidationError(f"No user is called “{username}”.")
    if user.pk == deck.owner_id:
        raise ValidationError(f"{user.get_username()} owns this deck already.")
    if not (user.is_superuser or user.is_instructor):
        raise ValidationError(f"{user.get_username()} is not an instructor; only instructors co-own decks.")
    if deck.co_owners.filter(pk=user.pk).exists():
        raise ValidationError(f"{user.get_username()} co-owns this deck already.")
    return user


@transaction.atomic
def add_co_owner(*, deck: Deck, username: str):
    user = find_co_owner(deck=deck, username=username)
    deck.co_owners.add(user)
    return user


@transaction.atomic
def remove_co_owner(*, deck: Deck, user_id: int) -> None:
    deck.co_owners.remove(user_id)


@transaction.atomic
def set_archived(*, deck: Deck, archived: bool) -> Deck:
    deck.archived_at = timezone.now() if archived else None
    deck.save(update_fields=["archived_at", "updated_at"])
    return deck


# --- Items of a deck ------------------------------------------------------------------------------------


@transaction.atomic
def renumber(*, deck: Deck, ordered_ids: Sequence[int]) -> None:
    """Give the deck's items the positions 0, 1, 2… in this order (ids missing from it follow in their order).

    Positions are unique per deck and the constraint is checked row by row, so every item first moves
    past the highest position in use, then to its place: no two rows ever share a position on the way.
    """
    items = list(deck.items.select_for_update().order_by("position").values_list("pk", flat=True))
    wanted = [pk for pk in dict.fromkeys(ordered_ids) if pk in set(items)]
    order = wanted + [pk for pk in items if pk not in set(wanted)]
    top = (deck.items.aggregate(top=Max("position"))["top"] or 0) + 1
    deck.items.update(position=F("position") + top)
    for position, pk in enumerate(order):
        Item.objects.filter(pk=pk).update(position=position)


def move(*, item: Item, offset: int) -> None:
    """Move an item up (-1) or down (+1) in its deck."""
    ids = list(item.deck.items.order_by("position").values_list("pk", flat=True))
    here = ids.index(item.pk)
    there = max(0, min(len(ids) - 1, here + offset))
    ids.insert(there, ids.pop(here))
    renumber(deck=item.deck, ordered_ids=ids)


@transaction.atomic
def add_tags(*, items: Iterable[Item], names: Iterable[str]) -> int:
    tags = services.tags_named(names)
    count = 0
    for item in items:
        item.tags.add(*tags)
        count += 1
    return count


@transaction.atomic
def delete_items(*, items: Iterable[Item]) -> int:
    """Delete items with their learners' review states and logs (the database cascades)."""
    ids = [item.pk for item in items]
    Item.objects.filter(pk__in=ids).delete()
    return len(ids)


def selected_items(deck: Deck, ids: Iterable[Any]) -> list[Item]:
    """The deck's items among these ids (strings from a form), in deck order; others' ids are ignored."""
    clean = {pk for value in ids if (pk := parse_id(str(value))) is not None}
    return list(deck.items.filter(pk__in=clean).select_related("passage").order_by("position"))


# --- Saving an item -------------------------------------------------------------------------------------


def answer_key(kind: str, answer: str, choices: Sequence[ChoiceData], events: Sequence[EventData]) -> tuple:
    """What a learner's memory of the item is a memory of: the answer, or the correct choices, or the order.

    Accepted variants, the explanation and the wording of wrong choices may change without it.
    """
    if kind == ItemKind.MULTIPLE_CHOICE:
        return (kind, frozenset(c.text.strip().casefold() for c in choices if c.is_correct))
    if kind == ItemKind.CHRONOLOGY:
        return (kind, tuple(e.text.strip().casefold() for e in sorted(events, key=lambda e: e.sort_key)))
    return (kind, " ".join(answer.split()).casefold())


def saved_answer_key(item: Item) -> tuple:
    choices = [ChoiceData(c.text, c.is_correct) for c in item.choices.all()]
    events = [EventData(e.text, e.when, e.sort_key) for e in item.events.all()]
    return answer_key(item.kind, item.answer, choices, events)


@transaction.atomic
def reset_schedules(*, item: Item) -> int:
    """Make the item new again for every learner who has reviewed it; their review log stays as it was."""
    states = item.review_states.filter(Q(last_review__isnull=False) | ~Q(state="new"))
    return states.update(
        state="new",
        step=None,
        stability=None,
        difficulty=None,
        due=timezone.now(),
        last_review=None,
        first_review=None,
        reps=0,
        lapses=0,
        is_leech=False,
        pending_answer=None,
        # A card of the old schedule still on a learner's screen can no longer be rated.
        version=F("version") + 1,
    )


@dataclass(frozen=True)
class SavedItem:
    item: Item
    created: bool
    reset: int  # learners whose schedule was reset


@transaction.atomic
def save_item(
    *,
    item: Item,
    choices: list[ChoiceData],
    events: list[EventData],
    tag_names: list[str],
    reset: bool = False,
) -> SavedItem:
    """Save a validated item with its parts and tags, all or nothing; reset its learners' schedules if asked."""
    created = item.pk is None
    item.save()
    item.tags.set(services.tags_named(tag_names))
    services.save_item_parts(item=item, choices=choices, events=events)
    return SavedItem(item, created, reset_schedules(item=item) if reset and not created else 0)


# --- Preview ----------------------------------------------------------------------------------------------


class _Rows:
    """Stands in for a related manager over rows held in memory."""

    def __init__(self, rows: list) -> None:
        self._rows = rows

    def all(self) -> list:
        return list(self._rows)


class UnsavedItem:
    """An item and its choices and events as the form holds them, never saved, for presenting.

    `presentation.question` and `grade` read `item.choices.all()`: here those are in-memory rows
    numbered 1, 2, 3…, which is all a showing's keys need.
    """

    def __init__(self, item: Item, choices: Sequence[ChoiceData], events: Sequence[EventData]) -> None:
        self._item = item
        self.choices = _Rows(
            [Choice(pk=n, text=c.text.strip(), is_correct=c.is_correct, order=n) for n, c in enumerate(choices, 1)]
        )
        self.events = _Rows(
            [
                Event(pk=n, text=e.text.strip(), when=e.when.strip(), sort_key=e.sort_key)
                for n, e in enumerate(events, 1)
            ]
        )

    def __getattr__(self, name: str) -> Any:
        return getattr(self._item, name)

    def right_response(self) -> Any:
        """What a learner who knows the item answers, as the grader takes it."""
        if self.kind == ItemKind.MULTIPLE_CHOICE:
            return [c.pk for c in self.choices.all() if c.is_correct]
        if self.kind == ItemKind.CHRONOLOGY:
            return [e.pk for e in sorted(self.events.all(), key=lambda e: e.sort_key)]
        return self.answer
