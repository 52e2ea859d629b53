"""Helpers for the review tests: a deck drawn from a small source, studying it, and shaping review states.

Times are explicit UTC datetimes (fsrs rejects any other tzinfo) so that every test is reproducible;
fuzzing is off in the test settings.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from studyapp.library.models import Deck, Item, ItemKind
from studyapp.review import services
from studyapp.review.models import CardState, Rating, ReviewState, StudySettings
from tests.factories import DeckFactory, ItemFactory

# A Thursday in January: no DST change anywhere near it, in either hemisphere.
NOW = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)


@pytest.fixture
def deck(db) -> Deck:
    """A deck whose source has four passages: two in the first paragraph, two in the second."""
    return DeckFactory(title="The Left Opposition", slug="left-opposition")


def passage(deck: Deck, index: int):
    return deck.source.passages.get(index=index)


def make_items(deck: Deck, count: int, *, passage_index: int | None = 0, kind: str = ItemKind.BASIC) -> list[Item]:
    """`count` items of one kind, all drawn from the same passage (None: from no passage)."""
    linked = passage(deck, passage_index) if passage_index is not None else None
    return [ItemFactory(deck=deck, kind=kind, passage=linked) for _ in range(count)]


def study(learner, deck: Deck, *, now: datetime = NOW) -> list[ReviewState]:
    """Add the deck to the learner's studies; their states in deck order."""
    services.study_deck(learner=learner, deck=deck, now=now)
    return list(ReviewState.objects.filter(learner=learner, item__deck=deck).order_by("item__position"))


def state_of(learner, item: Item) -> ReviewState:
    return ReviewState.objects.select_related("item").get(learner=learner, item=item)


def configure(learner, **fields) -> StudySettings:
    """Change the learner's study settings (validated as the settings form would)."""
    study_settings = services.settings_for(learner)
    for name, value in fields.items():
        setattr(study_settings, name, value)
    study_settings.full_clean()
    study_settings.save()
    return study_settings


def token_for(learner, state: ReviewState) -> str:
    """A token for the state as it is in the database now (as the session page would render it)."""
    state.refresh_from_db()
    return services.make_card_token(learner=learner, state=state)


def answer(learner, state: ReviewState, rating: int, *, now: datetime, **kwargs) -> services.ReviewOutcome:
    """Show the card (make its token) and rate it."""
    return services.record_review(
        learner=learner, token=token_for(learner, state), rating=Rating(rating), now=now, **kwargs
    )


def make_review_state(state: ReviewState, *, due: datetime, last_review: datetime | None = None, **fields) -> None:
    """Turn a state into a reviewed REVIEW-state card due at `due` (straight in the database)."""
    values = {
        "state": CardState.REVIEW,
        "step": None,
        "stability": 10.0,
        "difficulty": 5.0,
        "due": due,
        "last_review": last_review or due - timedelta(days=10),
        "first_review": last_review or due - timedelta(days=10),
        "reps": 3,
    }
    values.update(fields)
    ReviewState.objects.filter(pk=state.pk).update(**values)
    state.refresh_from_db()


def make_learning_state(state: ReviewState, *, due: datetime, relearning: bool = False) -> None:
    """Turn a state into a (re)learning card whose step is due at `due`."""
    ReviewState.objects.filter(pk=state.pk).update(
        state=CardState.RELEARNING if relearning else CardState.LEARNING,
        step=0,
        stability=2.0,
        difficulty=5.0,
        due=due,
        last_review=due - timedelta(minutes=10),
        first_review=due - timedelta(minutes=10),
        reps=1,
    )
    state.refresh_from_db()
