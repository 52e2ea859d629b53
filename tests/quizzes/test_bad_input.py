"""Bad input to every post of quizzes: the instructor's quiz form (new, edit, refresh, delete) and regrade, and the
student's start, answers (any key, garbled or forged, any value), submit, review-missed and practice test. Never a
5xx; a refusal says why and saves nothing (see tests/bad_input.py)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import example, given
from hypothesis import strategies as st

from studyapp.library.models import Deck
from studyapp.library.presentation import Showing
from studyapp.quizzes import services
from studyapp.quizzes.models import Attempt, FeedbackTiming, Quiz
from studyapp.review import services as review_services
from tests.bad_input import (
    VALUES,
    client_of,
    form_data,
    holds_nul,
    per_example_rollback,
    post_never_fails,
    refused_changes_nothing,
    rolled_back,
)
from tests.factories import ClassroomFactory, MembershipFactory, QuizFactory
from tests.quizzes.taking import every_kind_deck

COVERS = {
    "quizzes:create",
    "quizzes:edit",
    "quizzes:delete",
    "quizzes:start",
    "quizzes:save",
    "quizzes:submit",
    "quizzes:review_missed",
    "quizzes:practice_new",
    "quizzes:regrade",
}
QUIZ_APPS = ("quizzes", "review")
HTMX = {"HTTP_HX_REQUEST": "true"}
DATETIMES = st.one_of(
    st.datetimes().map(lambda moment: moment.strftime("%Y-%m-%dT%H:%M")),
    st.sampled_from(["0001-01-01T00:00", "9999-12-31T23:59", "2027-02-30T10:00", "2027-03-28T01:30", "24:00", ""]),
)


@pytest.fixture
def deck(instructor) -> Deck:
    return every_kind_deck(instructor, slug="quiz-deck")


@pytest.fixture
def quiz(instructor, student_a, deck) -> Quiz:
    classroom = ClassroomFactory(created_by=instructor)
    MembershipFactory(classroom=classroom, student=student_a)
    return QuizFactory(classroom=classroom, decks=[deck], item_count=deck.items.count(), attempts_allowed=None)


@pytest.fixture
def attempt(student_a, quiz) -> Attempt:
    return services.start_attempt(quiz=quiz, learner=student_a, now=timezone.now())


# --- the instructor's quiz form -------------------------------------------------------------------------------------

QUIZ_FIELDS = [
    "title",
    "decks",
    "selection",
    "item_count",
    "tag",
    "mark",
    "items",
    "time_limit",
    "opens_at",
    "closes_at",
    "attempts_allowed",
    "grading_method",
    "shuffle_questions",
    "shuffle_choices",
    "feedback_timing",
    "show_correct_answers",
    "refresh",
]


def _quiz_good(deck: Deck) -> dict:
    return {
        "title": "A quiz",
        "decks": str(deck.pk),
        "selection": "random",
        "item_count": "3",
        "mark": "1",
        "grading_method": "highest",
        "feedback_timing": FeedbackTiming.SUBMISSION,
        "opens_at": "2030-01-01T10:00",
        "closes_at": "2030-01-02T10:00",
    }


@per_example_rollback
@given(data=st.data(), edit=st.booleans(), zone=st.sampled_from(["UTC", "Pacific/Kiritimati", "America/Adak"]))
def test_the_quiz_form_saves_or_refuses_any_post(instructor, deck, quiz, data, edit, zone):
    good = _quiz_good(deck)
    posted = data.draw(form_data(QUIZ_FIELDS, good=good))
    item_ids = [str(pk) for pk in deck.items.values_list("pk", flat=True)]
    if data.draw(st.booleans()):  # a fixed list of items, with marks and positions of any shape
        posted["selection"] = "fixed"
        posted["items"] = data.draw(st.lists(st.one_of(st.sampled_from(item_ids), VALUES), max_size=4))
        for pk in data.draw(st.lists(st.sampled_from(item_ids), max_size=3)):
            posted[f"mark_{pk}"] = data.draw(VALUES)
            posted[f"position_{pk}"] = data.draw(VALUES)
    for name in ("opens_at", "closes_at"):
        if data.draw(st.booleans()):
            posted[name] = data.draw(DATETIMES)
    settings = review_services.settings_for(instructor)
    settings.timezone = zone
    settings.save()
    teacher = client_of(instructor)
    url = reverse("quizzes:edit", args=[quiz.pk]) if edit else reverse("quizzes:create", args=[quiz.classroom_id])
    with rolled_back():
        refused_changes_nothing(teacher, url, posted, QUIZ_APPS, **(HTMX if data.draw(st.booleans()) else {}))
        assert (
            teacher.get(url, {**{k: v for k, v in posted.items() if not holds_nul({k: v})}, "refresh": "1"}).status_code
            < 500
        )


@pytest.mark.parametrize("zone", ["UTC", "Pacific/Kiritimati", "America/Adak"])
@pytest.mark.parametrize(
    ("opens_at", "closes_at"),
    [
        ("0001-01-01T00:00", ""),
        ("", "9999-12-31T23:59"),
        ("0001-01-01T00:00", "9999-12-31T23:59"),
        ("2027-02-30T10:00", ""),
        ("10000-01-01T00:00", ""),
    ],
)
def test_a_quiz_opening_or_closing_at_the_ends_of_the_calendar_is_refused_or_taken(
    instructor, student_a, deck, quiz, zone, opens_at, closes_at
):
    settings = review_services.settings_for(instructor)
    settings.timezone = zone
    settings.save()
    teacher = client_of(instructor)
    posted = {**_quiz_good(deck), "opens_at": opens_at, "closes_at": closes_at}
    response = post_never_fails(teacher, reverse("quizzes:edit", args=[quiz.pk]), posted)
    if response.status_code == 302:
        # Saved: a student can still start it, answer, submit and see the result.
        student = client_of(student_a)
        started = post_never_fails(student, reverse("quizzes:start", args=[quiz.pk]), {})
        if started.status_code == 302:
            attempt = Attempt.objects.get(quiz=quiz, learner=student_a)
            post_never_fails(student, reverse("quizzes:save", args=[attempt.pk, 1]), {"response": "x"})
            post_never_fails(student, reverse("quizzes:submit", args=[attempt.pk]), {})
            assert student.get(reverse("quizzes:result", args=[attempt.pk])).status_code < 500
        assert student.get(reverse("quizzes:detail", args=[quiz.pk])).status_code < 500
    else:
        assert response.status_code == 422
        assert b"errorlist" in response.content


@per_example_rollback
@given(posted=form_data(["confirm", "title"]), name=st.sampled_from(["quizzes:delete", "quizzes:regrade"]))
def test_deleting_and_regrading_a_quiz_ignore_any_other_field(instructor, quiz, attempt, posted, name):
    with rolled_back():
        post_never_fails(client_of(instructor), reverse(name, args=[quiz.pk]), posted)


# --- the student's attempt ------------------------------------------------------------------------------------------


@per_example_rollback
@given(data=st.data(), htmx=st.booleans())
@example(data=None, htmx=True)
def test_an_answer_of_any_shape_to_any_question_is_saved_or_refused(client, student_a, attempt, data, htmx):
    client.force_login(student_a)
    questions = list(attempt.questions.select_related("item"))
    if data is None:  # the one example: a 100 kB answer to every question
        cases = [(question.position, {"response": "x" * 100_000}) for question in questions]
    else:
        question = data.draw(st.sampled_from(questions))
        showing = Showing(question.showing)
        keys = [showing.key("choice", c.pk) for c in question.item.choices.all()]
        keys += [f"position-{showing.key('event', e.pk)}" for e in question.item.events.all()]
        posted = data.draw(form_data(["response", "choice", *keys]))
        if keys and data.draw(st.booleans()):
            posted["choice"] = data.draw(st.lists(st.sampled_from(keys), max_size=3))
        position = data.draw(st.one_of(st.just(question.position), st.sampled_from([0, 2**31, 10**18 - 1])))
        cases = [(position, posted)]
    with rolled_back():
        for position, posted in cases:
            url = reverse("quizzes:save", args=[attempt.pk, position])
            response = refused_changes_nothing(client, url, posted, QUIZ_APPS, **(HTMX if htmx else {}))
            assert response.status_code in (200, 302, 400, 404, 409, 422)


@per_example_rollback
@given(posted=form_data(["confirm", "token"]), name=st.sampled_from(["quizzes:submit", "quizzes:review_missed"]))
def test_submitting_and_review_missed_ignore_any_other_field(client, student_a, attempt, posted, name):
    client.force_login(student_a)
    with rolled_back():
        post_never_fails(client, reverse(name, args=[attempt.pk]), posted)


@per_example_rollback
@given(posted=form_data(["confirm"]))
def test_starting_a_quiz_ignores_any_other_field(client, student_a, quiz, posted):
    client.force_login(student_a)
    with rolled_back():
        post_never_fails(client, reverse("quizzes:start", args=[quiz.pk]), posted)


@per_example_rollback
@given(posted=form_data(["item_count", "time_limit"], good={"item_count": "3", "time_limit": "10"}))
@example(posted={"item_count": "9" * 5000})
@example(posted={"item_count": "3", "time_limit": "1e999999999"})
@example(posted={"item_count": "١"})
def test_a_practice_test_is_started_or_refused(client, student_a, deck, posted):
    review_services.study_deck(learner=student_a, deck=deck, now=timezone.now())
    client.force_login(student_a)
    with rolled_back():
        refused_changes_nothing(client, reverse("quizzes:practice_new", args=[deck.slug]), posted, QUIZ_APPS)
