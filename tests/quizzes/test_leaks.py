"""Nothing that reveals a grade or an answer reaches the browser before the quiz's feedback policy allows it.

Every kind of item, every feedback timing, with and without correct answers, on every page and htmx response of
taking a quiz; looked for the way an attacker would: the answer texts, explanations and source sentences in the
HTML, verdicts and scores, choice and event keys sorted against the true order, ids and the attempt's seed.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse

from studyapp.library.models import ItemKind
from studyapp.library.presentation import Showing
from studyapp.quizzes import selectors, services
from studyapp.quizzes.models import FeedbackTiming
from tests.quizzes.taking import NOW, answer_data, class_quiz, every_kind_deck, questions_of

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
GRADE_MARKS = ['class="verdict', "quiz-feedback", "big-figure", "Right", "Wrong", "Partly right", "out of"]
ANSWER_MARKS = ["correct-answer", "data-correct", "is_correct", "explanation", "in-context"]


@pytest.fixture
def clock(monkeypatch):
    class Clock:
        now = NOW

    monkeypatch.setattr("django.utils.timezone.now", lambda: Clock.now)
    return Clock


@pytest.fixture
def deck(db):
    return every_kind_deck()


def secrets_of(question) -> list[str]:
    """Texts that give away a question's answer: its answer (unless it is shown as an option), explanation,
    source sentence, and the dates of its events."""
    item = question.item
    found = [item.explanation]
    if item.passage is not None:
        found.append(item.passage.text)
    if item.kind == ItemKind.CLOZE:
        found.append(item.cloze_blank)
    elif item.kind in {ItemKind.BASIC, ItemKind.REVERSED, ItemKind.TYPED, ItemKind.NUMBER}:
        found.append(item.answer)
    elif item.kind == ItemKind.CHRONOLOGY:
        found += [f">{event.when}<" for event in item.events.all()]
    return found


def ids_of(question) -> list[str]:
    """Database ids the page must not carry as values (choice and event ids in authoring order)."""
    item = question.item
    return [f'name="choice" value="{c.pk}"' for c in item.choices.all()] + [
        f'name="position-{e.pk}"' for e in item.events.all()
    ]


# Random tokens in the page (showing keys, CSRF tokens) may hold an answer's digits by chance ("1927619b…").
_RANDOM_TOKENS = re.compile(r"\b[0-9a-f]{16}\b|\b[A-Za-z0-9]{64}\b")


def scrubbed(body: str) -> str:
    return _RANDOM_TOKENS.sub("TOKEN", body)


def assert_hides_everything(body: str, attempt, questions) -> None:
    for mark in GRADE_MARKS + ANSWER_MARKS:
        assert mark not in body, mark
    assert str(attempt.seed) not in body
    for question in questions:
        for secret in secrets_of(question):
            assert secret not in scrubbed(body), secret
        for value in ids_of(question):
            assert value not in body, value
        assert_order_tells_nothing(body, question)


def assert_order_tells_nothing(body: str, question) -> None:
    """Choices and events appear in the order of their keys, never in the true order of events."""
    item, showing = question.item, Showing(question.showing)
    if item.kind == ItemKind.CHRONOLOGY:
        keys = re.findall(r'data-event-key="([0-9a-f]+)"', body)
        true_order = [showing.key("event", event.pk) for event in sorted(item.events.all(), key=lambda e: e.sort_key)]
        assert not keys or keys != true_order
    if item.kind == ItemKind.MULTIPLE_CHOICE:
        keys = list(re.findall(r'name="choice" value="([0-9a-f]+)"', body))
        assert keys == sorted(keys)


def assert_shows(body: str, questions, *, correct: bool) -> None:
    assert 'class="verdict' in body
    for question in questions:
        if not correct:
            # The learner's own answer is theirs to see (and may be right); the rest of the answer is not.
            assert "correct-answer" not in body
            assert question.item.explanation not in body
            assert question.item.passage.text not in body
            continue
        assert "correct-answer" in body
        for secret in secrets_of(question):
            if question.item.kind == ItemKind.CHRONOLOGY and secret.startswith(">"):
                continue  # the answer lists the events, not their dates
            assert secret in body, secret


POLICIES = [
    pytest.param(FeedbackTiming.SUBMISSION, None, id="after-submission"),
    pytest.param(FeedbackTiming.CLOSE, timedelta(days=1), id="after-close"),
    pytest.param(FeedbackTiming.CLOSE, None, id="after-close-without-a-close-time"),
    pytest.param(FeedbackTiming.EACH, None, id="after-each-question"),
]


@pytest.mark.parametrize("show_correct", [True, False], ids=["answers-shown", "answers-hidden"])
@pytest.mark.parametrize(("timing", "closes_in"), POLICIES)
def test_nothing_leaks_before_the_policy_allows_and_it_shows_what_it_allows_after(
    client, student_a, deck, clock, timing, closes_in, show_correct
):
    quiz = class_quiz(
        student_a,
        deck,
        feedback_timing=timing,
        show_correct_answers=show_correct,
        closes_at=NOW + closes_in if closes_in else None,
        time_limit=timedelta(minutes=30),
    )
    client.force_login(student_a)
    client.post(reverse("quizzes:start", args=[quiz.pk]))
    attempt = quiz.attempts.get()
    questions = questions_of(attempt)

    pages = {"attempt": client.get(attempt.get_absolute_url()), "detail": client.get(quiz.get_absolute_url())}
    for name, response in pages.items():
        assert response.status_code == 200, name
        assert_hides_everything(response.content.decode(), attempt, questions)

    if timing != FeedbackTiming.EACH:
        # Saving answers (wrong and right) says "saved", never how they did.
        for question in questions:
            for right in (False, True):
                response = client.post(
                    reverse("quizzes:save", args=[attempt.pk, question.position]),
                    answer_data(question, right=right),
                    **HTMX,
                )
                assert response.status_code == 200
                assert_hides_everything(response.content.decode(), attempt, [])
                assert response.content.decode().strip() == "Saved at 10:00:00"
    assert_hides_everything(client.get(reverse("quizzes:submit", args=[attempt.pk])).content.decode(), attempt, [])

    client.post(reverse("quizzes:submit", args=[attempt.pk]))
    after = [client.get(reverse("quizzes:result", args=[attempt.pk])), client.get(quiz.get_absolute_url())]
    if timing == FeedbackTiming.CLOSE:
        for response in after:
            # The learner's own answers are theirs to see (some are right): everything else stays hidden.
            body = re.sub(r'<dd class="given">.*?</dd>', "", response.content.decode(), flags=re.S)
            assert_hides_everything(body, attempt, questions)
            assert "Not shown yet" in body or "Submitted." in body
        if closes_in is None:
            return
        clock.now = quiz.closes_at
        after = [client.get(reverse("quizzes:result", args=[attempt.pk])), client.get(quiz.get_absolute_url())]
    result, detail = (response.content.decode() for response in after)
    assert_shows(result, questions, correct=show_correct)
    assert "/ 8" in detail


@pytest.mark.parametrize("show_correct", [True, False], ids=["answers-shown", "answers-hidden"])
@pytest.mark.parametrize("kind", ItemKind.values)
def test_checking_one_question_shows_its_feedback_only(client, student_a, deck, clock, kind, show_correct):
    quiz = class_quiz(student_a, deck, feedback_timing=FeedbackTiming.EACH, show_correct_answers=show_correct)
    client.force_login(student_a)
    client.post(reverse("quizzes:start", args=[quiz.pk]))
    attempt = quiz.attempts.get()
    questions = questions_of(attempt)
    checked = next(q for q in questions if q.item.kind == kind)
    others = [q for q in questions if q.pk != checked.pk]

    response = client.post(
        reverse("quizzes:save", args=[attempt.pk, checked.position]), answer_data(checked, right=False), **HTMX
    )

    body = response.content.decode()
    assert_shows(body, [checked], correct=show_correct)
    assert "Wrong" in body
    page = client.get(attempt.get_absolute_url()).content.decode()
    article = re.search(rf'<article[^>]*id="q-{checked.position}".*?</article>', page, re.S).group(0)
    rest = page.replace(article, "")
    assert_shows(article, [checked], correct=show_correct)
    for mark in GRADE_MARKS:
        assert mark not in rest, mark
    for question in others:
        for secret in secrets_of(question):
            if secret in article:
                continue  # shared text (every item's source is the same sentence here)
            assert secret not in scrubbed(rest), secret


def test_the_policy_is_the_one_place_that_decides(student_a, deck):
    quiz = class_quiz(student_a, deck, feedback_timing=FeedbackTiming.CLOSE, closes_at=NOW + timedelta(hours=1))
    attempt = services.start_attempt(quiz=quiz, learner=student_a, now=NOW)
    assert selectors.feedback_policy(attempt, NOW) == selectors.HIDDEN
    attempt = services.submit_attempt(attempt=attempt, now=NOW)
    assert selectors.feedback_policy(attempt, NOW + timedelta(minutes=59)) == selectors.HIDDEN
    assert selectors.feedback_policy(attempt, NOW + timedelta(hours=1)) == selectors.FeedbackPolicy(True, True)
    attempt.quiz.closes_at = None
    assert selectors.feedback_policy(attempt, NOW + timedelta(days=999)) == selectors.HIDDEN
