"""Building a class quiz: who may, what it may draw on, and saving it (reads and writes of the instructor's form).

Taking quizzes lives in `services.py`/`selectors.py`; this module only sets quizzes up. Attempts already made
are never touched by an edit: each stores the questions, marks and deadline it was given when it started.
"""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.shortcuts import get_object_or_404

from studyapp.classroom.models import Assignment, Classroom
from studyapp.library.models import Deck, Item, Tag
from studyapp.quizzes.models import Attempt, AttemptState, Quiz, QuizItem, Selection
from studyapp.review.models import StudySettings

UTC = zoneinfo.ZoneInfo("UTC")


# --- Who may ---------------------------------------------------------------------------------------------------


def get_classroom_for_author(user, classroom_pk: int) -> Classroom:
    """The class, if the user teaches it (superusers: any); 404 for everyone else, its students included."""
    return get_object_or_404(Classroom.objects.taught_by(user), pk=classroom_pk)


def get_quiz_for_author(user, quiz_pk: int) -> Quiz:
    """A class quiz the user may change: one of a class they teach (superusers: any). Practice tests: 404."""
    taught = Classroom.objects.taught_by(user).values("pk")
    return get_object_or_404(Quiz.objects.select_related("classroom").filter(classroom__in=taught), pk=quiz_pk)


def zone_of(user) -> zoneinfo.ZoneInfo:
    """The user's time zone from their study settings (loaded with the user by the auth backend), else UTC."""
    try:
        return user.study_settings.zone
    except (StudySettings.DoesNotExist, AttributeError, zoneinfo.ZoneInfoNotFoundError, ValueError):
        return UTC


# --- What a quiz may draw on ---------------------------------------------------------------------------------------


def deck_options(user, classroom: Classroom, quiz: Quiz | None = None) -> list[Deck]:
    """The decks a quiz of this class may use, by title, each with `n_items` and `assigned` (to this class).

    The class's assigned decks and those the user owns or co-owns, plus the quiz's own decks, so an edit never
    silently drops a deck the instructor has since lost (a co-instructor's deck, an unassigned one).
    """
    assigned = Assignment.objects.filter(classroom=classroom, deck=OuterRef("pk"))
    decks = Deck.objects.all()
    if not user.is_superuser:
        allowed = Q(pk__in=Deck.objects.editable_by(user).values("pk")) | Q(
            pk__in=Assignment.objects.filter(classroom=classroom).values("deck")
        )
        if quiz is not None and quiz.pk is not None:
            allowed |= Q(pk__in=Quiz.decks.through.objects.filter(quiz=quiz).values("deck"))
        decks = decks.filter(allowed)
    return list(decks.annotate(n_items=Count("items"), assigned=Exists(assigned)).order_by("title", "pk"))


def tags_of_decks(deck_ids) -> list[Tag]:
    """The tags used by items of these decks, by name, each with `n_items`: how many of those items carry it."""
    if not deck_ids:
        return []
    # filter() before annotate(): the count runs over the same join, so only items of these decks count.
    return list(Tag.objects.filter(items__deck__in=deck_ids).annotate(n_items=Count("items")).order_by("name", "pk"))


def items_of_decks(decks: list[Deck]) -> list[Item]:
    """The items of these decks in the order the decks are given, each deck's in its own order."""
    if not decks:
        return []
    rank = {deck.pk: index for index, deck in enumerate(decks)}
    # order_by(): sorted here; the model's ordering would join the decks to sort by their titles.
    items = Item.objects.filter(deck__in=list(rank)).only("pk", "deck_id", "kind", "prompt", "position").order_by()
    return sorted(items, key=lambda item: (rank[item.deck_id], item.position, item.pk))


@dataclass(frozen=True)
class AttemptSummary:
    attempts: int
    learners: int
    in_progress: int


def attempt_summary(quiz: Quiz) -> AttemptSummary:
    """How many attempts the quiz has, by how many students, and how many are still in progress (one query)."""
    row = Attempt.objects.filter(quiz=quiz).aggregate(
        attempts=Count("pk"),
        learners=Count("learner", distinct=True),
        in_progress=Count("pk", filter=Q(state=AttemptState.IN_PROGRESS)),
    )
    return AttemptSummary(**row)


# --- Saving ----------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class QuizSpec:
    """A quiz as the instructor's form decided it; `items` (fixed lists) are (item id, mark) in quiz order."""

    title: str
    decks: list[Deck]
    selection: str
    item_count: int | None = None
    tag_id: int | None = None
    mark: float = 1
    items: list[tuple[int, float]] = field(default_factory=list)
    time_limit: timedelta | None = None
    opens_at: datetime | None = None
    closes_at: datetime | None = None
    attempts_allowed: int | None = None
    grading_method: str = Quiz._meta.get_field("grading_method").default
    shuffle_questions: bool = True
    shuffle_choices: bool = True
    feedback_timing: str = Quiz._meta.get_field("feedback_timing").default
    show_correct_answers: bool = True


@transaction.atomic
def save_quiz(*, spec: QuizSpec, classroom: Classroom | None = None, owner=None, quiz: Quiz | None = None) -> Quiz:
    """Create a class quiz (`classroom`, `owner`) or change `quiz`: the quiz, its decks and its items, all or none.

    Attempts already made keep what they were given; the quiz's fixed items are replaced as a whole.
    """
    # Two instructors saving the same quiz at once take turns on its row, so their item lists never interleave.
    quiz = Quiz(classroom=classroom, owner=owner) if quiz is None else Quiz.objects.select_for_update().get(pk=quiz.pk)
    fixed = spec.selection == Selection.FIXED
    quiz.title = spec.title
    quiz.selection = spec.selection
    quiz.item_count = None if fixed else spec.item_count
    quiz.tag_id = None if fixed else spec.tag_id
    if not fixed:
        quiz.mark = spec.mark
    quiz.time_limit = spec.time_limit
    quiz.opens_at = spec.opens_at
    quiz.closes_at = spec.closes_at
    quiz.attempts_allowed = spec.attempts_allowed
    quiz.grading_method = spec.grading_method
    quiz.shuffle_questions = spec.shuffle_questions
    quiz.shuffle_choices = spec.shuffle_choices
    quiz.feedback_timing = spec.feedback_timing
    quiz.show_correct_answers = spec.show_correct_answers
    quiz.save()
    quiz.decks.set(spec.decks)
    QuizItem.objects.filter(quiz=quiz).delete()
    if fixed:
        QuizItem.objects.bulk_create(
            QuizItem(quiz=quiz, item_id=item_id, position=position, mark=mark)
            for position, (item_id, mark) in enumerate(spec.items, start=1)
        )
    return quiz


@transaction.atomic
def delete_quiz(*, quiz: Quiz) -> int:
    """Delete the quiz with its items and attempts; returns how many attempts went with it."""
    attempts = Attempt.objects.filter(quiz=quiz).count()
    Quiz.objects.filter(pk=quiz.pk).delete()
    return attempts
