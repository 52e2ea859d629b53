"""Finished attempts made directly in the database, for the report tests (they read attempts, not take them)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

from studyapp.quizzes.models import Attempt, AttemptQuestion, AttemptState, Quiz


def finished_attempt(
    quiz: Quiz,
    learner,
    answers: list[tuple[object, float | None]],
    *,
    number: int = 1,
    mark: float = 1.0,
    started_at: datetime | None = None,
    took: timedelta = timedelta(minutes=7, seconds=30),
) -> Attempt:
    """A finished attempt whose questions are the (item, fraction) pairs in order, each worth `mark`."""
    started_at = started_at or timezone.now() - timedelta(hours=1)
    score = sum(fraction * mark for _, fraction in answers if fraction is not None)
    attempt = Attempt.objects.create(
        quiz=quiz,
        learner=learner,
        number=number,
        state=AttemptState.FINISHED,
        started_at=started_at,
        submitted_at=started_at + took,
        score=score,
        max_score=mark * len(answers),
    )
    AttemptQuestion.objects.bulk_create(
        AttemptQuestion(attempt=attempt, item=item, position=position, mark=mark, fraction=fraction)
        for position, (item, fraction) in enumerate(answers, 1)
    )
    return attempt


def open_attempt(quiz: Quiz, learner, items, *, number: int = 1) -> Attempt:
    attempt = Attempt.objects.create(
        quiz=quiz, learner=learner, number=number, started_at=timezone.now(), max_score=len(items)
    )
    AttemptQuestion.objects.bulk_create(
        AttemptQuestion(attempt=attempt, item=item, position=position) for position, item in enumerate(items, 1)
    )
    return attempt
