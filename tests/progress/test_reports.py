"""The instructor's report on a deck: each figure against an example worked out by hand (or by fsrs itself)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import fsrs
import pytest

from studyapp.library.models import Deck
from studyapp.progress import reports
from studyapp.review.models import Rating, ReviewState
from tests.factories import DeckFactory, ItemFactory, ReviewLogFactory, StudiedDeckFactory, UserFactory
from tests.review.conftest import NOW, answer, configure, make_items, make_learning_state, make_review_state, study

pytestmark = pytest.mark.django_db

# FSRS parameters of a learner who forgets faster than the default past an item's stability (w20 = 0.6).
FAST_DECAY = [*fsrs.scheduler.DEFAULT_PARAMETERS[:20], 0.6]


@pytest.fixture
def class_deck(instructor) -> Deck:
    """A deck of the instructor's, drawn from a source of four passages."""
    return DeckFactory(owner=instructor, title="The Left Opposition", slug="left-opposition")


def one_item_per_passage(deck: Deck, count: int):
    """Items from different passages, so reviewing one doesn't bury the next."""
    return [make_items(deck, 1, passage_index=index)[0] for index in range(count)]


def row_of(rows, username: str) -> reports.StudentRow:
    (row,) = [row for row in rows if row.username == username]
    return row


def fsrs_recall(state: ReviewState, parameters=None) -> float:
    """fsrs's own retrievability of the state at NOW."""
    scheduler = fsrs.Scheduler(parameters=parameters or fsrs.scheduler.DEFAULT_PARAMETERS, enable_fuzzing=False)
    card = fsrs.Card(
        card_id=state.pk,
        state=fsrs.State.Review,
        stability=state.stability,
        difficulty=state.difficulty,
        due=state.due,
        last_review=state.last_review,
    )
    return scheduler.get_card_retrievability(card, current_datetime=NOW)


# --- students -------------------------------------------------------------------------------------------


def test_true_retention_is_memory_tests_passed_over_taken_in_the_last_30_days(student_a, class_deck):
    items = one_item_per_passage(class_deck, 3)
    states = study(student_a, class_deck, now=NOW - timedelta(days=10))
    for state in states:  # first reviews of new items: not tests of memory
        answer(student_a, state, Rating.GOOD, now=NOW - timedelta(days=10))
    # Two days ago, the first review of each on a later day: three tests, Again fails one.
    for state, rating in zip(states, [Rating.GOOD, Rating.HARD, Rating.AGAIN], strict=True):
        answer(student_a, state, rating, now=NOW - timedelta(days=2))

    (row,) = reports.student_rows(class_deck, NOW)

    assert len(items) == 3
    assert (row.memory_tests_30_days, row.memory_passes_30_days) == (3, 2)
    assert row.retention_percent == 67  # 2 / 3
    assert row.reviews_7_days == 3  # the three reviews of 10 days ago are outside the week


def test_a_student_with_no_memory_test_has_no_retention(student_a, class_deck):
    one_item_per_passage(class_deck, 1)
    study(student_a, class_deck, now=NOW)

    (row,) = reports.student_rows(class_deck, NOW)

    assert row.retention is None
    assert row.retention_percent is None
    assert (row.reviews_7_days, row.overdue, row.last_active) == (0, 0, None)


def reviews(learner, item, days_ago: list[int]) -> None:
    """Reviews (each a passed test of memory) at NOW minus these days, on the learner's days then."""
    for days in days_ago:
        ReviewLogFactory(
            learner=learner, item=item, reviewed_at=NOW - timedelta(days=days), rating=Rating.GOOD, tests_memory=True
        )


def test_the_last_7_and_30_days_are_each_learners_own_days(student_a, student_b, class_deck):
    (item,) = one_item_per_passage(class_deck, 1)
    StudiedDeckFactory(learner=student_a, deck=class_deck)
    StudiedDeckFactory(learner=student_b, deck=class_deck)
    # Auckland is 13 hours ahead in January and student A's day starts at midnight: at NOW (12:00 UTC on
    # the 15th) their today is already the 16th; student B's (UTC, from 04:00) is the 15th.
    configure(student_a, timezone="Pacific/Auckland", day_starts_at=0)
    assert student_a.study_settings.day_at(NOW).date == NOW.date() + timedelta(days=1)
    reviews(student_a, item, [0, 0, 7, 29, 30])  # on their 16th, 16th, 9th, 18 Dec and 17 Dec
    reviews(student_b, item, [0, 6, 7, 29, 30])  # on their 15th, 9th, 8th, 17 Dec and 16 Dec

    rows = reports.student_rows(class_deck, NOW)

    # A's week is the 10th to the 16th, their 30 days 18 Dec to 16 Jan (UTC dates would have given 1 and 3).
    assert (row_of(rows, "student_a").reviews_7_days, row_of(rows, "student_a").memory_tests_30_days) == (2, 4)
    # B's week is the 9th to the 15th, their 30 days 17 Dec to 15 Jan.
    assert (row_of(rows, "student_b").reviews_7_days, row_of(rows, "student_b").memory_tests_30_days) == (2, 4)


def test_mastery_is_the_share_of_items_recalled_at_the_desired_retention(student_a, class_deck):
    one_item_per_passage(class_deck, 2)
    strong, weak = study(student_a, class_deck, now=NOW - timedelta(days=200))
    make_review_state(strong, due=NOW + timedelta(days=9), last_review=NOW - timedelta(days=1), stability=10.0)
    make_review_state(weak, due=NOW - timedelta(days=90), last_review=NOW - timedelta(days=100), stability=1.0)

    (row,) = reports.student_rows(class_deck, NOW)

    assert fsrs_recall(strong) > 0.9 > fsrs_recall(weak)
    assert (row.items, row.mastered) == (2, 1)
    assert row.mastery_percent == 50


def test_mastery_counts_new_items_as_not_mastered(student_a, class_deck):
    one_item_per_passage(class_deck, 4)
    states = study(student_a, class_deck, now=NOW - timedelta(days=2))
    make_review_state(states[0], due=NOW + timedelta(days=9), last_review=NOW - timedelta(days=1))

    (row,) = reports.student_rows(class_deck, NOW)

    assert row.mastery_percent == 25


def test_mastery_uses_each_students_own_desired_retention(student_a, student_b, class_deck):
    one_item_per_passage(class_deck, 1)
    configure(student_b, desired_retention=Decimal("0.70"))
    # Ten days after the last review of a card of stability 10: recall 0.9, the FSRS definition of stability;
    # 30 days after: about 0.78, below student A's 0.90, above student B's 0.70.
    for learner in (student_a, student_b):
        (state,) = study(learner, class_deck, now=NOW - timedelta(days=40))
        make_review_state(state, due=NOW, last_review=NOW - timedelta(days=30), stability=10.0)

    rows = reports.student_rows(class_deck, NOW)

    assert 0.7 < fsrs_recall(state) < 0.9
    assert row_of(rows, "student_a").mastery_percent == 0
    assert row_of(rows, "student_b").mastery_percent == 100


def test_mastery_uses_each_students_own_fsrs_decay(student_a, student_b, class_deck):
    one_item_per_passage(class_deck, 1)
    # Both want 0.80. Thirty days after the last review of a card of stability 10, the default decay
    # gives about 0.81; student B's faster decay about 0.76.
    configure(student_a, desired_retention=Decimal("0.80"))
    configure(student_b, desired_retention=Decimal("0.80"), fsrs_parameters=FAST_DECAY)
    states = {}
    for learner in (student_a, student_b):
        (states[learner.username],) = study(learner, class_deck, now=NOW - timedelta(days=40))
        make_review_state(states[learner.username], due=NOW, last_review=NOW - timedelta(days=30), stability=10.0)

    rows = reports.student_rows(class_deck, NOW)

    assert fsrs_recall(states["student_b"], FAST_DECAY) < 0.8 < fsrs_recall(states["student_a"])
    assert row_of(rows, "student_a").mastery_percent == 100
    assert row_of(rows, "student_b").mastery_percent == 0


def test_overdue_items_were_due_before_the_learners_day_began(student_a, class_deck):
    one_item_per_passage(class_deck, 4)
    yesterday_due, today_due, suspended, learning = study(student_a, class_deck, now=NOW - timedelta(days=30))
    # NOW is 12:00 UTC; a UTC learner's day began at 04:00.
    make_review_state(yesterday_due, due=NOW - timedelta(days=1))  # overdue
    make_review_state(today_due, due=NOW - timedelta(hours=2))  # due at 10:00 today: not overdue yet
    make_review_state(suspended, due=NOW - timedelta(days=3), suspended=True)
    make_learning_state(learning, due=NOW - timedelta(days=2), relearning=True)  # a step, not a review

    (row,) = reports.student_rows(class_deck, NOW)

    assert row.overdue == 1


def test_overdue_follows_each_learners_day_start(student_a, student_b, class_deck):
    one_item_per_passage(class_deck, 1)
    # Due at 06:00 UTC today: after student A's day began (04:00), before student B's (08:00).
    configure(student_b, day_starts_at=8)
    for learner in (student_a, student_b):
        (state,) = study(learner, class_deck, now=NOW - timedelta(days=30))
        make_review_state(state, due=NOW.replace(hour=6))

    rows = reports.student_rows(class_deck, NOW)

    assert row_of(rows, "student_a").overdue == 0  # their day began at 04:00: due today
    assert row_of(rows, "student_b").overdue == 1  # theirs began at 08:00: due on their yesterday


def test_last_active_is_the_latest_review_in_the_deck(student_a, class_deck):
    one_item_per_passage(class_deck, 2)
    first, second = study(student_a, class_deck, now=NOW - timedelta(days=30))
    make_review_state(first, due=NOW, last_review=NOW - timedelta(days=5))
    make_review_state(second, due=NOW, last_review=NOW - timedelta(days=2))

    (row,) = reports.student_rows(class_deck, NOW)

    assert row.last_active == NOW - timedelta(days=2)


def test_only_students_of_the_deck_are_listed_by_username(student_a, student_b, instructor, class_deck):
    one_item_per_passage(class_deck, 1)
    zed = UserFactory(username="zed")
    for learner in (zed, student_b, student_a):
        study(learner, class_deck, now=NOW)
    other_deck = DeckFactory(owner=instructor)
    ItemFactory(deck=other_deck)
    study(UserFactory(username="elsewhere"), other_deck, now=NOW)

    rows = reports.student_rows(class_deck, NOW)

    assert [row.username for row in rows] == ["student_a", "student_b", "zed"]


def test_a_deck_nobody_studies_has_no_student_rows(class_deck):
    one_item_per_passage(class_deck, 1)

    assert reports.student_rows(class_deck, NOW) == []


def test_student_rows_take_the_same_queries_for_one_student_or_many(
    student_a, student_b, class_deck, django_assert_num_queries
):
    one_item_per_passage(class_deck, 2)
    study(student_a, class_deck, now=NOW - timedelta(days=1))
    configure(student_a, desired_retention=Decimal("0.80"), timezone="Europe/Paris")
    study(student_b, class_deck, now=NOW - timedelta(days=1))
    study(UserFactory(username="student_c"), class_deck, now=NOW - timedelta(days=1))

    # 1. the students with their settings; 2. their ReviewDay sums; 3. their ReviewState counts.
    with django_assert_num_queries(3):
        rows = reports.student_rows(class_deck, NOW)
    assert len(rows) == 3


# --- items ----------------------------------------------------------------------------------------------


def memory_tests(learner, item, ratings) -> None:
    """Tests of memory of the item by the learner, one a day ending yesterday, with these ratings."""
    for days_ago, rating in enumerate(reversed(ratings), start=1):
        ReviewLogFactory(
            learner=learner, item=item, rating=rating, reviewed_at=NOW - timedelta(days=days_ago), tests_memory=True
        )


def test_items_most_students_struggle_with_come_first(student_a, student_b, class_deck):
    easy, hard, untested, hardest = one_item_per_passage(class_deck, 4)
    for learner in (student_a, student_b):
        study(learner, class_deck, now=NOW - timedelta(days=30))
    memory_tests(student_a, easy, [Rating.GOOD, Rating.GOOD])
    memory_tests(student_b, easy, [Rating.GOOD, Rating.AGAIN])  # 1 of 4 failed: 25 %
    memory_tests(student_a, hard, [Rating.AGAIN, Rating.GOOD])
    memory_tests(student_b, hard, [Rating.AGAIN])  # 2 of 3: 67 %
    memory_tests(student_a, hardest, [Rating.AGAIN, Rating.AGAIN])  # 2 of 2: 100 %
    # Not tests of memory (a learning step the same day): they don't count.
    ReviewLogFactory(learner=student_b, item=easy, rating=Rating.AGAIN, reviewed_at=NOW, tests_memory=False)

    rows = reports.item_rows(class_deck, NOW)

    assert [row.item for row in rows] == [hardest, hard, easy, untested]
    assert [(row.memory_tests, row.memory_failures) for row in rows] == [(2, 2), (3, 2), (4, 1), (0, 0)]
    assert [row.lapse_rate_percent for row in rows] == [100, 67, 25, None]


def test_items_with_the_same_lapse_rate_lowest_retrievability_first(student_a, class_deck):
    remembered, forgotten, never_reviewed = one_item_per_passage(class_deck, 3)
    states = study(student_a, class_deck, now=NOW - timedelta(days=60))
    make_review_state(states[0], due=NOW, last_review=NOW - timedelta(days=2), stability=10.0)
    make_review_state(states[1], due=NOW, last_review=NOW - timedelta(days=40), stability=10.0)

    rows = reports.item_rows(class_deck, NOW)

    assert [row.item for row in rows] == [forgotten, remembered, never_reviewed]
    assert rows[0].mean_recall == pytest.approx(fsrs_recall(states[1]))
    assert rows[2].mean_recall is None


def test_item_figures_sum_over_the_students(student_a, student_b, class_deck):
    one_item_per_passage(class_deck, 1)
    configure(student_b, fsrs_parameters=FAST_DECAY)
    (state_a,) = study(student_a, class_deck, now=NOW - timedelta(days=60))
    (state_b,) = study(student_b, class_deck, now=NOW - timedelta(days=60))
    (state_c,) = study(UserFactory(username="student_c"), class_deck, now=NOW - timedelta(days=60))  # never reviewed
    make_review_state(state_a, due=NOW, last_review=NOW - timedelta(days=12), reps=5, lapses=2, stability=4.0)
    make_review_state(
        state_b, due=NOW, last_review=NOW - timedelta(days=30), reps=9, lapses=8, is_leech=True, suspended=True
    )

    (row,) = reports.item_rows(class_deck, NOW)

    assert (row.learners, row.reviews, row.lapses, row.leeches) == (2, 14, 10, 1)
    # The mean of the two reviewed states' recall, each in its learner's own FSRS decay.
    assert row.mean_recall == pytest.approx((fsrs_recall(state_a) + fsrs_recall(state_b, FAST_DECAY)) / 2)
    assert state_c.reps == 0


def test_item_figures_leave_out_learners_who_no_longer_study_the_deck(student_a, student_b, class_deck):
    (item,) = one_item_per_passage(class_deck, 1)
    (state_a,) = study(student_a, class_deck, now=NOW - timedelta(days=60))
    (state_b,) = study(student_b, class_deck, now=NOW - timedelta(days=60))
    make_review_state(state_a, due=NOW, reps=2)
    make_review_state(state_b, due=NOW, reps=7)
    memory_tests(student_b, item, [Rating.AGAIN])
    student_b.studied_decks.all().delete()  # a state left behind, e.g. of an item moved here from their deck

    (row,) = reports.item_rows(class_deck, NOW)

    assert (row.learners, row.reviews, row.memory_tests) == (1, 2, 0)


def test_item_rows_of_a_deck_nobody_studies_have_no_figures(class_deck):
    (item,) = one_item_per_passage(class_deck, 1)

    (row,) = reports.item_rows(class_deck, NOW)

    assert (row.item, row.learners, row.reviews, row.lapses, row.leeches) == (item, 0, 0, 0, 0)
    assert (row.lapse_rate, row.mean_recall) == (None, None)


def test_item_rows_take_the_same_queries_for_one_student_or_many(
    student_a, student_b, class_deck, django_assert_num_queries
):
    items = one_item_per_passage(class_deck, 3)
    study(student_a, class_deck, now=NOW - timedelta(days=1))
    configure(student_b, fsrs_parameters=FAST_DECAY)
    study(student_b, class_deck, now=NOW - timedelta(days=1))
    memory_tests(student_b, items[0], [Rating.AGAIN])

    # 1. the students with their settings; 2. the items with their ReviewState sums; 3. the ReviewLog tests.
    with django_assert_num_queries(3):
        rows = reports.item_rows(class_deck, NOW)
    assert len(rows) == 3


# --- CSV cells ------------------------------------------------------------------------------------------


def test_csv_rows_have_the_pages_columns_with_blanks_for_no_figure(student_a, class_deck):
    (item,) = one_item_per_passage(class_deck, 1)
    (state,) = study(student_a, class_deck, now=NOW - timedelta(days=30))
    make_review_state(state, due=NOW + timedelta(days=1), last_review=NOW - timedelta(days=1))

    (student,) = reports.student_csv_rows(reports.student_rows(class_deck, NOW))
    (item_cells,) = reports.item_csv_rows(reports.item_rows(class_deck, NOW))

    assert len(student) == len(reports.STUDENT_COLUMNS)
    assert student == ["student_a", 0, "", 100, 0, (NOW - timedelta(days=1)).isoformat(timespec="seconds")]
    assert len(item_cells) == len(reports.ITEM_COLUMNS)
    assert item_cells[:7] == [item.position, item.prompt, item.passage.text, 1, 3, 0, ""]


def test_percent_rounds_half_up():
    assert [reports.percent(x) for x in (None, 0.0, 2 / 3, 0.125, 1.0)] == [None, 0, 67, 13, 100]
