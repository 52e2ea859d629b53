"""Two saves of one question, and two starts of one quiz, at the same moment (PostgreSQL only).

SQLite serialises writers, so neither race can happen there; on PostgreSQL two threads with their own
connections start together at a barrier. Run with
DATABASE_URL=postgres://postgres@127.0.0.1:5432/studyapp_b .venv/bin/pytest tests/quizzes/test_concurrency.py
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.http import QueryDict

from studyapp.library.models import ItemKind
from studyapp.quizzes import services
from studyapp.quizzes.models import Attempt, AttemptQuestion, AttemptState
from tests.quizzes.taking import NOW, answer_data, class_quiz, every_kind_deck, questions_of
from tests.review.test_concurrency import run_together

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: SQLite serialises writers, so two saves or starts can't race",
    ),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

ROUNDS = 5


def test_two_starts_at_once_give_one_attempt(student_a):
    deck = every_kind_deck()
    for _ in range(ROUNDS):
        quiz = class_quiz(student_a, deck)

        def begin(quiz=quiz):
            return services.start_attempt(quiz=quiz, learner=student_a, now=NOW)

        results = run_together(begin, begin)

        assert not [r for r in results if isinstance(r, Exception)], results
        assert results[0].pk == results[1].pk
        attempt = Attempt.objects.get(quiz=quiz)
        assert attempt.state == AttemptState.IN_PROGRESS
        assert attempt.questions.count() == 8


def test_two_saves_of_one_question_at_once_keep_one_of_them_whole(student_a):
    deck = every_kind_deck()
    quiz = class_quiz(student_a, deck)
    attempt = services.start_attempt(quiz=quiz, learner=student_a, now=NOW)
    typed = next(q for q in questions_of(attempt) if q.item.kind == ItemKind.TYPED)
    for round_ in range(ROUNDS):
        first, second = QueryDict(f"response=first {round_}"), QueryDict(f"response=second {round_}")

        results = run_together(
            lambda data=first: services.save_answer(attempt=attempt, position=typed.position, data=data, now=NOW),
            lambda data=second: services.save_answer(attempt=attempt, position=typed.position, data=data, now=NOW),
        )

        assert not [r for r in results if isinstance(r, Exception)], results
        saved = AttemptQuestion.objects.get(pk=typed.pk)
        assert saved.response in {f"first {round_}", f"second {round_}"}
        assert saved.answer == saved.response


def test_a_save_racing_the_submission_is_graded_or_refused_never_lost(student_a):
    deck = every_kind_deck()
    for _ in range(ROUNDS):
        quiz = class_quiz(student_a, deck)
        attempt = services.start_attempt(quiz=quiz, learner=student_a, now=NOW)
        number = next(q for q in questions_of(attempt) if q.item.kind == ItemKind.NUMBER)

        data = answer_data(number)  # built here: the threads only save and submit
        results = run_together(
            lambda a=attempt, p=number.position, d=data: services.save_answer(attempt=a, position=p, data=d, now=NOW),
            lambda a=attempt: services.submit_attempt(attempt=a, now=NOW),
        )

        saved, submitted = results
        assert not isinstance(submitted, Exception), submitted
        finished = Attempt.objects.get(pk=attempt.pk)
        row = AttemptQuestion.objects.get(pk=number.pk)
        if isinstance(saved, Exception):
            assert isinstance(saved, services.AnswerRefused), saved
            assert (row.answer, finished.score) == (None, 0)
        else:
            assert finished.score == row.fraction == 1  # saved first, then graded with the attempt
