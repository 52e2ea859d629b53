"""ReviewDay, the log summed per learner, day and deck by database triggers, never drifts from the log."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest

from studyapp.review import services
from studyapp.review.models import Rating, ReviewDay, ReviewLog
from studyapp.review.summary import log_summed_by_day
from tests.review.conftest import NOW, answer, make_items, study

pytestmark = pytest.mark.django_db


def summed_from_the_log() -> list[dict]:
    """The log summed at once by the ORM, as the repair command sums it: what the triggers must have kept."""
    return list(log_summed_by_day().order_by("learner_id", "day", "deck_id"))


def summary() -> list[dict]:
    return list(
        ReviewDay.objects.values(
            "learner_id", "day", "deck_id", "reviews", "new_items", "memory_tests", "memory_passes", "duration_ms"
        ).order_by("learner_id", "day", "deck_id")
    )


def test_each_review_is_added_to_its_learners_day_and_deck(student_a, deck):
    make_items(deck, 2, passage_index=None)
    first, second = study(student_a, deck, now=NOW - timedelta(days=2))
    answer(student_a, first, Rating.GOOD, now=NOW - timedelta(days=2), duration_ms=1_000)
    answer(student_a, first, Rating.AGAIN, now=NOW, duration_ms=2_000)
    answer(student_a, second, Rating.GOOD, now=NOW, duration_ms=3_000)

    assert summary() == [
        {
            "learner_id": student_a.pk,
            "day": (NOW - timedelta(days=2)).date(),
            "deck_id": deck.pk,
            "reviews": 1,
            "new_items": 1,
            "memory_tests": 0,
            "memory_passes": 0,
            "duration_ms": 1_000,
        },
        {
            "learner_id": student_a.pk,
            "day": NOW.date(),
            "deck_id": deck.pk,
            "reviews": 2,
            "new_items": 1,
            "memory_tests": 1,
            "memory_passes": 0,
            "duration_ms": 5_000,
        },
    ]


def test_undo_takes_the_review_away_and_an_emptied_day_disappears(student_a, deck):
    make_items(deck, 1, passage_index=None)
    (state,) = study(student_a, deck)
    answer(student_a, state, Rating.GOOD, now=NOW, duration_ms=1_000)

    services.undo_last_review(learner=student_a)

    assert summary() == []


def test_after_many_reviews_and_undos_by_two_learners_the_summary_is_the_log_summed(student_a, student_b, deck):
    make_items(deck, 6, passage_index=None)
    rng = random.Random(4)
    for learner in (student_a, student_b):
        states = study(learner, deck, now=NOW - timedelta(days=20))
        for step in range(60):
            now = NOW - timedelta(days=20) + timedelta(hours=7 * step)
            answer(learner, rng.choice(states), rng.choice(list(Rating)), now=now, duration_ms=rng.randrange(9_000))
            if rng.random() < 0.2:
                services.undo_last_review(learner=learner)

    assert ReviewLog.objects.filter(tests_memory=True).exists()
    assert summary() == summed_from_the_log()


def test_deleting_a_learner_deletes_their_summary_with_their_log(student_a, deck):
    make_items(deck, 1, passage_index=None)
    (state,) = study(student_a, deck)
    answer(student_a, state, Rating.GOOD, now=NOW)

    student_a.delete()

    assert not ReviewDay.objects.exists()
