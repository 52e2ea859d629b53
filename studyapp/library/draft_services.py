"""Reads and writes behind the drafting and coverage pages (the drafting itself is `library.drafting`, pure).

What an instructor rejected is remembered in their session, per source, by candidate key: drafting is
rule-based and deterministic, so the same candidate comes back with the same key on every request.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q

from studyapp.library import drafting, services
from studyapp.library.models import Deck, Item, ItemKind, Passage, Source, parse_number

SESSION_KEY = "draft_rejections"
MAX_REJECTIONS_PER_SOURCE = 5000  # bounds the session's size; older rejections are forgotten first


# --- Reads --------------------------------------------------------------------------------------------------


def target_decks(user, source: Source) -> list[Deck]:
    """Decks the user may edit that can take items drawn from this source: those using it first, then those
    without a source (accepting into one makes this its source). Decks of another source can't link here;
    archived decks take no new items."""
    decks = Deck.objects.editable_by(user).listed().filter(Q(source=source) | Q(source__isnull=True))
    return sorted(decks, key=lambda deck: (deck.source_id is None, deck.title.casefold(), deck.pk))


def authored_items(user, source: Source) -> dict[int, list[Item]]:
    """Items in decks the user may edit drawn from each passage of the source, keyed by passage id."""
    items = (
        Item.objects.filter(deck__in=Deck.objects.editable_by(user), passage__source=source)
        .select_related("deck")
        .order_by("passage_id", "deck__title", "position")
    )
    by_passage: dict[int, list[Item]] = {}
    for item in items:
        by_passage.setdefault(item.passage_id, []).append(item)
    return by_passage


def item_counts(user, source: Source) -> dict[int, int]:
    """How many items (in decks the user may edit) are drawn from each passage, keyed by passage id."""
    rows = (
        Item.objects.filter(deck__in=Deck.objects.editable_by(user), passage__source=source)
        .values("passage_id")
        .annotate(count=Count("id"))
    )
    return {row["passage_id"]: row["count"] for row in rows}


def existing_item(candidate: drafting.Candidate, items: list[Item]) -> Item | None:
    """The first of a passage's items that is what the candidate proposes."""
    for item in items:
        if drafting.matches(candidate, kind=item.kind, prompt=item.prompt, answer=item.answer):
            return item
    return None


# --- Rejections (in the session) ----------------------------------------------------------------------------


def rejected_keys(session, source_id: int) -> set[str]:
    return set(session.get(SESSION_KEY, {}).get(str(source_id), []))


def reject(session, source_id: int, key: str) -> None:
    rejections = session.get(SESSION_KEY, {})
    keys = [k for k in rejections.get(str(source_id), []) if k != key] + [key]
    rejections[str(source_id)] = keys[-MAX_REJECTIONS_PER_SOURCE:]
    session[SESSION_KEY] = rejections


def restore(session, source_id: int, key: str | None = None) -> None:
    """Show a rejected candidate again (all of the source's, without a key)."""
    rejections = session.get(SESSION_KEY, {})
    if key is None:
        rejections.pop(str(source_id), None)
    else:
        rejections[str(source_id)] = [k for k in rejections.get(str(source_id), []) if k != key]
    session[SESSION_KEY] = rejections


# --- Accepting ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Edits:
    """What the instructor changed before accepting; None keeps the candidate's own."""

    prompt: str | None = None
    answer: str | None = None
    tolerance: str | None = None


@transaction.atomic
def accept_candidate(
    *, candidate: drafting.Candidate, deck: Deck, passage: Passage, edits: Edits | None = None
) -> Item:
    """Make the candidate an item at the end of the deck, linked to its passage, through the model's validation.

    Raises ValidationError (field → messages) and saves nothing when the item isn't valid. A deck without a
    source takes the passage's source.
    """
    edits = edits or Edits()
    if deck.source_id is None:
        deck.source = passage.source
        deck.save(update_fields=["source", "updated_at"])
    tolerance = candidate.tolerance
    if edits.tolerance is not None and candidate.kind == ItemKind.NUMBER:
        parsed = parse_number(edits.tolerance or "0")
        if parsed is None:
            raise ValidationError({"tolerance": ["The tolerance must be a number written in digits, e.g. 2."]})
        tolerance = parsed
    item = Item(
        deck=deck,
        passage=passage,
        kind=candidate.kind,
        prompt=candidate.prompt if edits.prompt is None else edits.prompt,
        answer=candidate.answer if edits.answer is None else edits.answer,
        tolerance=Decimal(tolerance),
    )
    if candidate.kind == ItemKind.CHRONOLOGY:
        item.answer = ""  # derived from the events once they are saved
    item.full_clean(exclude=["position"])
    item.save()
    services.save_item_parts(item=item, choices=[], events=list(candidate.events))
    return item
