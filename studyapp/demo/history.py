"""Simulated review history for the demo student, recorded through the same service as real reviews.

A simulated learner studies most evenings; whether they recall an item is drawn from FSRS's own
retrievability of it at that moment (a learner who follows the schedule remembers about as well as
FSRS predicts), and their rating and answering time follow from that.

She is caught mid-course, as a real learner would be when someone opens the demo: she learns a few new
items an evening rather than the day's whole allowance (so new items are left to learn), and she stopped
a few days ago (so a few dozen reviews wait for her). The days are her own (her time zone, her day start),
counted back from the day of `until`, so she finds the same queue whatever the hour `make run` starts.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction

from studyapp.library.models import Deck
from studyapp.review import scheduling, selectors, services
from studyapp.review.models import CardState, Rating, ReviewLog

DAYS_OFF_AT_THE_END = 3  # she last studied this many days before the day of `until`
NEW_PER_EVENING = (1, 3)  # the new items she takes on in a session: between these, both included
EVENING = (13, 17)  # a session starts this many hours into her day: 17:00–21:00 with the default 04:00 start


@dataclass(frozen=True)
class HistorySummary:
    days_studied: int
    reviews: int


@transaction.atomic
def simulate_history(
    *, learner, deck: Deck, days: int, until: datetime, seed: int = 1927, days_off: int = DAYS_OFF_AT_THE_END
) -> HistorySummary:
    """Study `deck` as `learner` on most of their `days` days before the day of `until`, stopping `days_off`
    days before it. Does nothing if they have reviewed the deck."""
    if ReviewLog.objects.filter(learner=learner, item__deck=deck).exists():
        return HistorySummary(0, 0)
    rng = random.Random(seed)  # noqa: S311 - a simulation, not security
    study_settings = services.settings_for(learner)
    first_day = study_settings.day_at(until).date - timedelta(days=days)
    services.study_deck(learner=learner, deck=deck, now=study_settings.day_on(first_day).start)
    scheduler = scheduling.scheduler_for(study_settings, fuzz=False)
    days_studied = reviews = 0
    for day_number in range(days - days_off):
        if rng.random() < 0.15:  # some evenings off
            continue
        day = study_settings.day_on(first_day + timedelta(days=day_number))
        session_start = day.start + timedelta(hours=rng.uniform(*EVENING))
        new_items = rng.randint(*NEW_PER_EVENING)
        reviews += _study_session(learner, deck, study_settings, scheduler, session_start, rng, new_items=new_items)
        days_studied += 1
    return HistorySummary(days_studied, reviews)


def _study_session(
    learner, deck, study_settings, scheduler, now: datetime, rng: random.Random, *, new_items: int
) -> int:
    """Work through the queue like a learner does, waiting out short learning steps; at most an hour.
    Of the new items the queue offers, she takes on `new_items` and leaves the rest for another day."""
    session_end = now + timedelta(hours=1)
    done = new_done = 0
    while now < session_end:
        counts = selectors.queue_counts(learner, study_settings, now, deck)
        state = selectors.next_card(learner, study_settings, now, counts, deck)
        is_new = state is not None and state.state == CardState.NEW
        if is_new and new_done >= new_items:
            state = None  # enough new items for one evening: only learning steps due soon are still worth waiting for
        if state is None:
            waiting = selectors.next_due_at(learner, now, deck)
            if waiting is None or waiting > now + timedelta(minutes=15):
                break
            now = waiting
            continue
        recall = 0.35 if is_new else scheduling.retrievability(scheduler, state, now)
        recalled = rng.random() < max(recall, 0.05)
        if not recalled:
            rating = Rating.AGAIN
        else:
            rating = rng.choices([Rating.HARD, Rating.GOOD, Rating.EASY], weights=[15, 75, 10])[0]
        duration_ms = int(rng.lognormvariate(8.8, 0.5))  # about 7 s, with a long tail
        now += timedelta(milliseconds=duration_ms)
        services.record_review(
            learner=learner,
            token=services.make_card_token(learner=learner, state=state),
            rating=rating,
            now=now,
            response="",
            was_correct=recalled,
            duration_ms=duration_ms,
            # Without FSRS's random fuzz the same seed gives the same history, and the same queue, everywhere.
            fuzz=False,
        )
        done += 1
        new_done += is_new
        now += timedelta(seconds=rng.uniform(1, 4))
    return done
