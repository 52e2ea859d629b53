"""A learner with a review history made the way the app makes one: each review through review's record_review.

The learner's "true" memory follows FSRS with parameters unlike the defaults (they forget faster at
first and slower later); whether they recall an item is drawn, with a fixed seed, from that memory's
retrievability. So the history has something for a fit to find, and every run makes the same one.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import fsrs
import pytest

from studyapp.library.models import Deck, Item, ItemKind
from studyapp.review import scheduling
from studyapp.review import services as review_services
from studyapp.review.models import CardState, Rating, ReviewLog, ReviewState
from tests.factories import DeckFactory, ItemFactory

START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
# FSRS-6 parameters of the simulated learner's memory: a weaker first memory, a steeper curve.
TRUE_PARAMETERS = (
    0.08,
    0.5,
    1.5,
    6.0,
    7.0,
    0.6,
    2.5,
    0.01,
    1.4,
    0.12,
    0.9,
    1.6,
    0.07,
    0.3,
    1.7,
    0.6,
    1.9,
    0.5,
    0.1,
    0.07,
    0.35,
)


@pytest.fixture
def deck(db) -> Deck:
    return DeckFactory(title="Memory", slug="memory")


@dataclass
class History:
    reviews: int
    end: datetime


def simulate(learner, deck: Deck, *, items: int, days: int, seed: int = 7, start: datetime = START) -> History:
    """Study `items` new items of the deck and review whatever is due, once a day for `days` days.

    Learning steps come back within the day (the session goes on until nothing is due in the next
    hour), as they would for a learner who keeps studying.
    """
    for _ in range(items):
        ItemFactory(deck=deck, passage=None)  # no siblings to bury: every due card is shown
    review_services.study_deck(learner=learner, deck=deck, now=start)
    truth = fsrs.Scheduler(parameters=TRUE_PARAMETERS, enable_fuzzing=False, learning_steps=(), relearning_steps=())
    memories: dict[int, fsrs.Card] = {}
    chance = random.Random(seed)
    count = 0
    now = start
    for day in range(days):
        now = start + timedelta(days=day)
        session_end = now + timedelta(hours=1)
        while now < session_end:
            due = list(ReviewState.objects.filter(learner=learner, deck=deck, due__lte=now).order_by("due", "pk"))
            if not due:
                now += timedelta(minutes=10)
                continue
            for state in due:
                memory = memories.get(state.pk) or fsrs.Card(card_id=state.pk, due=now)
                recalled = memory.last_review is not None and chance.random() < truth.get_card_retrievability(
                    memory, now
                )
                rating = _rating(chance, recalled, first=memory.last_review is None)
                memories[state.pk], _ = truth.review_card(memory, fsrs.Rating(rating), now)
                token = review_services.make_card_token(learner=learner, state=state)
                review_services.record_review(learner=learner, token=token, rating=Rating(rating), now=now)
                count += 1
                now += timedelta(seconds=20)
    return History(reviews=count, end=now)


def _rating(chance: random.Random, recalled: bool, *, first: bool) -> int:
    if first:
        return chance.choice((1, 1, 3, 3, 3, 4))
    if not recalled:
        return 1
    return chance.choice((2, 3, 3, 3, 3, 4))


def seed_history(learner, deck: Deck, *, items: int, days: int, seed: int = 11, start: datetime = START) -> int:
    """A long history made fast: each item reviewed whenever the app's scheduler makes it due, for `days` days.

    The same scheduler, log fields and state fields as record_review, written in bulk (the review log's
    triggers still sum it into ReviewDay); for the fits, which need hundreds of items. Returns the reviews.
    """
    Item.objects.bulk_create(
        Item(deck=deck, kind=ItemKind.BASIC, prompt=f"Question {n}", answer=f"Answer {n}", position=n)
        for n in range(1, items + 1)
    )
    review_services.study_deck(learner=learner, deck=deck, now=start)
    study_settings = review_services.settings_for(learner)
    scheduler = scheduling.scheduler_for(study_settings, fuzz=False)
    truth = fsrs.Scheduler(parameters=TRUE_PARAMETERS, enable_fuzzing=False, learning_steps=(), relearning_steps=())
    chance = random.Random(seed)
    end = start + timedelta(days=days)
    logs, states = [], list(ReviewState.objects.filter(learner=learner, deck=deck).order_by("pk"))
    for number, state in enumerate(states):
        state.due = start + timedelta(minutes=number)  # new items come in a few a minute
        memory = fsrs.Card(card_id=state.pk, due=state.due)
        while state.due < end:
            now = state.due
            recalled = memory.last_review is not None and chance.random() < truth.get_card_retrievability(memory, now)
            rating = _rating(chance, recalled, first=memory.last_review is None)
            memory, _ = truth.review_card(memory, fsrs.Rating(rating), now)
            before, shown_as = scheduling.snapshot(state), state.state
            scheduling.apply_card(state, scheduling.review(scheduler, state, Rating(rating), now))
            state.reps += 1
            state.first_review = state.first_review or now
            if shown_as == CardState.REVIEW and rating == Rating.AGAIN:
                state.lapses += 1
            day = study_settings.day_at(now)
            logs.append(
                ReviewLog(
                    learner=learner,
                    item_id=state.item_id,
                    deck=deck,
                    rating=rating,
                    state=shown_as,
                    reviewed_at=now,
                    day=day.date,
                    tests_memory=review_services._tests_memory(before, day),
                    client_uuid=uuid.UUID(int=chance.getrandbits(128)),
                    state_before=before,
                    state_after=scheduling.snapshot(state),
                )
            )
    ReviewLog.objects.bulk_create(logs, batch_size=2000)
    ReviewState.objects.bulk_update(
        states,
        ["state", "step", "stability", "difficulty", "due", "last_review", "first_review", "reps", "lapses"],
        batch_size=500,
    )
    return len(logs)
