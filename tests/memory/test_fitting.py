"""The training items built from review logs, the fit and its measures, and the two FSRS libraries agreeing."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import fsrs
import pytest
from fsrs.scheduler import DEFAULT_PARAMETERS, LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS

from studyapp.memory import fitting
from studyapp.memory.fitting import Evaluation, Review
from tests.memory.conftest import TRUE_PARAMETERS

T0 = datetime(2026, 3, 2, 18, 0, tzinfo=UTC)


def at(days: float = 0, minutes: float = 0) -> datetime:
    return T0 + timedelta(days=days, minutes=minutes)


def reviewed(*reviews: tuple[datetime, int], first_new: bool | None = True) -> list[Review]:
    """Reviews at those times with those ratings; the first one shown as new (None: the log does not say)."""
    return [
        Review(at=moment, rating=rating, shown_as_new=(index == 0 and first_new) if first_new is not None else None)
        for index, (moment, rating) in enumerate(reviews)
    ]


# --- histories and training items ----------------------------------------------------------------------------


def test_each_review_a_day_or_more_after_the_one_before_is_an_item_with_the_history_up_to_it():
    history = reviewed((at(0), 3), (at(2), 3), (at(7), 2))

    assert fitting.training_sequences([history]) == [
        [(3, 0), (3, 2)],
        [(3, 0), (3, 2), (2, 5)],
    ]


def test_same_day_learning_steps_stay_in_the_history_but_are_never_a_target():
    history = reviewed((at(0), 1), (at(0, minutes=1), 3), (at(0, minutes=11), 3), (at(3, 11), 3), (at(3, 15), 4))

    assert fitting.training_sequences([history]) == [
        [(1, 0), (3, 0), (3, 0), (3, 3)],
    ]


def test_a_lapse_and_its_relearning_step_are_kept_in_the_items_after_them():
    history = reviewed((at(0), 3), (at(4), 1), (at(4, minutes=10), 3), (at(6, minutes=10), 3))

    assert fitting.training_sequences([history]) == [
        [(3, 0), (1, 4)],
        [(3, 0), (1, 4), (3, 0), (3, 2)],
    ]


def test_days_are_whole_days_elapsed_as_fsrs_counts_them_not_calendar_days():
    # 18:00 to 09:00 the next morning crosses midnight but is not a day: it is a same-day review for fsrs.
    history = reviewed((at(0), 3), (at(0, minutes=15 * 60), 3), (at(1, minutes=23 * 60), 3), (at(4), 3))

    assert fitting.delta_days(history) == [0, 0, 1, 2]
    assert fitting.training_sequences([history]) == [
        [(3, 0), (3, 0), (3, 1)],
        [(3, 0), (3, 0), (3, 1), (3, 2)],
    ]


def test_an_item_first_seen_before_the_log_began_is_skipped():
    started_before = reviewed((at(0), 3), (at(5), 3), (at(15), 3), first_new=False)
    started_here = reviewed((at(1), 3), (at(3), 3))

    assert fitting.complete_history(started_before) is None
    assert fitting.training_sequences([started_before, started_here]) == [[(3, 0), (3, 2)]]


def test_an_item_started_again_as_new_is_taken_from_its_last_start():
    history = [
        Review(at(0), 3, shown_as_new=True),
        Review(at(5), 1, shown_as_new=False),
        Review(at(20), 3, shown_as_new=True),  # reset and learnt again
        Review(at(23), 3, shown_as_new=False),
    ]

    assert fitting.complete_history(history) == history[2:]
    assert fitting.training_sequences([history]) == [[(3, 0), (3, 3)]]


def test_a_log_that_does_not_say_which_reviews_were_new_starts_each_item_at_its_first_review():
    history = reviewed((at(2), 3), (at(0), 1), (at(5), 3), first_new=None)  # out of order, as a file may be

    assert [review.at for review in fitting.complete_history(history)] == [at(0), at(2), at(5)]
    assert fitting.training_sequences([history]) == [[(1, 0), (3, 2)], [(1, 0), (3, 2), (3, 3)]]


def test_items_come_in_the_order_of_their_last_review():
    late = reviewed((at(0), 3), (at(9), 3))
    early = reviewed((at(1), 3), (at(2), 3), (at(12), 2))

    assert fitting.training_sequences([late, early]) == [
        [(3, 0), (3, 1)],
        [(3, 0), (3, 9)],
        [(3, 0), (3, 1), (2, 10)],
    ]


def test_training_items_carry_the_same_ratings_and_days_to_fsrs_rs():
    history = reviewed((at(0), 1), (at(0, minutes=10), 3), (at(2, minutes=10), 4))

    [item] = fitting.training_items([history])

    assert repr(item) == (
        "FSRSItem { reviews: [FSRSReview { rating: 1, delta_t: 0 }, FSRSReview { rating: 3, delta_t: 0 }, "
        "FSRSReview { rating: 4, delta_t: 2 }] }"
    )
    assert item.long_term_review_cnt() == 1


# --- the two libraries agree on what the 21 parameters mean --------------------------------------------------

AGREEMENT_HISTORIES = [
    # a new item: Again, its learning steps, a pass after a day, a lapse after a long gap, relearning
    reviewed((at(0), 1), (at(0, 1), 3), (at(0, 11), 3), (at(1), 3), (at(4), 3), (at(30), 1), (at(30, 10), 3)),
    reviewed((at(0), 4), (at(9), 2), (at(40), 3), (at(41), 4)),
    reviewed((at(0), 3), (at(0, 10), 1), (at(0, 20), 1), (at(0, 30), 3), (at(2), 1), (at(3), 3), (at(400), 3)),
]


@pytest.mark.parametrize("parameters", [DEFAULT_PARAMETERS, TRUE_PARAMETERS], ids=["defaults", "personal"])
@pytest.mark.parametrize("history", AGREEMENT_HISTORIES)
def test_fsrs_rs_and_fsrs_reach_the_same_memory_state_from_the_same_history(parameters, history):
    """fsrs-rs (which fits) and fsrs (which schedules) read the same 21 numbers the same way.

    The same ratings at the same times: fsrs's Scheduler reviews a new card with each, fsrs-rs replays
    the (rating, delta_t) items; stability and difficulty agree to fsrs-rs's single precision.
    """
    scheduler = fsrs.Scheduler(parameters=parameters, enable_fuzzing=False)
    card = fsrs.Card(card_id=1, due=history[0].at)
    for review in history:
        card, _ = scheduler.review_card(card, fsrs.Rating(review.rating), review.at)

    [(stability, difficulty)] = fitting.memory_states(parameters, [history])

    assert stability == pytest.approx(card.stability, rel=1e-5)
    assert difficulty == pytest.approx(card.difficulty, rel=1e-5)


@pytest.mark.parametrize("retention", [0.7, 0.85, 0.9, 0.97])
def test_the_next_interval_is_the_one_fsrs_schedules(retention):
    scheduler = fsrs.Scheduler(parameters=TRUE_PARAMETERS, desired_retention=retention, enable_fuzzing=False)
    card = fsrs.Card(card_id=1, due=at(0))
    for moment, rating in [(at(0), 3), (at(0, 10), 3), (at(3), 3), (at(12), 3)]:
        card, _ = scheduler.review_card(card, fsrs.Rating(rating), moment)

    assert card.state == fsrs.State.Review
    assert fitting.next_interval(TRUE_PARAMETERS, card.stability, retention) == card.due - at(12)


# --- fitting and measuring -----------------------------------------------------------------------------------


def test_fitted_parameters_are_rounded_and_held_to_the_bounds_fsrs_accepts():
    wild = [value * 1000 for value in DEFAULT_PARAMETERS]
    wild[7] = -3.0

    bounded = fitting.within_bounds(wild)

    assert bounded == [
        min(max(round(value, 4), lower), upper)
        for value, lower, upper in zip(wild, LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS, strict=True)
    ]
    assert bounded[7] == LOWER_BOUNDS_PARAMETERS[7]
    fsrs.Scheduler(parameters=bounded)  # accepted


def test_a_fit_is_better_only_when_better_on_both_measures():
    current = Evaluation(log_loss=0.40, rmse_bins=0.08)

    assert Evaluation(log_loss=0.39, rmse_bins=0.07).beats(current)
    assert not Evaluation(log_loss=0.39, rmse_bins=0.09).beats(current)
    assert not Evaluation(log_loss=0.41, rmse_bins=0.07).beats(current)
    assert not current.beats(current)
    assert not Evaluation(log_loss=0.40 - 1e-8, rmse_bins=0.08 - 1e-8).beats(current)  # rounding, not better


def test_nothing_to_fit_or_measure_is_refused_with_a_reason():
    with pytest.raises(fitting.NotEnoughReviews, match="no review came a day or more"):
        fitting.evaluate(None, [])
    with pytest.raises(fitting.NotEnoughReviews, match="none came a day or more"):
        fitting.fit([])


# --- the review log CSV --------------------------------------------------------------------------------------


def test_the_review_log_csv_is_read_card_by_card():
    text = (
        "card_id,review_rating,review_time,review_duration\n"
        "7,3,2024-04-01T10:00:00+00:00,5000\n"
        "9,1,2024-04-01T10:01:00+02:00,\n"
        "7,4,2024-04-03T10:00:00.250000+00:00,4000\n"
    )

    cards = fitting.read_review_log(io.StringIO(text))

    assert cards == {
        "7": [
            Review(datetime(2024, 4, 1, 10, 0, tzinfo=UTC), 3),
            Review(datetime(2024, 4, 3, 10, 0, 0, 250000, tzinfo=UTC), 4),
        ],
        "9": [Review(datetime(2024, 4, 1, 8, 1, tzinfo=UTC), 1)],
    }


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("card,rating,time\n", "Line 1: the header lacks card_id, review_rating, review_time"),
        ("card_id,review_rating,review_time\n", "header but no reviews"),
        ("card_id,review_rating,review_time\n1,3,2024-04-01T10:00:00+00:00\n1,5,2024-04-02T10:00:00+00:00\n", "Line 3"),
        ("card_id,review_rating,review_time\n1,Good,2024-04-01T10:00:00+00:00\n", "Line 2: review_rating"),
        ("card_id,review_rating,review_time\n1,3,yesterday\n", "Line 2: review_time “yesterday”"),
        ("card_id,review_rating,review_time\n1,3,2024-04-01T10:00:00\n", "has no UTC offset"),
        ("card_id,review_rating,review_time\n,3,2024-04-01T10:00:00+00:00\n", "Line 2: card_id is empty"),
    ],
)
def test_a_bad_review_log_is_refused_naming_the_line(text, message):
    with pytest.raises(fitting.BadReviewLog, match=message):
        fitting.read_review_log(io.StringIO(text))
