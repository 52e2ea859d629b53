"""Taking a quiz through its pages: detail, start, the attempt, saving (htmx and plain), submit, result, review,
practice tests; refusals and the IDOR matrix (quizzes/views.py)."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from studyapp.library.models import Item, ItemKind
from studyapp.quizzes import services
from studyapp.quizzes.models import Attempt, AttemptState, FeedbackTiming, Quiz
from studyapp.review.models import ReviewState
from tests.factories import StudiedDeckFactory
from tests.quizzes.taking import NOW, answer_data, class_quiz, every_kind_deck, questions_of

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def clock(monkeypatch):
    """A frozen clock the views read (timezone.now); `clock.now = ...` moves it."""

    class Clock:
        now = NOW

    monkeypatch.setattr("django.utils.timezone.now", lambda: Clock.now)
    return Clock


@pytest.fixture
def deck(db):
    return every_kind_deck()


@pytest.fixture
def quiz(student_a, deck):
    return class_quiz(student_a, deck, time_limit=timedelta(minutes=10), attempts_allowed=2)


def started(quiz, learner) -> Attempt:
    return services.start_attempt(quiz=quiz, learner=learner, now=NOW)


def save_url(attempt, position) -> str:
    return reverse("quizzes:save", args=[attempt.pk, position])


# --- detail and start --------------------------------------------------------------------------------------------


def test_the_quiz_page_states_the_rules_and_offers_start(client, student_a, quiz, clock):
    client.force_login(student_a)
    response = client.get(quiz.get_absolute_url())
    body = response.content.decode()
    assert response.status_code == 200
    assert "0:10:00" in body
    assert "0 used of 2" in body
    assert "Highest attempt" in body
    assert "Your marks are shown once you submit" in body
    assert reverse("quizzes:start", args=[quiz.pk]) in body


def test_starting_goes_to_the_attempt_and_starting_again_resumes_it(client, student_a, quiz, clock):
    client.force_login(student_a)
    first = client.post(reverse("quizzes:start", args=[quiz.pk]))
    attempt = Attempt.objects.get()
    assert first.url == attempt.get_absolute_url()
    assert client.post(reverse("quizzes:start", args=[quiz.pk])).url == attempt.get_absolute_url()
    body = client.get(quiz.get_absolute_url()).content.decode()
    assert "Continue attempt 1" in body


def test_starting_a_closed_quiz_is_refused_with_a_message(client, student_a, deck, clock):
    quiz = class_quiz(student_a, deck, closes_at=NOW - timedelta(hours=1))
    client.force_login(student_a)
    response = client.post(reverse("quizzes:start", args=[quiz.pk]))
    assert response.status_code == 409
    assert "closed on" in response.content.decode()
    assert "This quiz has closed." in client.get(quiz.get_absolute_url()).content.decode()


def test_with_no_attempts_left_there_is_no_start_button(client, student_a, quiz, clock):
    for _ in range(2):
        services.submit_attempt(attempt=started(quiz, student_a), now=NOW)
    client.force_login(student_a)
    body = client.get(quiz.get_absolute_url()).content.decode()
    assert "You have no attempts left." in body
    assert reverse("quizzes:start", args=[quiz.pk]) not in body
    assert client.post(reverse("quizzes:start", args=[quiz.pk])).status_code == 409


def test_the_quiz_page_shows_scores_and_the_grade_when_allowed(client, student_a, quiz, clock):
    attempt = started(quiz, student_a)
    question = questions_of(attempt)[0]
    services.save_answer(attempt=attempt, position=question.position, data=answer_data(question), now=NOW)
    services.submit_attempt(attempt=attempt, now=NOW)
    client.force_login(student_a)
    body = client.get(quiz.get_absolute_url()).content.decode()
    assert "1 / 8" in body
    assert "Your grade" in body


# --- the attempt page and saving ---------------------------------------------------------------------------------


def test_the_attempt_page_shows_every_question_with_its_own_form_and_the_deadline(client, student_a, quiz, clock):
    attempt = started(quiz, student_a)
    client.force_login(student_a)
    body = client.get(attempt.get_absolute_url()).content.decode()
    for question in questions_of(attempt):
        assert f'action="{save_url(attempt, question.position)}"' in body
    assert body.count('class="quiz-answer-form"') == 8
    assert f'data-deadline="{attempt.deadline.isoformat()}"' in body
    assert "10:10:00" in body  # the deadline in text too
    assert 'aria-live="polite"' in body


def test_the_attempt_page_query_count_is_pinned(client, student_a, quiz, clock, django_assert_max_num_queries):
    attempt = started(quiz, student_a)
    client.force_login(student_a)
    # session, user, attempt with quiz, questions with items and passages, choices, events
    with django_assert_max_num_queries(6):
        assert client.get(attempt.get_absolute_url()).status_code == 200


def test_a_save_is_pinned_to_a_few_queries(client, student_a, quiz, clock, django_assert_max_num_queries):
    attempt = started(quiz, student_a)
    typed = next(q for q in questions_of(attempt) if q.item.kind == ItemKind.TYPED)
    client.force_login(student_a)
    # session, user, attempt with quiz; savepoint, the question joined to its attempt (locked), its update, release
    with django_assert_max_num_queries(7):
        response = client.post(save_url(attempt, typed.position), {"response": "Trotsky"}, **HTMX)
    assert response.status_code == 200


def test_an_htmx_save_answers_with_the_status_and_no_grade(client, student_a, quiz, clock):
    attempt = started(quiz, student_a)
    client.force_login(student_a)
    for question in questions_of(attempt):
        response = client.post(save_url(attempt, question.position), answer_data(question), **HTMX)
        body = response.content.decode()
        assert response.status_code == 200
        assert body.strip() == "Saved at 10:00:00"


def test_a_plain_save_redirects_to_the_question(client, student_a, quiz, clock):
    attempt = started(quiz, student_a)
    question = questions_of(attempt)[2]
    client.force_login(student_a)
    response = client.post(save_url(attempt, question.position), answer_data(question))
    assert response.status_code == 302
    assert response.url == f"{attempt.get_absolute_url()}#q-{question.position}"
    question.refresh_from_db()
    assert question.saved_at == NOW


def test_reloading_shows_the_saved_answers(client, student_a, quiz, clock):
    attempt = started(quiz, student_a)
    typed = next(q for q in questions_of(attempt) if q.item.kind == ItemKind.TYPED)
    client.force_login(student_a)
    client.post(save_url(attempt, typed.position), {"response": "Bukharin"}, **HTMX)
    body = client.get(attempt.get_absolute_url()).content.decode()
    assert 'value="Bukharin"' in body
    assert "Saved at 10:00:00" in body


def test_a_bad_answer_is_a_422_with_its_message(client, student_a, quiz, clock):
    attempt = started(quiz, student_a)
    chrono = next(q for q in questions_of(attempt) if q.item.kind == ItemKind.CHRONOLOGY)
    client.force_login(student_a)
    response = client.post(save_url(attempt, chrono.position), {"position-abc": "1"}, **HTMX)
    assert response.status_code == 422
    assert "Give every event a position." in response.content.decode()


def test_a_forged_choice_key_is_refused(client, student_a, quiz, clock):
    attempt = started(quiz, student_a)
    mc = next(q for q in questions_of(attempt) if q.item.kind == ItemKind.MULTIPLE_CHOICE)
    client.force_login(student_a)
    response = client.post(save_url(attempt, mc.position), {"choice": str(mc.item.choices.first().pk)})
    assert response.status_code == 422
    assert "Pick one of the choices shown." in response.content.decode()


def test_a_question_not_in_the_attempt_is_a_404(client, student_a, quiz, clock):
    attempt = started(quiz, student_a)
    client.force_login(student_a)
    response = client.post(save_url(attempt, 99), {"response": "x"}, **HTMX)
    assert response.status_code == 404
    assert "not part of this attempt" in response.content.decode()


def test_saving_after_submission_is_a_409(client, student_a, quiz, clock):
    attempt = started(quiz, student_a)
    question = questions_of(attempt)[0]
    client.force_login(student_a)
    client.post(reverse("quizzes:submit", args=[attempt.pk]))
    response = client.post(save_url(attempt, question.position), answer_data(question))
    assert response.status_code == 409
    assert "has been submitted" in response.content.decode()


def test_a_replayed_save_after_a_newer_one_is_refused_once_submitted(client, student_a, quiz, clock):
    attempt = started(quiz, student_a)
    typed = next(q for q in questions_of(attempt) if q.item.kind == ItemKind.TYPED)
    client.force_login(student_a)
    client.post(save_url(attempt, typed.position), {"response": "first"}, **HTMX)
    client.post(save_url(attempt, typed.position), {"response": "second"}, **HTMX)
    client.post(reverse("quizzes:submit", args=[attempt.pk]))
    assert client.post(save_url(attempt, typed.position), {"response": "first"}, **HTMX).status_code == 409
    typed.refresh_from_db()
    assert typed.response == "second"


@pytest.mark.parametrize(
    ("after", "status"),
    [
        (timedelta(minutes=9), 200),  # before the deadline
        (timedelta(minutes=10), 200),  # at it
        (timedelta(minutes=10, seconds=30), 200),  # at the end of the grace
        (timedelta(minutes=10, seconds=31), 409),  # after it: refused, and the attempt is submitted
    ],
)
def test_saves_by_the_clock(client, student_a, quiz, clock, after, status):
    attempt = started(quiz, student_a)
    question = questions_of(attempt)[0]
    client.force_login(student_a)
    clock.now = NOW + after
    response = client.post(save_url(attempt, question.position), answer_data(question), **HTMX)
    assert response.status_code == status
    attempt.refresh_from_db()
    assert attempt.is_open == (status == 200)


def test_an_overdue_attempt_is_submitted_by_the_next_request(client, student_a, quiz, clock):
    attempt = started(quiz, student_a)
    question = questions_of(attempt)[0]
    services.save_answer(attempt=attempt, position=question.position, data=answer_data(question), now=NOW)
    client.force_login(student_a)
    clock.now = NOW + timedelta(hours=2)

    response = client.get(attempt.get_absolute_url())

    assert response.url == reverse("quizzes:result", args=[attempt.pk])
    attempt.refresh_from_db()
    assert attempt.state == AttemptState.FINISHED
    assert attempt.submitted_automatically
    assert attempt.score == 1


@pytest.mark.parametrize("page", ["quizzes:detail", "quizzes:result", "quizzes:submit"])
def test_every_page_that_touches_an_overdue_attempt_submits_it(client, student_a, quiz, clock, page):
    attempt = started(quiz, student_a)
    client.force_login(student_a)
    clock.now = NOW + timedelta(hours=2)
    client.get(reverse(page, args=[quiz.pk if page == "quizzes:detail" else attempt.pk]))
    attempt.refresh_from_db()
    assert attempt.state == AttemptState.FINISHED


def test_the_command_closes_what_nobody_touches(student_a, quiz, clock):
    attempt = started(quiz, student_a)
    clock.now = NOW + timedelta(hours=2)
    out = StringIO()
    call_command("close_overdue_attempts", stdout=out)
    assert out.getvalue().strip() == "Closed 1 overdue attempt."
    attempt.refresh_from_db()
    assert attempt.submitted_automatically


# --- feedback after each question --------------------------------------------------------------------------------


def test_checking_a_question_shows_its_feedback_and_locks_it(client, student_a, deck, clock):
    quiz = class_quiz(student_a, deck, feedback_timing=FeedbackTiming.EACH)
    attempt = started(quiz, student_a)
    number = next(q for q in questions_of(attempt) if q.item.kind == ItemKind.NUMBER)
    client.force_login(student_a)

    response = client.post(save_url(attempt, number.position), {"response": "1920"}, **HTMX)

    body = response.content.decode()
    assert response.status_code == 200
    assert "Wrong" in body
    assert "1927" in body  # the answer, shown once checked
    assert "disabled" in body
    again = client.post(save_url(attempt, number.position), {"response": "1927"}, **HTMX)
    assert again.status_code == 409


def test_checking_nothing_is_a_422_with_the_question_back(client, student_a, deck, clock):
    quiz = class_quiz(student_a, deck, feedback_timing=FeedbackTiming.EACH)
    attempt = started(quiz, student_a)
    client.force_login(student_a)
    response = client.post(save_url(attempt, 1), {}, **HTMX)
    assert response.status_code == 422
    assert 'class="card quiz-question"' in response.content.decode()


# --- submit and result -------------------------------------------------------------------------------------------


def test_the_confirm_step_counts_the_unanswered(client, student_a, quiz, clock):
    attempt = started(quiz, student_a)
    question = questions_of(attempt)[0]
    services.save_answer(attempt=attempt, position=question.position, data=answer_data(question), now=NOW)
    client.force_login(student_a)
    body = client.get(reverse("quizzes:submit", args=[attempt.pk])).content.decode()
    assert "7 of 8 questions are not answered" in body
    attempt.refresh_from_db()
    assert attempt.is_open


def test_submitting_goes_to_the_result_with_the_score(client, student_a, quiz, clock):
    attempt = started(quiz, student_a)
    for question in questions_of(attempt)[:3]:
        services.save_answer(attempt=attempt, position=question.position, data=answer_data(question), now=NOW)
    client.force_login(student_a)
    response = client.post(reverse("quizzes:submit", args=[attempt.pk]), follow=True)
    body = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("quizzes:result", args=[attempt.pk])
    assert '<span class="big-figure">3</span> out of 8' in body
    assert body.count("Right") == 3
    assert "Send the 5 missed items to review" in body


def test_submitting_twice_is_harmless(client, student_a, quiz, clock):
    attempt = started(quiz, student_a)
    client.force_login(student_a)
    client.post(reverse("quizzes:submit", args=[attempt.pk]))
    response = client.post(reverse("quizzes:submit", args=[attempt.pk]))
    assert response.status_code == 302
    assert Attempt.objects.get().submitted_at == NOW


def test_the_result_shows_the_answer_explanation_and_source_sentence(client, student_a, quiz, clock):
    attempt = started(quiz, student_a)
    services.submit_attempt(attempt=attempt, now=NOW)
    client.force_login(student_a)
    body = client.get(reverse("quizzes:result", args=[attempt.pk])).content.decode()
    typed = next(q for q in questions_of(attempt) if q.item.kind == ItemKind.TYPED)
    assert "Yevgeni Preobrazhensky" in body
    assert "Because of reason typed." in body
    assert typed.item.passage.text in body
    assert typed.item.passage.get_absolute_url() in body


def test_sending_missed_items_to_review_makes_them_due(client, student_a, quiz, clock):
    attempt = started(quiz, student_a)
    right = questions_of(attempt)[0]
    services.save_answer(attempt=attempt, position=right.position, data=answer_data(right), now=NOW)
    services.submit_attempt(attempt=attempt, now=NOW)
    client.force_login(student_a)
    clock.now = NOW + timedelta(minutes=5)

    response = client.post(reverse("quizzes:review_missed", args=[attempt.pk]), follow=True)

    assert "7 missed items are due for review now." in response.content.decode()
    # Studying the deck gave every item a new state due now; only the missed ones were then made due (version 1).
    made_due = ReviewState.objects.filter(learner=student_a, due=clock.now, version__gt=0)
    assert set(made_due.values_list("item_id", flat=True)) == {q.item_id for q in questions_of(attempt)} - {
        right.item_id
    }


def test_missed_items_wait_for_the_grades_to_be_shown(client, student_a, deck, clock):
    quiz = class_quiz(student_a, deck, feedback_timing=FeedbackTiming.CLOSE, closes_at=NOW + timedelta(days=1))
    attempt = started(quiz, student_a)
    services.submit_attempt(attempt=attempt, now=NOW)
    client.force_login(student_a)
    assert client.post(reverse("quizzes:review_missed", args=[attempt.pk])).status_code == 409
    assert not ReviewState.objects.filter(learner=student_a).exists()


# --- practice tests ----------------------------------------------------------------------------------------------


def test_a_practice_test_starts_from_a_studied_deck(client, student_a, deck, clock):
    StudiedDeckFactory(learner=student_a, deck=deck)
    client.force_login(student_a)
    url = reverse("quizzes:practice_new", args=[deck.slug])
    form = client.get(url)
    assert form.status_code == 200
    assert 'value="8"' in form.content.decode()  # ten by default, capped at the deck's size

    response = client.post(url, {"item_count": 5, "time_limit": 3})

    attempt = Attempt.objects.get()
    assert response.url == attempt.get_absolute_url()
    assert attempt.quiz.is_practice
    assert attempt.questions.count() == 5
    assert attempt.deadline == NOW + timedelta(minutes=3)
    assert attempt.quiz.title in client.get(url).content.decode()  # listed with the deck's practice tests
    assert client.get(attempt.quiz.get_absolute_url()).status_code == 200


def test_a_practice_test_with_a_bad_count_is_a_422(client, student_a, deck, clock):
    StudiedDeckFactory(learner=student_a, deck=deck)
    client.force_login(student_a)
    response = client.post(reverse("quizzes:practice_new", args=[deck.slug]), {"item_count": 0})
    assert response.status_code == 422
    assert not Quiz.objects.exists()


def test_a_practice_test_of_a_deck_not_studied_is_a_404(client, student_a, deck, clock):
    client.force_login(student_a)
    assert client.get(reverse("quizzes:practice_new", args=[deck.slug])).status_code == 404
    assert client.post(reverse("quizzes:practice_new", args=[deck.slug]), {"item_count": 3}).status_code == 404


# --- who may open what -------------------------------------------------------------------------------------------


ATTEMPT_PAGES = [
    ("get", "quizzes:attempt"),
    ("get", "quizzes:result"),
    ("get", "quizzes:submit"),
    ("post", "quizzes:submit"),
    ("post", "quizzes:review_missed"),
]


@pytest.mark.parametrize("who", ["student_b", "instructor", "other_instructor", "admin_user"])
@pytest.mark.parametrize(("method", "name"), ATTEMPT_PAGES)
def test_another_users_attempt_is_a_404(request, client, student_a, quiz, clock, who, method, name):
    attempt = started(quiz, student_a)
    client.force_login(request.getfixturevalue(who))
    assert getattr(client, method)(reverse(name, args=[attempt.pk])).status_code == 404
    assert client.post(save_url(attempt, 1), {"response": "x"}).status_code == 404
    attempt.refresh_from_db()
    assert attempt.is_open
    assert not attempt.questions.filter(saved_at__isnull=False).exists()


@pytest.mark.parametrize("who", ["student_b", "other_instructor"])
def test_a_quiz_of_another_class_is_a_404(request, client, quiz, clock, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(quiz.get_absolute_url()).status_code == 404
    assert client.post(reverse("quizzes:start", args=[quiz.pk])).status_code == 404


def test_the_classes_instructor_sees_the_quiz_page_but_cannot_start(client, quiz, clock):
    instructor = quiz.classroom.created_by
    client.force_login(instructor)
    body = client.get(quiz.get_absolute_url()).content.decode()
    assert "You run this quiz" in body
    for name in ("report", "edit"):
        assert f'href="{reverse(f"quizzes:{name}", args=[quiz.pk])}"' in body
    assert client.post(reverse("quizzes:start", args=[quiz.pk])).status_code == 404


def test_someone_elses_practice_test_is_a_404(client, student_a, student_b, deck, clock):
    practice = services.start_practice_test(learner=student_a, deck=deck, item_count=3, time_limit=None, now=NOW)
    client.force_login(student_b)
    assert client.get(practice.quiz.get_absolute_url()).status_code == 404
    assert client.get(practice.attempt.get_absolute_url()).status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(client, student_a, quiz, clock):
    attempt = started(quiz, student_a)
    for url in (quiz.get_absolute_url(), attempt.get_absolute_url(), reverse("quizzes:result", args=[attempt.pk])):
        assert client.get(url).url.startswith(reverse("login"))


def test_the_study_page_links_a_practice_test_next_to_study(client, student_a, deck):
    StudiedDeckFactory(learner=student_a, deck=deck)
    client.force_login(student_a)
    body = client.get(reverse("review:home")).content.decode()
    assert reverse("quizzes:practice_new", args=[deck.slug]) in body


def test_the_result_shows_an_unanswered_items_markdown_answer_rendered(client, student_a, quiz, clock):
    attempt = started(quiz, student_a)
    typed = next(q for q in questions_of(attempt) if q.item.kind == ItemKind.TYPED)
    Item.objects.filter(pk=typed.item_id).update(answer="*Yevgeni* Preobrazhensky")
    services.submit_attempt(attempt=attempt, now=NOW)
    client.force_login(student_a)

    body = client.get(reverse("quizzes:result", args=[attempt.pk])).content.decode()

    assert "<em>Yevgeni</em> Preobrazhensky" in body
    assert "*Yevgeni*" not in body


def test_the_start_form_names_the_attempt_it_starts(client, student_a, quiz, clock):
    client.force_login(student_a)

    body = client.get(quiz.get_absolute_url()).content.decode()

    assert '<input type="hidden" name="attempt" value="1">' in body


def test_a_start_sent_again_after_its_attempt_is_over_starts_no_other(client, student_a, quiz, clock):
    client.force_login(student_a)
    client.post(reverse("quizzes:start", args=[quiz.pk]), {"attempt": "1"})
    services.submit_attempt(attempt=Attempt.objects.get(), now=NOW)

    replayed = client.post(reverse("quizzes:start", args=[quiz.pk]), {"attempt": "1"})

    assert replayed.status_code == 409
    assert "Attempt 1 was started already" in replayed.content.decode()
    assert Attempt.objects.count() == 1


def test_a_start_sent_twice_while_its_attempt_is_open_resumes_it(client, student_a, quiz, clock):
    client.force_login(student_a)
    first = client.post(reverse("quizzes:start", args=[quiz.pk]), {"attempt": "1"})

    again = client.post(reverse("quizzes:start", args=[quiz.pk]), {"attempt": "1"})

    assert again.url == first.url
    assert Attempt.objects.count() == 1


def test_the_next_attempt_starts_from_its_own_form(client, student_a, quiz, clock):
    client.force_login(student_a)
    client.post(reverse("quizzes:start", args=[quiz.pk]), {"attempt": "1"})
    services.submit_attempt(attempt=Attempt.objects.get(), now=NOW)

    client.post(reverse("quizzes:start", args=[quiz.pk]), {"attempt": "2"})

    assert list(Attempt.objects.values_list("number", flat=True).order_by("number")) == [1, 2]


@pytest.mark.parametrize("number", ["x", "-1", "١", "9" * 30])
def test_a_start_for_a_bad_attempt_number_is_a_400_with_a_message(client, student_a, quiz, clock, number):
    client.force_login(student_a)

    response = client.post(reverse("quizzes:start", args=[quiz.pk]), {"attempt": number})

    assert response.status_code == 400
    assert "That is not an attempt number." in response.content.decode()
    assert not Attempt.objects.exists()
