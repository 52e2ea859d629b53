"""Reads for the instructor's report on a deck: every student who studies it, and every item across them.

A fixed number of queries whatever the number of students or items: the students (with their study
settings) in one, then one grouped aggregate per table over ReviewDay, ReviewState and ReviewLog.

Students differ in what the figures depend on — their day (time zone, day start), their desired
retention and their FSRS decay — so those go into the SQL as a CASE over learner ids (`_by_learner`):
the most common value is the CASE's default, and only learners with another value are listed. With
every student on the defaults the SQL is the plain expression; it grows only with the students who
changed their settings, never with the number of queries.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from django.db.models import (
    Avg,
    Case,
    Count,
    DateField,
    DateTimeField,
    Expression,
    F,
    FloatField,
    Max,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)

from studyapp.library.models import Deck, Item
from studyapp.progress.memory import decay_and_factor, retrievability_at
from studyapp.review.days import LearnerDay
from studyapp.review.models import CardState, Rating, ReviewDay, ReviewLog, ReviewState, StudiedDeck, StudySettings

RECENT_REVIEW_DAYS = 7
RETENTION_DAYS = 30


def percent(share: float | None) -> int | None:
    """0.6667 -> 67: a share as a whole percentage, rounded half up (None stays None)."""
    return None if share is None else int(share * 100 + 0.5)


@dataclass(frozen=True)
class Student:
    """A learner who studies the deck, with the settings the figures are computed in."""

    pk: int
    username: str
    settings: StudySettings
    today: LearnerDay

    @property
    def decay(self) -> float:
        return decay_and_factor(self.settings)[0]

    @property
    def desired_retention(self) -> float:
        return float(self.settings.desired_retention)


def as_student(learner, now: datetime) -> Student:
    """A user as a Student, with their study settings (load `study_settings` with them to save a query)."""
    try:
        study_settings = learner.study_settings
    except StudySettings.DoesNotExist:  # never opened their settings: the defaults (not saved)
        study_settings = StudySettings(learner=learner)
    return Student(
        pk=learner.pk,
        username=learner.get_username(),  # the User model has no display name beyond it
        settings=study_settings,
        today=study_settings.day_at(now),
    )


def students_of(deck: Deck, now: datetime, *, among: QuerySet | None = None) -> list[Student]:
    """Everyone with the deck in their studies, by username, with their study settings. One query.

    `among` (a query of user ids, e.g. a class's members) keeps only those learners.
    """
    studied = (
        StudiedDeck.objects.filter(deck=deck)
        .select_related("learner", "learner__study_settings")
        .order_by("learner__username", "learner_id")
    )
    if among is not None:
        studied = studied.filter(learner_id__in=among)
    return [as_student(entry.learner, now) for entry in studied]


def students_in(learners: QuerySet, now: datetime) -> list[Student]:
    """These users (a User queryset), by username, with their study settings. One query."""
    learners = learners.select_related("study_settings").order_by("username", "pk")
    return [as_student(learner, now) for learner in learners]


def _by_learner(
    students: list[Student],
    key: Callable[[Student], Hashable],
    expression: Callable[[Student], Expression],
    *,
    output_field,
    prefix: str = "",
) -> Expression:
    """A per-learner value as one SQL expression: CASE over learner ids, the most common value as default.

    `key` says which students share a value; `expression` makes the value from one of them.
    """
    groups: dict[Hashable, list[Student]] = defaultdict(list)
    for student in students:
        groups[key(student)].append(student)
    (common, *others) = sorted(groups.values(), key=len, reverse=True)  # sorted() is stable: deterministic
    if not others:
        return expression(common[0])
    return Case(
        *(
            When(**{f"{prefix}learner_id__in": [student.pk for student in group]}, then=expression(group[0]))
            for group in others
        ),
        default=expression(common[0]),
        output_field=output_field,
    )


def _recall(students: list[Student], now: datetime, *, prefix: str = "") -> Expression:
    """Each state's retrievability now in its learner's own FSRS decay (the only parameter R depends on)."""
    return _by_learner(
        students,
        lambda student: student.decay,
        lambda student: retrievability_at(now, student.settings, prefix=prefix),
        output_field=FloatField(),
        prefix=prefix,
    )


def _date_of(offset_days: int) -> Callable[[Student], Expression]:
    return lambda student: Value(student.today.date - timedelta(days=offset_days), output_field=DateField())


def _students_query(deck: Deck, among: QuerySet | None = None):
    """The ids of the deck's students (those `among` only, if given), as a subquery (constant SQL whatever
    their number)."""
    studied = StudiedDeck.objects.filter(deck=deck)
    if among is not None:
        studied = studied.filter(learner_id__in=among)
    return studied.values("learner_id")


# --- students -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StudentRow:
    learner_id: int
    username: str
    reviews_7_days: int  # reviews of this deck on the learner's last 7 days, today included
    memory_tests_30_days: int
    memory_passes_30_days: int
    items: int  # the deck's items in the learner's studies (new ones included)
    mastered: int  # of those, the ones whose retrievability now is at or above the learner's desired retention
    overdue: int
    last_active: datetime | None

    @property
    def retention(self) -> float | None:
        """True retention over the learner's last 30 days: memory tests passed / taken."""
        return self.memory_passes_30_days / self.memory_tests_30_days if self.memory_tests_30_days else None

    @property
    def mastery(self) -> float | None:
        return self.mastered / self.items if self.items else None

    @property
    def retention_percent(self) -> int | None:
        return percent(self.retention)

    @property
    def mastery_percent(self) -> int | None:
        return percent(self.mastery)


def student_rows(
    deck: Deck, now: datetime, *, students: list[Student] | None = None, among: QuerySet | None = None
) -> list[StudentRow]:
    """Every student of the deck (of those `among`, if given), by username. Three queries (two when `students`
    is given, which must then be `students_of(deck, now, among=among)`).

    - Reviews in the last 7 days and true retention over the last 30 are counted on each learner's
      own days: ReviewDay rows dated from their today - 6 (or - 29) to their today, where "today" is
      the learner's study day at `now` in their current time zone and day start (ReviewDay.day is the
      day they had when they reviewed). The per-learner bounds are a CASE, summed in the database.
    - Mastery: the share of the learner's states of the deck whose retrievability now, computed with
      the learner's own FSRS decay, is at or above the learner's own desired retention. New items
      count as not mastered, as on the learner's deck page.
    - Overdue: review-state items, not suspended, due before the start of the learner's current day
      (Anki's meaning: due on an earlier day and not answered yet; an item due later today isn't).
    - Last active: the latest review of any of the deck's items.
    """
    if students is None:
        students = students_of(deck, now, among=among)
    if not students:
        return []

    today = _by_learner(students, lambda s: s.today.date, _date_of(0), output_field=DateField())
    week_start = _by_learner(
        students, lambda s: s.today.date, _date_of(RECENT_REVIEW_DAYS - 1), output_field=DateField()
    )
    month_start = _by_learner(students, lambda s: s.today.date, _date_of(RETENTION_DAYS - 1), output_field=DateField())
    earliest = min(student.today.date for student in students) - timedelta(days=RETENTION_DAYS - 1)
    in_week = Q(day__gte=F("week_start"), day__lte=F("today"))
    in_month = Q(day__gte=F("month_start"), day__lte=F("today"))
    days = (
        ReviewDay.objects.filter(deck=deck, learner_id__in=_students_query(deck, among), day__gte=earliest)
        .alias(today=today, week_start=week_start, month_start=month_start)
        .values("learner_id")
        .annotate(
            reviews=Sum("reviews", filter=in_week, default=0),
            tests=Sum("memory_tests", filter=in_month, default=0),
            passes=Sum("memory_passes", filter=in_month, default=0),
        )
        .order_by()
    )
    days_by_learner = {row["learner_id"]: row for row in days}

    desired = _by_learner(
        students,
        lambda s: s.desired_retention,
        lambda s: Value(s.desired_retention, output_field=FloatField()),
        output_field=FloatField(),
    )
    day_start = _by_learner(
        students,
        lambda s: s.today.start,
        lambda s: Value(s.today.start, output_field=DateTimeField()),
        output_field=DateTimeField(),
    )
    states = (
        ReviewState.objects.filter(deck=deck, learner_id__in=_students_query(deck, among))
        .alias(recall=_recall(students, now), desired=desired, day_start=day_start)
        .values("learner_id")
        .annotate(
            items=Count("pk"),
            mastered=Count("pk", filter=Q(stability__isnull=False, recall__gte=F("desired"))),
            overdue=Count("pk", filter=Q(state=CardState.REVIEW, suspended=False, due__lt=F("day_start"))),
            last_active=Max("last_review"),
        )
        .order_by()
    )
    states_by_learner = {row["learner_id"]: row for row in states}

    rows = []
    for student in students:
        day_row = days_by_learner.get(student.pk, {})
        state_row = states_by_learner.get(student.pk, {})
        rows.append(
            StudentRow(
                learner_id=student.pk,
                username=student.username,
                reviews_7_days=day_row.get("reviews", 0),
                memory_tests_30_days=day_row.get("tests", 0),
                memory_passes_30_days=day_row.get("passes", 0),
                items=state_row.get("items", 0),
                mastered=state_row.get("mastered", 0),
                overdue=state_row.get("overdue", 0),
                last_active=state_row.get("last_active"),
            )
        )
    return rows


# --- items --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ItemRow:
    item: Item  # with its passage loaded (passage.get_absolute_url needs no further query)
    learners: int  # students who have reviewed it at least once
    reviews: int
    lapses: int
    memory_tests: int
    memory_failures: int
    mean_recall: float | None  # mean retrievability now among the students who reviewed it
    leeches: int

    @property
    def lapse_rate(self) -> float | None:
        """Failed memory tests / memory tests (as true retention counts them); None before any test."""
        return self.memory_failures / self.memory_tests if self.memory_tests else None

    @property
    def lapse_rate_percent(self) -> int | None:
        return percent(self.lapse_rate)

    @property
    def mean_recall_percent(self) -> int | None:
        return percent(self.mean_recall)

    def struggle_key(self) -> tuple[Any, ...]:
        """Most struggled-with first: highest lapse rate, then lowest mean retrievability, then deck order;
        items with no memory test yet (or never reviewed) after those with one."""
        return (
            self.lapse_rate is None,
            -(self.lapse_rate or 0.0),
            self.mean_recall is None,
            self.mean_recall or 0.0,
            self.item.position,
        )


def item_rows(
    deck: Deck, now: datetime, *, students: list[Student] | None = None, among: QuerySet | None = None
) -> list[ItemRow]:
    """Every item of the deck across its students (those `among`, if given), most struggled-with first.
    Three queries (two when `students` is given, which must then be `students_of(deck, now, among=among)`).

    The lapse rate is counted on the review log, as true retention is: of the memory tests of the
    item (a student's first review of it on a day, of an item last reviewed on an earlier day), the
    share rated Again. Unlike lapses / reps it isn't diluted by the reviews of learning steps.
    Reviews, lapses and leeches come from the students' review states of the item; the mean
    retrievability is taken over the students who have reviewed it, each in their own FSRS decay.
    """
    if students is None:
        students = students_of(deck, now, among=among)
    studying = Q(review_states__learner_id__in=_students_query(deck, among))
    reviewed = studying & Q(review_states__stability__isnull=False)
    items = (
        Item.objects.filter(deck=deck)
        .select_related("passage")
        .annotate(
            learners=Count("review_states", filter=reviewed),
            reviews=Sum("review_states__reps", filter=studying, default=0),
            lapses=Sum("review_states__lapses", filter=studying, default=0),
            leeches=Count("review_states", filter=studying & Q(review_states__is_leech=True)),
        )
        .order_by("position")
    )
    if students:
        items = items.annotate(
            mean_recall=Avg(
                _recall(students, now, prefix="review_states__"), filter=reviewed, output_field=FloatField()
            )
        )
    tests = (
        ReviewLog.objects.filter(item__deck=deck, tests_memory=True, learner_id__in=_students_query(deck, among))
        .values("item_id")
        .annotate(tests=Count("pk"), failures=Count("pk", filter=Q(rating=Rating.AGAIN)))
        .order_by()
    )
    tests_by_item = {row["item_id"]: row for row in tests}
    rows = [
        ItemRow(
            item=item,
            learners=item.learners,
            reviews=item.reviews,
            lapses=item.lapses,
            memory_tests=tests_by_item.get(item.pk, {}).get("tests", 0),
            memory_failures=tests_by_item.get(item.pk, {}).get("failures", 0),
            mean_recall=getattr(item, "mean_recall", None),
            leeches=item.leeches,
        )
        for item in items
    ]
    return sorted(rows, key=ItemRow.struggle_key)


# --- several decks: a class's students on its assigned decks ----------------------------------------------


@dataclass(frozen=True)
class DeckStanding:
    """Where one student stands on one deck now."""

    items: int  # the deck's items in the student's studies (new ones included)
    reviewed: int
    mastered: int  # recalled now with at least the student's desired retention, in their own FSRS decay
    due_now: int  # reviewed items due by now, not suspended or buried (what the study queue would show)

    @property
    def mastery(self) -> float | None:
        return self.mastered / self.items if self.items else None

    @property
    def mastery_percent(self) -> int | None:
        return percent(self.mastery)


def standings(deck_ids: Iterable[int], students: list[Student], now: datetime) -> dict[tuple[int, int], DeckStanding]:
    """(learner id, deck id) -> DeckStanding for every student and deck with states. One query, grouped in
    the database, whatever the number of students or decks (none when either list is empty)."""
    deck_ids = list(deck_ids)
    if not students or not deck_ids:
        return {}
    desired = _by_learner(
        students,
        lambda s: s.desired_retention,
        lambda s: Value(s.desired_retention, output_field=FloatField()),
        output_field=FloatField(),
    )
    rows = (
        ReviewState.objects.filter(deck_id__in=deck_ids, learner_id__in=[student.pk for student in students])
        .alias(recall=_recall(students, now), desired=desired)
        .values("learner_id", "deck_id")
        .annotate(
            items=Count("pk"),
            reviewed=Count("pk", filter=Q(stability__isnull=False)),
            mastered=Count("pk", filter=Q(stability__isnull=False, recall__gte=F("desired"))),
            due_now=Count(
                "pk",
                filter=~Q(state=CardState.NEW)
                & Q(suspended=False, due__lte=now)
                & (Q(buried_until__isnull=True) | Q(buried_until__lte=now)),
            ),
        )
        .order_by()
    )
    return {(row.pop("learner_id"), row.pop("deck_id")): DeckStanding(**row) for row in rows}


# --- CSV ----------------------------------------------------------------------------------------------

STUDENT_COLUMNS = (
    "Student",
    "Reviews, last 7 days",
    "True retention, last 30 days (%)",
    "Mastery (% of items)",
    "Overdue items",
    "Last active (UTC)",
)
ITEM_COLUMNS = (
    "Position",
    "Item",
    "Source sentence",
    "Students who reviewed it",
    "Reviews",
    "Lapses",
    "Lapse rate (% of memory tests)",
    "Mean retrievability (%)",
    "Leeches",
)


def _blank_if_none(value: Any) -> Any:
    return "" if value is None else value


def student_csv_rows(rows: Iterable[StudentRow]) -> Iterable[list[Any]]:
    """The student table as CSV cells: the page's columns, empty where the page shows —."""
    for row in rows:
        yield [
            row.username,
            row.reviews_7_days,
            _blank_if_none(row.retention_percent),
            _blank_if_none(row.mastery_percent),
            row.overdue,
            "" if row.last_active is None else row.last_active.astimezone(UTC).isoformat(timespec="seconds"),
        ]


def item_csv_rows(rows: Iterable[ItemRow]) -> Iterable[list[Any]]:
    """The item table as CSV cells: the page's columns, the source sentence as text."""
    for row in rows:
        passage = row.item.passage
        yield [
            row.item.position,
            row.item.prompt,
            "" if passage is None else passage.text,
            row.learners,
            row.reviews,
            row.lapses,
            _blank_if_none(row.lapse_rate_percent),
            _blank_if_none(row.mean_recall_percent),
            row.leeches,
        ]
