"""Quizzes and attempts: what is asked, and what each student answered, as the server fixed and graded it.

A quiz belongs to a class (set by its instructors) or is a student's own practice test. Starting an
attempt fixes everything on the server: the questions (drawn with the attempt's secret seed), their
order, the showing each question's choices and events are keyed by, and the deadline. The browser
only ever holds the attempt's id and opaque keys.
"""

from __future__ import annotations

import secrets
import uuid
from datetime import timedelta

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse

from studyapp.classroom.models import Classroom
from studyapp.library.models import Deck, Item, Tag


class Selection(models.TextChoices):
    FIXED = "fixed", "A fixed list of items"
    RANDOM = "random", "Items drawn at random for each attempt"


class GradingMethod(models.TextChoices):
    HIGHEST = "highest", "Highest attempt"
    FIRST = "first", "First attempt"
    LAST = "last", "Last attempt"
    AVERAGE = "average", "Average of attempts"


class FeedbackTiming(models.TextChoices):
    EACH = "each", "After each question"
    SUBMISSION = "submission", "After the attempt is submitted"
    CLOSE = "close", "After the quiz closes"


class QuizQuerySet(models.QuerySet):
    def run_by(self, user) -> QuizQuerySet:
        """Quizzes the user may change and report on: their classes' and their own practice tests (superusers: all)."""
        if user.is_superuser:
            return self.all()
        return self.filter(Q(classroom__instructors=user) | Q(classroom__isnull=True, owner=user)).distinct()

    def open_to(self, user) -> QuizQuerySet:
        """Quizzes the user may take: those of classes they belong to, and their own practice tests."""
        return self.filter(Q(classroom__memberships__student=user) | Q(classroom__isnull=True, owner=user)).distinct()


class Quiz(models.Model):
    title = models.CharField(max_length=200)
    # None for a practice test, which belongs to the student who made it.
    classroom = models.ForeignKey(Classroom, null=True, blank=True, on_delete=models.CASCADE, related_name="quizzes")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="quizzes")
    decks = models.ManyToManyField(Deck, related_name="quizzes")
    selection = models.CharField(max_length=10, choices=Selection.choices, default=Selection.RANDOM)
    item_count = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="How many items to draw for each attempt (random selection)."
    )
    tag = models.ForeignKey(
        Tag,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Draw only items with this tag.",
    )
    mark = models.FloatField(
        default=1, validators=[MinValueValidator(0.01)], help_text="Each drawn question's mark (random selection)."
    )
    time_limit = models.DurationField(null=True, blank=True, help_text="Empty for no time limit.")
    opens_at = models.DateTimeField(null=True, blank=True, help_text="Empty to open at once.")
    closes_at = models.DateTimeField(null=True, blank=True, help_text="Empty never to close.")
    attempts_allowed = models.PositiveSmallIntegerField(null=True, blank=True, help_text="Empty for unlimited.")
    grading_method = models.CharField(max_length=10, choices=GradingMethod.choices, default=GradingMethod.HIGHEST)
    shuffle_questions = models.BooleanField(default=True)
    shuffle_choices = models.BooleanField(default=True)
    feedback_timing = models.CharField(max_length=10, choices=FeedbackTiming.choices, default=FeedbackTiming.SUBMISSION)
    show_correct_answers = models.BooleanField(
        default=True, help_text="Show the correct answers, explanations and sources when feedback is shown."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = QuizQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "pk"]
        verbose_name_plural = "quizzes"
        constraints = [
            models.CheckConstraint(condition=~Q(title=""), name="quiz_title_not_empty"),
            models.CheckConstraint(
                condition=~Q(selection=Selection.RANDOM) | Q(item_count__gte=1), name="quiz_random_draws_items"
            ),
            models.CheckConstraint(
                condition=Q(closes_at__isnull=True) | Q(opens_at__isnull=True) | Q(closes_at__gt=F("opens_at")),
                name="quiz_closes_after_opening",
            ),
            models.CheckConstraint(
                condition=Q(attempts_allowed__isnull=True) | Q(attempts_allowed__gte=1), name="quiz_allows_an_attempt"
            ),
            models.CheckConstraint(condition=Q(mark__gt=0), name="quiz_mark_positive"),
            models.CheckConstraint(
                condition=Q(time_limit__isnull=True) | Q(time_limit__gt=timedelta(0)),
                name="quiz_time_limit_positive",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("quizzes:detail", args=[self.pk])

    @property
    def is_practice(self) -> bool:
        return self.classroom_id is None


class QuizItem(models.Model):
    """An item of a fixed-list quiz, with its place and mark."""

    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="quiz_items", db_index=False)
    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="+")
    position = models.PositiveSmallIntegerField()
    mark = models.FloatField(default=1, validators=[MinValueValidator(0.01)])

    class Meta:
        ordering = ["quiz", "position"]
        constraints = [
            # Indexes the quiz's items in order (quiz first).
            models.UniqueConstraint(fields=["quiz", "position"], name="quizitem_unique_position"),
            models.UniqueConstraint(fields=["quiz", "item"], name="quizitem_unique_item"),
            models.CheckConstraint(condition=Q(mark__gt=0), name="quizitem_mark_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.quiz}: {self.item}"


class AttemptState(models.TextChoices):
    IN_PROGRESS = "open", "In progress"
    FINISHED = "finished", "Finished"


def new_seed() -> int:
    """A secret seed for an attempt's draw: kept on the server, never derived from anything the browser holds."""
    return secrets.randbits(62)


class Attempt(models.Model):
    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="attempts", db_index=False)
    learner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="quiz_attempts")
    number = models.PositiveSmallIntegerField(help_text="1 for the learner's first attempt at this quiz, and so on.")
    state = models.CharField(max_length=10, choices=AttemptState.choices, default=AttemptState.IN_PROGRESS)
    seed = models.BigIntegerField(default=new_seed, editable=False)
    started_at = models.DateTimeField()
    deadline = models.DateTimeField(null=True, blank=True, help_text="Empty when the quiz has no time limit.")
    submitted_at = models.DateTimeField(null=True, blank=True)
    # True when the server submitted the attempt because its time ran out (on a request or by the command).
    submitted_automatically = models.BooleanField(default=False)
    score = models.FloatField(null=True, blank=True, help_text="Sum of the questions' points, once finished.")
    max_score = models.FloatField(default=0)

    class Meta:
        ordering = ["quiz", "learner", "number"]
        constraints = [
            # Indexes a quiz's attempts (quiz first): its report, and a learner's attempts at it.
            models.UniqueConstraint(fields=["quiz", "learner", "number"], name="attempt_unique_number"),
            models.UniqueConstraint(
                fields=["quiz", "learner"],
                condition=Q(state=AttemptState.IN_PROGRESS),
                name="attempt_one_open_per_learner",
            ),
            models.CheckConstraint(
                condition=Q(state=AttemptState.IN_PROGRESS, submitted_at__isnull=True)
                | Q(state=AttemptState.FINISHED, submitted_at__isnull=False, score__isnull=False),
                name="attempt_finished_has_score",
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="attempt_number_from_one"),
        ]
        indexes = [
            # close_overdue_attempts: open attempts whose deadline has passed.
            models.Index(
                fields=["deadline"], condition=Q(state=AttemptState.IN_PROGRESS), name="attempt_open_deadline_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quiz} — {self.learner}, attempt {self.number}"

    def get_absolute_url(self) -> str:
        return reverse("quizzes:attempt", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.state == AttemptState.IN_PROGRESS


class AttemptQuestion(models.Model):
    """One question of an attempt: which item, where, its mark, what the learner saved, and its grade."""

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="questions", db_index=False)
    # PROTECT: an item that students were asked can't vanish from their results; retire it instead.
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField()
    mark = models.FloatField(default=1)
    # Names this question's showing (library.presentation.Showing): its choice and event keys and their order.
    showing = models.UUIDField(default=uuid.uuid4, editable=False)
    response = models.TextField(blank=True, help_text="The saved answer as text.")
    answer = models.JSONField(null=True, blank=True, help_text="The saved answer as the grader takes it.")
    saved_at = models.DateTimeField(null=True, blank=True)
    # Set when the question is graded: on submission, or when checked with feedback after each question.
    fraction = models.FloatField(null=True, blank=True)
    checked = models.BooleanField(default=False, help_text="Checked with feedback after each question: locked.")

    class Meta:
        ordering = ["attempt", "position"]
        constraints = [
            # Indexes an attempt's questions in order (attempt first).
            models.UniqueConstraint(fields=["attempt", "position"], name="attemptquestion_unique_position"),
            models.UniqueConstraint(fields=["attempt", "item"], name="attemptquestion_unique_item"),
            models.CheckConstraint(
                condition=Q(fraction__isnull=True) | Q(fraction__gte=0, fraction__lte=1),
                name="attemptquestion_fraction_0_to_1",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.attempt}: question {self.position}"

    @property
    def points(self) -> float | None:
        return None if self.fraction is None else self.fraction * self.mark
