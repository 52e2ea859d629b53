"""Who may author what: one helper per object type, used by every authoring page.

Students (and anyone who is neither an instructor nor a superuser) never reach an authoring page: 403.
An instructor reaches only the decks they own or co-own, their items, and the sources they created or
that back such a deck; anything else is a 404, so its existence isn't revealed. Superusers reach all.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from studyapp.library.models import Deck, Item, Source


def require_author(user) -> None:
    """403 for anyone who may not author at all (students, visitors)."""
    if not (user.is_authenticated and (user.is_superuser or user.is_instructor)):
        raise PermissionDenied("Only instructors author decks.")


def editable_sources(user) -> QuerySet[Source]:
    """Sources the user may change: those they created, and those behind a deck they may edit."""
    if user.is_superuser:
        return Source.objects.all()
    return Source.objects.filter(Q(created_by=user) | Q(decks__in=Deck.objects.editable_by(user))).distinct()


def get_deck_for_author(user, slug: str) -> Deck:
    require_author(user)
    return get_object_or_404(Deck.objects.editable_by(user).select_related("source", "owner"), slug=slug)


def get_source_for_author(user, source_id: int) -> Source:
    require_author(user)
    return get_object_or_404(editable_sources(user), pk=source_id)


def get_item_for_author(user, item_id: int) -> Item:
    require_author(user)
    items = Item.objects.filter(deck__in=Deck.objects.editable_by(user))
    return get_object_or_404(items.select_related("deck", "passage__source"), pk=item_id)
