"""Reads of the review app: the queue's order, the day's limits, the counts and the next due moment."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import connection

from studyapp.library.models import Item, ItemKind
from studyapp.review import selectors, services
from studyapp.review.models import CardState, Rating, ReviewDay, ReviewState
from studyapp.review.templatetags.review_tags import capped
from tests.factories import DeckFactory
from tests.review.conftest import (
    NOW,
    answer,
    configure,
    make_items,
    make_learning_state,
    make_review_state,
    study,
)

pytestmark = pytest.mark.django_db

END_OF_TODAY = datetime(2026, 1, 16, 4, 0, tzinfo=UTC)  # a UTC learner's day starts at 04:00


def counts_of(learner, now=NOW, deck=None) -> selectors.QueueCounts:
    return selectors.queue_counts(learner, services.settings_for(learner), now, deck)


def next_of(learner, now=NOW, deck=None) -> ReviewState | None:
    _counts, state = selectors.study_queue(learner, services.settings_for(learner), now, deck)
    return state


def served_in_order(learner, now=NOW, deck=None) -> list[int]:
    """The state ids the session would show, one after another (each is suspended once shown)."""
    served = []
    while (state := next_of(learner, now, deck)) is not None:
        served.append(state.pk)
        services.suspend(learner=learner, state_id=state.pk)
        assert len(served) < 50
    return served


@pytest.fixture
def mixed_queue(student_a, deck):
    """One state of each kind of queue entry, by name; items have no passage, so nothing buries anything."""
    make_items(deck, 11, passage_index=None)
    states = study(student_a, deck, now=NOW - timedelta(days=30))
    names = [
        "learning_due",
        "relearning_due",
        "learning_ahead",
        "learning_later",
        "review_overdue",
        "review_today",
        "review_tomorrow",
        "new_1",
        "new_2",
        "new_3",
        "new_4",
    ]
    queue = dict(zip(names, states, strict=True))
    make_learning_state(queue["learning_due"], due=NOW - timedelta(minutes=5))
    make_learning_state(queue["relearning_due"], due=NOW - timedelta(minutes=1), relearning=True)
    make_learning_state(queue["learning_ahead"], due=NOW + timedelta(minutes=5))
    make_learning_state(queue["learning_later"], due=NOW + timedelta(hours=1))
    make_review_state(queue["review_overdue"], due=NOW - timedelta(days=2))
    make_review_state(queue["review_today"], due=NOW + timedelta(hours=15))  # 03:00 tomorrow: still today
    make_review_state(queue["review_tomorrow"], due=END_OF_TODAY)
    return queue


# --- order -------------------------------------------------------------------------------------------------


def test_the_queue_serves_learning_due_then_reviews_due_today_then_new_in_deck_order(student_a, mixed_queue):
    q = mixed_queue
    counts = counts_of(student_a)

    served = served_in_order(student_a)

    assert len(served) == counts.total

    assert served == [
        q["learning_due"].pk,
        q["relearning_due"].pk,
        q["review_overdue"].pk,
        q["review_today"].pk,
        q["new_1"].pk,
        q["new_2"].pk,
        q["new_3"].pk,
        q["new_4"].pk,
        # Nothing else left: a learning step due within the learn-ahead limit is shown early.
        q["learning_ahead"].pk,
    ]


def test_the_counts_say_what_is_left_today(student_a, mixed_queue):
    counts = counts_of(student_a)

    assert counts.learning_now == 2
    assert counts.learning == 3  # with the one due within the learn-ahead limit
    assert counts.review == 2
    assert counts.new == 4
    assert counts.total == 9
    # Introductions are counted from the day's reviews (ReviewDay), and these states were made without any.
    assert counts.new_left_today == 20
    assert counts.reviews_left_today == 200


def test_a_learning_step_due_later_comes_once_within_the_learn_ahead_limit(student_a, mixed_queue):
    later = mixed_queue["learning_later"]  # due in an hour
    served_in_order(student_a)

    assert timedelta(minutes=20) == selectors.LEARN_AHEAD
    assert next_of(student_a, NOW + timedelta(minutes=39, seconds=59)) is None
    assert next_of(student_a, NOW + timedelta(minutes=40)).pk == later.pk
    assert counts_of(student_a, NOW + timedelta(minutes=40)).learning_now == 0


def test_an_item_added_to_a_studied_deck_comes_after_the_new_items_already_there(student_a, deck):
    make_items(deck, 3, passage_index=None)
    states = study(student_a, deck, now=NOW - timedelta(days=1))

    [added] = make_items(deck, 1, passage_index=None)

    assert served_in_order(student_a) == [*(s.pk for s in states), ReviewState.objects.get(item=added).pk]


def test_the_queue_is_per_deck_when_a_deck_is_given(student_a, deck):
    make_items(deck, 2, passage_index=None)
    other = DeckFactory()
    make_items(other, 3, passage_index=None)
    study(student_a, deck)
    other_states = study(student_a, other)

    assert counts_of(student_a, deck=other).new == 3
    assert counts_of(student_a).new == 5
    assert served_in_order(student_a, deck=other) == [s.pk for s in other_states]


# --- daily limits ------------------------------------------------------------------------------------------


def test_only_new_per_day_new_items_are_served_then_again_the_next_day(student_a, deck):
    configure(student_a, new_per_day=3)
    make_items(deck, 7, passage_index=None)
    states = study(student_a, deck)

    for number in range(3):
        assert counts_of(student_a).new == 3 - number
        card = next_of(student_a)
        assert card.pk == states[number].pk
        answer(student_a, card, Rating.EASY, now=NOW + timedelta(minutes=number))

    after = NOW + timedelta(minutes=5)
    assert counts_of(student_a, after).new == 0
    assert counts_of(student_a, after).new_left_today == 0
    assert next_of(student_a, after) is None
    tomorrow = NOW + timedelta(days=1)
    assert counts_of(student_a, tomorrow).new == 3
    assert next_of(student_a, tomorrow).pk == states[3].pk


def test_counts_stop_at_the_cap_and_show_as_cap_plus(student_a, deck, monkeypatch):
    monkeypatch.setattr(selectors, "COUNT_CAP", 3)
    make_items(deck, 5, passage_index=None)
    study(student_a, deck)

    counts = counts_of(student_a, deck=deck)

    assert counts.new == 3
    assert next_of(student_a, NOW) is not None
    assert capped(999) == "999+"
    assert capped(998) == "998"


def test_the_new_limit_counts_new_items_introduced_today_in_every_deck(student_a, deck):
    configure(student_a, new_per_day=3)
    make_items(deck, 2, passage_index=None)
    other = DeckFactory()
    make_items(other, 4, passage_index=None)
    for state in study(student_a, deck):
        answer(student_a, state, Rating.GOOD, now=NOW)
    study(student_a, other)

    counts = counts_of(student_a, deck=other)

    assert counts.new_left_today == 1
    assert counts.new == 1


def test_the_days_limits_count_a_new_items_first_review_and_a_due_items_first_review_today(student_a, deck):
    make_items(deck, 3, passage_index=None)
    first, _second, third = study(student_a, deck)
    answer(student_a, first, Rating.GOOD, now=NOW)
    make_review_state(third, due=NOW - timedelta(days=1))
    answer(student_a, third, Rating.AGAIN, now=NOW + timedelta(minutes=1))

    counts = counts_of(student_a, NOW + timedelta(minutes=2))

    assert (counts.new_left_today, counts.reviews_left_today) == (19, 199)
    day = ReviewDay.objects.get(learner=student_a)
    assert (day.new_items, day.memory_tests) == (1, 1)


def test_a_new_item_answered_again_and_again_counts_once_against_the_limit(student_a, deck):
    configure(student_a, new_per_day=2)
    make_items(deck, 3, passage_index=None)
    first, *_ = study(student_a, deck)

    for minutes in (0, 1, 2):
        answer(student_a, first, Rating.AGAIN, now=NOW + timedelta(minutes=minutes))

    assert counts_of(student_a, NOW + timedelta(minutes=3)).new_left_today == 1


def test_only_reviews_per_day_reviews_are_served(student_a, deck):
    configure(student_a, reviews_per_day=2)
    make_items(deck, 4, passage_index=None)
    states = study(student_a, deck)
    for hours, state in enumerate(states):
        make_review_state(state, due=NOW - timedelta(hours=4 - hours))
    assert counts_of(student_a).review == 2

    for _ in range(2):
        answer(student_a, next_of(student_a), Rating.GOOD, now=NOW)

    assert counts_of(student_a).review == 0
    assert counts_of(student_a).reviews_left_today == 0
    assert next_of(student_a) is None
    assert ReviewState.objects.filter(state=CardState.REVIEW, due__lte=NOW).count() == 2


def test_a_forgotten_review_counts_as_a_review_done(student_a, deck):
    configure(student_a, reviews_per_day=2)
    make_items(deck, 3, passage_index=None)
    states = study(student_a, deck)
    for state in states:
        make_review_state(state, due=NOW - timedelta(hours=1))

    answer(student_a, states[0], Rating.AGAIN, now=NOW)

    counts = counts_of(student_a)
    assert counts.reviews_left_today == 1
    assert counts.review == 1
    assert counts.learning == 1  # the forgotten one comes back as relearning


# --- suspended and buried ----------------------------------------------------------------------------------


@pytest.mark.parametrize("how", ["suspend", "bury"])
def test_suspended_and_buried_items_are_left_out(student_a, mixed_queue, how):
    hidden = [mixed_queue[name] for name in ("learning_due", "review_overdue", "new_1")]
    for state in hidden:
        if how == "suspend":
            services.suspend(learner=student_a, state_id=state.pk)
        else:
            services.bury(learner=student_a, state_id=state.pk, now=NOW)

    counts = counts_of(student_a)

    assert (counts.learning_now, counts.review, counts.new) == (1, 1, 3)
    assert set(served_in_order(student_a)).isdisjoint(s.pk for s in hidden)


def test_a_buried_item_is_back_the_next_day(student_a, deck):
    make_items(deck, 1, passage_index=None)
    [state] = study(student_a, deck)
    services.bury(learner=student_a, state_id=state.pk, now=NOW)

    assert next_of(student_a) is None
    assert next_of(student_a, END_OF_TODAY).pk == state.pk


# --- when next ---------------------------------------------------------------------------------------------


def test_next_due_at_is_the_earliest_upcoming_reviewed_item(student_a, deck):
    make_items(deck, 4, passage_index=None)
    soon, later, suspended, _new = study(student_a, deck)
    make_review_state(soon, due=NOW + timedelta(days=2))
    make_review_state(later, due=NOW + timedelta(days=5))
    make_review_state(suspended, due=NOW + timedelta(days=1))
    services.suspend(learner=student_a, state_id=suspended.pk)

    assert selectors.next_due_at(student_a, NOW) == NOW + timedelta(days=2)
    assert selectors.next_due_at(student_a, NOW, deck) == NOW + timedelta(days=2)


def test_next_due_at_waits_for_a_buried_item_to_be_unburied(student_a, deck):
    make_items(deck, 1, passage_index=None)
    [state] = study(student_a, deck)
    make_review_state(state, due=NOW - timedelta(hours=1))
    services.bury(learner=student_a, state_id=state.pk, now=NOW)

    assert selectors.next_due_at(student_a, NOW) == END_OF_TODAY


def test_next_due_at_is_none_when_nothing_was_ever_reviewed(student_a, deck):
    make_items(deck, 2, passage_index=None)
    study(student_a, deck)

    assert selectors.next_due_at(student_a, NOW) is None


def test_next_due_at_ignores_another_learners_items(student_a, student_b, deck):
    make_items(deck, 1, passage_index=None)
    study(student_a, deck)
    [b_state] = study(student_b, deck)
    make_review_state(b_state, due=NOW + timedelta(days=1))

    assert selectors.next_due_at(student_a, NOW) is None
    assert selectors.next_due_at(student_b, NOW) == NOW + timedelta(days=1)


# --- cost --------------------------------------------------------------------------------------------------


def test_the_study_queue_takes_one_query_for_the_counts_and_one_for_the_card_with_its_item_passage_and_deck(
    student_a, mixed_queue, deck, django_assert_num_queries
):
    study_settings = services.settings_for(student_a)

    with django_assert_num_queries(2):
        counts, state = selectors.study_queue(student_a, study_settings, NOW, deck)
    with django_assert_num_queries(0):
        assert state.item.prompt
        assert state.item.passage is None
        assert state.deck == deck
    assert counts == counts_of(student_a, deck=deck)
    assert state.pk == mixed_queue["learning_due"].pk


def test_the_card_built_from_the_queues_row_is_the_card_the_orm_loads(student_a, deck):
    [item] = make_items(deck, 1, passage_index=1)
    Item.objects.filter(pk=item.pk).update(
        accepted_answers=["Bronstein"], kind=ItemKind.NUMBER, tolerance=Decimal("1.5")
    )
    [state] = study(student_a, deck)
    ReviewState.objects.filter(pk=state.pk).update(pending_answer={"uuid": "u", "text": "1923"})

    _counts, built = selectors.study_queue(student_a, services.settings_for(student_a), NOW, deck)

    loaded = ReviewState.objects.select_related("item__passage", "deck").get(pk=state.pk)
    fields = ("due", "pending_answer", "suspended", "version")
    assert [getattr(built, name) for name in fields] == [getattr(loaded, name) for name in fields]
    assert (built.item.accepted_answers, built.item.tolerance, built.item.created_at) == (
        ["Bronstein"],
        Decimal("1.5"),
        loaded.item.created_at,
    )
    assert (built.item.passage, built.item.passage.text, built.deck.slug) == (
        loaded.item.passage,
        loaded.item.passage.text,
        deck.slug,
    )
    assert built.due.tzinfo is not None


def test_queue_counts_stay_one_query_for_every_queue(student_a, mixed_queue, django_assert_num_queries):
    study_settings = services.settings_for(student_a)

    for now in (NOW, NOW + timedelta(days=1), NOW - timedelta(days=40)):
        with django_assert_num_queries(1):
            selectors.queue_counts(student_a, study_settings, now)
        with django_assert_num_queries(2):
            selectors.study_queue(student_a, study_settings, now)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's plan cache; SQLite plans no such thing")
def test_on_postgresql_the_counts_keep_one_plan_instead_of_planning_each_card_afresh(student_a, deck):
    """psycopg prepares a statement from its 5th run on a connection; PostgreSQL plans it for the values at hand
    5 times more, then keeps its generic plan if that looks no dearer (with the statistics of a real deck)."""
    Item.objects.bulk_create(
        Item(deck=deck, kind=ItemKind.BASIC, prompt=f"Question {n}?", answer=f"Answer {n}", position=n)
        for n in range(3000)
    )
    study(student_a, deck)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {ReviewState._meta.db_table}")
    study_settings = services.settings_for(student_a)

    runs = [selectors.queue_counts(student_a, study_settings, NOW) for _ in range(15)]

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT generic_plans, custom_plans FROM pg_prepared_statements WHERE statement LIKE %s",
            ["SELECT today.introduced%"],
        )
        ((generic_plans, custom_plans),) = cursor.fetchall()
    assert (custom_plans, generic_plans) == (5, 5)
    assert {(counts.new, counts.review, counts.learning) for counts in runs} == {(20, 0, 0)}
