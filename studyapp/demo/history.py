"""Simulated review history for the demo student, recorded through the same service as real reviews.

A simulated learner studies most evenings; whether they recall an item is drawn from FSRS's own
retrievability of it at that moment (a learner who follows the schedule remembers about as well as
FSRS predicts), and their rating and answering time follow from that.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction

from studyapp.library.models import Deck
from studyapp.review import scheduling, selectors, services
from studyapp.review.models import CardState, Rating, ReviewLog


@dataclass(frozen=True)
class HistorySummary:
    days_studied: int
    reviews: int


@transaction.atomic
def simulate_history(*, learner, deck: Deck, days: int, until: datetime, seed: int = 1927) -> HistorySummary:
    """Study `deck` as `learner` on most of the `days` days before `until`. Does nothing if they have reviewed it."""
    if ReviewLog.objects.filter(learner=learner, item__deck=deck).exists():
        return HistorySummary(0, 0)
    rng = random.Random(seed)  # noqa: S311 - a simulation, not security
    study_settings = services.settings_for(learner)
    start = until - timedelta(days=days)
    services.study_deck(learner=learner, deck=deck, now=start)
    scheduler = scheduling.scheduler_for(study_settings, fuzz=False)
    days_studied = reviews = 0
    for day_number in range(days):
        if rng.random() < 0.15:  # some evenings off
            continue
        session_start = start + timedelta(days=day_number, hours=rng.uniform(17, 21))
        if session_start >= until:
            break
        reviews += _study_session(learner, deck, study_settings, scheduler, session_start, rng)
        days_studied += 1
    return HistorySummary(days_studied, reviews)


def _study_session(learner, deck, study_settings, scheduler, now: datetime, rng: random.Random) -> int:
    """Work through the queue like a learner does, waiting out short learning steps; at most an hour."""
    session_end = now + timedelta(hours=1)
    done = 0
    while now < session_end:
        counts = selectors.queue_counts(learner, study_settings, now, deck)
        state = selectors.next_card(learner, study_settings, now, counts, deck)
        if state is None:
            waiting = selectors.next_due_at(learner, now, deck)
            if waiting is None or waiting > now + timedelta(minutes=15):
                break
            now = waiting
            continue
        recall = 0.35 if state.state == CardState.NEW else scheduling.retrievability(scheduler, state, now)
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
        )
        done += 1
        now += timedelta(seconds=rng.uniform(1, 4))
    return done
