"""The FSRS adapter: our stored states follow the `fsrs` package step for step.

Every replay feeds the same ratings at the same moments to `services.record_review` and to a bare
`fsrs.Scheduler(enable_fuzzing=False)`; after each review the row must equal fsrs's card.
"""

from __future__ import annotations

import json
import zoneinfo
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import fsrs
import pytest
from fsrs.scheduler import DEFAULT_PARAMETERS

from studyapp.review import scheduling
from studyapp.review.models import CardState, Rating, ReviewLog, ReviewState
from tests.review.conftest import NOW, answer, configure, make_items, study

pytestmark = pytest.mark.django_db

FSRS_TO_OURS = {
    fsrs.State.Learning: CardState.LEARNING,
    fsrs.State.Review: CardState.REVIEW,
    fsrs.State.Relearning: CardState.RELEARNING,
}

# Gaps between reviews: "due" means "exactly when the card falls due", anything else is that long after
# the previous review (early, late, same-day and long-overdue reviews all take different fsrs paths).
AT_DUE = "due"
SEQUENCES = [
    pytest.param([3, 3, 3, 3, 3], [AT_DUE] * 5, id="good-at-due"),
    pytest.param([1, 3, 3, 1, 3, 4], [AT_DUE] * 6, id="lapses-at-due"),
    pytest.param(
        [4, 2, 1, 1, 3, 3, 2, 4],
        [
            AT_DUE,
            timedelta(days=3),
            timedelta(hours=2),
            timedelta(minutes=3),
            AT_DUE,
            timedelta(days=40),
            timedelta(hours=30),
            AT_DUE,
        ],
        id="easy-then-mixed-arbitrary-gaps",
    ),
    pytest.param(
        [3, 3, 3, 2, 1, 2, 3, 4, 1, 3],
        [
            timedelta(seconds=5),
            timedelta(minutes=1),
            timedelta(hours=1),
            timedelta(days=2),
            timedelta(days=400),
            timedelta(minutes=1),
            timedelta(minutes=30),
            timedelta(days=1),
            timedelta(hours=12),
            AT_DUE,
        ],
        id="early-and-late-reviews",
    ),
    pytest.param([2, 2, 2, 2, 2, 2], [AT_DUE] * 6, id="hard-all-the-way"),
    pytest.param([1, 1, 1, 3, 3, 1, 1, 3], [AT_DUE] * 8, id="again-in-learning-and-relearning"),
]


def assert_same_as_fsrs(state: ReviewState, card: fsrs.Card) -> None:
    assert state.state == FSRS_TO_OURS[card.state]
    assert state.step == card.step
    assert state.stability == pytest.approx(card.stability, rel=1e-12)
    assert state.difficulty == pytest.approx(card.difficulty, rel=1e-12)
    assert state.due == card.due
    assert state.last_review == card.last_review


def replay(learner, state: ReviewState, ratings, gaps, scheduler: fsrs.Scheduler) -> None:
    """Rate the card through our service and through fsrs side by side, comparing after every step."""
    card = fsrs.Card(card_id=state.pk, due=scheduling.utc(state.due))
    # Our NEW state is fsrs's fresh card: Learning, step 0, no stability or difficulty, never reviewed.
    assert state.state == CardState.NEW
    assert (card.state, card.step, card.stability, card.difficulty, card.last_review) == (
        fsrs.State.Learning,
        0,
        None,
        None,
        None,
    )
    moment = NOW
    for number, (rating, gap) in enumerate(zip(ratings, gaps, strict=True), start=1):
        moment = card.due if gap == AT_DUE else moment + gap
        shown_as = state.state
        outcome = answer(learner, state, rating, now=moment)
        card, _log = scheduler.review_card(card, fsrs.Rating(rating), moment)

        state.refresh_from_db()
        assert_same_as_fsrs(state, card)
        assert state.reps == number
        assert outcome.log.state == shown_as
        assert outcome.log.state_after["stability"] == pytest.approx(card.stability, rel=1e-12)
        assert datetime.fromisoformat(outcome.log.state_after["due"]) == card.due


@pytest.mark.parametrize(("ratings", "gaps"), SEQUENCES)
def test_stored_states_follow_fsrs_step_for_step(student_a, deck, ratings, gaps):
    make_items(deck, 1)
    [state] = study(student_a, deck, now=NOW - timedelta(days=1))

    replay(student_a, state, ratings, gaps, fsrs.Scheduler(enable_fuzzing=False))

    assert ReviewLog.objects.filter(learner=student_a).count() == len(ratings)


def test_the_learners_retention_and_steps_reach_the_scheduler(student_a, deck):
    configure(student_a, desired_retention=Decimal("0.80"), learning_steps="2m 15m 1h", relearning_steps="5m 20m")
    make_items(deck, 1)
    [state] = study(student_a, deck, now=NOW - timedelta(days=1))
    scheduler = fsrs.Scheduler(
        desired_retention=0.8,
        learning_steps=(timedelta(minutes=2), timedelta(minutes=15), timedelta(hours=1)),
        relearning_steps=(timedelta(minutes=5), timedelta(minutes=20)),
        enable_fuzzing=False,
    )

    replay(student_a, state, [3, 3, 3, 3, 1, 3, 3, 3], [AT_DUE] * 8, scheduler)


def test_learning_steps_set_when_a_new_card_comes_back(student_a, deck):
    make_items(deck, 2)
    configure(student_a, learning_steps="1m 10m")
    state_one, state_two = study(student_a, deck)

    answer(student_a, state_one, Rating.GOOD, now=NOW)
    configure(student_a, learning_steps="3m 25m 2h")
    answer(student_a, state_two, Rating.GOOD, now=NOW)

    state_one.refresh_from_db()
    state_two.refresh_from_db()
    assert state_one.due - NOW == timedelta(minutes=10)
    assert state_two.due - NOW == timedelta(minutes=25)


def test_a_higher_desired_retention_gives_shorter_intervals(student_a):
    low = configure(student_a, desired_retention=Decimal("0.70"))
    state = ReviewState(pk=1, state=CardState.REVIEW, step=None, stability=20.0, difficulty=5.0)
    state.due = NOW
    state.last_review = NOW - timedelta(days=20)
    low_interval = scheduling.preview_intervals(scheduling.scheduler_for(low), state, NOW)[Rating.GOOD]
    high = configure(student_a, desired_retention=Decimal("0.97"))
    high_interval = scheduling.preview_intervals(scheduling.scheduler_for(high), state, NOW)[Rating.GOOD]

    assert high_interval < low_interval


def test_the_scheduler_takes_the_learners_settings(student_a):
    parameters = list(DEFAULT_PARAMETERS)
    parameters[0] = 0.5
    study_settings = configure(
        student_a,
        desired_retention=Decimal("0.85"),
        learning_steps="30s 5m",
        relearning_steps="1h",
        fsrs_parameters=parameters,
    )

    scheduler = scheduling.scheduler_for(study_settings)

    assert scheduler.desired_retention == pytest.approx(0.85)
    assert scheduler.learning_steps == (timedelta(seconds=30), timedelta(minutes=5))
    assert scheduler.relearning_steps == (timedelta(hours=1),)
    assert scheduler.parameters == tuple(parameters)
    assert scheduler.enable_fuzzing is False  # FSRS_ENABLE_FUZZING=False in the test settings
    assert scheduling.scheduler_for(study_settings, fuzz=True).enable_fuzzing is True


def test_empty_fsrs_parameters_mean_the_defaults(student_a):
    scheduler = scheduling.scheduler_for(configure(student_a, fsrs_parameters=None))

    assert scheduler.parameters == tuple(DEFAULT_PARAMETERS)


@pytest.mark.parametrize(
    ("interval", "text"),
    [
        (timedelta(0), "0s"),
        (timedelta(seconds=-5), "0s"),
        (timedelta(seconds=45), "45s"),
        (timedelta(seconds=60), "1m"),
        (timedelta(minutes=1, seconds=30), "2m"),
        (timedelta(minutes=10), "10m"),
        (timedelta(minutes=59), "59m"),
        (timedelta(hours=1), "1h"),
        (timedelta(hours=3, minutes=10), "3h"),
        (timedelta(hours=23), "23h"),
        (timedelta(days=1), "1d"),
        (timedelta(days=4), "4d"),
        (timedelta(days=29), "29d"),
        (timedelta(days=30), "1.0mo"),
        (timedelta(days=63), "2.1mo"),
        (timedelta(days=364), "12.1mo"),
        (timedelta(days=365), "1.0y"),
        (timedelta(days=475), "1.3y"),
    ],
)
def test_format_interval_writes_anki_style_short_intervals(interval, text):
    assert scheduling.format_interval(interval) == text


@pytest.mark.parametrize(
    ("state_fields"),
    [
        pytest.param({"state": CardState.NEW}, id="new"),
        pytest.param({"state": CardState.LEARNING, "step": 1, "stability": 3.1, "difficulty": 4.9}, id="learning"),
        pytest.param({"state": CardState.REVIEW, "step": None, "stability": 12.5, "difficulty": 6.2}, id="review"),
        pytest.param({"state": CardState.RELEARNING, "step": 0, "stability": 1.4, "difficulty": 8.0}, id="relearning"),
    ],
)
def test_preview_intervals_are_one_review_card_per_rating(state_fields):
    state = ReviewState(pk=7, due=NOW - timedelta(hours=1), **state_fields)
    if state.state != CardState.NEW:
        state.last_review = NOW - timedelta(days=5)
    scheduler = fsrs.Scheduler(enable_fuzzing=False)

    intervals = scheduling.preview_intervals(scheduler, state, NOW)

    card = scheduling.to_card(state)
    expected = {rating: scheduler.review_card(card, fsrs.Rating(int(rating)), NOW)[0].due - NOW for rating in Rating}
    assert intervals == expected
    # Previewing reviews a copy: the state itself is untouched.
    assert state.state == state_fields["state"]
    assert state.last_review != NOW


def test_a_new_card_previews_the_learning_steps_and_a_first_interval_for_easy():
    state = ReviewState(pk=3, state=CardState.NEW, due=NOW)

    intervals = scheduling.preview_intervals(fsrs.Scheduler(enable_fuzzing=False), state, NOW)

    assert intervals[Rating.AGAIN] == timedelta(minutes=1)
    assert intervals[Rating.HARD] == timedelta(minutes=5, seconds=30)
    assert intervals[Rating.GOOD] == timedelta(minutes=10)
    assert intervals[Rating.EASY] >= timedelta(days=1)


def test_a_snapshot_is_json_and_restores_every_field_exactly():
    sydney = zoneinfo.ZoneInfo("Australia/Sydney")
    original = ReviewState(
        state=CardState.RELEARNING,
        step=1,
        stability=2.718281828459045,
        difficulty=7.123456789,
        due=datetime(2026, 3, 1, 9, 30, 15, 123456, tzinfo=sydney),
        last_review=datetime(2026, 2, 28, 23, 59, 59, 999999, tzinfo=UTC),
        first_review=datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC),
        reps=17,
        lapses=3,
        suspended=True,
        is_leech=True,
        buried_until=datetime(2026, 3, 2, 4, 0, tzinfo=sydney),
    )

    data = json.loads(json.dumps(scheduling.snapshot(original)))
    copy = ReviewState()
    scheduling.restore(copy, data)

    assert set(data) == set(scheduling.SNAPSHOT_FIELDS)
    for field in scheduling.SNAPSHOT_FIELDS:
        assert getattr(copy, field) == getattr(original, field), field
    assert data["due"] == "2026-02-28T22:30:15.123456+00:00"  # stored in UTC


def test_a_snapshot_of_a_new_card_keeps_its_empty_fields():
    original = ReviewState(state=CardState.NEW, due=NOW)

    copy = ReviewState()
    scheduling.restore(copy, json.loads(json.dumps(scheduling.snapshot(original))))

    assert (copy.state, copy.step, copy.stability, copy.difficulty, copy.last_review, copy.first_review) == (
        CardState.NEW,
        None,
        None,
        None,
        None,
        None,
    )
    assert copy.buried_until is None
    assert copy.due == NOW


def test_fsrs_rejects_a_utc_that_is_not_datetime_timezone_utc():
    # The pitfall the adapter exists for: ZoneInfo("UTC") is the same instant but a different tzinfo.
    with pytest.raises(ValueError, match="UTC"):
        fsrs.Scheduler(enable_fuzzing=False).review_card(
            fsrs.Card(card_id=1), fsrs.Rating.Good, NOW.replace(tzinfo=zoneinfo.ZoneInfo("UTC"))
        )


@pytest.mark.parametrize("zone", ["UTC", "Europe/Berlin", "America/Los_Angeles"])
def test_the_adapter_hands_fsrs_datetime_timezone_utc_whatever_the_zone(zone):
    tz = zoneinfo.ZoneInfo(zone)
    state = ReviewState(
        pk=9,
        state=CardState.REVIEW,
        stability=10.0,
        difficulty=5.0,
        due=NOW.astimezone(tz),
        last_review=(NOW - timedelta(days=10)).astimezone(tz),
    )

    card = scheduling.to_card(state)
    reviewed = scheduling.review(fsrs.Scheduler(enable_fuzzing=False), state, Rating.GOOD, NOW.astimezone(tz))

    assert card.due.tzinfo is UTC
    assert card.last_review.tzinfo is UTC
    assert card.due == NOW
    assert reviewed.last_review == NOW
    assert reviewed.last_review.tzinfo is UTC


def test_a_review_at_a_local_time_is_recorded_at_the_same_instant(student_a, deck):
    make_items(deck, 1)
    [state] = study(student_a, deck, now=NOW - timedelta(days=1))
    sydney_now = NOW.astimezone(zoneinfo.ZoneInfo("Australia/Sydney"))

    answer(student_a, state, Rating.GOOD, now=sydney_now)
    state.refresh_from_db()
    # Rows read back from the database are aware; the next review converts them for fsrs again.
    answer(student_a, state, Rating.GOOD, now=state.due)

    state.refresh_from_db()
    assert state.first_review == NOW
    assert state.state == CardState.REVIEW
    assert scheduling.to_card(state).last_review.tzinfo is UTC
    assert scheduling.to_card(state).due.tzinfo is UTC


def test_a_state_read_from_the_database_converts_to_an_fsrs_card(student_a, deck):
    make_items(deck, 1)
    [state] = study(student_a, deck, now=NOW)
    answer(student_a, state, Rating.AGAIN, now=NOW)

    fresh = ReviewState.objects.get(pk=state.pk)
    card = scheduling.to_card(fresh)

    assert card.card_id == fresh.pk
    assert card.due.tzinfo is UTC
    assert card.last_review.tzinfo is UTC
    assert (card.state, card.step) == (fsrs.State.Learning, 0)
    assert card.due == NOW + timedelta(minutes=1)
