"""Who may open each class page and take each class action: the IDOR matrix over the whole user cast.

student_a is in the class, student_b isn't; instructor teaches it, other_instructor doesn't; admin_user is a
superuser. Anyone who may not see the class gets 404 (its existence isn't revealed), and nothing changes.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from studyapp.classroom.models import Assignment, Classroom, Membership
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

CAST = ["student_a", "student_b", "instructor", "other_instructor", "admin_user"]
RUNS_IT = {"instructor", "admin_user"}


def snapshot(classroom: Classroom) -> tuple:
    """Everything an action could change."""
    classroom.refresh_from_db()
    return (
        classroom.join_code,
        sorted(classroom.instructors.values_list("username", flat=True)),
        sorted(Membership.objects.filter(classroom=classroom).values_list("student__username", flat=True)),
        sorted(Assignment.objects.filter(classroom=classroom).values_list("deck_id", "due_on")),
    )


def pages(classroom, student_a) -> dict[str, str]:
    return {
        "detail": reverse("classroom:detail", args=[classroom.pk]),
        "student": reverse("classroom:student", args=[classroom.pk, student_a.pk]),
    }


def actions(classroom, student_a, deck) -> dict[str, tuple[str, dict]]:
    pk = classroom.pk
    return {
        "leave": (reverse("classroom:leave", args=[pk]), {}),
        "remove_student": (reverse("classroom:remove_student", args=[pk, student_a.pk]), {}),
        "regenerate_code": (reverse("classroom:regenerate_code", args=[pk]), {}),
        "add_instructor": (reverse("classroom:add_instructor", args=[pk]), {"username": "co_teacher"}),
        "assign_deck": (reverse("classroom:assign_deck", args=[pk]), {"deck": deck.pk, "due_on": ""}),
        "unassign_deck": (reverse("classroom:unassign_deck", args=[pk, deck.pk]), {}),
    }


# Expected status per page and member of the cast.
PAGE_STATUS = {
    "detail": {"student_a": 200, "student_b": 404, "instructor": 200, "other_instructor": 404, "admin_user": 200},
    # A student's detail is for the class's instructors only: the student themself gets 404 too.
    "student": {"student_a": 404, "student_b": 404, "instructor": 200, "other_instructor": 404, "admin_user": 200},
}
ACTION_ALLOWED = {
    "leave": {"student_a"},
    "remove_student": RUNS_IT,
    "regenerate_code": RUNS_IT,
    "add_instructor": RUNS_IT,
    "assign_deck": RUNS_IT,
    "unassign_deck": RUNS_IT,
}


@pytest.mark.parametrize("who", CAST)
@pytest.mark.parametrize("page", sorted(PAGE_STATUS))
def test_each_class_page_is_seen_only_by_those_it_is_for(client, request, classroom, student_a, who, page):
    client.force_login(request.getfixturevalue(who))

    response = client.get(pages(classroom, student_a)[page])

    assert response.status_code == PAGE_STATUS[page][who]
    if response.status_code == 404:
        assert classroom.name not in response.content.decode()


@pytest.mark.parametrize("who", CAST)
@pytest.mark.parametrize("action", sorted(ACTION_ALLOWED))
def test_each_class_action_is_done_only_by_those_it_is_for(
    client, request, classroom, student_a, assigned_deck, who, action
):
    UserFactory(username="co_teacher", roles=["Instructors"])
    client.force_login(request.getfixturevalue(who))
    before = snapshot(classroom)
    url, data = actions(classroom, student_a, assigned_deck)[action]

    response = client.post(url, data)

    if who in ACTION_ALLOWED[action]:
        assert response.status_code == 302
        assert snapshot(classroom) != before
    else:
        assert response.status_code == 404
        assert snapshot(classroom) == before


@pytest.mark.parametrize("action", sorted(ACTION_ALLOWED))
def test_class_actions_refuse_get(client, classroom, student_a, assigned_deck, instructor, action):
    client.force_login(student_a if action == "leave" else instructor)
    url, _ = actions(classroom, student_a, assigned_deck)[action]
    before = snapshot(classroom)

    assert client.get(url).status_code == 405
    assert snapshot(classroom) == before


@pytest.mark.parametrize("who", CAST)
def test_the_class_list_shows_only_the_classes_one_teaches_or_belongs_to(client, request, classroom, who):
    client.force_login(request.getfixturevalue(who))

    html = client.get(reverse("classroom:home")).content.decode()

    assert (classroom.name in html) == (who in {"student_a", "instructor", "admin_user"})


@pytest.mark.parametrize("who", CAST)
def test_only_instructors_may_create_a_class(client, request, who):
    client.force_login(request.getfixturevalue(who))
    allowed = who in {"instructor", "other_instructor", "admin_user"}

    assert client.get(reverse("classroom:create")).status_code == (200 if allowed else 403)
    response = client.post(reverse("classroom:create"), {"name": f"{who}'s class"})

    assert response.status_code == (302 if allowed else 403)
    assert Classroom.objects.filter(name=f"{who}'s class").exists() == allowed


def test_an_unknown_class_is_a_404_like_anothers(client, admin_user):
    client.force_login(admin_user)

    assert client.get(reverse("classroom:detail", args=[999_999])).status_code == 404


def test_a_student_not_in_the_class_is_a_404_on_the_student_page(client, classroom, instructor, student_b):
    client.force_login(instructor)

    assert client.get(reverse("classroom:student", args=[classroom.pk, student_b.pk])).status_code == 404
    assert client.post(reverse("classroom:remove_student", args=[classroom.pk, student_b.pk])).status_code == 404


def test_an_unassigned_deck_is_a_404_on_unassign(client, classroom, instructor):
    from tests.factories import DeckFactory

    client.force_login(instructor)
    other = DeckFactory()

    assert client.post(reverse("classroom:unassign_deck", args=[classroom.pk, other.pk])).status_code == 404


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("classroom:home", []),
        ("classroom:create", []),
        ("classroom:join", []),
        ("classroom:join_link", ["HSTRY234"]),
        ("classroom:detail", ["pk"]),
        ("classroom:student", ["pk", "student"]),
    ],
)
def test_anonymous_visitors_are_sent_to_log_in_and_back(client, classroom, student_a, name, args):
    args = [classroom.pk if a == "pk" else student_a.pk if a == "student" else a for a in args]
    url = reverse(name, args=args)

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={url}"
