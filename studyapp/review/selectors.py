"""Reads of the review app: the learner's day, queue counts and the next card."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import connection
from django.db.models import Min, QuerySet
from django.db.models.functions import Coalesce, Greatest
from django.shortcuts import get_object_or_404

from studyapp.library.models import Deck
from studyapp.review.models import CardState, ReviewLog, ReviewState, StudiedDeck, StudySettings


@dataclass(frozen=True)
class QueueCounts:
    """What is left today. `new` and `review` are already cut to the day's remaining limits."""

    new: int
    learning: int  # learning items due now or within the learn-ahead limit (as Anki counts them)
    review: int
    new_left_today: int
    reviews_left_today: int
    learning_now: int = 0  # of those, the ones due already

    @property
    def total(self) -> int:
        return self.new + self.learning + self.review


def _deck_states(learner, deck: Deck | None, now: datetime) -> QuerySet[ReviewState]:
    states = ReviewState.objects.of(learner).active(now)
    return states.filter(deck=deck) if deck is not None else states


# Counts shown are capped so that counting stays cheap whatever the size of the collection.
# Past this a count is shown as "999+": nobody needs the exact size of a pile that big, and
# counting up to a limit of 99,999 reviews a day cost 100 ms at a million states.
COUNT_CAP = 999
# When nothing else is left, learning items due this soon are shown early (Anki's "learn ahead limit").
LEARN_AHEAD = timedelta(minutes=20)


def queue_counts(learner, study_settings: StudySettings, now: datetime, deck: Deck | None = None) -> QueueCounts:
    """Counts for the session screen, in one query whose cost does not grow with the collection.

    The day's limits count across all decks, as in Anki: new items introduced today
    (first_review today) and reviews of review-state items answered today. Each queue is
    counted through a LIMITed subquery, so at most COUNT_CAP rows are read per queue.
    """
    day = study_settings.day_at(now)
    states = _deck_states(learner, deck, now)
    parts = [
        ReviewState.objects.of(learner).filter(first_review__gte=day.start).values("pk"),
        ReviewLog.objects.filter(learner=learner, reviewed_at__gte=day.start, state=CardState.REVIEW).values("pk"),
        # Ordered like the queue index, so the planner walks it and stops at the LIMIT (PostgreSQL
        # otherwise misjudged the share of due rows and read the learner's whole collection).
        states.learning_due(now).order_by("due").values("pk")[:COUNT_CAP],
        states.learning_due(now + LEARN_AHEAD).order_by("due").values("pk")[:COUNT_CAP],
        states.review_due(day.end).order_by("due").values("pk")[: min(study_settings.reviews_per_day, COUNT_CAP)],
        states.new().order_by("due").values("pk")[: min(study_settings.new_per_day, COUNT_CAP)],
    ]
    selects, params = [], []
    for number, queryset in enumerate(parts):
        sql, part_params = queryset.query.sql_with_params()
        selects.append(f"(SELECT COUNT(*) FROM ({sql}) part{number})")  # noqa: S608 - SQL compiled by the ORM
        params.extend(part_params)
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(selects), params)
        introduced, reviews_done, learning_now, learning, review, new = cursor.fetchone()
    new_left = max(study_settings.new_per_day - introduced, 0)
    reviews_left = max(study_settings.reviews_per_day - reviews_done, 0)
    return QueueCounts(
        new=min(new, new_left),
        learning=learning,
        learning_now=learning_now,
        review=min(review, reviews_left),
        new_left_today=new_left,
        reviews_left_today=reviews_left,
    )


def next_card(learner, study_settings: StudySettings, now: datetime, counts: QueueCounts, deck: Deck | None = None):
    """The next review state to show: learning due now, then reviews due today, then new items within the
    limit, then learning items due within the learn-ahead limit. One query."""
    states = _deck_states(learner, deck, now).select_related("item", "item__passage", "deck")
    day = study_settings.day_at(now)
    if counts.learning_now:
        queue = states.learning_due(now)
    elif counts.review:
        queue = states.review_due(day.end)
    elif counts.new:
        queue = states.new()
    elif counts.learning:
        queue = states.learning_due(now + LEARN_AHEAD)
    else:
        return None
    return queue.order_by("due", "pk").first()


def next_due_at(learner, now: datetime, deck: Deck | None = None) -> datetime | None:
    """The first moment after `now` when a reviewed, unsuspended item becomes due (or unburied and due)."""
    states = ReviewState.objects.of(learner).filter(suspended=False).exclude(state=CardState.NEW)
    if deck is not None:
        states = states.filter(deck=deck)
    available = Greatest("due", Coalesce("buried_until", "due"))
    return states.annotate(available=available).filter(available__gt=now).aggregate(next=Min("available"))["next"]


def studied_decks(learner) -> QuerySet[StudiedDeck]:
    return StudiedDeck.objects.filter(learner=learner).select_related("deck").order_by("deck__title")


def get_studied_deck(learner, slug: str) -> StudiedDeck:
    """404 unless the learner studies this deck."""
    return get_object_or_404(
        StudiedDeck.objects.select_related("deck", "deck__source"), learner=learner, deck__slug=slug
    )


def get_state_for_learner(learner, state_id: int) -> ReviewState:
    """A learner's own review state; another learner's is a 404."""
    return get_object_or_404(ReviewState.objects.select_related("item", "item__deck"), pk=state_id, learner=learner)


def set_aside(learner, deck: Deck, **flags: bool) -> QuerySet[ReviewState]:
    """The learner's states in a deck with the given flags (suspended=True, flagged=True), in deck order."""
    return ReviewState.objects.of(learner).filter(deck=deck, **flags).select_related("item").order_by("item__position")
