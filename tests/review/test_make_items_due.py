"""Sending a quiz's missed items to the learner's review queue (review.services.make_items_due)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from studyapp.review import services
from studyapp.review.models import ReviewState, StudiedDeck
from tests.factories import DeckFactory, ItemFactory
from tests.review.conftest import NOW, study

pytestmark = pytest.mark.django_db


def test_existing_states_become_due_now(student_a, deck):
    items = [ItemFactory(deck=deck) for _ in range(3)]
    study(student_a, deck, now=NOW - timedelta(days=30))
    ReviewState.objects.filter(learner=student_a).update(due=NOW + timedelta(days=40))
    later = NOW + timedelta(days=1)

    assert services.make_items_due(learner=student_a, items=items[:2], now=later) == 2

    due = dict(ReviewState.objects.filter(learner=student_a).values_list("item_id", "due"))
    assert due == {items[0].pk: later, items[1].pk: later, items[2].pk: NOW + timedelta(days=40)}


def test_the_version_moves_on_so_a_card_on_screen_is_stale(student_a, deck):
    item = ItemFactory(deck=deck)
    (state,) = study(student_a, deck)

    services.make_items_due(learner=student_a, items=[item], now=NOW)

    assert ReviewState.objects.get(pk=state.pk).version == state.version + 1


def test_a_deck_not_studied_yet_is_added_as_studying_it_would(student_a):
    deck = DeckFactory()
    items = [ItemFactory(deck=deck) for _ in range(3)]

    assert services.make_items_due(learner=student_a, items=[items[1]], now=NOW) == 1

    assert StudiedDeck.objects.filter(learner=student_a, deck=deck).exists()
    states = ReviewState.objects.filter(learner=student_a)
    assert states.count() == 3
    assert states.get(item=items[1]).due == NOW


def test_suspended_items_stay_suspended(student_a, deck):
    item = ItemFactory(deck=deck)
    (state,) = study(student_a, deck)
    services.suspend(learner=student_a, state_id=state.pk)

    services.make_items_due(learner=student_a, items=[item], now=NOW)

    assert ReviewState.objects.get(pk=state.pk).suspended


def test_another_learners_states_are_left_alone(student_a, student_b, deck):
    item = ItemFactory(deck=deck)
    study(student_a, deck, now=NOW - timedelta(days=3))
    (theirs,) = study(student_b, deck, now=NOW - timedelta(days=3))

    services.make_items_due(learner=student_a, items=[item], now=NOW)

    assert ReviewState.objects.get(pk=theirs.pk).due == theirs.due


def test_no_items_change_nothing(student_a):
    assert services.make_items_due(learner=student_a, items=[], now=NOW) == 0
