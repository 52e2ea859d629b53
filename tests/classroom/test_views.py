"""The class pages through the test client: what each shows, joining, and the instructors' forms."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from studyapp.classroom import services
from studyapp.classroom.models import Assignment, Classroom, Membership
from studyapp.review.models import Rating, StudiedDeck
from tests.classroom.conftest import DUE
from tests.factories import ClassroomFactory, DeckFactory, ItemFactory, QuizFactory, ReviewLogFactory, UserFactory
from tests.review.conftest import NOW, make_review_state, study

pytestmark = pytest.mark.django_db


def detail_url(classroom: Classroom) -> str:
    return reverse("classroom:detail", args=[classroom.pk])


# --- the class list and creating a class -----------------------------------------------------------------


def test_the_list_shows_taught_and_joined_classes_apart(client, classroom, other_instructor):
    other = ClassroomFactory(name="Economics", created_by=other_instructor)
    services.join(classroom=classroom, student=other_instructor, now=NOW)  # instructors may be students elsewhere
    client.force_login(other_instructor)

    response = client.get(reverse("classroom:home"))

    assert [c.name for c in response.context["taught"]] == [other.name]
    assert [c.name for c in response.context["joined"]] == ["History 101"]
    assert "Taught by instructor" in response.content.decode()


def test_a_student_is_offered_to_join_not_to_create(client, student_a):
    client.force_login(student_a)

    html = client.get(reverse("classroom:home")).content.decode()

    assert reverse("classroom:join") in html
    assert reverse("classroom:create") not in html


def test_creating_a_class_opens_its_page(client, instructor):
    client.force_login(instructor)

    response = client.post(reverse("classroom:create"), {"name": "History 102"})

    classroom = Classroom.objects.get(name="History 102")
    assert response["Location"] == detail_url(classroom)
    assert classroom.instructors.get() == instructor


def test_a_class_without_a_name_is_sent_back_with_the_error(client, instructor):
    client.force_login(instructor)

    response = client.post(reverse("classroom:create"), {"name": "  "})

    assert response.status_code == 422
    assert "This field is required." in response.content.decode()
    assert not Classroom.objects.exists()


def test_the_navigation_links_to_classes_for_signed_in_users(client, student_a):
    assert reverse("classroom:home") not in client.get(reverse("library:home")).content.decode()
    client.force_login(student_a)

    assert f'href="{reverse("classroom:home")}"' in client.get(reverse("library:home")).content.decode()


# --- the class page, for its instructors -------------------------------------------------------------------


def test_the_instructor_sees_the_code_and_the_full_join_link(client, classroom, instructor):
    client.force_login(instructor)

    html = client.get(detail_url(classroom)).content.decode()

    assert "HSTRY234" in html
    assert 'value="http://testserver/classes/join/HSTRY234/"' in html
    assert "Copy link" in html


def test_the_instructor_sees_each_students_progress_on_each_deck(client, classroom, instructor, assigned_deck):
    now = timezone.now()
    study(UserFactory(), assigned_deck)  # not in the class: not counted
    student_b = UserFactory(username="student_b")
    services.join(classroom=classroom, student=student_b, now=now)
    states = list(student_b.review_states.order_by("item__position"))
    make_review_state(states[0], due=now + timedelta(days=30), last_review=now - timedelta(hours=1))  # mastered
    make_review_state(states[1], due=now - timedelta(hours=1), last_review=now - timedelta(days=40))  # due now
    client.force_login(instructor)

    response = client.get(detail_url(classroom))

    rows = {row.student.username: row.standings for row in response.context["students"]}
    assert list(rows) == ["student_a", "student_b"]
    (standing,) = rows["student_b"]
    assert (standing.items, standing.reviewed, standing.mastered, standing.due_now) == (3, 2, 1, 1)
    assert rows["student_a"][0].reviewed == 0
    html = response.content.decode()
    assert "2/3 studied" in html
    assert reverse("classroom:student", args=[classroom.pk, student_b.pk]) in html


def test_the_class_page_takes_the_same_queries_for_any_number_of_students_and_decks(
    client, classroom, instructor, django_assert_num_queries
):
    client.force_login(instructor)
    # 1. the user; 2. the class, if they may see it, and whether they teach it; 3. the assigned decks;
    # 4. the students with their settings; 5. their standings on the decks (one grouped query); 6. the
    # instructors; 7. the quizzes; 8. the decks one may assign.
    with django_assert_num_queries(8):
        assert client.get(detail_url(classroom)).status_code == 200

    for number in range(3):
        deck = DeckFactory()
        ItemFactory(deck=deck)
        services.assign_deck(classroom=classroom, deck=deck, due_on=None, now=NOW)
        services.join(classroom=classroom, student=UserFactory(username=f"student_{number}"), now=NOW)
    with django_assert_num_queries(8):
        response = client.get(detail_url(classroom))
    assert len(response.context["students"]) == 4
    assert len(response.context["assignments"]) == 4


def test_the_class_quizzes_are_listed_with_their_links(client, classroom, instructor, student_a):
    quiz = QuizFactory(classroom=classroom, title="Left Opposition check")
    QuizFactory(title="Another class's quiz")
    for who in (instructor, student_a):
        client.force_login(who)

        html = client.get(detail_url(classroom)).content.decode()

        assert f'href="{quiz.get_absolute_url()}">Left Opposition check' in html
        assert "Another class's quiz" not in html
        # Building, changing and deleting a quiz, and its report, are the instructors'.
        instructors_links = [reverse("quizzes:create", args=[classroom.pk])] + [
            reverse(f"quizzes:{name}", args=[quiz.pk]) for name in ("report", "edit", "delete")
        ]
        for link in instructors_links:
            assert (f'href="{link}"' in html) == (who == instructor)


# --- the class page, for its students ----------------------------------------------------------------------


def test_a_student_sees_the_instructors_the_decks_with_dates_and_leave(client, classroom, student_a, assigned_deck):
    client.force_login(student_a)

    response = client.get(detail_url(classroom))

    html = response.content.decode()
    assert response.templates[0].name == "classroom/detail_student.html"
    assert "Taught by instructor" in html
    assert assigned_deck.title in html
    assert "1 Jun 2026" in html
    assert reverse("review:add_deck", args=[assigned_deck.slug]) in html
    assert reverse("classroom:leave", args=[classroom.pk]) in html
    assert "HSTRY234" not in html  # the code is the instructors' to hand out


def test_leaving_returns_to_the_class_list(client, classroom, student_a):
    client.force_login(student_a)

    response = client.post(reverse("classroom:leave", args=[classroom.pk]), follow=True)

    assert response.redirect_chain == [(reverse("classroom:home"), 302)]
    assert "You left “History 101”" in response.content.decode()
    assert not Membership.objects.filter(student=student_a).exists()


# --- joining ---------------------------------------------------------------------------------------------


def test_joining_with_a_code_typed_in_lower_case(client, classroom, student_b, assigned_deck):
    client.force_login(student_b)

    response = client.post(reverse("classroom:join"), {"code": "hstry-234"})

    assert response["Location"] == detail_url(classroom)
    assert classroom.memberships.filter(student=student_b).exists()
    assert StudiedDeck.objects.get(learner=student_b, deck=assigned_deck).exam_on == DUE


@pytest.mark.parametrize("code", ["ZZZZZZZZ", "nonsense!", "x" * 40])
def test_a_bad_code_gets_a_form_error_and_nothing_else(client, classroom, student_b, code):
    client.force_login(student_b)

    response = client.post(reverse("classroom:join"), {"code": code})

    assert response.status_code == 422
    assert "There is no class with that code." in response.content.decode()
    assert not classroom.memberships.filter(student=student_b).exists()


def test_a_bad_code_by_htmx_gets_just_the_form_back(client, classroom, student_b):
    client.force_login(student_b)

    response = client.post(reverse("classroom:join"), {"code": "ZZZZZZZZ"}, HTTP_HX_REQUEST="true")

    html = response.content.decode()
    assert response.status_code == 422
    assert html.lstrip().startswith('<form method="post" action="/classes/join/" id="join-form"')
    assert "There is no class with that code." in html


def test_joining_by_htmx_sends_the_browser_to_the_class(client, classroom, student_b):
    client.force_login(student_b)

    response = client.post(reverse("classroom:join"), {"code": "HSTRY234"}, HTTP_HX_REQUEST="true")

    assert response["HX-Redirect"] == detail_url(classroom)


def test_the_instructor_cant_join_their_own_class(client, classroom, instructor):
    client.force_login(instructor)

    response = client.post(reverse("classroom:join"), {"code": "HSTRY234"})

    assert response.status_code == 422
    assert "You teach this class" in response.content.decode()


def test_the_join_link_shows_the_class_and_changes_nothing_on_get(client, classroom, student_b):
    client.force_login(student_b)

    response = client.get(reverse("classroom:join_link", args=["hstry234"]))

    html = response.content.decode()
    assert response.status_code == 200
    assert "History 101" in html
    assert "Join History 101</button>" in html
    assert not classroom.memberships.filter(student=student_b).exists()


def test_posting_the_join_link_joins(client, classroom, student_b):
    client.force_login(student_b)

    response = client.post(reverse("classroom:join_link", args=["HSTRY234"]))

    assert response["Location"] == detail_url(classroom)
    assert classroom.memberships.filter(student=student_b).exists()


def test_a_member_opening_the_join_link_is_told_so(client, classroom, student_a):
    client.force_login(student_a)

    html = client.get(reverse("classroom:join_link", args=["HSTRY234"])).content.decode()

    assert "You are in this class already" in html
    assert "Join History 101</button>" not in html


def test_a_bad_join_link_is_a_404_with_the_join_form(client, classroom, student_b):
    client.force_login(student_b)

    response = client.get(reverse("classroom:join_link", args=["ZZZZZZZZ"]))

    assert response.status_code == 404
    assert "There is no class with that code." in response.content.decode()
    assert "History 101" not in response.content.decode()


def test_a_visitor_logs_in_and_comes_back_to_the_join_link(client, classroom, student_b):
    link = reverse("classroom:join_link", args=["HSTRY234"])
    login = client.get(link)["Location"]

    response = client.post(login, {"username": "student_b", "password": "correct-horse-battery-1927", "next": link})

    assert response["Location"] == link


# --- the instructors' forms ------------------------------------------------------------------------------


def test_a_new_code_is_shown_after_regenerating(client, classroom, instructor):
    client.force_login(instructor)

    response = client.post(reverse("classroom:regenerate_code", args=[classroom.pk]), follow=True)

    classroom.refresh_from_db()
    assert classroom.join_code != "HSTRY234"
    assert f"The new join code is {classroom.join_code}" in response.content.decode()


def test_removing_a_student(client, classroom, instructor, student_a):
    client.force_login(instructor)

    response = client.post(reverse("classroom:remove_student", args=[classroom.pk, student_a.pk]), follow=True)

    assert "student_a is no longer in the class." in response.content.decode()
    assert not classroom.memberships.exists()


def test_adding_a_co_instructor_by_username(client, classroom, instructor, other_instructor):
    client.force_login(instructor)

    response = client.post(reverse("classroom:add_instructor", args=[classroom.pk]), {"username": "other_instructor"})

    assert response["Location"] == detail_url(classroom)
    assert classroom.instructors.filter(pk=other_instructor.pk).exists()


@pytest.mark.parametrize(
    ("username", "message"),
    [
        ("nobody", "There is no user called “nobody”."),
        ("student_b", "student_b is not an instructor, so can&#x27;t teach a class."),
        ("student_a", "student_a is not an instructor"),
    ],
)
def test_a_co_instructor_who_cant_be_added_gets_a_clear_error(
    client, classroom, instructor, student_b, username, message
):
    client.force_login(instructor)

    response = client.post(reverse("classroom:add_instructor", args=[classroom.pk]), {"username": username})

    assert response.status_code == 422
    assert message in response.content.decode()
    assert list(classroom.instructors.all()) == [instructor]


def test_assigning_a_deck_with_a_date(client, classroom, instructor, student_a):
    deck = DeckFactory(title="Economics")
    ItemFactory(deck=deck)
    due = timezone.localdate() + timedelta(days=10)
    client.force_login(instructor)

    response = client.post(
        reverse("classroom:assign_deck", args=[classroom.pk]), {"deck": deck.pk, "due_on": due.isoformat()}
    )

    assert response["Location"] == detail_url(classroom)
    assert Assignment.objects.get(classroom=classroom, deck=deck).due_on == due
    assert StudiedDeck.objects.get(learner=student_a, deck=deck).exam_on == due


def test_changing_an_assigned_decks_date(client, classroom, instructor, student_a, assigned_deck):
    due = timezone.localdate() + timedelta(days=20)
    client.force_login(instructor)

    response = client.post(
        reverse("classroom:assign_deck", args=[classroom.pk]),
        {"deck": assigned_deck.pk, "due_on": due.isoformat()},
        follow=True,
    )

    assert f"is now to know by {due:%-d %B %Y}" in response.content.decode()
    assert Assignment.objects.get(classroom=classroom).due_on == due
    assert StudiedDeck.objects.get(learner=student_a, deck=assigned_deck).exam_on == due


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"deck": "999999", "due_on": ""}, "Select a valid choice."),
        ({"deck": "", "due_on": ""}, "This field is required."),
        ({"deck": "pk", "due_on": "2001-01-01"}, "The date has to be today or later."),
        ({"deck": "pk", "due_on": "not a date"}, "Enter a valid date."),
    ],
)
def test_a_bad_assignment_is_sent_back_with_the_error(client, classroom, instructor, assigned_deck, data, message):
    client.force_login(instructor)
    data = {**data, "deck": assigned_deck.pk if data["deck"] == "pk" else data["deck"]}

    response = client.post(reverse("classroom:assign_deck", args=[classroom.pk]), data)

    assert response.status_code == 422
    assert message in response.content.decode()
    assert Assignment.objects.get(classroom=classroom).due_on == DUE


def test_unassigning_a_deck(client, classroom, instructor, student_a, assigned_deck):
    client.force_login(instructor)

    response = client.post(reverse("classroom:unassign_deck", args=[classroom.pk, assigned_deck.pk]))

    assert response["Location"] == detail_url(classroom)
    assert not classroom.assignments.exists()
    assert StudiedDeck.objects.filter(learner=student_a, deck=assigned_deck).exists()


# --- one student's detail --------------------------------------------------------------------------------


def test_the_student_detail_shows_only_the_class_decks(client, classroom, instructor, student_a, assigned_deck):
    now = timezone.now()
    item = assigned_deck.items.order_by("position").first()
    other_deck = DeckFactory(title="Private studies")
    other_item = ItemFactory(deck=other_deck, prompt="A question of their own")
    study(student_a, other_deck)
    ReviewLogFactory(learner=student_a, item=item, rating=Rating.AGAIN, reviewed_at=now - timedelta(hours=2))
    ReviewLogFactory(learner=student_a, item=other_item, reviewed_at=now - timedelta(hours=1))
    for state in student_a.review_states.all():
        make_review_state(state, due=now + timedelta(days=1), last_review=now - timedelta(days=5), lapses=2)
    client.force_login(instructor)

    response = client.get(reverse("classroom:student", args=[classroom.pk, student_a.pk]))

    detail = response.context["detail"]
    assert [log.item_id for log in detail.recent_reviews] == [item.pk]
    assert {state.deck_id for state in detail.weakest} == {assigned_deck.pk}
    assert len(detail.weakest) == 3
    ((assignment, standing),) = detail.decks
    assert assignment.due_on == DUE
    assert standing.reviewed == 3
    html = response.content.decode()
    assert "Private studies" not in html
    assert "A question of their own" not in html
    assert "Again" in html


def test_the_student_detail_takes_a_fixed_number_of_queries(
    client, classroom, instructor, student_a, django_assert_num_queries
):
    client.force_login(instructor)
    # 1. the user; 2. the class, if they teach it; 3. the member with their settings; 4. the assigned decks;
    # 5. the standings; 6. the recent reviews; 7. the weakest items.
    with django_assert_num_queries(7):
        assert client.get(reverse("classroom:student", args=[classroom.pk, student_a.pk])).status_code == 200
