"""An assigned deck on the student's study page and progress overview: the class and the date to know it by."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from studyapp.classroom import services
from tests.factories import ClassroomFactory, DeckFactory, ItemFactory
from tests.review.conftest import NOW, study

pytestmark = pytest.mark.django_db


def queries_of(client, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context)


@pytest.mark.parametrize("page", ["review:home", "progress:overview"])
def test_the_page_names_the_class_and_the_date_of_an_assigned_deck(
    client, classroom, student_a, assigned_deck, other_instructor, page
):
    own = DeckFactory(title="My own deck")
    ItemFactory(deck=own)
    study(student_a, own)
    client.force_login(student_a)

    html = client.get(reverse(page)).content.decode()

    assert (
        f'<a href="{classroom.get_absolute_url()}">History 101</a>: know it by '
        '<time datetime="2026-06-01">1 Jun 2026</time>' in html
    )
    assert html.count('class="assigned-by') == 1  # not under the deck of their own


@pytest.mark.parametrize("page", ["review:home", "progress:overview"])
def test_the_assignments_are_read_in_one_query_whatever_their_number(
    client, student_a, instructor, assigned_deck, page
):
    client.force_login(student_a)
    study(student_a, assigned_deck)
    client.get(reverse(page))  # the first visit makes the learner's study settings
    before = queries_of(client, reverse(page))

    for number in range(3):
        classroom = ClassroomFactory(name=f"Class {number}", created_by=instructor)
        services.assign_deck(classroom=classroom, deck=assigned_deck, due_on=date(2026, 6, number + 1), now=NOW)
        services.join(classroom=classroom, student=student_a, now=NOW)
    html = client.get(reverse(page)).content.decode()

    # The lookup runs on every visit (one query, already in `before`), and grows with nothing.
    assert queries_of(client, reverse(page)) == before
    assert html.count('class="assigned-by') == 3
    # Soonest date first.
    assert html.index("Class 0") < html.index("Class 1") < html.index("Class 2")


def test_a_deck_assigned_without_a_date_names_just_the_class(client, classroom, student_a, assigned_deck, instructor):
    services.assign_deck(classroom=classroom, deck=assigned_deck, due_on=None, now=NOW)
    client.force_login(student_a)

    html = client.get(reverse("review:home")).content.decode()

    assert f'<a href="{classroom.get_absolute_url()}">History 101</a></span>' in html


def test_the_class_date_is_the_exam_date_the_deck_page_forecasts_for(client, classroom, student_a, assigned_deck):
    client.force_login(student_a)

    response = client.get(reverse("progress:deck", args=[assigned_deck.slug]))

    assert response.context["studied"].exam_on == date(2026, 6, 1)
