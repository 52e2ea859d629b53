"""The learner's figures, each against an example worked out by hand (or by fsrs itself)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import fsrs
import pytest

from studyapp.progress import selectors
from studyapp.review import scheduling, services
from studyapp.review.models import CardState, Rating, ReviewLog, ReviewState
from tests.factories import ReviewDayFactory
from tests.review.conftest import NOW, answer, configure, make_items, make_review_state, study

pytestmark = pytest.mark.django_db

YESTERDAY = NOW - timedelta(days=1)


def progress_of(learner, now=NOW, deck=None) -> selectors.Progress:
    return selectors.progress(learner, services.settings_for(learner), now, deck)


def reviewed_yesterday(learner, deck, count: int) -> list[ReviewState]:
    """`count` items introduced yesterday with Easy (straight to review state), no passage to bury siblings."""
    make_items(deck, count, passage_index=None)
    states = study(learner, deck, now=YESTERDAY - timedelta(hours=1))
    for state in states:
        answer(learner, state, Rating.EASY, now=YESTERDAY)
    return states


# --- true retention -------------------------------------------------------------------------------


def test_retention_counts_only_the_first_review_of_an_item_each_day(student_a, deck):
    first, second = reviewed_yesterday(student_a, deck, 2)
    answer(student_a, first, Rating.AGAIN, now=NOW)  # a test, failed
    answer(student_a, first, Rating.GOOD, now=NOW + timedelta(minutes=10))  # relearning the same day: no test
    answer(student_a, first, Rating.GOOD, now=NOW + timedelta(minutes=30))  # nor this
    answer(student_a, second, Rating.HARD, now=NOW)  # a test, passed (Hard passes)

    week = progress_of(student_a, now=NOW + timedelta(hours=1)).retention[0]

    assert (week.days, week.tests, week.passes, week.rate) == (7, 2, 1, 0.5)


def test_a_new_items_first_reviews_are_not_tests_of_memory(student_a, deck):
    make_items(deck, 1, passage_index=None)
    (state,) = study(student_a, deck, now=NOW)
    answer(student_a, state, Rating.AGAIN, now=NOW)
    answer(student_a, state, Rating.GOOD, now=NOW + timedelta(minutes=1))

    figures = progress_of(student_a, now=NOW + timedelta(minutes=2))

    assert figures.retention[0].tests == 0
    assert figures.retention[0].rate is None
    assert figures.today.new_introduced == 1
    assert figures.today.reviewed == 2


def test_retention_windows_reach_back_7_30_and_365_of_the_learners_days(student_a, deck):
    (state,) = reviewed_yesterday(student_a, deck, 1)
    state.refresh_from_db()
    # Tests of memory 10 and 100 days before today, straight into the log (the summary follows by trigger).
    for days_ago, rating in ((10, Rating.GOOD), (100, Rating.AGAIN)):
        when = NOW - timedelta(days=days_ago)
        ReviewLog.objects.create(
            learner=student_a,
            item=state.item,
            deck=deck,
            rating=rating,
            state=CardState.REVIEW,
            reviewed_at=when,
            day=services.settings_for(student_a).day_at(when).date,
            tests_memory=True,
            client_uuid=f"00000000-0000-0000-0000-{days_ago:012d}",
            state_before={},
            state_after={},
        )

    week, month, year = progress_of(student_a).retention

    assert (week.tests, month.tests, year.tests) == (0, 1, 2)
    assert (month.rate, year.rate) == (1.0, 0.5)


def test_an_undone_review_leaves_the_figures(student_a, deck):
    (state,) = reviewed_yesterday(student_a, deck, 1)
    answer(student_a, state, Rating.AGAIN, now=NOW)
    services.undo_last_review(learner=student_a)

    figures = progress_of(student_a)

    assert figures.retention[0].tests == 0
    assert figures.today.reviewed == 0


# --- today and the streak --------------------------------------------------------------------------


def test_today_sums_the_reviews_new_items_and_time_of_the_learners_day(student_a, deck):
    make_items(deck, 2, passage_index=None)
    first, second = study(student_a, deck, now=NOW)
    answer(student_a, first, Rating.GOOD, now=NOW, duration_ms=4_000)
    answer(student_a, second, Rating.GOOD, now=NOW, duration_ms=6_500)
    answer(student_a, first, Rating.GOOD, now=NOW + timedelta(minutes=1), duration_ms=1_500)
    # 04:00 UTC next day is a new day for a UTC learner: this review isn't today's.
    answer(student_a, second, Rating.GOOD, now=datetime(2026, 1, 16, 4, 0, tzinfo=UTC), duration_ms=9_000)

    today = progress_of(student_a, now=NOW + timedelta(minutes=5)).today

    assert (today.reviewed, today.new_introduced, today.duration_ms) == (3, 2, 12_000)


def test_the_streak_counts_the_learners_days_across_midnight_and_a_dst_change(student_a, deck):
    """New York: clocks go forward at 02:00 on Sunday 8 March 2026; the learner's day starts at 04:00."""
    configure(student_a, timezone="America/New_York", day_starts_at=4)
    make_items(deck, 4, passage_index=None)
    states = study(student_a, deck, now=datetime(2026, 3, 6, tzinfo=UTC))
    moments = [
        datetime(2026, 3, 7, 4, 30, tzinfo=UTC),  # Fri 6 Mar 23:30 EST: still Friday's day
        datetime(2026, 3, 7, 8, 30, tzinfo=UTC),  # Sat 7 Mar 03:30 EST: before 04:00, still Friday's day
        datetime(2026, 3, 8, 7, 30, tzinfo=UTC),  # Sun 8 Mar 03:30 EDT (after the jump): Saturday's day
        datetime(2026, 3, 9, 8, 30, tzinfo=UTC),  # Mon 9 Mar 04:30 EDT: Monday's day (Sunday skipped)
    ]
    for state, moment in zip(states, moments, strict=True):
        answer(student_a, state, Rating.GOOD, now=moment)

    days = list(ReviewLog.objects.filter(learner=student_a).order_by("reviewed_at").values_list("day", flat=True))
    assert days == [date(2026, 3, 6), date(2026, 3, 6), date(2026, 3, 7), date(2026, 3, 9)]
    sunday_noon = datetime(2026, 3, 8, 16, 0, tzinfo=UTC)
    assert progress_of(student_a, now=sunday_noon).today.streak == 2  # Friday and Saturday, alive until Sunday ends
    monday_noon = datetime(2026, 3, 9, 16, 0, tzinfo=UTC)
    assert progress_of(student_a, now=monday_noon).today.streak == 1  # Sunday was missed


def studied_on(learner, deck, *days: date) -> None:
    for day in days:
        ReviewDayFactory(learner=learner, deck=deck, day=day)


def test_a_streak_lives_on_until_today_ends_and_breaks_at_a_missed_day(student_a, deck):
    today = date(2026, 1, 15)
    studied_on(student_a, deck, date(2026, 1, 10), date(2026, 1, 13), date(2026, 1, 14))

    assert selectors.streak(student_a, None, today) == 2  # today is still open
    studied_on(student_a, deck, today)
    assert selectors.streak(student_a, None, today) == 3
    assert selectors.streak(student_a, None, date(2026, 1, 17)) == 0  # the 16th was missed


def test_a_day_studied_in_two_decks_counts_once_and_each_deck_keeps_its_own_streak(student_a, deck, other_deck):
    today = date(2026, 1, 15)
    studied_on(student_a, deck, date(2026, 1, 14), today)
    studied_on(student_a, other_deck, date(2026, 1, 13), date(2026, 1, 14))

    assert selectors.streak(student_a, None, today) == 3
    assert selectors.streak(student_a, deck, today) == 2
    assert selectors.streak(student_a, other_deck, today) == 2  # 13th and 14th, alive through the 15th


def test_a_streak_longer_than_the_calendar_is_counted_whole(student_a, deck):
    today = date(2026, 1, 15)
    studied_on(student_a, deck, *(today - timedelta(days=offset) for offset in range(400)))
    studied_on(student_a, deck, today - timedelta(days=402))

    assert selectors.streak(student_a, None, today) == 400


def test_days_after_today_do_not_extend_the_streak(student_a, deck):
    today = date(2026, 1, 15)
    studied_on(student_a, deck, today, date(2026, 1, 16), date(2026, 1, 17))

    assert selectors.streak(student_a, None, today) == 1


# --- states, knowledge and mastery -----------------------------------------------------------------


def test_items_are_counted_by_state_with_young_and_mature_split_at_21_days(student_a, deck):
    make_items(deck, 7, passage_index=None)
    young, mature, suspended_mature, leech, learning, *_new = study(student_a, deck, now=NOW - timedelta(days=60))
    make_review_state(young, due=NOW + timedelta(days=10), last_review=NOW - timedelta(days=10))  # 20 days
    make_review_state(mature, due=NOW + timedelta(days=11), last_review=NOW - timedelta(days=10))  # 21 days
    make_review_state(suspended_mature, due=NOW + timedelta(days=40), last_review=NOW, suspended=True)
    make_review_state(leech, due=NOW, last_review=NOW - timedelta(days=2), is_leech=True, suspended=True)
    ReviewState.objects.filter(pk=learning.pk).update(
        state=CardState.RELEARNING, step=0, stability=1.0, difficulty=5.0, due=NOW, last_review=NOW
    )

    states = progress_of(student_a).states

    assert (states.new, states.learning, states.young, states.mature) == (2, 1, 2, 2)
    assert (states.suspended, states.leeches, states.total) == (2, 1, 7)


def test_knowledge_is_fsrs_retrievability_summed_over_the_reviewed_items(student_a, deck):
    make_items(deck, 4, passage_index=None)
    fresh, older, forgotten, _new = study(student_a, deck, now=NOW - timedelta(days=400))
    make_review_state(fresh, due=NOW + timedelta(days=5), last_review=NOW - timedelta(hours=20), stability=10.0)
    make_review_state(older, due=NOW, last_review=NOW - timedelta(days=10, hours=3), stability=10.0)
    make_review_state(forgotten, due=NOW, last_review=NOW - timedelta(days=300), stability=2.0)
    scheduler = fsrs.Scheduler(enable_fuzzing=False)
    expected = [scheduling.retrievability(scheduler, state, NOW) for state in (fresh, older, forgotten)]
    assert expected[0] == 1.0  # under a whole day since the review: fsrs counts 0 days
    assert expected[1] == pytest.approx(0.9)  # fsrs counts 10 whole days: R(S) = 90 % by definition

    knowledge = progress_of(student_a).knowledge

    assert knowledge.items == 4
    assert knowledge.reviewed == 3
    assert knowledge.expected_recalled == pytest.approx(sum(expected))
    assert knowledge.mean == pytest.approx(sum(expected) / 3)
    expected_band = min(int(expected[2] * 10), 9)
    assert knowledge.buckets[9] == 2  # 100 % and 90 %
    assert knowledge.buckets[expected_band] == 1
    assert sum(knowledge.buckets) == 3
    # Desired retention 0.90: 1.0 and 0.9 reach it (0.9 is "at or above"), so 2 of the 4 items are mastered.
    assert knowledge.mastered == 2
    assert knowledge.mastery == 0.5


def test_knowledge_follows_the_learners_own_fsrs_parameters(student_a, deck):
    parameters = list(fsrs.scheduler.DEFAULT_PARAMETERS)
    parameters[20] = 0.5  # a steeper forgetting curve
    configure(student_a, fsrs_parameters=parameters, desired_retention=Decimal("0.80"))
    make_items(deck, 1, passage_index=None)
    (state,) = study(student_a, deck, now=NOW - timedelta(days=100))
    make_review_state(state, due=NOW, last_review=NOW - timedelta(days=30), stability=10.0)
    expected = scheduling.retrievability(scheduling.scheduler_for(services.settings_for(student_a)), state, NOW)

    assert progress_of(student_a).knowledge.expected_recalled == pytest.approx(expected)


def test_progress_per_deck_keeps_each_decks_figures_apart(student_a, deck, other_deck):
    make_items(deck, 2, passage_index=None)
    make_items(other_deck, 3, passage_index=None)
    first, _ = study(student_a, deck)
    study(student_a, other_deck)
    answer(student_a, first, Rating.GOOD, now=NOW)

    overall = progress_of(student_a)
    only_deck = progress_of(student_a, deck=deck)

    assert overall.states.total == 5
    assert only_deck.states.total == 2
    assert only_deck.today.reviewed == 1
    assert progress_of(student_a, deck=other_deck).today.reviewed == 0
    assert [entry.deck for entry in overall.decks] == sorted([deck, other_deck], key=lambda deck: deck.title)
    assert [entry.deck for entry in only_deck.decks] == [deck]


@pytest.fixture
def other_deck(db):
    from tests.factories import DeckFactory

    return DeckFactory(title="Another deck", slug="another-deck")


# --- the forecast ------------------------------------------------------------------------------------


def test_the_forecast_counts_items_due_on_each_of_the_learners_next_30_days(student_a, deck):
    make_items(deck, 7, passage_index=None)
    overdue, today, tomorrow_early, day_29, day_30, suspended, _new = study(
        student_a, deck, now=NOW - timedelta(days=9)
    )
    make_review_state(overdue, due=NOW - timedelta(days=3))
    make_review_state(today, due=datetime(2026, 1, 16, 3, 59, tzinfo=UTC))  # before 04:00: still today
    make_review_state(tomorrow_early, due=datetime(2026, 1, 16, 4, 0, tzinfo=UTC))
    make_review_state(day_29, due=datetime(2026, 2, 14, 3, 0, tzinfo=UTC))
    make_review_state(day_30, due=datetime(2026, 2, 14, 4, 0, tzinfo=UTC))  # the 31st day: beyond the chart
    make_review_state(suspended, due=NOW + timedelta(days=2), suspended=True)

    forecast = selectors.due_forecast(student_a, services.settings_for(student_a), NOW)

    assert len(forecast) == 30
    assert forecast[0] == (date(2026, 1, 15), 2)
    assert forecast[1] == (date(2026, 1, 16), 1)
    assert forecast[29] == (date(2026, 2, 13), 1)
    assert sum(count for _, count in forecast) == 4


def test_the_forecast_days_follow_the_learners_clock_across_a_dst_change(student_a, deck):
    configure(student_a, timezone="America/New_York", day_starts_at=4)
    make_items(deck, 2, passage_index=None)
    saturday_late, sunday = study(student_a, deck, now=datetime(2026, 3, 1, tzinfo=UTC))
    make_review_state(saturday_late, due=datetime(2026, 3, 8, 7, 59, tzinfo=UTC))  # Sun 03:59 EDT: Saturday's day
    make_review_state(sunday, due=datetime(2026, 3, 8, 8, 0, tzinfo=UTC))  # Sun 04:00 EDT: Sunday's day

    forecast = dict(
        selectors.due_forecast(student_a, services.settings_for(student_a), datetime(2026, 3, 5, tzinfo=UTC))
    )

    assert forecast[date(2026, 3, 7)] == 1
    assert forecast[date(2026, 3, 8)] == 1


# --- the exam date ------------------------------------------------------------------------------------


def test_the_exam_forecast_matches_fsrs_retrievability_at_the_start_of_the_exam_day(student_a, deck):
    make_items(deck, 4, passage_index=None)
    later, soon, _never_reviewed, _also_new = study(student_a, deck, now=NOW - timedelta(days=30))
    make_review_state(later, due=NOW + timedelta(days=40), last_review=NOW - timedelta(days=2), stability=45.0)
    make_review_state(soon, due=NOW + timedelta(days=3), last_review=NOW - timedelta(days=5), stability=8.0)
    configure(student_a, new_per_day=1)
    exam_on = date(2026, 1, 25)
    exam_start = datetime(2026, 1, 25, 4, 0, tzinfo=UTC)
    scheduler = fsrs.Scheduler(enable_fuzzing=False)
    recall_later = scheduler.get_card_retrievability(scheduling.to_card(later), exam_start)
    recall_soon = scheduler.get_card_retrievability(scheduling.to_card(soon), exam_start)

    forecast = selectors.exam_forecast(student_a, services.settings_for(student_a), NOW, deck, exam_on)

    assert forecast.at == exam_start
    assert forecast.items == 4
    # Stop now: the two reviewed items at their retrievability then, the new ones forgotten.
    assert forecast.if_stopped == pytest.approx((recall_later + recall_soon) / 4)
    # On schedule: `soon` is reviewed before the exam (held at 0.90), `later` keeps its own recall, and
    # 10 days at one new item a day is time enough for both new items (each held at 0.90).
    assert forecast.new_introduced_before == 2
    assert forecast.if_on_schedule == pytest.approx((recall_later + 0.9 * 3) / 4)
    assert forecast.days_left == 10


def test_the_exam_forecast_introduces_no_more_new_items_than_the_daily_limit_allows(student_a, deck):
    make_items(deck, 5, passage_index=None)
    study(student_a, deck, now=NOW)
    configure(student_a, new_per_day=2)

    forecast = selectors.exam_forecast(student_a, services.settings_for(student_a), NOW, deck, date(2026, 1, 16))

    assert forecast.new_introduced_before == 2  # one day left, two a day
    assert forecast.if_stopped == 0
    assert forecast.if_on_schedule == pytest.approx(0.9 * 2 / 5)


def test_items_at_risk_are_the_weakest_on_the_exam_day(student_a, deck):
    make_items(deck, 3, passage_index=None)
    strong, weak, middling = study(student_a, deck, now=NOW - timedelta(days=30))
    make_review_state(strong, due=NOW + timedelta(days=90), last_review=NOW, stability=90.0)
    make_review_state(weak, due=NOW, last_review=NOW - timedelta(days=5), stability=1.0)
    make_review_state(middling, due=NOW, last_review=NOW - timedelta(days=5), stability=6.0)

    at_risk = selectors.items_at_risk(student_a, services.settings_for(student_a), deck, NOW + timedelta(days=7))

    assert [state.pk for state in at_risk] == [weak.pk, middling.pk, strong.pk]


def test_the_hardest_items_have_the_most_lapses_then_the_lowest_recall(student_a, deck):
    make_items(deck, 4, passage_index=None)
    calm, lapsed_twice, lapsed_once_weak, lapsed_once_strong = study(student_a, deck, now=NOW - timedelta(days=30))
    make_review_state(calm, due=NOW, last_review=NOW - timedelta(days=3))
    make_review_state(lapsed_twice, due=NOW, last_review=NOW - timedelta(days=1), lapses=2)
    make_review_state(lapsed_once_weak, due=NOW, last_review=NOW - timedelta(days=9), lapses=1, stability=2.0)
    make_review_state(lapsed_once_strong, due=NOW, last_review=NOW - timedelta(days=1), lapses=1)

    hardest = selectors.hardest_items(student_a, services.settings_for(student_a), NOW, deck)

    assert [state.pk for state in hardest] == [lapsed_twice.pk, lapsed_once_weak.pk, lapsed_once_strong.pk, calm.pk]


# --- the source as a map --------------------------------------------------------------------------------


def test_each_passage_is_known_as_well_as_the_mean_recall_of_its_items(student_a, deck):
    _reviewed_item, _unreviewed_item = make_items(deck, 2, passage_index=0)
    make_items(deck, 1, passage_index=1)
    first, _second, _third = study(student_a, deck, now=NOW - timedelta(days=30))
    make_review_state(first, due=NOW + timedelta(days=3), last_review=NOW)

    by_passage = selectors.knowledge_by_passage(student_a, services.settings_for(student_a), NOW, deck)

    first_passage, second_passage = deck.source.passages.order_by("index")[:2]
    assert by_passage[first_passage.pk] == selectors.PassageKnowledge(items=2, reviewed=1, recall=0.5)
    assert by_passage[second_passage.pk] == selectors.PassageKnowledge(items=1, reviewed=0, recall=0.0)
    assert len(by_passage) == 2
