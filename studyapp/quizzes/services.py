"""Writes of the quizzes app: starting an attempt, saving answers, submitting, closing overdue attempts, regrading.

The server decides everything about an attempt. Starting one fixes its questions (drawn with the attempt's
secret seed), their order, each question's showing (the keys and order of its choices and events) and its
deadline. Saving refuses what comes too late, for a question not in the attempt, for a key not of the
question's showing, or for a question already graded. Grading reads only what the server stored.

Locking: a save locks its question row; submitting locks the attempt and then all its questions. So a save that
is under way when the attempt is submitted is graded with it, and a save that comes after finds its question
graded (`fraction` set) and is refused, whichever of the two reached the database first.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max, Prefetch
from django.http import QueryDict
from django.utils import formats, timezone

from studyapp.library import grading, presentation
from studyapp.library.grading import Grade
from studyapp.library.models import Choice, Event, Item, ItemKind
from studyapp.quizzes.models import Attempt, AttemptQuestion, AttemptState, FeedbackTiming, Quiz, Selection

# Items a quiz asks as typed answers: flip cards have no self-rating in a quiz.
TYPED_IN_QUIZ = presentation.SELF_RATED_KINDS


class AttemptRefused(Exception):
    """The learner can't start an attempt now (not open yet, closed, no attempts left, no questions)."""


class AnswerRefused(Exception):
    """An answer that can't be saved; `status` is the HTTP status a view should answer with."""

    def __init__(self, message: str, status: int = 409) -> None:
        super().__init__(message)
        self.status = status


def grace() -> timedelta:
    """How long after the deadline a save is still taken (network latency, a slow submit)."""
    return timedelta(seconds=getattr(settings, "QUIZ_GRACE_SECONDS", 30))


def is_overdue(attempt: Attempt, now: datetime) -> bool:
    """Open, and past its deadline plus the grace: nothing more can be saved; it is submitted as it stands."""
    return attempt.is_open and attempt.deadline is not None and now > attempt.deadline + grace()


def _when(moment: datetime) -> str:
    return formats.date_format(timezone.localtime(moment), "j M Y, H:i")


# --- starting --------------------------------------------------------------------------------------------------


def draw(quiz: Quiz, seed: int) -> list[tuple[int, float]]:
    """The (item id, mark) pairs of an attempt with this seed, in the order asked.

    Random draws sample from the quiz's items in a stable order (deck, position), so the same seed gives the same
    questions and every item is equally likely over many attempts. The question order is shuffled with the same
    generator when the quiz shuffles questions.
    """
    # Not for secrets: the seed is the secret (kept on the server); the generator only has to be reproducible.
    rng = random.Random(seed)  # noqa: S311
    if quiz.selection == Selection.FIXED:
        picked = list(quiz.quiz_items.order_by("position").values_list("item_id", "mark"))
    else:
        items = Item.objects.filter(deck__in=quiz.decks.all())
        if quiz.tag_id is not None:
            items = items.filter(tags=quiz.tag_id)
        pool = list(items.order_by("deck_id", "position", "pk").values_list("pk", flat=True).distinct())
        chosen = rng.sample(range(len(pool)), min(quiz.item_count or 0, len(pool)))
        if not quiz.shuffle_questions:
            chosen.sort()  # the decks' order
        picked = [(pool[index], quiz.mark) for index in chosen]
    if quiz.shuffle_questions:
        rng.shuffle(picked)
    return picked


def deadline_for(quiz: Quiz, started_at: datetime) -> datetime | None:
    """Start plus the time limit, capped at the quiz's close time (as Moodle does); None when neither applies."""
    ends = [moment for moment in (quiz.time_limit and started_at + quiz.time_limit, quiz.closes_at) if moment]
    return min(ends) if ends else None


def _open_attempt(quiz: Quiz, learner) -> Attempt | None:
    return Attempt.objects.filter(quiz=quiz, learner=learner, state=AttemptState.IN_PROGRESS).first()


def start_attempt(*, quiz: Quiz, learner, now: datetime, number: int | None = None) -> Attempt:
    """The learner's open attempt at the quiz, or a new one with its questions fixed.

    Raises AttemptRefused when the quiz is not open yet, has closed, the learner has no attempts left, there
    is nothing to ask, or `number` (the attempt the Start form was for) is not the one to start now: the form
    was sent again after that attempt was over. Whether the learner may take the quiz at all is the caller's
    check (Quiz.objects.open_to).
    """
    close_overdue_attempts(now=now, quiz=quiz, learner=learner)
    existing = _open_attempt(quiz, learner)
    if existing is not None:
        return existing
    if quiz.opens_at and now < quiz.opens_at:
        raise AttemptRefused(f"This quiz opens on {_when(quiz.opens_at)}.")
    if quiz.closes_at and now >= quiz.closes_at:
        raise AttemptRefused(f"This quiz closed on {_when(quiz.closes_at)}.")
    used = Attempt.objects.filter(quiz=quiz, learner=learner).aggregate(last=Max("number"))["last"] or 0
    if number is not None and number != used + 1:
        raise AttemptRefused(f"Attempt {number} was started already. To start another, use the quiz's page.")
    if quiz.attempts_allowed is not None and used >= quiz.attempts_allowed:
        allowed = quiz.attempts_allowed
        raise AttemptRefused(f"You have used your {allowed} attempt{'s' if allowed != 1 else ''} at this quiz.")
    attempt = Attempt(quiz=quiz, learner=learner, number=used + 1, started_at=now, deadline=deadline_for(quiz, now))
    questions = draw(quiz, attempt.seed)
    if not questions:
        raise AttemptRefused("This quiz has no questions yet.")
    attempt.max_score = sum(mark for _, mark in questions)
    with transaction.atomic():
        try:
            # A savepoint: another tab or device starting at the same moment makes this insert fail on the
            # one-open-attempt (or the attempt number) constraint; the attempt it started is the one to resume.
            with transaction.atomic():
                attempt.save(force_insert=True)
        except IntegrityError:
            existing = _open_attempt(quiz, learner)
            if existing is None:
                raise AttemptRefused("Another attempt was started at the same moment; reload the quiz.") from None
            return existing
        AttemptQuestion.objects.bulk_create(
            AttemptQuestion(attempt=attempt, item_id=item_id, position=position, mark=mark)
            for position, (item_id, mark) in enumerate(questions, start=1)
        )
    return attempt


# --- answering -------------------------------------------------------------------------------------------------


def grade_answer(item: Item, answer: Any) -> Grade | None:
    """The grade of a stored answer (None when nothing was answered). Flip cards are graded as typed answers."""
    if answer is None or answer == "" or answer == []:
        return None
    if item.kind in TYPED_IN_QUIZ:
        try:
            return grading.grade_text(str(answer), answer=item.answer, accepted=item.accepted_answers)
        except ValueError:
            return None
    try:
        return presentation.grade(item, answer)
    except presentation.BadResponse:
        return None  # the item was edited so that the stored answer no longer fits it


def fraction_of(item: Item, answer: Any) -> float:
    result = grade_answer(item, answer)
    return 0.0 if result is None else min(max(float(result.score), 0.0), 1.0)


def _is_blank(item: Item, data: QueryDict) -> bool:
    """Nothing answered: no choice ticked, or an empty text box. Saving that clears the saved answer."""
    if item.kind == ItemKind.MULTIPLE_CHOICE:
        return not data.getlist("choice")
    if item.kind == ItemKind.CHRONOLOGY:
        return False
    return not data.get("response", "").strip()


def _question_for_save(attempt: Attempt, position: int) -> AttemptQuestion:
    """The question at `position` of the learner's attempt, joined to its attempt and quiz, its row locked."""
    question = (
        AttemptQuestion.objects.select_for_update(of=("self",))
        .select_related("attempt__quiz", "item")
        .filter(attempt_id=attempt.pk, attempt__learner_id=attempt.learner_id, position=position)
        .first()
    )
    if question is None:
        raise AnswerRefused("That question is not part of this attempt.", status=404)
    return question


def save_answer(*, attempt: Attempt, position: int, data: QueryDict, now: datetime) -> AttemptQuestion:
    """Save the learner's answer to one question of their open attempt (one short transaction).

    With feedback after each question, saving is checking: the answer is graded at once and the question locked.
    The later of two saves of one question wins. Raises AnswerRefused with a message a learner can act on.
    """
    with transaction.atomic():
        question = _question_for_save(attempt, position)
        current = question.attempt
        if not current.is_open or (question.fraction is not None and not question.checked):
            if current.submitted_automatically:
                raise AnswerRefused("Time ran out: the attempt was submitted with the answers saved in time.")
            raise AnswerRefused("This attempt has been submitted: answers can no longer change.")
        if question.checked:
            raise AnswerRefused("This question has been checked: its answer can no longer change.")
        if current.deadline is not None and now > current.deadline + grace():
            raise AnswerRefused("Time is up: answers can no longer be saved. The attempt is submitted as it stands.")
        item = question.item
        if _is_blank(item, data):
            text, answer = "", None
        else:
            try:
                text, answer = presentation.read_response(item, presentation.Showing(question.showing), data)
            except presentation.BadResponse as error:
                raise AnswerRefused(str(error), status=422) from None
        question.response, question.answer, question.saved_at = text, answer, now
        fields = ["response", "answer", "saved_at"]
        if current.quiz.feedback_timing == FeedbackTiming.EACH:
            if answer is None:
                raise AnswerRefused("Answer the question before checking it.", status=422)
            question.fraction, question.checked = fraction_of(item, answer), True
            fields += ["fraction", "checked"]
        question.save(update_fields=fields)
    return question


# --- submitting ------------------------------------------------------------------------------------------------


def _graded_questions(attempt: Attempt, *, lock: bool) -> list[AttemptQuestion]:
    questions = AttemptQuestion.objects.filter(attempt_id=attempt.pk).select_related("item").order_by("position")
    if lock:
        questions = questions.select_for_update(of=("self",))
    questions = questions.prefetch_related(
        Prefetch("item__choices", queryset=Choice.objects.order_by("order", "pk")),
        Prefetch("item__events", queryset=Event.objects.order_by("sort_key")),
    )
    return list(questions)


def submit_attempt(*, attempt: Attempt, now: datetime, automatically: bool = False) -> Attempt:
    """Finish the attempt and grade every question from what the server stored (unanswered: 0).

    Submitting a finished attempt again changes nothing. An attempt submitted past its deadline plus grace counts
    as submitted automatically, and one submitted automatically is stamped with its deadline, the time it was
    really over (the command may run minutes later).
    """
    with transaction.atomic():
        locked = Attempt.objects.select_for_update().select_related("quiz").get(pk=attempt.pk)
        if not locked.is_open:
            return locked
        automatically = automatically or is_overdue(locked, now)
        questions = _graded_questions(locked, lock=True)
        score = 0.0
        for question in questions:
            if not question.checked:
                question.fraction = fraction_of(question.item, question.answer)
            score += question.fraction * question.mark
        AttemptQuestion.objects.bulk_update(questions, ["fraction"])
        locked.state = AttemptState.FINISHED
        locked.score = score
        locked.submitted_automatically = automatically
        locked.submitted_at = min(now, locked.deadline) if automatically and locked.deadline else now
        locked.save(update_fields=["state", "score", "submitted_automatically", "submitted_at"])
    return locked


def close_if_overdue(*, attempt: Attempt, now: datetime) -> Attempt:
    """The attempt as it stands now: submitted with what was saved if its time (plus grace) ran out.

    Every view that touches an attempt calls this first, so an abandoned attempt is closed on the next request.
    """
    if is_overdue(attempt, now):
        return submit_attempt(attempt=attempt, now=now, automatically=True)
    return attempt


def close_overdue_attempts(*, now: datetime, quiz: Quiz | None = None, learner=None) -> int:
    """Submit every open attempt past its deadline plus grace (of one quiz, or one learner's); how many."""
    overdue = Attempt.objects.filter(state=AttemptState.IN_PROGRESS, deadline__lt=now - grace())
    if quiz is not None:
        overdue = overdue.filter(quiz=quiz)
    if learner is not None:
        overdue = overdue.filter(learner=learner)
    closed = 0
    for attempt in overdue.order_by("deadline", "pk"):
        if submit_attempt(attempt=attempt, now=now, automatically=True).submitted_automatically:
            closed += 1
    return closed


def regrade(*, quiz: Quiz) -> int:
    """Grade the quiz's finished attempts again from their stored answers (after an item was fixed); how many."""
    count = 0
    for attempt in Attempt.objects.filter(quiz=quiz, state=AttemptState.FINISHED).order_by("pk"):
        with transaction.atomic():
            questions = _graded_questions(attempt, lock=True)
            for question in questions:
                question.fraction = fraction_of(question.item, question.answer)
            AttemptQuestion.objects.bulk_update(questions, ["fraction"])
            score = sum(question.fraction * question.mark for question in questions)
            Attempt.objects.filter(pk=attempt.pk).update(score=score)
        count += 1
    return count


@dataclass(frozen=True)
class PracticeTest:
    quiz: Quiz
    attempt: Attempt


def start_practice_test(*, learner, deck, item_count: int, time_limit: timedelta | None, now: datetime) -> PracticeTest:
    """A student's own practice test of a deck they study (Quizlet's Test mode), started at once.

    Random items, feedback after each question with the answers shown, unlimited attempts.
    """
    available = deck.items.count()
    if available == 0:
        raise AttemptRefused("This deck has no items to test you on yet.")
    with transaction.atomic():
        quiz = Quiz.objects.create(
            title=f"Practice test: {deck.title}"[:200],
            classroom=None,
            owner=learner,
            selection=Selection.RANDOM,
            item_count=max(1, min(item_count, available)),
            time_limit=time_limit,
            attempts_allowed=None,
            feedback_timing=FeedbackTiming.EACH,
            show_correct_answers=True,
            shuffle_questions=True,
            shuffle_choices=True,
        )
        quiz.decks.add(deck)
        attempt = start_attempt(quiz=quiz, learner=learner, now=now)
    return PracticeTest(quiz, attempt)
