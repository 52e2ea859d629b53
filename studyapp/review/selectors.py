"""Reads of the review app: the learner's day, queue counts and the next card."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import connection
from django.db.models import Count, Min, Q, QuerySet, prefetch_related_objects
from django.db.models.functions import Coalesce, Greatest
from django.shortcuts import get_object_or_404

from studyapp.library.models import Deck, Item, ItemKind, Passage, Tag
from studyapp.review import rows
from studyapp.review.models import (
    CardState,
    CustomStudy,
    CustomStudyCard,
    CustomStudyKind,
    Rating,
    ReviewDay,
    ReviewLog,
    ReviewState,
    StudiedDeck,
    StudySettings,
)


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
_DAYS = ReviewDay._meta.db_table
_QUEUES = {
    "learning_now": "state IN ('learning', 'relearning') AND due <= %(now)s",
    "learning": "state IN ('learning', 'relearning') AND due <= %(ahead)s",
    "review": "state = 'review' AND due < %(day_end)s",
    "new": "state = 'new'",
}


def _queue_sql(queue: str, *, deck: bool, select: str = "id", tie_break: bool = False) -> str:
    deck_filter = " AND deck_id = %(deck)s" if deck else ""
    order = "due, id" if tie_break else "due"
    return (
        f"SELECT {select} FROM {_STATES} WHERE learner_id = %(learner)s{deck_filter} AND suspended = %(no)s"  # noqa: S608
        f" AND (buried_until IS NULL OR buried_until <= %(now)s) AND {_QUEUES[queue]} ORDER BY {order}"
    )


def _counts_sql(*, deck: bool) -> str:
    """The day's figures, each counted over at most its cap of rows (so its cost does not grow with the collection).

    Counting selects no id, so PostgreSQL too counts from the queue indexes alone; the learning items
    due now are counted in the same pass as those due within the learn-ahead limit (the first rows of it).
    """
    capped = "(SELECT COUNT(*) FROM ({queue} LIMIT {cap}) AS rows)"
    return (
        "SELECT today.introduced, today.reviews_done, learning.now, learning.ahead, "  # noqa: S608 - SQL of our own
        + capped.format(queue=_queue_sql("review", deck=deck, select="1"), cap="%(review_cap)s")
        + ", "
        + capped.format(queue=_queue_sql("new", deck=deck, select="1"), cap="%(new_cap)s")
        # The day's limits count across all decks, as in Anki: new items introduced today, and reviews done
        # today (an item's first review of the day, of an item last seen on an earlier day: due reviews and
        # interday learning, as Anki's v3 scheduler counts them). Both are read from the day's summary
        # (ReviewDay, a row per deck studied today) rather than counted from every review of the day,
        # which cost 1 ms a card by a heavy learner's evening on PostgreSQL.
        + " FROM (SELECT COALESCE(SUM(new_items), 0) AS introduced, COALESCE(SUM(memory_tests), 0) AS reviews_done"
        + f" FROM {_DAYS} WHERE learner_id = %(learner)s AND day = %(today)s) AS today,"
        + " (SELECT COUNT(*) FILTER (WHERE due <= %(now)s) AS now, COUNT(*) AS ahead FROM ("
        + _queue_sql("learning", deck=deck, select="due")
        + " LIMIT %(learning_cap)s) AS rows) AS learning"
    )


def _first_sql(queue: str, *, deck: bool) -> str:
    return f"{_queue_sql(queue, deck=deck, tie_break=True)} LIMIT 1"


# The first card of a queue comes with its item, passage and deck in the same statement, and is built from
# the row (see _card): fetching it through the ORM cost another query and about 1 ms of compiling and building.
_CARD_MODELS = ((ReviewState, "s"), (Item, "i"), (Passage, "p"), (Deck, "d"))
_CARD_COLUMNS = ", ".join(rows.columns(model, alias) for model, alias in _CARD_MODELS)


def _with_card(chosen: str) -> str:
    """Select `chosen` (a subquery with a `next_id` column) and the columns of the card that id names."""
    # MATERIALIZED: SQLite otherwise computed the chosen id twice, for the join and for the select list.
    return (
        f"WITH chosen AS MATERIALIZED ({chosen}) SELECT chosen.*, {_CARD_COLUMNS} FROM chosen"  # noqa: S608
        f" LEFT JOIN {_STATES} s ON s.id = chosen.next_id"
        f" LEFT JOIN {Item._meta.db_table} i ON i.id = s.item_id"
        f" LEFT JOIN {Passage._meta.db_table} p ON p.id = i.passage_id"
        f" LEFT JOIN {Deck._meta.db_table} d ON d.id = s.deck_id"
    )


def _planned_once(sql: str) -> str:
    """PostgreSQL: each parameter of `sql` as a one-row subquery, which the planner sees as an unknown value.

    The counts' custom plans (made for the values at hand) then cost what the generic plan costs, so that
    from its sixth run on a connection PostgreSQL keeps the generic plan instead of planning the three
    counts afresh for every card: 0.7 ms a card at any size, for the same plan (the queue indexes either
    way). Seen as values, the LIMIT caps made the generic plan look 13 times dearer, so it was never kept.
    """
    if connection.vendor != "postgresql":
        return sql
    return re.sub(r"%\((\w+)\)s", r"(SELECT %(\1)s)", sql)


_COUNTS = {deck: _planned_once(_counts_sql(deck=deck)) for deck in (True, False)}
# The first card of one queue: the next_id column, then the card's columns.
_FIRST_OF_QUEUE = {
    (queue, deck): _with_card(f"SELECT ({_first_sql(queue, deck=deck)}) AS next_id")
    for queue in _QUEUES
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
        "today": connection.ops.adapt_datefield_value(day.date),
        "day_end": adapt(day.end),
        "learning_cap": COUNT_CAP,
        "review_cap": min(study_settings.reviews_per_day, COUNT_CAP),
        "new_cap": min(study_settings.new_per_day, COUNT_CAP),
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


def _card(row) -> ReviewState | None:
    """The state, item, passage and deck in the card's columns of a row, as model instances linked together."""
    instances = {}
    for model, _alias in _CARD_MODELS:
        fields = model._meta.concrete_fields
        instances[model], row = rows.instance(model, row[: len(fields)]), row[len(fields) :]
    state, item = instances[ReviewState], instances[Item]
    if state is None:
        return None
    item.passage = instances[Passage]
    state.item, state.deck = item, instances[Deck]
    return state


def queue_counts(learner, study_settings: StudySettings, now: datetime, deck: Deck | int | None = None) -> QueueCounts:
    """What is left today, in one query whose cost does not grow with the collection."""
    with connection.cursor() as cursor:
        cursor.execute(_COUNTS[deck is not None], _params(learner, study_settings, now, deck))
        return _counts(cursor.fetchone(), study_settings)


def study_queue(
    learner, study_settings: StudySettings, now: datetime, deck: Deck | int | None = None
) -> tuple[QueueCounts, ReviewState | None]:
    """What is left today and the next card to show, with its item, passage and deck: two statements.

    One statement could do both (it did), but PostgreSQL then planned its thirteen subqueries afresh on
    every card (1.6 ms). Apart, the card's query, of four fixed shapes, keeps its prepared plan: 1.5 ms
    against 2.5 ms at a million states on PostgreSQL, and the same on SQLite; the counts keep theirs too
    since their parameters reach the planner as unknowns (`_planned_once`).
    """
    counts = queue_counts(learner, study_settings, now, deck)
    return counts, next_card(learner, study_settings, now, counts, deck)


def next_card(
    learner, study_settings: StudySettings, now: datetime, counts: QueueCounts, deck: Deck | int | None = None
) -> ReviewState | None:
    """The card to show after `counts`: learning due now, then reviews due today within the day's limit, then
    new items within the day's limit, then learning due within the learn-ahead limit. (The benchmark forces
    each queue with made-up counts.)"""
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
        cursor.execute(_FIRST_OF_QUEUE[queue, deck is not None], _params(learner, study_settings, now, deck))
        return _card(cursor.fetchone()[1:])  # [0] is the card's id


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


def _with_parts(state: ReviewState | None) -> ReviewState | None:
    """The item's choices or events loaded, for the two kinds that have them (no query for the others)."""
    if state is not None and state.item.kind in _PARTS:
        prefetch_related_objects([state.item], _PARTS[state.item.kind])
    return state


_PARTS = {ItemKind.MULTIPLE_CHOICE: "choices", ItemKind.CHRONOLOGY: "events"}


def get_card_state(learner, state_id: int) -> ReviewState:
    """A learner's own review state with all its card shows: item, passage, deck, choices or events (404 otherwise)."""
    states = ReviewState.objects.select_related("item", "item__passage", "deck")
    return _with_parts(get_object_or_404(states, pk=state_id, learner=learner))


def set_aside(learner, deck: Deck, **flags: bool) -> QuerySet[ReviewState]:
    """The learner's states in a deck with the given flags (suspended=True, flagged=True), in deck order."""
    return ReviewState.objects.of(learner).filter(deck=deck, **flags).select_related("item").order_by("item__position")


# --- custom study ---------------------------------------------------------------------------------------

# The most cards one custom study holds: past this, the first ones in its order are taken (a random
# sample for tag and cram, which are shuffled first). A session of 9,999 cards is already weeks of work.
CUSTOM_STUDY_CAP = 9999


@dataclass(frozen=True)
class CustomSelection:
    """The states a custom study would gather, in the order they would be shown, and how many there were."""

    state_ids: list[int]
    found: int  # before the cap

    @property
    def capped(self) -> bool:
        return self.found > len(self.state_ids)


def custom_study_selection(learner, deck: Deck, *, kind: str, days: int | None, tag, now: datetime) -> CustomSelection:
    """The learner's unsuspended states of the deck that a custom study of this kind takes.

    Review ahead: review-state items due after today and within `days` more of the learner's days.
    Forgotten: items rated Again on one of the learner's last `days` days (today included).
    Tag: the deck's items carrying `tag`, new ones included. Cram: every item of the deck.
    Ahead and forgotten come in due order; tag and cram are shuffled here, with the operating
    system's randomness (random.SystemRandom): nothing the browser holds can replay it.
    """
    states = ReviewState.objects.filter(learner=learner, deck=deck, suspended=False)
    study_settings = _settings_of(learner)
    today = study_settings.day_at(now)
    if kind == CustomStudyKind.AHEAD:
        last_day = study_settings.day_on(today.date + timedelta(days=days))
        states = states.filter(state=CardState.REVIEW, due__gte=today.end, due__lt=last_day.end)
    elif kind == CustomStudyKind.FORGOTTEN:
        first_day = today.date - timedelta(days=days - 1)
        forgotten = ReviewLog.objects.filter(
            learner=learner,
            deck=deck,
            rating=Rating.AGAIN,
            day__gte=first_day,
            # The log's day is the one the learner had then (their zone may have changed since); this bound,
            # two days wider than any zone's offset, only lets the (learner, reviewed_at) index do the work.
            reviewed_at__gte=study_settings.day_on(first_day).start - timedelta(days=2),
        ).values("item_id")
        states = states.filter(item_id__in=forgotten)
    elif kind == CustomStudyKind.TAG:
        states = states.filter(item__tags=tag)
    elif kind != CustomStudyKind.CRAM:
        raise ValueError(f"Not a kind of custom study: {kind!r}")
    if kind in (CustomStudyKind.AHEAD, CustomStudyKind.FORGOTTEN):
        ids = list(states.order_by("due", "pk").values_list("pk", flat=True)[: CUSTOM_STUDY_CAP + 1])
        found = len(ids) if len(ids) <= CUSTOM_STUDY_CAP else states.count()
    else:
        ids = list(states.values_list("pk", flat=True))
        random.SystemRandom().shuffle(ids)
        found = len(ids)
    return CustomSelection(state_ids=ids[:CUSTOM_STUDY_CAP], found=found)


def _settings_of(learner) -> StudySettings:
    try:
        return learner.study_settings
    except StudySettings.DoesNotExist:
        return StudySettings(learner=learner)


def tags_of_deck(deck: Deck) -> QuerySet[Tag]:
    """The tags carried by at least one item of the deck, by name."""
    return Tag.objects.filter(items__deck=deck).distinct().order_by("name")


def get_custom_study(learner, slug: str) -> CustomStudy:
    """The learner's custom study of the deck with this slug; 404 when they have none (another learner's included)."""
    return get_object_or_404(CustomStudy.objects.select_related("deck", "tag"), learner=learner, deck__slug=slug)


def find_custom_study(learner, deck: Deck) -> CustomStudy | None:
    """The learner's custom study of this deck, or None."""
    return CustomStudy.objects.select_related("tag").filter(learner=learner, deck=deck).first()


@dataclass(frozen=True)
class CustomProgress:
    """How far a custom study has gone. `left` leaves out suspended cards, which are skipped."""

    done: int  # rated or set aside (buried from the session)
    left: int
    rated: int = 0
    right: int = 0
    wrong: int = 0
    again: int = 0
    set_aside: int = 0
    suspended: int = 0

    @property
    def total(self) -> int:
        return self.done + self.left


def custom_progress(study: CustomStudy) -> CustomProgress:
    """The study's figures in one query (the summary's too)."""
    answered = Q(answered_at__isnull=False)
    figures = study.cards.aggregate(
        done=Count("pk", filter=answered),
        left=Count("pk", filter=Q(answered_at__isnull=True, state__suspended=False)),
        rated=Count("pk", filter=Q(rating__isnull=False)),
        right=Count("pk", filter=Q(was_correct=True)),
        wrong=Count("pk", filter=Q(was_correct=False)),
        again=Count("pk", filter=Q(rating=Rating.AGAIN)),
        set_aside=Count("pk", filter=answered & Q(rating__isnull=True)),
        suspended=Count("pk", filter=Q(answered_at__isnull=True, state__suspended=True)),
    )
    return CustomProgress(**figures)


def next_custom_card(study: CustomStudy) -> CustomStudyCard | None:
    """The study's next card to show: the first unanswered one in position order whose item is not suspended.

    One query: the card with its state, item, passage and deck (what the question and feedback show).
    """
    return (
        study.cards.filter(answered_at__isnull=True, state__suspended=False)
        .select_related("state", "state__item", "state__item__passage", "state__deck")
        .order_by("position")
        .first()
    )


def custom_card_state(study: CustomStudy, state_id: int) -> ReviewState | None:
    """The state of this study's card with the given state id (with all its card shows), or None if not in it."""
    return _with_parts(
        ReviewState.objects.select_related("item", "item__passage", "deck")
        .filter(pk=state_id, learner_id=study.learner_id, pk__in=study.cards.values("state_id"))
        .first()
    )
