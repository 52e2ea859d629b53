"""The quiz_report command: the issue's JSON shape, the list, and clear errors."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.factories import DeckFactory, ItemFactory, QuizFactory, UserFactory
from tests.quizzes.report_helpers import finished_attempt

pytestmark = pytest.mark.django_db


@pytest.fixture
def quiz():
    return QuizFactory(title="Left Opposition check", decks=[DeckFactory()])


def run(*args, **options) -> str:
    out = StringIO()
    call_command("quiz_report", *args, stdout=out, **options)
    return out.getvalue()


def test_it_prints_the_report_as_one_json_object_in_the_issue_s_shape(quiz):
    deck = quiz.decks.get()
    first, second = ItemFactory(deck=deck), ItemFactory(deck=deck)
    finished_attempt(quiz, UserFactory(username="ada"), [(first, 1.0), (second, 0.5)], mark=2.0)
    finished_attempt(quiz, UserFactory(username="ben"), [(first, 0.0), (second, 1.0)], mark=2.0)

    output = run(str(quiz.pk), format="json")

    assert output.count("\n") == 1  # one line
    report = json.loads(output)
    assert set(report) == {"quiz", "attempts", "items"}
    assert report["quiz"] == {"id": quiz.pk, "title": "Left Opposition check"}
    assert report["attempts"][0] == {
        "student": "ada",
        "state": "finished",
        "score": 3.0,
        "max_score": 4.0,
        "questions": [
            {"item": first.pk, "fraction": 1.0, "mark": 2.0},
            {"item": second.pk, "fraction": 0.5, "mark": 2.0},
        ],
    }
    # Two attempts: facility and sd are defined; each item's score falls as the rest rises, so DI is -1.
    # First: x = 2, 0 (fractions 1, 0: facility .5, sd √.5); rest = 1, 2. Second: x = 1, 2 (facility .75); rest = 2, 0.
    assert report["items"] == [
        {
            "item": first.pk,
            "attempts": 2,
            "facility": 0.5,
            "sd": pytest.approx(0.707107, abs=1e-6),
            "discrimination_index": pytest.approx(-1.0),
            "discriminative_efficiency": pytest.approx(-1.0),
        },
        {
            "item": second.pk,
            "attempts": 2,
            "facility": 0.75,
            "sd": pytest.approx(0.353553, abs=1e-6),
            "discrimination_index": pytest.approx(-1.0),
            "discriminative_efficiency": pytest.approx(-1.0),
        },
    ]


def test_figures_that_are_undefined_print_as_null(quiz):
    item = ItemFactory(deck=quiz.decks.get())
    finished_attempt(quiz, UserFactory(), [(item, 1.0)])

    (entry,) = json.loads(run(str(quiz.pk)))["items"]

    assert entry == {
        "item": item.pk,
        "attempts": 1,
        "facility": 1.0,
        "sd": None,
        "discrimination_index": None,
        "discriminative_efficiency": None,
    }


def test_list_prints_id_tab_title_lines(quiz):
    other = QuizFactory(title="Trotsky's exile")

    assert run(list_quizzes=True) == f"{quiz.pk}\tLeft Opposition check\n{other.pk}\tTrotsky's exile\n"


def test_list_keeps_each_quiz_to_one_line_whatever_its_title_holds(quiz):
    other = QuizFactory(title="Trotsky's\texile,\n1928\r\nto 1929")

    assert run(list_quizzes=True).splitlines()[1] == f"{other.pk}\tTrotsky's exile, 1928 to 1929"


@pytest.mark.parametrize(
    ("args", "options", "message"),
    [
        (["999999"], {}, "No quiz with id 999999"),
        (["seven"], {}, "“seven” is not a quiz id"),
        (["٧"], {}, "“٧” is not a quiz id"),
        (["+7"], {}, "“\\+7” is not a quiz id"),
        (["9" * 30], {}, "is not a quiz id"),
        ([], {}, "Give a quiz id"),
        (["QUIZ"], {"format": "xml"}, "Unknown format “xml”"),
        (["QUIZ"], {"list_quizzes": True}, "either --list or a quiz id"),
    ],
)
def test_bad_arguments_are_clear_errors(quiz, args, options, message):
    args = [str(quiz.pk) if arg == "QUIZ" else arg for arg in args]

    with pytest.raises(CommandError, match=message):
        run(*args, **options)
