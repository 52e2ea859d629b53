"""The instructor's report through the test client: who may see it, what it shows, its CSV downloads."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from studyapp.library.models import Deck
from studyapp.review.models import Rating
from tests.factories import DeckFactory, ItemFactory, ReviewLogFactory, UserFactory
from tests.review.conftest import make_items, make_review_state, study

pytestmark = pytest.mark.django_db

REPORT_URLS = ["progress:deck_report", "progress:deck_report_students_csv", "progress:deck_report_items_csv"]


@pytest.fixture
def class_deck(instructor) -> Deck:
    return DeckFactory(owner=instructor, title="The Left Opposition", slug="left-opposition")


def url(name: str, deck: Deck) -> str:
    return reverse(name, args=[deck.slug])


def csv_rows(response) -> list[list[str]]:
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))


def studied_by(deck: Deck, *learners) -> None:
    """Each learner studies the deck and has reviewed its first item yesterday (last review an hour later)."""
    now = timezone.now()
    for learner in learners:
        states = study(learner, deck, now=now - timedelta(days=3))
        make_review_state(states[0], due=now + timedelta(days=5), last_review=now - timedelta(days=1))


# --- who may see it ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", REPORT_URLS)
def test_a_student_gets_404_on_the_report(client, student_a, class_deck, name):
    study(student_a, class_deck)
    client.force_login(student_a)

    assert client.get(url(name, class_deck)).status_code == 404


@pytest.mark.parametrize("name", REPORT_URLS)
def test_another_instructor_gets_404_on_the_report(client, other_instructor, class_deck, name):
    client.force_login(other_instructor)

    assert client.get(url(name, class_deck)).status_code == 404


@pytest.mark.parametrize("name", REPORT_URLS)
def test_an_unknown_deck_gets_404_like_anothers_deck(client, instructor, name):
    client.force_login(instructor)

    assert client.get(reverse(name, args=["no-such-deck"])).status_code == 404


@pytest.mark.parametrize("name", REPORT_URLS)
def test_anonymous_visitors_are_sent_to_log_in(client, class_deck, name):
    response = client.get(url(name, class_deck))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("name", REPORT_URLS)
def test_the_owner_a_co_owner_and_an_admin_may_see_the_report(
    client, instructor, other_instructor, admin_user, class_deck, name
):
    class_deck.co_owners.add(other_instructor)
    for user in (instructor, other_instructor, admin_user):
        client.force_login(user)
        assert client.get(url(name, class_deck)).status_code == 200


@pytest.mark.parametrize("name", REPORT_URLS)
def test_the_report_only_answers_get(client, instructor, class_deck, name):
    client.force_login(instructor)

    assert client.post(url(name, class_deck)).status_code == 405


# --- the page -------------------------------------------------------------------------------------------


def test_the_page_lists_the_students_and_the_items_with_links_to_fix_them(client, instructor, student_a, class_deck):
    (item,) = make_items(class_deck, 1, passage_index=1)
    studied_by(class_deck, student_a)
    client.force_login(instructor)

    response = client.get(url("progress:deck_report", class_deck))

    page = response.content.decode()
    assert response.templates[0].name == "progress/deck_report.html"
    assert [row.username for row in response.context["student_rows"]] == ["student_a"]
    assert '<th scope="row">student_a</th>' in page
    assert f'href="{reverse("library:source_detail", args=[class_deck.source_id])}#passage-1"' in page
    assert f'href="{reverse("library:item_edit", args=[item.pk])}"' in page
    assert "100 %" in page  # mastery: the one item, reviewed yesterday, is well remembered
    assert "—" in page  # no memory test yet: no true retention, no lapse rate
    assert url("progress:deck_report_students_csv", class_deck) in page
    assert url("progress:deck_report_items_csv", class_deck) in page
    assert 'class="table-scroll"' in page


def test_the_page_says_when_nobody_studies_the_deck(client, instructor, class_deck):
    make_items(class_deck, 1)
    client.force_login(instructor)

    response = client.get(url("progress:deck_report", class_deck))

    assert "No student studies this deck yet." in response.content.decode()


def test_an_instructor_sees_only_the_students_of_their_own_deck(
    client, instructor, other_instructor, student_a, student_b, class_deck
):
    make_items(class_deck, 1)
    other_deck = DeckFactory(owner=other_instructor)
    ItemFactory(deck=other_deck)
    studied_by(class_deck, student_a)
    studied_by(other_deck, student_b)
    client.force_login(instructor)

    response = client.get(url("progress:deck_report", class_deck))
    students_csv = csv_rows(client.get(url("progress:deck_report_students_csv", class_deck)))

    assert [row.username for row in response.context["student_rows"]] == ["student_a"]
    assert "student_b" not in response.content.decode()
    assert [row[0] for row in students_csv[1:]] == ["student_a"]


def test_the_deck_page_links_to_the_report_only_for_those_who_can_edit_the_deck(
    client, instructor, student_a, class_deck
):
    report = url("progress:deck_report", class_deck)
    client.force_login(instructor)
    assert report in client.get(class_deck.get_absolute_url()).content.decode()

    client.force_login(student_a)
    assert report not in client.get(class_deck.get_absolute_url()).content.decode()


def test_the_page_takes_the_same_queries_for_one_student_or_three(
    client, instructor, student_a, student_b, class_deck, django_assert_num_queries
):
    make_items(class_deck, 3)
    studied_by(class_deck, student_a)
    client.force_login(instructor)
    page = url("progress:deck_report", class_deck)
    # 1. the user (the session comes from the cache); 2. the deck, if they may edit it; 3. the classes they
    # teach with the deck assigned (the class filter); 4. the students with their settings; 5. their ReviewDay
    # sums; 6. their ReviewState figures; 7. the ReviewLog memory tests per item; 8. the items with their
    # ReviewState sums.
    with django_assert_num_queries(8):
        assert client.get(page).status_code == 200

    studied_by(class_deck, student_b, UserFactory(username="student_c"))
    with django_assert_num_queries(8):
        response = client.get(page)
    assert len(response.context["student_rows"]) == 3


# --- the CSV downloads ----------------------------------------------------------------------------------


def test_the_students_csv_has_the_pages_columns(client, instructor, student_a, class_deck):
    (item,) = make_items(class_deck, 1)
    studied_by(class_deck, student_a)
    for days_ago, rating in [(2, Rating.AGAIN), (1, Rating.GOOD)]:
        ReviewLogFactory(
            learner=student_a,
            item=item,
            rating=rating,
            tests_memory=True,
            reviewed_at=timezone.now() - timedelta(days=days_ago),
        )
    client.force_login(instructor)

    response = client.get(url("progress:deck_report_students_csv", class_deck))

    assert response["Content-Disposition"] == 'attachment; filename="left-opposition-students.csv"'
    header, row = csv_rows(response)
    assert header == [
        "Student",
        "Reviews, last 7 days",
        "True retention, last 30 days (%)",
        "Mastery (% of items)",
        "Overdue items",
        "Last active (UTC)",
    ]
    assert row[:5] == ["student_a", "2", "50", "100", "0"]


def test_the_items_csv_has_the_pages_columns(client, instructor, class_deck):
    (item,) = make_items(class_deck, 1, passage_index=1)
    client.force_login(instructor)

    response = client.get(url("progress:deck_report_items_csv", class_deck))

    assert response["Content-Disposition"] == 'attachment; filename="left-opposition-items.csv"'
    header, row = csv_rows(response)
    assert header[:3] == ["Position", "Item", "Source sentence"]
    assert row == [str(item.position), item.prompt, item.passage.text, "0", "0", "0", "", "", "0"]


def test_csv_cells_a_spreadsheet_would_run_as_formulas_are_escaped(client, instructor, class_deck):
    ItemFactory(deck=class_deck, prompt='=HYPERLINK("http://evil.example","Click")', answer="x")
    ItemFactory(deck=class_deck, prompt="@SUM(A1:A2)", answer="y")
    studied_by(class_deck, UserFactory(username="@attacker"), UserFactory(username="+1"))
    client.force_login(instructor)

    students = csv_rows(client.get(url("progress:deck_report_students_csv", class_deck)))
    items = csv_rows(client.get(url("progress:deck_report_items_csv", class_deck)))

    assert sorted(row[0] for row in students[1:]) == ["'+1", "'@attacker"]
    assert sorted(row[1] for row in items[1:]) == ['\'=HYPERLINK("http://evil.example","Click")', "'@SUM(A1:A2)"]
