"""reports.standings: where each student stands on each of several decks (a class's page), in one query."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from studyapp.accounts.models import User
from studyapp.progress import reports
from studyapp.review.models import ReviewState
from tests.factories import DeckFactory
from tests.progress.test_reports import FAST_DECAY, one_item_per_passage
from tests.review.conftest import NOW, configure, make_learning_state, make_review_state, study

pytestmark = pytest.mark.django_db


def students(*learners) -> list[reports.Student]:
    return reports.students_in(User.objects.filter(pk__in=[learner.pk for learner in learners]), NOW)


def test_each_student_and_deck_has_its_items_reviewed_mastered_and_due(student_a, student_b):
    first, second = DeckFactory(slug="first"), DeckFactory(slug="second")
    one_item_per_passage(first, 4)
    one_item_per_passage(second, 2)
    strong, weak, due_learning, _new = study(student_a, first, now=NOW - timedelta(days=200))
    make_review_state(strong, due=NOW + timedelta(days=9), last_review=NOW - timedelta(days=1), stability=10.0)
    make_review_state(weak, due=NOW - timedelta(days=90), last_review=NOW - timedelta(days=100), stability=1.0)
    make_learning_state(due_learning, due=NOW - timedelta(minutes=5))
    study(student_b, second, now=NOW - timedelta(days=1))

    found = reports.standings([first.pk, second.pk], students(student_a, student_b), NOW)

    # Mastered: the strong item and the learning one reviewed minutes ago; due: the weak one and the learning one.
    assert found[(student_a.pk, first.pk)] == reports.DeckStanding(items=4, reviewed=3, mastered=2, due_now=2)
    assert found[(student_a.pk, first.pk)].mastery_percent == 50
    assert found[(student_b.pk, second.pk)] == reports.DeckStanding(items=2, reviewed=0, mastered=0, due_now=0)
    assert (student_a.pk, second.pk) not in found
    assert (student_b.pk, first.pk) not in found


def test_suspended_and_buried_items_are_not_due_now(student_a):
    deck = DeckFactory()
    one_item_per_passage(deck, 3)
    suspended, buried, due = study(student_a, deck, now=NOW - timedelta(days=30))
    for state in (suspended, buried, due):
        make_review_state(state, due=NOW - timedelta(days=1))
    ReviewState.objects.filter(pk=suspended.pk).update(suspended=True)
    ReviewState.objects.filter(pk=buried.pk).update(buried_until=NOW + timedelta(hours=3))

    (standing,) = reports.standings([deck.pk], students(student_a), NOW).values()

    assert standing.due_now == 1


def test_mastery_uses_each_students_own_retention_and_decay(student_a, student_b, admin_user):
    deck = DeckFactory()
    one_item_per_passage(deck, 1)
    configure(student_b, desired_retention=Decimal("0.70"))
    configure(admin_user, desired_retention=Decimal("0.80"), fsrs_parameters=FAST_DECAY)
    # Thirty days after the last review of stability 10: about 0.78 by default (below A's 0.90, above B's
    # 0.70); about 0.76 with the fast decay (below the admin's 0.80).
    for learner in (student_a, student_b, admin_user):
        (state,) = study(learner, deck, now=NOW - timedelta(days=40))
        make_review_state(state, due=NOW, last_review=NOW - timedelta(days=30), stability=10.0)

    found = reports.standings([deck.pk], students(student_a, student_b, admin_user), NOW)

    assert [found[(learner.pk, deck.pk)].mastered for learner in (student_a, student_b, admin_user)] == [0, 1, 0]


def test_standings_take_one_query_whatever_the_number_of_students_and_decks(
    student_a, student_b, django_assert_num_queries
):
    decks = [DeckFactory() for _ in range(3)]
    for deck in decks:
        one_item_per_passage(deck, 2)
        study(student_a, deck)
        study(student_b, deck)
    cast = students(student_a, student_b)

    with django_assert_num_queries(1):
        found = reports.standings([deck.pk for deck in decks], cast, NOW)

    assert len(found) == 6


def test_no_students_or_no_decks_take_no_query(student_a, django_assert_num_queries):
    cast = students(student_a)
    with django_assert_num_queries(0):
        assert reports.standings([], cast, NOW) == {}
        assert reports.standings([1], [], NOW) == {}
