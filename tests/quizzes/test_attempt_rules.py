"""What the issue asks of attempts beyond saving and timing: partial credit per kind as a quiz scores it, the
choice order fixed per attempt and fair over many, and one open attempt per student as a database constraint."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.http import QueryDict
from django.urls import reverse

from studyapp.library.grading import CLOSE_NUMBER_CREDIT
from studyapp.library.models import ChoiceData, EventData, ItemKind
from studyapp.library.presentation import Showing
from studyapp.quizzes import services
from studyapp.quizzes.models import Attempt, AttemptState
from tests.factories import ItemFactory
from tests.quizzes.taking import NOW, fixed_quiz, questions_of

pytestmark = pytest.mark.django_db

MINUTE = timedelta(minutes=1)
CHOICES = ["Trotsky", "Zinoviev", "Kamenev", "Bukharin"]


def several_answer_item(deck=None):
    """Three right choices of four: each right pick is worth a third, the wrong one takes a third away."""
    return ItemFactory(
        kind=ItemKind.MULTIPLE_CHOICE,
        prompt="Who led the United Opposition in 1926?",
        choices=[ChoiceData(text, text != "Bukharin") for text in CHOICES],
        **({"deck": deck} if deck else {}),
    )


def picks(question, texts) -> QueryDict:
    showing = Showing(question.showing)
    data = QueryDict(mutable=True)
    for choice in question.item.choices.filter(text__in=texts):
        data.appendlist("choice", showing.key("choice", choice.pk))
    return data


def order(question, texts) -> QueryDict:
    showing = Showing(question.showing)
    data = QueryDict(mutable=True)
    events = {event.text: event for event in question.item.events.all()}
    for position, text in enumerate(texts, start=1):
        data[f"position-{showing.key('event', events[text].pk)}"] = str(position)
    return data


def typed(text: str) -> QueryDict:
    data = QueryDict(mutable=True)
    data["response"] = text
    return data


# --- partial credit, as the quiz scores it -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("chosen", "fraction"),
    [
        (["Trotsky", "Zinoviev", "Kamenev"], 1.0),
        (["Trotsky", "Zinoviev"], 2 / 3),
        (["Trotsky", "Zinoviev", "Bukharin"], 1 / 3),  # two right shares less one wrong
        (["Trotsky", "Bukharin"], 0.0),
        (["Bukharin"], 0.0),  # never below zero
    ],
)
def test_several_answers_earn_each_right_share_less_each_wrong_one(student_a, chosen, fraction):
    item = several_answer_item()
    attempt = services.start_attempt(quiz=fixed_quiz(student_a, [item], marks=[3]), learner=student_a, now=NOW)
    (question,) = questions_of(attempt)
    services.save_answer(attempt=attempt, position=1, data=picks(question, chosen), now=NOW)

    finished = services.submit_attempt(attempt=attempt, now=NOW)

    question.refresh_from_db()
    assert question.fraction == pytest.approx(fraction)
    assert finished.score == pytest.approx(3 * fraction)


@pytest.mark.parametrize(
    ("given", "fraction"),
    [("1923", 1.0), ("1924", CLOSE_NUMBER_CREDIT), ("1922", CLOSE_NUMBER_CREDIT), ("1925", 0.0)],
)
def test_a_number_close_to_the_answer_earns_part_of_the_mark(student_a, given, fraction):
    item = ItemFactory(kind=ItemKind.NUMBER, prompt="The Platform of the Forty-Six: which year?", answer="1923")
    item.tolerance = Decimal(0)
    item.save()
    attempt = services.start_attempt(quiz=fixed_quiz(student_a, [item], marks=[2]), learner=student_a, now=NOW)
    services.save_answer(attempt=attempt, position=1, data=typed(given), now=NOW)

    finished = services.submit_attempt(attempt=attempt, now=NOW)

    assert finished.score == pytest.approx(2 * fraction)


EVENTS = [EventData("Lenin's testament", "1922", 1922), EventData("The Forty-Six", "1923", 1923)]
EVENTS += [EventData("The United Opposition", "1926", 1926), EventData("Trotsky expelled", "1927", 1927)]


@pytest.mark.parametrize(
    ("texts", "fraction"),
    [
        (["Lenin's testament", "The Forty-Six", "The United Opposition", "Trotsky expelled"], 1.0),
        # The longest run in the right relative order is three events of four.
        (["Lenin's testament", "The United Opposition", "The Forty-Six", "Trotsky expelled"], 0.75),
        (["The Forty-Six", "Lenin's testament", "Trotsky expelled", "The United Opposition"], 0.5),
        (["Trotsky expelled", "The United Opposition", "The Forty-Six", "Lenin's testament"], 0.0),
    ],
)
def test_a_chronology_earns_its_longest_ordered_subsequence(student_a, texts, fraction):
    item = ItemFactory(kind=ItemKind.CHRONOLOGY, prompt="Put these in order.", events=EVENTS)
    attempt = services.start_attempt(quiz=fixed_quiz(student_a, [item], marks=[4]), learner=student_a, now=NOW)
    (question,) = questions_of(attempt)
    services.save_answer(attempt=attempt, position=1, data=order(question, texts), now=NOW)

    finished = services.submit_attempt(attempt=attempt, now=NOW)

    assert finished.score == pytest.approx(4 * fraction)


def test_the_attempt_score_sums_each_kinds_partial_credit_times_its_mark(student_a):
    choice = several_answer_item()
    number = ItemFactory(deck=choice.deck, kind=ItemKind.NUMBER, answer="1923")
    number.tolerance = Decimal(0)
    number.save()
    chronology = ItemFactory(deck=choice.deck, kind=ItemKind.CHRONOLOGY, events=EVENTS)
    quiz = fixed_quiz(student_a, [choice, number, chronology], marks=[3, 2, 4], shuffle_questions=False)
    attempt = services.start_attempt(quiz=quiz, learner=student_a, now=NOW)
    first, _number, third = questions_of(attempt)
    services.save_answer(attempt=attempt, position=1, data=picks(first, ["Trotsky", "Zinoviev"]), now=NOW)
    services.save_answer(attempt=attempt, position=2, data=typed("1924"), now=NOW)
    swapped = ["Lenin's testament", "The United Opposition", "The Forty-Six", "Trotsky expelled"]
    services.save_answer(attempt=attempt, position=3, data=order(third, swapped), now=NOW)

    finished = services.submit_attempt(attempt=attempt, now=NOW)

    assert finished.score == pytest.approx(3 * 2 / 3 + 2 * CLOSE_NUMBER_CREDIT + 4 * 0.75)
    assert finished.max_score == 9


# --- the order of the choices ------------------------------------------------------------------------------------


def shown_choices(client, attempt) -> list[str]:
    """The choice texts in the order the attempt page shows them."""
    body = client.get(reverse("quizzes:attempt", args=[attempt.pk])).content.decode()
    return sorted(CHOICES, key=body.index)


def test_the_choice_order_is_fixed_for_the_attempt_and_drawn_again_for_the_next(client, student_a):
    quiz = fixed_quiz(student_a, [several_answer_item()], attempts_allowed=None)
    client.force_login(student_a)
    orders = set()
    for minute in range(8):
        attempt = services.start_attempt(quiz=quiz, learner=student_a, now=NOW + minute * MINUTE)
        shown = shown_choices(client, attempt)
        assert shown_choices(client, attempt) == shown  # a reload (or another device) sees the same order
        orders.add(tuple(shown))
        services.submit_attempt(attempt=attempt, now=NOW + minute * MINUTE)
    assert len(orders) > 1


def test_without_shuffling_the_choices_keep_the_authors_order(client, student_a):
    quiz = fixed_quiz(student_a, [several_answer_item()], attempts_allowed=None, shuffle_choices=False)
    client.force_login(student_a)
    for minute in range(3):
        attempt = services.start_attempt(quiz=quiz, learner=student_a, now=NOW + minute * MINUTE)
        assert shown_choices(client, attempt) == CHOICES
        services.submit_attempt(attempt=attempt, now=NOW + minute * MINUTE)


def test_each_choice_comes_first_about_equally_often_over_many_attempts(student_a):
    item = several_answer_item()
    quiz = fixed_quiz(student_a, [item], attempts_allowed=None)
    firsts: Counter = Counter()
    for minute in range(400):
        attempt = services.start_attempt(quiz=quiz, learner=student_a, now=NOW + minute * MINUTE)
        (question,) = questions_of(attempt)
        shown = services.presentation.question(question.item, Showing(question.showing), shuffle_choices=True)
        firsts[shown.choices[0][1]] += 1
        services.submit_attempt(attempt=attempt, now=NOW + minute * MINUTE)
    assert set(firsts) == set(CHOICES)
    assert all(60 <= n <= 140 for n in firsts.values()), firsts  # expected 100 each; 60 and 140 are 4.6 sd out


# --- one open attempt --------------------------------------------------------------------------------------------


def test_a_second_open_attempt_is_refused_by_the_database(student_a):
    quiz = fixed_quiz(student_a, [several_answer_item()], attempts_allowed=None)
    first = services.start_attempt(quiz=quiz, learner=student_a, now=NOW)

    with pytest.raises(IntegrityError), transaction.atomic():
        Attempt.objects.create(quiz=quiz, learner=student_a, number=2, started_at=NOW, state=AttemptState.IN_PROGRESS)

    services.submit_attempt(attempt=first, now=NOW)
    second = Attempt.objects.create(quiz=quiz, learner=student_a, number=2, started_at=NOW)
    assert second.is_open  # once the first is finished, another may be open
