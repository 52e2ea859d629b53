"""Reads of the quizzes app: what a learner may open, what feedback they may see, and their grade."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from studyapp.library.models import Choice, Event
from studyapp.quizzes.models import (
    Attempt,
    AttemptQuestion,
    AttemptState,
    FeedbackTiming,
    GradingMethod,
    Quiz,
)


@dataclass(frozen=True)
class FeedbackPolicy:
    """What an attempt's pages may show: grades (score, right/wrong, fractions), and the correct answers with
    their explanations and source sentences."""

    show_grades: bool
    show_correct: bool


HIDDEN = FeedbackPolicy(show_grades=False, show_correct=False)


def feedback_policy(attempt: Attempt, now: datetime) -> FeedbackPolicy:
    """The one place that decides what an attempt may show, as a whole (see `question_policy` for one question).

    - after each question: the attempt's grades once it is finished (each checked question earlier, per question);
    - after submission: once the attempt is finished;
    - after the quiz closes: once its close time has passed. A quiz set to show feedback after it closes but
      with no close time never closes, so its feedback stays hidden until an instructor gives it one: showing it
      after submission instead would hand the answers to classmates who have not taken it yet.
    Correct answers, explanations and sources follow the grades when the quiz shows correct answers.
    """
    if attempt.is_open:
        return HIDDEN
    quiz = attempt.quiz
    if quiz.feedback_timing == FeedbackTiming.CLOSE:
        shown = quiz.closes_at is not None and now >= quiz.closes_at
    else:
        shown = True
    return FeedbackPolicy(show_grades=shown, show_correct=shown and quiz.show_correct_answers)


def question_policy(attempt: Attempt, question: AttemptQuestion, now: datetime) -> FeedbackPolicy:
    """What one question may show: the attempt's policy, or, with feedback after each question, its own once
    checked."""
    policy = feedback_policy(attempt, now)
    if not policy.show_grades and question.checked and attempt.quiz.feedback_timing == FeedbackTiming.EACH:
        return FeedbackPolicy(show_grades=True, show_correct=attempt.quiz.show_correct_answers)
    return policy


def feedback_note(quiz: Quiz) -> str:
    """The quiz's feedback rule in words, for its page."""
    if quiz.feedback_timing == FeedbackTiming.EACH:
        when = "Each question is marked as soon as you check it"
    elif quiz.feedback_timing == FeedbackTiming.SUBMISSION:
        when = "Your marks are shown once you submit an attempt"
    elif quiz.closes_at is None:
        when = (
            "Your marks are shown after the quiz closes; it has no close time yet, "
            "so they stay hidden until it gets one"
        )
    else:
        when = "Your marks are shown after the quiz closes"
    if quiz.show_correct_answers:
        return when + ", with the correct answers."
    return when + "; the correct answers are not shown."


# --- access ----------------------------------------------------------------------------------------------------


def quizzes_visible_to(user) -> QuerySet[Quiz]:
    """Quizzes whose page the user may open: those they may take, and those they run."""
    if user.is_superuser:
        return Quiz.objects.all()
    return Quiz.objects.filter(
        Q(classroom__memberships__student=user) | Q(classroom__instructors=user) | Q(classroom__isnull=True, owner=user)
    ).distinct()


def get_quiz_for_user(user, pk: int) -> Quiz:
    """A quiz the user may see; others' are 404."""
    return get_object_or_404(quizzes_visible_to(user).select_related("classroom", "tag"), pk=pk)


def can_take(user, quiz: Quiz) -> bool:
    return Quiz.objects.open_to(user).filter(pk=quiz.pk).exists()


def get_quiz_to_take(user, pk: int) -> Quiz:
    """A quiz the user may take (a class they belong to, or their own practice test); others' are 404."""
    return get_object_or_404(Quiz.objects.open_to(user).select_related("classroom"), pk=pk)


def get_attempt_for_learner(user, pk: int) -> Attempt:
    """The learner's own attempt with its quiz; anybody else's is a 404 (instructors read attempts in reports)."""
    return get_object_or_404(Attempt.objects.select_related("quiz"), pk=pk, learner=user)


# --- reading attempts ------------------------------------------------------------------------------------------


def attempts_of(quiz: Quiz, learner) -> list[Attempt]:
    return list(Attempt.objects.filter(quiz=quiz, learner=learner).order_by("number"))


def attempt_questions(attempt: Attempt, *, with_passages: bool = False) -> list[AttemptQuestion]:
    """The attempt's questions in order, with their items' choices and events (one query each)."""
    related = ["item", "item__passage"] if with_passages else ["item"]
    return list(
        AttemptQuestion.objects.filter(attempt_id=attempt.pk)
        .select_related(*related)
        .prefetch_related(
            Prefetch("item__choices", queryset=Choice.objects.order_by("order", "pk")),
            Prefetch("item__events", queryset=Event.objects.order_by("sort_key")),
        )
        .order_by("position")
    )


def quiz_grade(quiz: Quiz, learner) -> float | None:
    """The learner's grade for the quiz by its grading method, over their finished attempts (None: none yet)."""
    scores = list(
        Attempt.objects.filter(quiz=quiz, learner=learner, state=AttemptState.FINISHED)
        .order_by("number")
        .values_list("score", flat=True)
    )
    if not scores:
        return None
    if quiz.grading_method == GradingMethod.FIRST:
        return scores[0]
    if quiz.grading_method == GradingMethod.LAST:
        return scores[-1]
    if quiz.grading_method == GradingMethod.AVERAGE:
        return sum(scores) / len(scores)
    return max(scores)


def practice_tests(learner, deck=None) -> QuerySet[Quiz]:
    """The learner's own practice tests, newest first (of one deck when given)."""
    quizzes = Quiz.objects.filter(classroom__isnull=True, owner=learner)
    if deck is not None:
        quizzes = quizzes.filter(decks=deck)
    return quizzes.order_by("-created_at", "-pk")
