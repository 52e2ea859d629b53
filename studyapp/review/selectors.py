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


# Counts shown are capped so that counting stays cheap whatever the size of the collection.
# Past this a count is shown as "999+": nobody needs the exact size of a pile that big, and
# counting up to a limit of 99,999 reviews a day cost 100 ms at a million states.
COUNT_CAP = 999
# When nothing else is left, learning items due this soon are shown early (Anki's "learn ahead limit").
LEARN_AHEAD = timedelta(minutes=20)

# The queue in SQL, written once rather than built through the ORM on every rating: composing these
# querysets cost about 4 ms of Python per card (cloning, compiling) against under 1 ms in the database.
# Each queue lists the learner's active states in due order, the order of the index it walks:
# reviewstate_queue_idx (learner, deck, state, due), or reviewstate_learning_idx (learner, deck, due)
# for the two learning states, whose predicate the literal state names let PostgreSQL match.
_STATES = ReviewState._meta.db_table
_LOGS = ReviewLog._meta.db_table
_QUEUES = {
    "learning_now": "state IN ('learning', 'relearning') AND due <= %(now)s",
    "learning": "state IN ('learning', 'relearning') AND due <= %(ahead)s",
    "review": "state = 'review' AND due < %(day_end)s",
    "new": "state = 'new'",
}
# Which queue serves the next card, in order: learning due now, reviews due today within the day's
# limit, new items within the day's limit, then learning due within the learn-ahead limit.
_NEXT_QUEUE = """CASE
    WHEN learning_now > 0 THEN ({learning_now})
    WHEN review > 0 AND reviews_done < %(reviews_per_day)s THEN ({review})
    WHEN new > 0 AND introduced < %(new_per_day)s THEN ({new})
    WHEN learning > 0 THEN ({learning})
END"""


def _queue_sql(queue: str, *, deck: bool, tie_break: bool = False) -> str:
    deck_filter = " AND deck_id = %(deck)s" if deck else ""
    order = "due, id" if tie_break else "due"
    return (
        f"SELECT id FROM {_STATES} WHERE learner_id = %(learner)s{deck_filter} AND suspended = %(no)s"  # noqa: S608
        f" AND (buried_until IS NULL OR buried_until <= %(now)s) AND {_QUEUES[queue]} ORDER BY {order}"
    )


def _counts_sql(*, deck: bool) -> str:
    """The day's figures, each a COUNT over at most its cap of rows (so its cost does not grow with the collection)."""
    capped = {
        "learning_now": "%(learning_cap)s",
        "learning": "%(learning_cap)s",
        "review": "%(review_cap)s",
        "new": "%(new_cap)s",
    }
    counts = [
        # The day's limits count across all decks, as in Anki: new items introduced today...
        f"(SELECT COUNT(*) FROM {_STATES} WHERE learner_id = %(learner)s AND first_review >= %(day_start)s)"  # noqa: S608
        " AS introduced",
        # ... and reviews of review-state items answered today.
        f"(SELECT COUNT(*) FROM {_LOGS} WHERE learner_id = %(learner)s AND reviewed_at >= %(day_start)s"  # noqa: S608
        " AND state = 'review') AS reviews_done",
        *(
            f"(SELECT COUNT(*) FROM ({_queue_sql(queue, deck=deck)} LIMIT {cap}) AS {queue}_rows) AS {queue}"  # noqa: S608
            for queue, cap in capped.items()
        ),
    ]
    return "SELECT " + ", ".join(counts)


def _first_sql(queue: str, *, deck: bool) -> str:
    return f"{_queue_sql(queue, deck=deck, tie_break=True)} LIMIT 1"


_COUNTS = {deck: _counts_sql(deck=deck) for deck in (True, False)}
_COUNTS_AND_NEXT = {
    deck: "SELECT introduced, reviews_done, learning_now, learning, review, new, "  # noqa: S608
    + _NEXT_QUEUE.format(**{queue: _first_sql(queue, deck=deck) for queue in _QUEUES})
    + f" FROM ({_COUNTS[deck]}) AS counts"
    for deck in (True, False)
}


def _params(learner, study_settings: StudySettings, now: datetime, deck: Deck | int | None) -> dict:
    day = study_settings.day_at(now)
    adapt = connection.ops.adapt_datetimefield_value  # raw SQL: the ORM's own datetime form (naive UTC text on SQLite)
    return {
        "learner": learner.pk,
        "deck": deck.pk if isinstance(deck, Deck) else deck,
        "no": False,
        "now": adapt(now),
        "ahead": adapt(now + LEARN_AHEAD),
        "day_start": adapt(day.start),
        "day_end": adapt(day.end),
        "learning_cap": COUNT_CAP,
        "review_cap": min(study_settings.reviews_per_day, COUNT_CAP),
        "new_cap": min(study_settings.new_per_day, COUNT_CAP),
        "reviews_per_day": study_settings.reviews_per_day,
        "new_per_day": study_settings.new_per_day,
    }


def _counts(row, study_settings: StudySettings) -> QueueCounts:
    introduced, reviews_done, learning_now, learning, review, new = row
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


def _card(state_id: int | None) -> ReviewState | None:
    """The card to show, with what the question and the feedback need."""
    if state_id is None:
        return None
    return ReviewState.objects.select_related("item", "item__passage", "deck").get(pk=state_id)


def queue_counts(learner, study_settings: StudySettings, now: datetime, deck: Deck | int | None = None) -> QueueCounts:
    """What is left today, in one query whose cost does not grow with the collection."""
    with connection.cursor() as cursor:
        cursor.execute(_COUNTS[deck is not None], _params(learner, study_settings, now, deck))
        return _counts(cursor.fetchone(), study_settings)


def study_queue(
    learner, study_settings: StudySettings, now: datetime, deck: Deck | int | None = None
) -> tuple[QueueCounts, ReviewState | None]:
    """What is left today and the next card to show: the counts and the card's id in one statement, then the card."""
    with connection.cursor() as cursor:
        cursor.execute(_COUNTS_AND_NEXT[deck is not None], _params(learner, study_settings, now, deck))
        *row, next_id = cursor.fetchone()
    return _counts(row, study_settings), _card(next_id)


def next_card(learner, study_settings: StudySettings, now: datetime, counts: QueueCounts, deck: Deck | None = None):
    """The card the session would show after `counts` (which may be made up: the benchmark forces each queue)."""
    if counts.learning_now:
        queue = "learning_now"
    elif counts.review:
        queue = "review"
    elif counts.new:
        queue = "new"
    elif counts.learning:
        queue = "learning"
    else:
        return None
    with connection.cursor() as cursor:
        cursor.execute(_first_sql(queue, deck=deck is not None), _params(learner, study_settings, now, deck))
        row = cursor.fetchone()
    return _card(row[0] if row else None)


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


def get_card_state(learner, state_id: int) -> ReviewState:
    """A learner's own review state with all its card shows: item, passage, deck, choices and events (404 otherwise)."""
    return get_object_or_404(
        ReviewState.objects.select_related("item", "item__passage", "deck").prefetch_related(
            "item__choices", "item__events"
        ),
        pk=state_id,
        learner=learner,
    )


def set_aside(learner, deck: Deck, **flags: bool) -> QuerySet[ReviewState]:
    """The learner's states in a deck with the given flags (suspended=True, flagged=True), in deck order."""
    return ReviewState.objects.of(learner).filter(deck=deck, **flags).select_related("item").order_by("item__position")
