"""The deck report's class filter: ?classroom= limits the students and the item figures to a class's members."""

from __future__ import annotations

import pytest
from django.urls import reverse

from studyapp.classroom import services as classroom_services
from studyapp.library.models import Deck
from tests.factories import AssignmentFactory, ClassroomFactory, DeckFactory, MembershipFactory
from tests.progress.test_report_views import REPORT_URLS, csv_rows, studied_by
from tests.review.conftest import NOW, make_items

pytestmark = pytest.mark.django_db


@pytest.fixture
def class_deck(instructor) -> Deck:
    deck = DeckFactory(owner=instructor, title="The Left Opposition", slug="left-opposition")
    make_items(deck, 2)
    return deck


@pytest.fixture
def classroom(instructor, student_a, class_deck):
    """student_a in the class; student_b studies the deck on their own."""
    classroom = ClassroomFactory(name="History 101", created_by=instructor)
    classroom_services.assign_deck(classroom=classroom, deck=class_deck, due_on=None, now=NOW)
    classroom_services.join(classroom=classroom, student=student_a, now=NOW)
    return classroom


def filtered(name: str, deck: Deck, classroom) -> str:
    return f"{reverse(name, args=[deck.slug])}?classroom={classroom.pk}"


def test_the_report_offers_the_classes_the_viewer_teaches_with_the_deck(
    client, instructor, other_instructor, class_deck, classroom
):
    ClassroomFactory(name="Without the deck", created_by=instructor)
    AssignmentFactory(classroom=ClassroomFactory(name="Someone else's", created_by=other_instructor), deck=class_deck)
    client.force_login(instructor)

    response = client.get(reverse("progress:deck_report", args=[class_deck.slug]))

    assert [c.name for c in response.context["classes"]] == ["History 101"]
    html = response.content.decode()
    assert f'<option value="{classroom.pk}">History 101</option>' in html
    assert "Someone else's" not in html


def test_the_filter_limits_the_students_and_the_items_to_the_class(
    client, instructor, student_a, student_b, class_deck, classroom
):
    studied_by(class_deck, student_a, student_b)
    client.force_login(instructor)

    everyone = client.get(reverse("progress:deck_report", args=[class_deck.slug]))
    response = client.get(filtered("progress:deck_report", class_deck, classroom))

    assert [row.username for row in everyone.context["student_rows"]] == ["student_a", "student_b"]
    assert [row.username for row in response.context["student_rows"]] == ["student_a"]
    first = min(response.context["item_rows"], key=lambda row: row.item.position)
    assert first.learners == 1
    assert max(row.learners for row in everyone.context["item_rows"]) == 2
    html = response.content.decode()
    assert f'<option value="{classroom.pk}" selected>History 101</option>' in html
    assert f"{reverse('progress:deck_report_students_csv', args=[class_deck.slug])}?classroom={classroom.pk}" in html


def test_the_csv_downloads_honour_the_filter(client, instructor, student_a, student_b, class_deck, classroom):
    studied_by(class_deck, student_a, student_b)
    client.force_login(instructor)

    students = client.get(filtered("progress:deck_report_students_csv", class_deck, classroom))
    items = csv_rows(client.get(filtered("progress:deck_report_items_csv", class_deck, classroom)))

    assert f"left-opposition-class-{classroom.pk}-students.csv" in students["Content-Disposition"]
    assert [row[0] for row in csv_rows(students)[1:]] == ["student_a"]
    assert sorted(row[3] for row in items[1:]) == ["0", "1"]  # students who reviewed each item: student_a alone


@pytest.mark.parametrize("name", REPORT_URLS)
def test_a_class_the_viewer_doesnt_teach_is_a_404(client, other_instructor, class_deck, classroom, name):
    class_deck.co_owners.add(other_instructor)  # may see the report, but doesn't teach the class
    client.force_login(other_instructor)

    assert client.get(reverse(name, args=[class_deck.slug])).status_code == 200
    assert client.get(filtered(name, class_deck, classroom)).status_code == 404


@pytest.mark.parametrize("name", REPORT_URLS)
@pytest.mark.parametrize("value", ["999999", "abc", "1 OR 1=1"])
def test_an_unknown_or_malformed_class_is_a_404(client, instructor, class_deck, classroom, name, value):
    client.force_login(instructor)

    assert client.get(f"{reverse(name, args=[class_deck.slug])}?classroom={value}").status_code == 404


@pytest.mark.parametrize("name", REPORT_URLS)
def test_a_class_without_this_deck_is_a_404(client, instructor, class_deck, classroom, name):
    bare = ClassroomFactory(created_by=instructor)
    client.force_login(instructor)

    assert client.get(filtered(name, class_deck, bare)).status_code == 404


@pytest.mark.parametrize("name", REPORT_URLS)
def test_an_admin_may_filter_by_any_class(client, admin_user, class_deck, classroom, name):
    client.force_login(admin_user)

    assert client.get(filtered(name, class_deck, classroom)).status_code == 200


def test_a_student_of_the_class_still_gets_404(client, student_a, class_deck, classroom):
    client.force_login(student_a)

    assert client.get(filtered("progress:deck_report", class_deck, classroom)).status_code == 404


def test_the_filtered_page_takes_the_same_queries(
    client, instructor, student_a, student_b, class_deck, classroom, django_assert_num_queries
):
    studied_by(class_deck, student_a)
    client.force_login(instructor)
    page = filtered("progress:deck_report", class_deck, classroom)
    # As unfiltered: the class comes with the filter's list of classes, the members as a subquery.
    with django_assert_num_queries(8):
        assert client.get(page).status_code == 200

    MembershipFactory(classroom=classroom, student=student_b)
    studied_by(class_deck, student_b)
    with django_assert_num_queries(8):
        response = client.get(page)
    assert len(response.context["student_rows"]) == 2
