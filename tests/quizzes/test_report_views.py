"""The quiz report through the test client: who may see it (the user cast), what it shows, its CSV, regrading."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone

from studyapp.library.models import ItemKind
from studyapp.quizzes import services
from studyapp.quizzes.models import Attempt, AttemptState, Quiz, Selection
from tests.factories import (
    ClassroomFactory,
    DeckFactory,
    ItemFactory,
    MembershipFactory,
    QuizFactory,
    UserFactory,
)
from tests.quizzes.report_helpers import finished_attempt, open_attempt

pytestmark = pytest.mark.django_db

REPORT_GETS = ["quizzes:report", "quizzes:report_csv"]


@pytest.fixture
def classroom(instructor, student_a, student_b):
    classroom = ClassroomFactory(created_by=instructor, name="Soviet history 1923–1927")
    MembershipFactory(classroom=classroom, student=student_a)
    MembershipFactory(classroom=classroom, student=student_b)
    return classroom


@pytest.fixture
def deck(instructor):
    return DeckFactory(owner=instructor)


@pytest.fixture
def items(deck):
    return [ItemFactory(deck=deck, prompt=f"Question {n}") for n in (1, 2, 3)]


@pytest.fixture
def quiz(classroom, deck, items) -> Quiz:
    return QuizFactory(classroom=classroom, title="Left Opposition check", decks=[deck], item_count=3)


@pytest.fixture
def attempted(quiz, items, student_a, student_b) -> Quiz:
    finished_attempt(quiz, student_a, [(items[0], 1.0), (items[1], 1.0), (items[2], 0.5)])
    finished_attempt(quiz, student_b, [(items[0], 1.0), (items[1], 0.0), (items[2], 1.0)])
    finished_attempt(quiz, student_a, [(items[0], 0.0), (items[1], 1.0), (items[2], 0.0)], number=2)
    return quiz


def csv_rows(response) -> list[list[str]]:
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = b"".join(response.streaming_content).decode("utf-8")
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))


# --- who may see it ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", REPORT_GETS)
@pytest.mark.parametrize("who", ["student_a", "student_b", "other_instructor"])
def test_students_and_other_instructors_get_404(client, request, attempted, name, who):
    client.force_login(request.getfixturevalue(who))

    assert client.get(reverse(name, args=[attempted.pk])).status_code == 404
    assert client.post(reverse("quizzes:regrade", args=[attempted.pk])).status_code == 404


@pytest.mark.parametrize("name", REPORT_GETS)
@pytest.mark.parametrize("who", ["instructor", "admin_user"])
def test_the_class_s_instructor_and_a_superuser_see_the_report(client, request, attempted, name, who):
    client.force_login(request.getfixturevalue(who))

    assert client.get(reverse(name, args=[attempted.pk])).status_code == 200


def test_a_co_instructor_sees_the_report(client, attempted, other_instructor):
    attempted.classroom.instructors.add(other_instructor)
    client.force_login(other_instructor)

    assert client.get(reverse("quizzes:report", args=[attempted.pk])).status_code == 200


def test_anonymous_visitors_are_sent_to_log_in(client, attempted):
    response = client.get(reverse("quizzes:report", args=[attempted.pk]))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("who", ["student_a", "instructor", "admin_user"])
def test_a_practice_test_has_no_report_for_anyone(client, request, student_a, deck, who):
    practice = QuizFactory(classroom=None, owner=student_a, decks=[deck], item_count=3)
    client.force_login(request.getfixturevalue(who))

    assert client.get(reverse("quizzes:report", args=[practice.pk])).status_code == 404
    assert client.get(reverse("quizzes:report_csv", args=[practice.pk])).status_code == 404
    assert client.post(reverse("quizzes:regrade", args=[practice.pk])).status_code == 404


def test_an_unknown_quiz_is_404(client, instructor):
    client.force_login(instructor)

    assert client.get(reverse("quizzes:report", args=[999_999])).status_code == 404


def test_regrade_wants_a_post(client, instructor, attempted):
    client.force_login(instructor)

    assert client.get(reverse("quizzes:regrade", args=[attempted.pk])).status_code == 405


# --- the page ----------------------------------------------------------------------------------------------


def test_the_page_shows_attempts_the_chart_and_the_item_analysis(client, instructor, attempted, items):
    client.force_login(instructor)

    response = client.get(reverse("quizzes:report", args=[attempted.pk]))

    page = response.content.decode()
    assert "Left Opposition check" in page
    assert "student_a" in page
    assert "student_b" in page
    assert 'id="quiz-scores"' in page
    assert "<svg" in page
    assert "all of each student's attempts" in page  # which attempts count, said on the page
    for item in items:
        assert reverse("library:item_edit", args=[item.pk]) in page
    rows = response.context["item_rows"]
    assert [row.figures.attempts for row in rows] == [3, 3, 3]
    assert rows[0].figures.facility == pytest.approx(2 / 3)
    assert response.context["summary"].finished == 3


def test_a_negative_item_is_flagged_on_the_page(client, instructor, quiz, items):
    # Item 3 is right exactly when the rest of the attempt is poor: its discrimination index is -1.
    for first, third in [(1.0, 0.0), (1.0, 0.0), (0.0, 1.0), (0.0, 1.0)]:
        finished_attempt(quiz, UserFactory(), [(items[0], first), (items[1], first), (items[2], third)])
    client.force_login(instructor)

    response = client.get(reverse("quizzes:report", args=[quiz.pk]))

    row = response.context["item_rows"][2]
    assert row.figures.discrimination_index == pytest.approx(-1.0)
    assert row.figures.flag == "negative"
    assert "negative: check the key" in response.content.decode()


def test_items_link_to_their_edit_page_only_for_those_who_may_edit_them(client, attempted, items, other_instructor):
    # A co-instructor runs the quiz, but the deck is the instructor's own: its items are not theirs to change.
    attempted.classroom.instructors.add(other_instructor)
    edit_urls = [reverse("library:item_edit", args=[item.pk]) for item in items]
    client.force_login(other_instructor)

    page = client.get(reverse("quizzes:report", args=[attempted.pk])).content.decode()
    assert not any(url in page for url in edit_urls)
    assert all(client.get(url).status_code == 404 for url in edit_urls)  # where the links would have led

    items[0].deck.co_owners.add(other_instructor)
    page = client.get(reverse("quizzes:report", args=[attempted.pk])).content.decode()
    assert all(url in page for url in edit_urls)


def test_open_attempts_are_listed_but_not_analysed(client, instructor, attempted, items, student_b):
    open_attempt(attempted, student_b, items, number=2)
    client.force_login(instructor)

    response = client.get(reverse("quizzes:report", args=[attempted.pk]))

    assert "In progress" in response.content.decode()
    assert [row.figures.attempts for row in response.context["item_rows"]] == [3, 3, 3]
    assert response.context["summary"].attempts == 4


def test_an_overdue_attempt_is_submitted_before_the_report_is_made(client, instructor, attempted, items, student_b):
    late = open_attempt(attempted, student_b, items, number=2)
    Attempt.objects.filter(pk=late.pk).update(
        started_at=timezone.now() - timedelta(hours=2), deadline=timezone.now() - timedelta(hours=1)
    )
    client.force_login(instructor)

    response = client.get(reverse("quizzes:report", args=[attempted.pk]))

    late.refresh_from_db()
    assert late.state == AttemptState.FINISHED
    assert late.submitted_automatically
    assert response.context["summary"].finished == 4


def test_the_attempts_table_is_paged(client, instructor, quiz, items):
    for _ in range(53):
        finished_attempt(quiz, UserFactory(), [(items[0], 1.0)])
    client.force_login(instructor)
    url = reverse("quizzes:report", args=[quiz.pk])

    first = client.get(url)
    second = client.get(url, {"page": 2}, headers={"HX-Request": "true"})

    assert len(first.context["attempt_rows"]) == 50
    assert "Page 1 of 2 (53 attempts)" in first.content.decode()
    table = second.content.decode()
    assert "<html" not in table  # the table alone, for htmx
    assert '<div id="quiz-attempts" data-announce="Attempts, page 2 of 2.">' in table
    assert table.count("<tr>") == 1 + 3  # the header and the last three attempts
    assert "Page 2 of 2 (53 attempts)" in table
    assert client.get(url, {"page": "nonsense"}).status_code == 200  # the first page, not an error


@pytest.mark.parametrize("attempts", [4, 40])
def test_the_page_takes_a_fixed_number_of_queries(client, instructor, quiz, items, attempts, django_assert_num_queries):
    for n in range(attempts):
        fractions = [(n % 3) / 2, ((n + 1) % 2) * 1.0, (n % 5) / 4]
        finished_attempt(quiz, UserFactory(), list(zip(items, fractions, strict=True)))
    client.force_login(instructor)
    url = reverse("quizzes:report", args=[quiz.pk])
    # 1. the session's user; 2. the quiz, if the user runs its class; 3. overdue open attempts (none);
    # 4. the count of attempts and 5. the page of them (the paginator); 6. the scores, for the chart;
    # 7. the finished attempts' questions; 8. their items.
    with django_assert_num_queries(8):
        response = client.get(url)
    assert response.status_code == 200
    assert response.context["summary"].finished == attempts


# --- CSV ---------------------------------------------------------------------------------------------------


def test_the_attempts_csv_lists_every_attempt(client, instructor, attempted):
    client.force_login(instructor)

    rows = csv_rows(client.get(reverse("quizzes:report_csv", args=[attempted.pk])))

    assert rows[0][:3] == ["Student", "Attempt", "State"]
    assert [(row[0], row[1], row[2], row[7], row[8]) for row in rows[1:]] == [
        ("student_a", "1", "Finished", "2.5", "3.0"),
        ("student_a", "2", "Finished", "1.0", "3.0"),
        ("student_b", "1", "Finished", "2.0", "3.0"),
    ]
    assert rows[1][5] == "450"  # 7 min 30 s


def test_the_item_csv_has_the_figures(client, instructor, attempted, items):
    client.force_login(instructor)

    rows = csv_rows(client.get(reverse("quizzes:report_csv", args=[attempted.pk]), {"table": "items"}))

    assert rows[0] == [
        "Item id",
        "Item",
        "Attempts",
        "Facility (%)",
        "Standard deviation (%)",
        "Discrimination index",
        "Discriminative efficiency",
        "Flag",
    ]
    assert [row[:4] for row in rows[1:]] == [
        [str(items[0].pk), "Question 1", "3", "66.7"],
        [str(items[1].pk), "Question 2", "3", "66.7"],
        [str(items[2].pk), "Question 3", "3", "50.0"],
    ]


def test_csv_cells_that_a_spreadsheet_would_run_are_escaped(client, instructor, quiz, deck):
    trap = ItemFactory(deck=deck, prompt='=HYPERLINK("http://evil.example", "click")')
    finished_attempt(quiz, UserFactory(username="@SUM(A1)"), [(trap, 1.0)])
    finished_attempt(quiz, UserFactory(username="+cmd"), [(trap, 0.0)])
    client.force_login(instructor)

    attempts = csv_rows(client.get(reverse("quizzes:report_csv", args=[quiz.pk])))
    items = csv_rows(client.get(reverse("quizzes:report_csv", args=[quiz.pk]), {"table": "items"}))

    assert [row[0] for row in attempts[1:]] == ["'+cmd", "'@SUM(A1)"]
    assert items[1][1] == '\'=HYPERLINK("http://evil.example", "click")'


def test_an_unknown_csv_table_is_a_400_with_a_message(client, instructor, attempted):
    client.force_login(instructor)

    response = client.get(reverse("quizzes:report_csv", args=[attempted.pk]), {"table": "grades"})

    assert response.status_code == 400
    assert "table=attempts or table=items" in response.content.decode()


# --- regrading ---------------------------------------------------------------------------------------------


def typed(text: str) -> QueryDict:
    data = QueryDict(mutable=True)
    data["response"] = text
    return data


def test_regrading_after_an_item_is_fixed_recomputes_the_attempts_and_the_report(
    client, instructor, student_a, student_b, classroom, deck
):
    # A typed item whose key was entered wrongly: the students who answered right were marked wrong.
    wrong_key = ItemFactory(deck=deck, kind=ItemKind.TYPED, answer="Zinoviev", accepted_answers=[])
    fixed_quiz = QuizFactory(
        classroom=classroom, decks=[deck], selection=Selection.RANDOM, item_count=1, feedback_timing="submission"
    )
    now = timezone.now()
    attempts = []
    for learner in (student_a, student_b):
        attempt = services.start_attempt(quiz=fixed_quiz, learner=learner, now=now)
        services.save_answer(attempt=attempt, position=1, data=typed("Kamenev"), now=now)
        attempts.append(services.submit_attempt(attempt=attempt, now=now))
    assert [attempt.score for attempt in attempts] == [0.0, 0.0]
    wrong_key.answer = "Kamenev"
    wrong_key.save()
    client.force_login(instructor)

    response = client.post(reverse("quizzes:regrade", args=[fixed_quiz.pk]), follow=True)

    assert [Attempt.objects.get(pk=attempt.pk).score for attempt in attempts] == [1.0, 1.0]
    assert "Regraded 2 finished attempts" in response.content.decode()
    assert response.context["item_rows"][0].figures.facility == 1.0
