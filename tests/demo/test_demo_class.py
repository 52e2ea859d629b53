"""The demo class and quiz that load_demo makes: who is in it, the quiz's settings, and attempts worth reporting on.

Ada's simulated review history (seconds to make) is replaced by a stub: none of these tests look at it. The
read-only checks share one load (a class-scoped transaction, rolled back after the class).
"""

from __future__ import annotations

import re
from datetime import timedelta
from io import StringIO
from unittest import mock

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

from studyapp.accounts.models import User
from studyapp.accounts.roles import STUDENTS
from studyapp.classroom.models import Classroom, Membership
from studyapp.demo import classroom as demo
from studyapp.demo.history import HistorySummary
from studyapp.library.models import Deck
from studyapp.quizzes import reports
from studyapp.quizzes.models import Attempt, AttemptQuestion, AttemptState, Quiz
from studyapp.review.models import StudiedDeck

pytestmark = pytest.mark.django_db

DEMO_DECK_SLUG = "left-opposition-1927"


def load_demo(**options) -> str:
    out = StringIO()
    with mock.patch("studyapp.demo.management.commands.load_demo.simulate_history", return_value=HistorySummary(0, 0)):
        call_command("load_demo", quiet_logins=True, stdout=out, **options)
    return out.getvalue()


@pytest.fixture(scope="class")
def _loaded_once(django_db_setup, django_db_blocker):
    """load_demo once for the class, in a transaction rolled back after it (each test in a savepoint inside)."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            with override_settings(DEBUG=True):
                output = load_demo()
        except BaseException:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            raise
    yield output
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        atomic.__exit__(None, None, None)


class TestTheLoadedDemo:
    @pytest.fixture
    def output(self, _loaded_once, db) -> str:
        return _loaded_once

    @pytest.fixture
    def quiz(self, output) -> Quiz:
        return Quiz.objects.select_related("classroom", "tag").get(title=demo.QUIZ_TITLE)

    def test_the_demo_class_is_taught_by_irene_with_ada_ben_and_generated_students(self, quiz):
        classroom = quiz.classroom
        members = set(Membership.objects.filter(classroom=classroom).values_list("student__username", flat=True))

        assert classroom.name == "Demo class"
        assert list(classroom.instructors.values_list("username", flat=True)) == ["irene"]
        assert {"ada", "ben"} <= members
        assert len(members) == 2 + demo.GENERATED_STUDENTS
        assert list(classroom.assignments.values_list("deck__slug", flat=True)) == [DEMO_DECK_SLUG]
        # An assigned deck is in every member's studies, as joining gives it.
        assert StudiedDeck.objects.filter(deck__slug=DEMO_DECK_SLUG, learner__username__in=members).count() == len(
            members
        )

    def test_generated_students_are_students_nobody_can_log_in_as(self, quiz):
        generated = User.objects.filter(username__startswith=demo.GENERATED_PREFIX)

        assert generated.count() == demo.GENERATED_STUDENTS
        for user in generated:
            assert not user.has_usable_password()
            assert user.groups.filter(name=STUDENTS).exists()
            assert not user.is_staff

    def test_the_demo_quiz_has_the_issue_s_settings(self, quiz):
        assert quiz.owner.username == "irene"
        assert (quiz.selection, quiz.item_count, quiz.attempts_allowed) == ("random", 10, 2)
        assert quiz.time_limit == timedelta(minutes=15)
        assert quiz.feedback_timing == "submission"
        assert list(quiz.decks.values_list("slug", flat=True)) == [DEMO_DECK_SLUG]
        assert quiz.tag.name == "dates"

    def test_load_demo_prints_the_demo_quiz_s_id(self, output, quiz):
        assert f"is quiz {quiz.pk}: python manage.py quiz_report {quiz.pk} --format json" in output

    def test_about_thirty_finished_attempts_within_the_rules(self, quiz):
        attempts = list(Attempt.objects.filter(quiz=quiz).select_related("learner"))

        assert len(attempts) == demo.GENERATED_STUDENTS + demo.SECOND_ATTEMPTS == 30
        assert {attempt.state for attempt in attempts} == {AttemptState.FINISHED}
        assert all(attempt.learner.username.startswith(demo.GENERATED_PREFIX) for attempt in attempts)
        for attempt in attempts:
            assert attempt.submitted_at - attempt.started_at < quiz.time_limit
            assert not attempt.submitted_automatically
            assert attempt.questions.count() == 10
        second = [attempt for attempt in attempts if attempt.number == 2]
        assert len(second) == demo.SECOND_ATTEMPTS
        for attempt in second:
            first = Attempt.objects.get(quiz=quiz, learner=attempt.learner, number=1)
            assert attempt.started_at > first.submitted_at

    def test_the_answers_are_right_partly_right_and_wrong_so_the_analysis_has_spread(self, quiz):
        fractions = list(AttemptQuestion.objects.filter(attempt__quiz=quiz).values_list("fraction", flat=True))
        scores = list(Attempt.objects.filter(quiz=quiz).values_list("score", flat=True))
        rows = reports.item_rows(quiz)

        assert 0.0 in fractions
        assert 1.0 in fractions
        assert sum(1 for fraction in fractions if 0 < fraction < 1) >= 20  # partial credit: numbers, chronologies
        assert max(scores) - min(scores) >= 3
        assert len(rows) >= 12  # most of the 15 "dates" items were drawn
        assert sum(1 for row in rows if row.figures.discrimination_index is not None) >= 10
        assert all(row.figures.attempts >= 5 for row in rows)

    def test_loading_again_changes_nothing(self, quiz, settings):
        def counts():
            return [model.objects.count() for model in (User, Classroom, Membership, Quiz, Attempt, AttemptQuestion)]

        settings.DEBUG = True
        before = counts()

        output = load_demo()

        assert counts() == before
        assert "already there" in output
        assert f"is quiz {quiz.pk}:" in output


def test_without_history_the_class_and_quiz_are_made_and_the_attempts_come_with_a_later_full_load(settings):
    settings.DEBUG = True

    load_demo(skip_history=True)

    quiz = Quiz.objects.get(title=demo.QUIZ_TITLE)
    assert not quiz.attempts.exists()
    assert not User.objects.filter(username__startswith=demo.GENERATED_PREFIX).exists()
    assert set(quiz.classroom.memberships.values_list("student__username", flat=True)) == {"ada", "ben"}

    output = load_demo()

    assert quiz.attempts.filter(state=AttemptState.FINISHED).count() == 30
    assert re.search(r"made 30 finished attempts", output)


def test_with_debug_off_there_is_no_demo_class(instructor, settings):
    settings.DEBUG = False

    call_command("load_demo", owner=instructor.username, stdout=StringIO())

    assert Deck.objects.filter(slug=DEMO_DECK_SLUG).exists()
    assert not Classroom.objects.exists()
    assert not Quiz.objects.exists()
