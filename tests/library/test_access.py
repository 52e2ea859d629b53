from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from studyapp.library import access
from tests.factories import DeckFactory, ItemFactory


@pytest.fixture
def deck(instructor):
    return DeckFactory(owner=instructor)


def test_students_may_not_author_at_all(student_a, deck):
    with pytest.raises(PermissionDenied):
        access.get_deck_for_author(student_a, deck.slug)


def test_an_instructor_reaches_their_own_deck_its_items_and_its_source(instructor, deck):
    item = ItemFactory(deck=deck)

    assert access.get_deck_for_author(instructor, deck.slug) == deck
    assert access.get_item_for_author(instructor, item.pk) == item
    assert access.get_source_for_author(instructor, deck.source_id) == deck.source


def test_a_co_owner_reaches_the_deck(other_instructor, deck):
    deck.co_owners.add(other_instructor)

    assert access.get_deck_for_author(other_instructor, deck.slug) == deck


def test_another_instructor_gets_a_404_for_the_deck_its_items_and_its_source(other_instructor, deck):
    item = ItemFactory(deck=deck)

    for get, key in [
        (access.get_deck_for_author, deck.slug),
        (access.get_item_for_author, item.pk),
        (access.get_source_for_author, deck.source_id),
    ]:
        with pytest.raises(Http404):
            get(other_instructor, key)


def test_a_superuser_reaches_everything(admin_user, deck):
    item = ItemFactory(deck=deck)

    assert access.get_deck_for_author(admin_user, deck.slug) == deck
    assert access.get_item_for_author(admin_user, item.pk) == item
