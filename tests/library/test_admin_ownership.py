"""Instructors author in the admin, but only in decks they own or co-own."""

from __future__ import annotations

import pytest
from django.urls import reverse

from studyapp.library.models import Deck, Item
from tests.factories import DeckFactory, ItemFactory, SourceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def decks(instructor, other_instructor):
    mine = DeckFactory(owner=instructor, title="Mine")
    shared = DeckFactory(owner=other_instructor, title="Shared with me")
    shared.co_owners.add(instructor)
    theirs = DeckFactory(owner=other_instructor, title="Theirs")
    return mine, shared, theirs


def test_an_instructor_lists_only_the_items_of_decks_they_own_or_co_own(client, instructor, decks):
    mine, shared, theirs = decks
    own, co_owned, foreign = ItemFactory(deck=mine), ItemFactory(deck=shared), ItemFactory(deck=theirs)
    client.force_login(instructor)

    response = client.get(reverse("admin:library_item_changelist"))

    listed = {item.pk for item in response.context["cl"].result_list}
    assert listed == {own.pk, co_owned.pk}
    assert foreign.pk not in listed


def test_an_instructor_cannot_open_another_instructors_item(client, instructor, decks):
    foreign = ItemFactory(deck=decks[2])
    client.force_login(instructor)

    response = client.get(reverse("admin:library_item_change", args=[foreign.pk]))

    # The admin answers a row outside the queryset by redirecting to the index with a message.
    assert response.status_code == 302
    assert response.url == reverse("admin:index")


def test_an_instructor_cannot_put_an_item_into_another_instructors_deck(client, instructor, decks):
    client.force_login(instructor)

    response = client.post(
        reverse("admin:library_item_add"),
        {
            "deck": decks[2].pk,
            "kind": "basic",
            "prompt": "Who led the storming of the Winter Palace?",
            "answer": "Vladimir Antonov-Ovseenko",
            "accepted_answers": "",
            "tolerance": "0",
            "choices-TOTAL_FORMS": "0",
            "choices-INITIAL_FORMS": "0",
            "events-TOTAL_FORMS": "0",
            "events-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Item.objects.filter(deck=decks[2]).exists()


def test_an_instructors_deck_list_and_new_deck_are_their_own(client, instructor, other_instructor, decks):
    client.force_login(instructor)

    listed = {deck.title for deck in client.get(reverse("admin:library_deck_changelist")).context["cl"].result_list}
    client.post(
        reverse("admin:library_deck_add"),
        {"title": "Kronstadt 1921", "slug": "kronstadt-1921", "description": "", "owner": other_instructor.pk},
    )

    assert listed == {"Mine", "Shared with me"}
    assert Deck.objects.get(slug="kronstadt-1921").owner == instructor


def test_an_instructor_may_read_but_not_change_someone_elses_source(client, instructor, other_instructor):
    source = SourceFactory(created_by=other_instructor)
    client.force_login(instructor)

    page = client.get(reverse("admin:library_source_change", args=[source.pk]))
    client.post(
        reverse("admin:library_source_change", args=[source.pk]),
        {"title": "Renamed", "text": source.text, "author": "", "publication": ""},
    )

    assert page.status_code == 200
    assert 'name="title"' not in page.content.decode(), "the form is read-only"
    source.refresh_from_db()
    assert source.title != "Renamed"
