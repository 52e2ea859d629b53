"""Reads for the learner's progress: every figure is an aggregate in the database, never rows loaded into Python.

The day-by-day figures (today, streak, retention, the heatmap) come from ReviewDay, the log summed
per learner, day and deck by triggers: a year of history is a few hundred rows, whatever the number
of reviews. The item figures (states, knowledge, forecasts) come from ReviewState, one row per item.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    Count,
    ExpressionWrapper,
    F,
    FloatField,
    Func,
    IntegerField,
    Q,
    QuerySet,
    Sum,
    When,
    Window,
)
from django.db.models.functions import Floor, Least, RowNumber
from django.shortcuts import get_object_or_404

from studyapp.library.models import Deck, Item, Passage
from studyapp.progress.memory import DaysBetween, retrievability_at
from studyapp.review import selectors as review_selectors
from studyapp.review.models import CardState, ReviewDay, ReviewLog, ReviewState, StudiedDeck, StudySettings

# Anki's line between young and mature items: an interval of 21 days.
MATURE_INTERVAL_DAYS = 21
RETENTION_WINDOWS = (7, 30, 365)
FORECAST_DAYS = 30
HEATMAP_WEEKS = 53
KNOWLEDGE_BUCKETS = 10  # retrievability in tenths: 0–10 %, 10–20 % ... 90–100 %


@dataclass(frozen=True)
class Retention:
    days: int
    tests: int
    passes: int

    @property
    def rate(self) -> float | None:
        return self.passes / self.tests if self.tests else None


@dataclass(frozen=True)
class Today:
    reviewed: int
    new_introduced: int
    duration_ms: int
    streak: int  # days studied in a row, up to today (or yesterday, while today is still open)
    studied_today: bool


@dataclass
class StateCounts:
    new: int = 0
    learning: int = 0
    young: int = 0
    mature: int = 0
    suspended: int = 0
    leeches: int = 0

    @property
    def total(self) -> int:
        """Items in the learner's studies (suspended ones are also counted under their state)."""
        return self.new + self.learning + self.young + self.mature

    def add(self, other: StateCounts) -> None:
        for name in ("new", "learning", "young", "mature", "suspended", "leeches"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class Knowledge:
    """The learner's memory of their reviewed items now, as FSRS estimates it."""

    items: int = 0  # all items studied, reviewed or not
    reviewed: int = 0
    expected_recalled: float = 0.0  # the sum of the reviewed items' retrievability
    mastered: int = 0  # items at or above the desired retention
    buckets: list[int] = field(default_factory=lambda: [0] * KNOWLEDGE_BUCKETS)

    @property
    def mean(self) -> float | None:
        return self.expected_recalled / self.reviewed if self.reviewed else None

    @property
    def mastery(self) -> float | None:
        """The share of all the deck's items (new ones included) at or above the desired retention."""
        return self.mastered / self.items if self.items else None

    def add(self, other: Knowledge) -> None:
        self.items += other.items
        self.reviewed += other.reviewed
        self.expected_recalled += other.expected_recalled
        self.mastered += other.mastered
        self.buckets = [a + b for a, b in zip(self.buckets, other.buckets, strict=True)]


@dataclass(frozen=True)
class DeckProgress:
    studied: StudiedDeck
    states: StateCounts
    knowledge: Knowledge

    @property
    def deck(self) -> Deck:
        return self.studied.deck


@dataclass(frozen=True)
class Progress:
    today: Today
    due_now: review_selectors.QueueCounts
    retention: tuple[Retention, ...]
    desired_retention: float
    states: StateCounts
    knowledge: Knowledge
    forecast: list[tuple[date, int]]  # items due on each of the next FORECAST_DAYS days; today includes overdue
    reviews_by_day: dict[date, int]  # the past HEATMAP_WEEKS weeks
    today_date: date
    decks: list[DeckProgress]


def progress(learner, study_settings: StudySettings, now: datetime, deck: Deck | None = None) -> Progress:
    """Everything the progress page shows, for all the learner's decks or one. Seven queries."""
    today = study_settings.day_at(now)
    days = _days_studied(learner, deck, since=today.date - timedelta(weeks=HEATMAP_WEEKS))
    states_by_deck = _states_by_deck(learner, deck)
    knowledge_by_deck = _knowledge_by_deck(learner, study_settings, now, deck)
    studied = list(review_selectors.studied_decks(learner).filter(**({"deck": deck} if deck else {})))
    states, knowledge = StateCounts(), Knowledge()
    for counts in states_by_deck.values():
        states.add(counts)
    for memory in knowledge_by_deck.values():
        knowledge.add(memory)
    return Progress(
        today=_today(days, today.date, streak=streak(learner, deck, today.date)),
        due_now=review_selectors.queue_counts(learner, study_settings, now, deck),
        retention=tuple(_retention(days, today.date, window) for window in RETENTION_WINDOWS),
        desired_retention=float(study_settings.desired_retention),
        states=states,
        knowledge=knowledge,
        forecast=due_forecast(learner, study_settings, now, deck),
        reviews_by_day={day: row["reviews"] for day, row in days.items()},
        today_date=today.date,
        decks=[
            DeckProgress(
                studied=entry,
                states=states_by_deck.get(entry.deck_id, StateCounts()),
                knowledge=knowledge_by_deck.get(entry.deck_id, Knowledge()),
            )
            for entry in studied
        ],
    )


def _days_studied(learner, deck: Deck | None, since: date) -> dict[date, dict[str, int]]:
    """The learner's totals for each day they studied after `since`: at most one row a day."""
    rows = ReviewDay.objects.filter(learner=learner, reviews__gt=0, day__gt=since)
    if deck is not None:
        rows = rows.filter(deck=deck)
    totals = (
        rows.values("day")
        .annotate(
            reviews=Sum("reviews"),
            new_items=Sum("new_items"),
            memory_tests=Sum("memory_tests"),
            memory_passes=Sum("memory_passes"),
            duration_ms=Sum("duration_ms"),
        )
        .order_by("-day")
    )
    return {row.pop("day"): row for row in totals}


def _today(days: dict[date, dict[str, int]], today: date, streak: int) -> Today:
    row = days.get(today, {})
    return Today(
        reviewed=row.get("reviews", 0),
        new_introduced=row.get("new_items", 0),
        duration_ms=row.get("duration_ms", 0),
        streak=streak,
        studied_today=today in days,
    )


class DayNumber(Func):
    """A date as the number of days since 2000-01-01, on SQLite and PostgreSQL."""

    output_field = IntegerField()
    arity = 1
    EPOCH = date(2000, 1, 1)

    def as_sqlite(self, compiler, connection, **extra_context):
        # Both julianday()s fall at noon, so their difference is a whole number of days.
        template = "CAST(julianday(%(expressions)s) - julianday('2000-01-01') AS INTEGER)"
        return self.as_sql(compiler, connection, template=template)

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, template="(%(expressions)s - DATE '2000-01-01')")


def streak(learner, deck: Deck | None, today: date) -> int:
    """Days studied in a row ending today, or ending yesterday while today has no review yet. One query.

    Numbered newest first, the days of an unbroken run ending on day D satisfy
    day number + rank = D's number + 1, and no day after the first gap does (it lies further back
    than its rank). So the run's length is a count, in the database, however long the history.
    """
    days = ReviewDay.objects.filter(learner=learner, reviews__gt=0, day__lte=today)
    if deck is not None:
        days = days.filter(deck=deck)
    ranked = (
        days.values("day")
        .annotate(decks=Count("pk"))  # one row a day, however many decks were studied on it
        .annotate(number=DayNumber("day"), newest_first=Window(RowNumber(), order_by=F("day").desc()))
        .values("number", "newest_first")
        .order_by()
    )
    sql, params = ranked.query.sql_with_params()
    today_number = (today - DayNumber.EPOCH).days
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(CASE WHEN number + newest_first = %s THEN 1 END), "  # noqa: S608 - SQL compiled by the ORM
            f"COUNT(CASE WHEN number + newest_first = %s THEN 1 END) FROM ({sql}) ranked",
            [today_number + 1, today_number, *params],
        )
        ending_today, ending_yesterday = cursor.fetchone()
    return ending_today or ending_yesterday


def _retention(days: dict[date, dict[str, int]], today: date, window: int) -> Retention:
    since = today - timedelta(days=window - 1)
    rows = [row for day, row in days.items() if day >= since]
    return Retention(
        days=window,
        tests=sum(row["memory_tests"] for row in rows),
        passes=sum(row["memory_passes"] for row in rows),
    )


def _states_of(learner, deck: Deck | None) -> QuerySet[ReviewState]:
    """The learner's review states, of one deck or of all."""
    states = ReviewState.objects.of(learner)
    return states.filter(deck=deck) if deck is not None else states


def _interval_days():
    return DaysBetween(F("due"), F("last_review"))


def _states_by_deck(learner, deck: Deck | None) -> dict[int, StateCounts]:
    states = _states_of(learner, deck)
    review = Q(state=CardState.REVIEW)
    rows = (
        states.alias(interval=_interval_days())
        .values("deck_id")
        .annotate(
            new=Count("pk", filter=Q(state=CardState.NEW)),
            learning=Count("pk", filter=Q(state__in=[CardState.LEARNING, CardState.RELEARNING])),
            young=Count("pk", filter=review & Q(interval__lt=MATURE_INTERVAL_DAYS)),
            mature=Count("pk", filter=review & Q(interval__gte=MATURE_INTERVAL_DAYS)),
            suspended=Count("pk", filter=Q(suspended=True)),
            leeches=Count("pk", filter=Q(is_leech=True)),
        )
        .order_by()
    )
    return {row.pop("deck_id"): StateCounts(**row) for row in rows}


def _knowledge_by_deck(
    learner, study_settings: StudySettings, now: datetime, deck: Deck | None
) -> dict[int, Knowledge]:
    """Per deck, the reviewed items counted by retrievability band, and the sum of their retrievability."""
    states = _states_of(learner, deck)
    desired = float(study_settings.desired_retention)
    rows = (
        states.annotate(recall=retrievability_at(now, study_settings))
        .annotate(
            band=Case(
                When(stability__isnull=True, then=None),
                default=Least(Floor(F("recall") * KNOWLEDGE_BUCKETS), KNOWLEDGE_BUCKETS - 1),
                output_field=FloatField(),
            ),
            mastered=ExpressionWrapper(Q(recall__gte=desired), output_field=BooleanField()),
        )
        .values("deck_id", "band", "mastered")
        .annotate(items=Count("pk"), recall_sum=Sum("recall", output_field=FloatField()))
        .order_by()
    )
    by_deck: dict[int, Knowledge] = defaultdict(Knowledge)
    for row in rows:
        knowledge = by_deck[row["deck_id"]]
        knowledge.items += row["items"]
        if row["band"] is None:  # never reviewed
            continue
        knowledge.reviewed += row["items"]
        knowledge.expected_recalled += row["recall_sum"] or 0.0
        knowledge.buckets[int(row["band"])] += row["items"]
        if row["mastered"]:
            knowledge.mastered += row["items"]
    return dict(by_deck)


def due_forecast(
    learner, study_settings: StudySettings, now: datetime, deck: Deck | None = None, days: int = FORECAST_DAYS
) -> list[tuple[date, int]]:
    """Items falling due on each of the learner's next `days` days (today with what is overdue): one query."""
    today = study_settings.day_at(now)
    ends = [study_settings.day_on(today.date + timedelta(days=offset)).end for offset in range(days)]
    states = _states_of(learner, deck).filter(suspended=False).exclude(state=CardState.NEW)
    counts = states.aggregate(
        **{
            f"day{number}": Count("pk", filter=Q(due__lt=end) & (Q(due__gte=ends[number - 1]) if number else Q()))
            for number, end in enumerate(ends)
        }
    )
    return [(today.date + timedelta(days=number), counts[f"day{number}"]) for number in range(days)]


# --- one deck -----------------------------------------------------------------------------------------


def _reviewed_with_recall(learner, study_settings: StudySettings, deck: Deck, at: datetime) -> QuerySet[ReviewState]:
    """The learner's reviewed items of the deck, each with its retrievability at `at` as `recall`."""
    return (
        ReviewState.objects.of(learner)
        .filter(deck=deck, stability__isnull=False)
        .annotate(recall=retrievability_at(at, study_settings))
        .select_related("item")
    )


def hardest_items(learner, study_settings: StudySettings, now: datetime, deck: Deck, limit: int = 10):
    """The learner's reviewed items of the deck with the most lapses, then the lowest retrievability."""
    return _reviewed_with_recall(learner, study_settings, deck, now).order_by("-lapses", "recall", "item__position")[
        :limit
    ]


def hardest_items_of_decks(
    learner, study_settings: StudySettings, now: datetime, deck_ids: list[int], limit: int = 10
) -> QuerySet[ReviewState]:
    """As `hardest_items`, over several decks (a class's assigned decks): one query, with item and deck."""
    return (
        ReviewState.objects.of(learner)
        .filter(deck_id__in=deck_ids, stability__isnull=False)
        .annotate(recall=retrievability_at(now, study_settings))
        .select_related("item", "deck")
        .order_by("-lapses", "recall", "deck_id", "item__position")[:limit]
    )


@dataclass(frozen=True)
class ExamForecast:
    """The share of the deck's items the learner is expected to recall at the start of their exam day."""

    exam_on: date
    at: datetime  # the start of the exam day
    items: int
    if_stopped: float  # no more reviews from now on
    if_on_schedule: float  # every review done when due, new items introduced at the daily limit
    new_introduced_before: int  # of the new items, how many the daily limit lets in before the exam
    days_left: int  # the learner's days from today to the exam day


def exam_forecast(learner, study_settings: StudySettings, now: datetime, deck: Deck, exam_on: date) -> ExamForecast:
    """Recall on the exam day, from FSRS's retrievability of each item at the start of that day. One query.

    If the learner stops now, each reviewed item is recalled with its retrievability then, new ones not
    at all. If they keep to the schedule, an item due before the exam is reviewed and so kept at least at
    the desired retention (FSRS schedules the next review for when it would drop to it); an item due
    after the exam keeps its own retrievability, which is above that; and new items are learnt at the
    daily new-item limit until the exam, each then held at the desired retention. A floor, not a promise.
    """
    exam_start = study_settings.day_on(exam_on).start
    desired = float(study_settings.desired_retention)
    reviewed = Q(stability__isnull=False)
    totals = (
        ReviewState.objects.of(learner)
        .filter(deck=deck)
        .annotate(recall=retrievability_at(exam_start, study_settings))
        .aggregate(
            items=Count("pk"),
            new=Count("pk", filter=~reviewed),
            recall_sum=Sum("recall", filter=reviewed, output_field=FloatField(), default=0.0),
            due_before=Count("pk", filter=reviewed & Q(due__lt=exam_start, suspended=False)),
            kept_recall_sum=Sum(
                "recall",
                filter=reviewed & ~Q(due__lt=exam_start, suspended=False),
                output_field=FloatField(),
                default=0.0,
            ),
        )
    )
    items = totals["items"]
    days_left = max((exam_on - study_settings.day_at(now).date).days, 0)
    introduced = min(totals["new"], days_left * study_settings.new_per_day)
    on_schedule = totals["kept_recall_sum"] + desired * (totals["due_before"] + introduced)
    return ExamForecast(
        exam_on=exam_on,
        at=exam_start,
        items=items,
        if_stopped=totals["recall_sum"] / items if items else 0.0,
        if_on_schedule=on_schedule / items if items else 0.0,
        new_introduced_before=introduced,
        days_left=days_left,
    )


def items_at_risk(learner, study_settings: StudySettings, deck: Deck, at: datetime, limit: int = 10):
    """The reviewed items with the lowest retrievability at `at` (the exam), weakest first."""
    return _reviewed_with_recall(learner, study_settings, deck, at).order_by("recall", "item__position")[:limit]


@dataclass(frozen=True)
class PassageKnowledge:
    items: int
    reviewed: int
    recall: float  # mean retrievability of the passage's items, an item not yet reviewed counting as 0


def knowledge_by_passage(
    learner, study_settings: StudySettings, now: datetime, deck: Deck
) -> dict[int, PassageKnowledge]:
    """For each passage of the deck's source with items, how well the learner knows those items now. One query."""
    rows = (
        ReviewState.objects.of(learner)
        .filter(deck=deck, item__passage__isnull=False)
        .annotate(recall=retrievability_at(now, study_settings))
        .values("item__passage_id")
        .annotate(
            items=Count("pk"),
            reviewed=Count("pk", filter=Q(stability__isnull=False)),
            recall_sum=Sum("recall", output_field=FloatField()),
        )
        .order_by()
    )
    return {
        row["item__passage_id"]: PassageKnowledge(
            items=row["items"],
            reviewed=row["reviewed"],
            recall=(row["recall_sum"] or 0.0) / row["items"],
        )
        for row in rows
    }


def source_passages(deck: Deck) -> QuerySet[Passage]:
    return (
        Passage.objects.filter(source_id=deck.source_id).order_by("index") if deck.source_id else Passage.objects.none()
    )


# --- one item -----------------------------------------------------------------------------------------


def get_item_state(learner, item_id: int) -> ReviewState:
    """The learner's state of an item they study, with the item, its deck and passage; else 404."""
    return get_object_or_404(
        ReviewState.objects.select_related("item", "item__deck", "item__passage"), learner=learner, item_id=item_id
    )


def item_reviews(learner, item: Item) -> QuerySet[ReviewLog]:
    """Every review of the item by the learner, oldest first."""
    return ReviewLog.objects.filter(learner=learner, item=item).order_by("reviewed_at", "pk")
