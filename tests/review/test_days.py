"""The learner's day: their time zone, starting at their day_starts_at hour, 23 or 25 hours across DST."""

from __future__ import annotations

import zoneinfo
from datetime import UTC, date, datetime, timedelta

import pytest

from studyapp.review import selectors, services
from studyapp.review.days import learner_day
from studyapp.review.models import Rating, ReviewState
from tests.review.conftest import answer, configure, make_items, make_review_state, study

LOS_ANGELES = zoneinfo.ZoneInfo("America/Los_Angeles")
SYDNEY = zoneinfo.ZoneInfo("Australia/Sydney")


def local(zone, *args) -> datetime:
    return datetime(*args, tzinfo=zone).astimezone(UTC)


# --- the 04:00 rollover --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("zone", "utc_start_of_15th"),
    [
        pytest.param(LOS_ANGELES, datetime(2026, 1, 15, 12, 0, tzinfo=UTC), id="los-angeles-utc-8"),
        pytest.param(SYDNEY, datetime(2026, 1, 14, 17, 0, tzinfo=UTC), id="sydney-utc+11-in-summer"),
    ],
)
def test_0359_local_belongs_to_the_previous_day_and_0400_to_the_new_one(zone, utc_start_of_15th):
    before = learner_day(local(zone, 2026, 1, 15, 3, 59), zone=zone, starts_at=4)
    at = learner_day(local(zone, 2026, 1, 15, 4, 0), zone=zone, starts_at=4)

    assert before.date == date(2026, 1, 14)
    assert before.end == utc_start_of_15th
    assert at.date == date(2026, 1, 15)
    assert at.start == utc_start_of_15th
    assert at.end - at.start == timedelta(hours=24)


def test_the_day_bounds_are_utc_datetimes():
    day = learner_day(local(LOS_ANGELES, 2026, 1, 15, 9, 0), zone=LOS_ANGELES, starts_at=4)

    assert day.start.tzinfo is UTC
    assert day.end.tzinfo is UTC
    assert day.start == datetime(2026, 1, 15, 12, 0, tzinfo=UTC)


def test_the_same_instant_is_a_different_day_in_los_angeles_and_sydney():
    instant = datetime(2026, 1, 15, 15, 0, tzinfo=UTC)  # 07:00 in Los Angeles, 02:00 next day in Sydney

    assert learner_day(instant, zone=LOS_ANGELES, starts_at=4).date == date(2026, 1, 15)
    assert learner_day(instant, zone=SYDNEY, starts_at=4).date == date(2026, 1, 15)
    assert learner_day(instant + timedelta(hours=2), zone=SYDNEY, starts_at=4).date == date(2026, 1, 16)


def test_a_day_starting_at_midnight_is_the_calendar_day():
    zone = LOS_ANGELES

    before = learner_day(local(zone, 2026, 1, 15, 23, 59, 59), zone=zone, starts_at=0)
    after = learner_day(local(zone, 2026, 1, 16, 0, 0), zone=zone, starts_at=0)

    assert before.date == date(2026, 1, 15)
    assert before.start == local(zone, 2026, 1, 15, 0, 0)
    assert after.date == date(2026, 1, 16)
    assert after.start == before.end == local(zone, 2026, 1, 16, 0, 0)


def test_a_day_starting_late_in_the_evening_keeps_the_morning_in_the_previous_day():
    day = learner_day(local(SYDNEY, 2026, 1, 15, 21, 30), zone=SYDNEY, starts_at=22)

    assert day.date == date(2026, 1, 14)
    assert day.start == local(SYDNEY, 2026, 1, 14, 22, 0)
    assert day.end == local(SYDNEY, 2026, 1, 15, 22, 0)


# --- daylight saving time ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("zone", "at", "starts_at", "named", "hours"),
    [
        # US clocks spring forward at 02:00 on 8 March 2026: the day from 04:00 on the 7th is 23 hours.
        pytest.param(LOS_ANGELES, (2026, 3, 7, 12, 0), 4, date(2026, 3, 7), 23, id="los-angeles-spring-forward"),
        pytest.param(LOS_ANGELES, (2026, 3, 8, 12, 0), 4, date(2026, 3, 8), 24, id="los-angeles-day-after-spring"),
        pytest.param(LOS_ANGELES, (2026, 3, 8, 12, 0), 0, date(2026, 3, 8), 23, id="los-angeles-spring-from-0000"),
        # ... and fall back at 02:00 on 1 November: the day from 04:00 on 31 October is 25 hours.
        pytest.param(LOS_ANGELES, (2026, 10, 31, 12, 0), 4, date(2026, 10, 31), 25, id="los-angeles-fall-back"),
        pytest.param(LOS_ANGELES, (2026, 11, 1, 12, 0), 0, date(2026, 11, 1), 25, id="los-angeles-fall-from-0000"),
        # Sydney leaves summer time at 03:00 on 5 April 2026 and enters it at 02:00 on 4 October.
        pytest.param(SYDNEY, (2026, 4, 4, 12, 0), 4, date(2026, 4, 4), 25, id="sydney-summer-time-ends"),
        pytest.param(SYDNEY, (2026, 4, 5, 12, 0), 0, date(2026, 4, 5), 25, id="sydney-summer-ends-from-0000"),
        pytest.param(SYDNEY, (2026, 10, 3, 12, 0), 4, date(2026, 10, 3), 23, id="sydney-summer-time-starts"),
        pytest.param(SYDNEY, (2026, 10, 4, 12, 0), 0, date(2026, 10, 4), 23, id="sydney-summer-starts-from-0000"),
    ],
)
def test_a_day_across_a_dst_change_is_23_or_25_hours(zone, at, starts_at, named, hours):
    day = learner_day(local(zone, *at), zone=zone, starts_at=starts_at)

    assert day.date == named
    assert day.end - day.start == timedelta(hours=hours)
    # Both ends are the start hour on the local clock, whatever the offset.
    assert day.start.astimezone(zone).hour == starts_at
    assert day.end.astimezone(zone).hour == starts_at


def test_the_0400_rollover_still_holds_right_after_a_dst_change():
    # 8 March 2026 in Los Angeles: 03:59 PDT is 10:59 UTC; the previous day (23 hours long) ends at 11:00 UTC.
    before = learner_day(local(LOS_ANGELES, 2026, 3, 8, 3, 59), zone=LOS_ANGELES, starts_at=4)
    at = learner_day(local(LOS_ANGELES, 2026, 3, 8, 4, 0), zone=LOS_ANGELES, starts_at=4)

    assert before.date == date(2026, 3, 7)
    assert before.end == at.start == datetime(2026, 3, 8, 11, 0, tzinfo=UTC)


def test_a_start_hour_inside_the_spring_gap_starts_the_day_when_the_clocks_resume():
    # There is no 02:00 in Los Angeles on 8 March 2026; the day starts at 03:00 PDT (10:00 UTC).
    day = learner_day(local(LOS_ANGELES, 2026, 3, 8, 12, 0), zone=LOS_ANGELES, starts_at=2)

    assert day.date == date(2026, 3, 8)
    assert day.start == datetime(2026, 3, 8, 10, 0, tzinfo=UTC)


def _sweep(start: datetime, hours: int):
    moment = start
    while moment < start + timedelta(hours=hours):
        yield moment
        moment += timedelta(minutes=30)


@pytest.mark.parametrize(
    "zone", [LOS_ANGELES, SYDNEY, zoneinfo.ZoneInfo("Europe/London"), zoneinfo.ZoneInfo("UTC")], ids=str
)
@pytest.mark.parametrize(
    "around",
    [
        datetime(2026, 3, 8, 10, 0, tzinfo=UTC),
        datetime(2026, 11, 1, 9, 0, tzinfo=UTC),
        datetime(2026, 4, 4, 16, 0, tzinfo=UTC),
        datetime(2026, 10, 3, 16, 0, tzinfo=UTC),
        datetime(2026, 3, 29, 1, 0, tzinfo=UTC),
        datetime(2026, 10, 25, 1, 0, tzinfo=UTC),
    ],
    ids=["us-spring", "us-fall", "au-autumn", "au-spring", "uk-spring", "uk-fall"],
)
def test_every_moment_lies_in_its_day_and_days_follow_each_other_without_gaps(zone, around):
    for starts_at in range(24):
        for moment in _sweep(around - timedelta(hours=30), 60):
            day = learner_day(moment, zone=zone, starts_at=starts_at)
            assert day.start <= moment < day.end, (starts_at, moment)
            assert timedelta(hours=23) <= day.end - day.start <= timedelta(hours=25)
            assert day.start.astimezone(zone).date() == day.date
            following = learner_day(day.end, zone=zone, starts_at=starts_at)
            assert following.start == day.end
            assert following.date == day.date + timedelta(days=1)


# --- the queue uses the learner's day ------------------------------------------------------------------------


@pytest.fixture
def angeleno(student_a):
    configure(student_a, timezone="America/Los_Angeles", day_starts_at=4)
    return student_a


def _counts(learner, now):
    return selectors.queue_counts(learner, services.settings_for(learner), now)


@pytest.mark.django_db
def test_a_review_due_before_0400_local_tomorrow_is_due_today(angeleno, deck):
    make_items(deck, 2)
    early_state, hour_state = study(angeleno, deck)
    evening = local(LOS_ANGELES, 2026, 1, 15, 20, 0)
    make_review_state(early_state, due=local(LOS_ANGELES, 2026, 1, 16, 2, 0))
    make_review_state(hour_state, due=local(LOS_ANGELES, 2026, 1, 16, 4, 0))

    counts = _counts(angeleno, evening)

    assert counts.review == 1
    card = selectors.next_card(angeleno, services.settings_for(angeleno), evening, counts)
    assert card.pk == early_state.pk
    # At 04:00 the new day has both.
    assert _counts(angeleno, local(LOS_ANGELES, 2026, 1, 16, 4, 0)).review == 2


@pytest.mark.django_db
def test_due_today_follows_sydneys_clock_not_utcs(student_a, deck):
    configure(student_a, timezone="Australia/Sydney", day_starts_at=4)
    make_items(deck, 1)
    [state] = study(student_a, deck)
    # 03:00 on 16 January in Sydney is 16:00 UTC on the 15th.
    make_review_state(state, due=local(SYDNEY, 2026, 1, 16, 3, 0))
    # At 14:00 in Sydney (03:00 UTC) the Sydney day runs to 04:00 tomorrow there (17:00 UTC) and includes it;
    # a UTC learner's day ends at 04:00 UTC and doesn't.
    sydney_afternoon = local(SYDNEY, 2026, 1, 15, 14, 0)

    assert _counts(student_a, sydney_afternoon).review == 1
    configure(student_a, timezone="UTC")
    assert _counts(student_a, sydney_afternoon).review == 0


@pytest.mark.django_db
def test_bury_lasts_until_the_next_0400_local(angeleno, deck):
    make_items(deck, 1)
    [state] = study(angeleno, deck)
    evening = local(LOS_ANGELES, 2026, 1, 15, 22, 0)
    make_review_state(state, due=evening - timedelta(hours=1))

    services.bury(learner=angeleno, state_id=state.pk, now=evening)

    state.refresh_from_db()
    assert state.buried_until == local(LOS_ANGELES, 2026, 1, 16, 4, 0)
    assert _counts(angeleno, local(LOS_ANGELES, 2026, 1, 16, 3, 59)).review == 0
    assert _counts(angeleno, local(LOS_ANGELES, 2026, 1, 16, 4, 0)).review == 1


@pytest.mark.django_db
def test_bury_after_midnight_but_before_0400_lasts_only_until_0400(angeleno, deck):
    make_items(deck, 1)
    [state] = study(angeleno, deck)

    services.bury(learner=angeleno, state_id=state.pk, now=local(LOS_ANGELES, 2026, 1, 16, 1, 30))

    state.refresh_from_db()
    assert state.buried_until == local(LOS_ANGELES, 2026, 1, 16, 4, 0)


@pytest.mark.django_db
def test_new_items_introduced_before_0400_count_against_the_previous_day(angeleno, deck):
    make_items(deck, 3)
    configure(angeleno, new_per_day=1)
    first, _second, _third = study(angeleno, deck)
    night = local(LOS_ANGELES, 2026, 1, 16, 3, 30)

    answer(angeleno, first, Rating.EASY, now=night)

    assert _counts(angeleno, night + timedelta(minutes=29)).new_left_today == 0
    assert _counts(angeleno, night + timedelta(minutes=29)).new == 0
    assert _counts(angeleno, local(LOS_ANGELES, 2026, 1, 16, 4, 0)).new_left_today == 1
    assert _counts(angeleno, local(LOS_ANGELES, 2026, 1, 16, 4, 0)).new == 1


@pytest.mark.django_db
def test_reviews_done_today_count_by_the_learners_day(angeleno, deck):
    make_items(deck, 3)
    configure(angeleno, reviews_per_day=1)
    states = study(angeleno, deck)
    night = local(LOS_ANGELES, 2026, 1, 16, 3, 30)
    for state in states:
        make_review_state(state, due=night - timedelta(hours=1))

    answer(angeleno, states[0], Rating.GOOD, now=night)

    assert _counts(angeleno, night + timedelta(minutes=10)).review == 0
    assert _counts(angeleno, local(LOS_ANGELES, 2026, 1, 16, 4, 0)).review == 1


@pytest.mark.django_db
def test_the_learners_custom_day_start_moves_due_today(student_a, deck):
    configure(student_a, timezone="America/Los_Angeles", day_starts_at=0)
    make_items(deck, 1)
    [state] = study(student_a, deck)
    make_review_state(state, due=local(LOS_ANGELES, 2026, 1, 16, 2, 0))
    evening = local(LOS_ANGELES, 2026, 1, 15, 20, 0)

    # With the day starting at midnight, 02:00 tomorrow is tomorrow.
    assert _counts(student_a, evening).review == 0
    assert ReviewState.objects.get(pk=state.pk).buried_until is None
