"""Two submissions of the same card at the same moment are recorded once (PostgreSQL only).

SQLite serialises writers, so the race can't happen there; on PostgreSQL two threads with their own
connections start together at a barrier. Run with
DATABASE_URL=postgres://postgres@127.0.0.1:5432/studyapp_dev .venv/bin/pytest tests/review/test_concurrency.py
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from studyapp.review import services
from studyapp.review.models import CardState, Rating, ReviewLog, ReviewState
from tests.review.conftest import NOW, make_items, study, token_for

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: SQLite serialises writers, so two submissions can't race",
    ),
    # Each thread commits in its own connection, so the data must be committed too.
    # serialized_rollback keeps the groups made by the data migration across these flushing tests.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

ROUNDS = 4  # one pair per passage of the source


def run_together(*calls) -> list:
    """Run the calls in threads released together by a barrier; each result is a value or the exception raised."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def work(index: int, call) -> None:
        try:
            barrier.wait(timeout=10)
            results[index] = call()
        except Exception as error:  # the test inspects what each thread met
            results[index] = error
        finally:
            connection.close()  # this thread's own connection

    threads = [threading.Thread(target=work, args=(index, call)) for index, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads)
    return results


def submit(learner, token: str, rating: Rating):
    return lambda: services.record_review(learner=learner, token=token, rating=rating, now=NOW)


@pytest.fixture
def cards(student_a, deck):
    """ROUNDS pairs of sibling items (same passage), so each review also buries a sibling."""
    for index in range(ROUNDS):
        make_items(deck, 2, passage_index=index % 4)
    states = study(student_a, deck)
    return states[::2]


def test_the_same_token_submitted_twice_at_once_is_recorded_once(student_a, cards):
    for state in cards:
        token = token_for(student_a, state)

        results = run_together(submit(student_a, token, Rating.GOOD), submit(student_a, token, Rating.GOOD))

        assert not [r for r in results if isinstance(r, Exception)], results
        assert sorted(r.replayed for r in results) == [False, True]
        assert results[0].log.pk == results[1].log.pk
        assert ReviewLog.objects.filter(item=state.item).count() == 1
        state.refresh_from_db()
        assert (state.version, state.reps, state.state) == (1, 1, CardState.LEARNING)


def test_two_tokens_for_the_same_card_version_at_once_record_one_review(student_a, cards):
    for state in cards:
        first_tab, second_tab = token_for(student_a, state), token_for(student_a, state)

        results = run_together(submit(student_a, first_tab, Rating.GOOD), submit(student_a, second_tab, Rating.AGAIN))

        recorded = [r for r in results if isinstance(r, services.ReviewOutcome)]
        refused = [r for r in results if isinstance(r, Exception)]
        assert len(recorded) == 1, results
        assert recorded[0].replayed is False
        assert len(refused) == 1
        assert isinstance(refused[0], services.StaleCard), refused
        assert ReviewLog.objects.filter(item=state.item).count() == 1
        state.refresh_from_db()
        assert (state.version, state.reps) == (1, 1)
        assert ReviewLog.objects.get(item=state.item).rating == recorded[0].log.rating


def test_the_sibling_is_buried_once_whoever_wins(student_a, cards):
    state = cards[0]
    first_tab, second_tab = token_for(student_a, state), token_for(student_a, state)

    run_together(submit(student_a, first_tab, Rating.GOOD), submit(student_a, second_tab, Rating.GOOD))

    sibling = ReviewState.objects.get(learner=student_a, item__passage=state.item.passage, item__position=1)
    log = ReviewLog.objects.get(item=state.item)
    assert log.buried_siblings == [sibling.pk]
    assert sibling.buried_until is not None
    assert sibling.version == 1
