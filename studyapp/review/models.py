"""Each learner's review state per item, their append-only review log, and their study settings."""

from __future__ import annotations

import re
import zoneinfo
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q

from studyapp.library.models import Deck, Item
from studyapp.review.days import LearnerDay, learner_day, learner_day_on

_STEP = re.compile(r"^(\d+)([smhd])$")
_STEP_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}
# A card is due again one step after now, so a step must stay far from the end of the calendar (and of timedelta,
# which overflows at a billion days); a learning step of a year is already no step at all.
MAX_STEP = timedelta(days=365)


def parse_steps(text: str) -> tuple[timedelta, ...]:
    """'1m 10m' -> (1 minute, 10 minutes). Raises ValidationError naming the bad step."""
    steps = []
    for token in text.split():
        match = _STEP.match(token.lower())
        digits = match.group(1).lstrip("0") if match else ""
        if len(digits) > 9:  # more could overflow timedelta; validate_steps refuses anything past MAX_STEP
            raise ValidationError(_too_long(token))
        if not match or int(digits or "0") == 0:
            raise ValidationError(
                f"“{token}” is not a step: write steps like 1m 10m 1h 1d (s, m, h or d after a number above zero)."
            )
        steps.append(timedelta(**{_STEP_UNITS[match.group(2)]: int(digits)}))
    if len(steps) > 10:
        raise ValidationError("Use at most 10 steps.")
    return tuple(steps)


def _too_long(token: str) -> str:
    return f"“{token}” is too long a step: a step is at most {MAX_STEP.days} days (365d)."


def validate_steps(text: str) -> None:
    # The bound is checked here, when settings are saved, not in parse_steps: settings saved before it keep working.
    for token, step in zip(text.split(), parse_steps(text), strict=True):
        if step > MAX_STEP:
            raise ValidationError(_too_long(token))


def validate_timezone(name: str) -> None:
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValidationError(
            f"“{name}” is not a time zone; use a name like Europe/London or America/Los_Angeles."
        ) from None


def validate_fsrs_parameters(value) -> None:
    if value is None:
        return
    if not isinstance(value, list) or len(value) != 21 or not all(isinstance(x, (int, float)) for x in value):
        raise ValidationError("FSRS parameters are a list of 21 numbers, or empty for the defaults.")


class StudySettings(models.Model):
    learner = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="study_settings")
    desired_retention = models.DecimalField(
        max_digits=3,
        decimal_places=2,
        default=Decimal("0.90"),
        validators=[
            MinValueValidator(Decimal("0.70"), "Desired retention must be at least 0.70."),
            MaxValueValidator(Decimal("0.99"), "Desired retention can be at most 0.99."),
        ],
        help_text="The share of reviews you want to get right, 0.70–0.99. Higher means more reviews.",
    )
    new_per_day = models.PositiveIntegerField(
        default=20,
        validators=[MaxValueValidator(9999, "At most 9,999 new items a day.")],
        help_text="New items introduced per day.",
    )
    reviews_per_day = models.PositiveIntegerField(
        default=200,
        validators=[MaxValueValidator(99999, "At most 99,999 reviews a day.")],
        help_text="Most reviews shown per day.",
    )
    learning_steps = models.CharField(
        max_length=100, default="1m 10m", validators=[validate_steps], help_text="E.g. 1m 10m: when new items return."
    )
    relearning_steps = models.CharField(
        max_length=100, default="10m", validators=[validate_steps], help_text="E.g. 10m: when forgotten items return."
    )
    timezone = models.CharField(max_length=64, default="UTC", validators=[validate_timezone])
    day_starts_at = models.PositiveSmallIntegerField(
        default=4,
        validators=[MaxValueValidator(23, "The day starts at an hour from 0 to 23.")],
        help_text="The hour your study day starts (4 = 04:00, as in Anki).",
    )
    leech_threshold = models.PositiveSmallIntegerField(
        default=8,
        validators=[MinValueValidator(1, "A leech needs at least one lapse."), MaxValueValidator(99)],
        help_text="After this many lapses an item is marked a leech and suspended.",
    )
    fsrs_parameters = models.JSONField(
        null=True, blank=True, validators=[validate_fsrs_parameters], help_text="21 FSRS weights; empty = defaults."
    )

    class Meta:
        verbose_name_plural = "study settings"
        constraints = [
            models.CheckConstraint(
                condition=Q(desired_retention__gte=Decimal("0.70"), desired_retention__lte=Decimal("0.99")),
                name="studysettings_retention_in_range",
            ),
            models.CheckConstraint(condition=Q(day_starts_at__lte=23), name="studysettings_day_start_is_an_hour"),
            models.CheckConstraint(condition=Q(leech_threshold__gte=1), name="studysettings_leech_threshold_positive"),
        ]

    def __str__(self) -> str:
        return f"Study settings of {self.learner}"

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)

    def day_at(self, now: datetime) -> LearnerDay:
        """The learner's study day containing `now` (their time zone, starting at their hour)."""
        return learner_day(now, zone=self.zone, starts_at=self.day_starts_at)

    def day_on(self, day: date) -> LearnerDay:
        """The learner's study day named `day`."""
        return learner_day_on(day, zone=self.zone, starts_at=self.day_starts_at)


class StudiedDeck(models.Model):
    """A deck a learner has added to their studies."""

    learner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="studied_decks")
    deck = models.ForeignKey(Deck, on_delete=models.CASCADE, related_name="learners")
    added_at = models.DateTimeField(auto_now_add=True)
    exam_on = models.DateField(
        null=True, blank=True, help_text="The day of the learner's exam on this deck, for the recall forecast."
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["learner", "deck"], name="studieddeck_unique_learner_deck")]

    def __str__(self) -> str:
        return f"{self.learner} studies {self.deck}"


class CardState(models.TextChoices):
    """fsrs.State, plus NEW for an item never reviewed (fsrs itself calls that Learning, step 0)."""

    NEW = "new", "New"
    LEARNING = "learning", "Learning"
    REVIEW = "review", "Review"
    RELEARNING = "relearning", "Relearning"


class ReviewStateQuerySet(models.QuerySet):
    def of(self, learner) -> ReviewStateQuerySet:
        return self.filter(learner=learner)

    def active(self, now) -> ReviewStateQuerySet:
        """Not suspended and not buried at `now` (the queue's SQL in review/selectors.py says the same)."""
        return self.filter(suspended=False).filter(Q(buried_until__isnull=True) | Q(buried_until__lte=now))


class ReviewState(models.Model):
    """One learner's memory of one item, as FSRS models it."""

    # No index of its own: the queue indexes below lead with the learner and serve every read by learner.
    # A learner-only index misled PostgreSQL: it read and sorted a learner's whole collection for a
    # queue count that the queue index answers from a few entries (2 ms against 0.1 ms at 10,000 states).
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="review_states", db_index=False
    )
    # No index of its own either: reviewstate_unique_item_learner leads with it.
    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="review_states", db_index=False)
    # The item's deck, copied so the queue's index serves "this learner's cards in this deck" without a
    # join to items; kept in step by the receiver on Item saves (an item moved to another deck).
    deck = models.ForeignKey(Deck, on_delete=models.CASCADE, related_name="+", db_index=False)
    state = models.CharField(max_length=10, choices=CardState.choices, default=CardState.NEW)
    step = models.PositiveSmallIntegerField(null=True, blank=True)
    stability = models.FloatField(null=True, blank=True)
    difficulty = models.FloatField(null=True, blank=True)
    # New items are due in deck order from the moment the deck was added (see services.study_deck).
    due = models.DateTimeField()
    last_review = models.DateTimeField(null=True, blank=True)
    first_review = models.DateTimeField(null=True, blank=True)
    reps = models.PositiveIntegerField(default=0)
    lapses = models.PositiveIntegerField(default=0)
    suspended = models.BooleanField(default=False)
    is_leech = models.BooleanField(default=False)
    flagged = models.BooleanField(default=False)
    buried_until = models.DateTimeField(null=True, blank=True)
    # Bumped on every change: a card rendered at version N can be answered only while it is still N.
    version = models.PositiveIntegerField(default=0)
    # The answer graded and shown but not yet rated ({"uuid", "response", "text", "correct"}): the
    # rating takes correctness from here, never from the browser, and a reload shows this feedback
    # again instead of a fresh question. Cleared when the card is rated, suspended, buried or undone.
    pending_answer = models.JSONField(null=True, blank=True, editable=False)

    objects = ReviewStateQuerySet.as_manager()

    class Meta:
        constraints = [
            # Item first, so that it also serves reads (and cascades) by item: every rating rewrites a state's
            # index entries, and one index less is one write less.
            models.UniqueConstraint(fields=["item", "learner"], name="reviewstate_unique_item_learner"),
            models.CheckConstraint(
                condition=Q(state=CardState.NEW) | Q(last_review__isnull=False),
                name="reviewstate_reviewed_unless_new",
            ),
            models.CheckConstraint(
                condition=Q(difficulty__isnull=True) | Q(difficulty__gte=1, difficulty__lte=10),
                name="reviewstate_difficulty_1_to_10",
            ),
        ]
        indexes = [
            # The queue and its counts: "this learner's learning/review/new items of this deck, earliest
            # due first", an index range scan whatever the size of the collection. `suspended` and
            # `buried_until` ride along so the counts never visit the table (at a million states the
            # queue's statement took 1.8 ms on SQLite with table lookups, 0.4 ms without).
            models.Index(
                fields=["learner", "deck", "state", "due", "suspended", "buried_until"], name="reviewstate_queue_idx"
            ),
            # The learning queue asks for two states at once, which the index above can't give in due
            # order; this one can (PostgreSQL sorted the learner's whole learning pile without it).
            models.Index(
                fields=["learner", "deck", "due", "suspended", "buried_until"],
                condition=Q(state__in=["learning", "relearning"]),
                name="reviewstate_learning_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.learner} · item {self.item_id} · {self.state}"


class Rating(models.IntegerChoices):
    AGAIN = 1, "Again"
    HARD = 2, "Hard"
    GOOD = 3, "Good"
    EASY = 4, "Easy"


class ReviewLog(models.Model):
    """One answered card. Append-only; undo deletes the newest entry and restores `state_before`."""

    # No index of their own: reviewlog_learner_time_idx and reviewlog_item_history_idx lead with them and serve
    # every read (and cascade) by learner or item, and each index less is one write less per review.
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="review_logs", db_index=False
    )
    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="review_logs", db_index=False)
    # The item's deck when it was reviewed, so the daily summary (ReviewDay) is kept per deck.
    deck = models.ForeignKey(Deck, on_delete=models.CASCADE, related_name="+", db_index=False)
    rating = models.PositiveSmallIntegerField(choices=Rating.choices)
    # The card's state when it was shown: NEW/LEARNING/REVIEW/RELEARNING (Anki's revlog type).
    state = models.CharField(max_length=10, choices=CardState.choices)
    reviewed_at = models.DateTimeField()
    # The learner's study day of the review, in the time zone and day start they had then.
    day = models.DateField()
    # The item's first review on this day, of an item last reviewed on an earlier day: a test of
    # memory, which is what "true retention" counts (as Anki does). Again fails it; the rest pass.
    tests_memory = models.BooleanField(default=False)
    duration_ms = models.PositiveIntegerField(null=True, blank=True)
    response = models.TextField(blank=True)
    was_correct = models.BooleanField(null=True, blank=True)
    client_uuid = models.UUIDField()
    state_before = models.JSONField()
    state_after = models.JSONField()
    # Ids of the sibling review states this review buried (undo unburies them).
    buried_siblings = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-reviewed_at", "-pk"]
        constraints = [
            # A replayed submission carries the same client_uuid and is refused here.
            models.UniqueConstraint(fields=["learner", "client_uuid"], name="reviewlog_unique_learner_submission"),
            models.CheckConstraint(condition=Q(rating__gte=1, rating__lte=4), name="reviewlog_rating_1_to_4"),
        ]
        indexes = [
            # "Reviews today", undo's "newest review", and the history charts.
            models.Index(fields=["learner", "reviewed_at"], name="reviewlog_learner_time_idx"),
            # An item's history.
            models.Index(fields=["item", "learner", "reviewed_at"], name="reviewlog_item_history_idx"),
        ]

    def __str__(self) -> str:
        return (
            f"{self.learner} rated item {self.item_id} {self.get_rating_display()} at {self.reviewed_at:%Y-%m-%d %H:%M}"
        )


class ReviewDay(models.Model):
    """A learner's reviews of one deck on one of their days, summed: the rows the progress pages read.

    Written only by database triggers on ReviewLog (their SQL in review/summary.py): each insert adds
    its review, each delete (undo) takes it away, inside the same transaction, and an UPDATE of a log
    row is refused. So the summary can't drift from the log, and recording a review costs no extra
    query. A missing trigger fails the system check review.E001; `manage.py repair_review_summary`
    reinstalls it and recomputes the sums. The progress pages read a few hundred of these rows a year
    instead of every review.
    """

    # No index of its own: reviewday_unique_learner_day_deck leads with it.
    learner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False)
    day = models.DateField()
    deck = models.ForeignKey(Deck, on_delete=models.CASCADE, related_name="+")
    reviews = models.PositiveIntegerField(default=0)
    new_items = models.PositiveIntegerField(default=0)
    memory_tests = models.PositiveIntegerField(default=0)
    memory_passes = models.PositiveIntegerField(default=0)
    duration_ms = models.PositiveBigIntegerField(default=0)

    class Meta:
        constraints = [
            # Also the triggers' ON CONFLICT target, and the index of "this learner's days from ... to ...".
            models.UniqueConstraint(fields=["learner", "day", "deck"], name="reviewday_unique_learner_day_deck"),
            models.CheckConstraint(condition=Q(memory_passes__lte=F("memory_tests")), name="reviewday_passes_le_tests"),
        ]

    def __str__(self) -> str:
        return f"{self.learner} · {self.day} · {self.reviews} reviews"


class CustomStudyKind(models.TextChoices):
    """What a custom study gathers (Anki's custom study session)."""

    AHEAD = "ahead", "Review ahead"
    FORGOTTEN = "forgotten", "Review forgotten items"
    TAG = "tag", "Study by tag"
    CRAM = "cram", "Cram the whole deck"


# Kinds whose ratings are real reviews by default; the others leave schedules alone unless the learner asks.
RESCHEDULING_KINDS = (CustomStudyKind.AHEAD, CustomStudyKind.FORGOTTEN)


class CustomStudy(models.Model):
    """A list of one learner's items of one deck, studied once each outside the daily queue.

    One per learner and deck: starting another replaces it. With `reschedule` on, each rating is
    a review like any other (log, schedule, statistics); with it off the rating is kept only on the
    study's card, and the item's schedule is left as it was.
    """

    learner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="custom_studies")
    deck = models.ForeignKey(Deck, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=CustomStudyKind.choices)
    # Review ahead: items due within this many days after today; forgotten: Again in this many learner-days.
    days = models.PositiveSmallIntegerField(null=True, blank=True)
    # Study by tag: the tag. A tag deleted since leaves the study as it was gathered.
    tag = models.ForeignKey("library.Tag", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    reschedule = models.BooleanField()
    created_at = models.DateTimeField()

    class Meta:
        verbose_name_plural = "custom studies"
        constraints = [
            models.UniqueConstraint(fields=["learner", "deck"], name="customstudy_unique_learner_deck"),
            models.CheckConstraint(condition=Q(kind__in=CustomStudyKind.values), name="customstudy_kind_valid"),
            models.CheckConstraint(
                condition=Q(days__isnull=True) | Q(days__gte=1, days__lte=365), name="customstudy_days_1_to_365"
            ),
            models.CheckConstraint(
                condition=~Q(kind=CustomStudyKind.FORGOTTEN) | Q(days__lte=30),
                name="customstudy_forgotten_days_at_most_30",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=RESCHEDULING_KINDS, days__isnull=False)
                | Q(kind__in=[CustomStudyKind.TAG, CustomStudyKind.CRAM], days__isnull=True),
                name="customstudy_days_only_for_ahead_and_forgotten",
            ),
            models.CheckConstraint(
                condition=Q(kind=CustomStudyKind.TAG) | Q(tag__isnull=True), name="customstudy_tag_only_for_tag"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.learner} · {self.deck} · {self.get_kind_display()}"

    @property
    def title(self) -> str:
        """What the session's header calls it: the kind, with its days or tag."""
        label = self.get_kind_display()
        if self.kind == CustomStudyKind.AHEAD:
            return f"{label} ({'tomorrow' if self.days == 1 else f'next {self.days} days'})"
        if self.kind == CustomStudyKind.FORGOTTEN:
            return f"{label} ({'today' if self.days == 1 else f'last {self.days} days'})"
        if self.kind == CustomStudyKind.TAG:
            return f"{label}: {self.tag.name if self.tag else 'a deleted tag'}"
        return label


class CustomStudyCard(models.Model):
    """One item of a custom study, in the order it is shown, and how the learner did on it.

    `answered_at` is set when the card is rated, or when it is buried from the custom session
    (then it is set aside: no rating). `client_uuid` is the showing that was rated: a replay of the
    same showing is recognised, and undo matches it to its review log when the study reschedules.
    """

    study = models.ForeignKey(CustomStudy, on_delete=models.CASCADE, related_name="cards")
    state = models.ForeignKey(ReviewState, on_delete=models.CASCADE, related_name="+")
    position = models.PositiveIntegerField()
    answered_at = models.DateTimeField(null=True, blank=True)
    rating = models.PositiveSmallIntegerField(choices=Rating.choices, null=True, blank=True)
    # From the answer kept on the server with the state (record_answer), never from the browser.
    was_correct = models.BooleanField(null=True, blank=True)
    client_uuid = models.UUIDField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["study", "state"], name="customstudycard_unique_study_state"),
            models.UniqueConstraint(fields=["study", "position"], name="customstudycard_unique_study_position"),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=4), name="customstudycard_rating_1_to_4"
            ),
            models.CheckConstraint(
                condition=Q(answered_at__isnull=False) | Q(rating__isnull=True, was_correct__isnull=True),
                name="customstudycard_rated_only_when_answered",
            ),
        ]
        indexes = [
            # The custom session's "next unanswered card of this study in position order": the
            # answered ones drop out of the index, so the walk starts at the next card to show.
            models.Index(
                fields=["study", "position"],
                condition=Q(answered_at__isnull=True),
                name="customstudycard_next_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.study} · #{self.position}"
