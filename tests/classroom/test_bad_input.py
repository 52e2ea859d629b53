"""Bad input to every post of classes: creating one, joining by code and by link, leaving, and the instructors'
forms (a co-instructor by username, a deck assigned with a date) and actions. Never a 5xx; a refusal says why and
changes nothing (see tests/bad_input.py)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import example, given
from hypothesis import strategies as st

from tests.bad_input import (
    EDGE_TEXTS,
    VALUES,
    client_of,
    form_data,
    holds_nul,
    per_example_rollback,
    refused_changes_nothing,
    rolled_back,
)

COVERS = {
    "classroom:create",
    "classroom:join",
    "classroom:join_link",
    "classroom:leave",
    "classroom:regenerate_code",
    "classroom:add_instructor",
    "classroom:assign_deck",
    "classroom:unassign_deck",
    "classroom:remove_student",
}
CLASS_APPS = ("classroom", "review")
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def teacher(instructor) -> Client:
    return client_of(instructor)


@pytest.fixture
def learner(student_b) -> Client:
    """A student not yet in the class."""
    return client_of(student_b)


@per_example_rollback
@given(posted=form_data(["name"], good={"name": "History 102"}), htmx=st.booleans())
@example(posted={"name": "x" * 100_000}, htmx=False)
def test_a_class_is_created_or_its_name_refused(teacher, posted, htmx):
    with rolled_back():
        refused_changes_nothing(teacher, reverse("classroom:create"), posted, CLASS_APPS, **(HTMX if htmx else {}))


@per_example_rollback
@given(posted=form_data(["code"], good={"code": "hstry234"}), htmx=st.booleans())
@example(posted={"code": "H S T R Y 2 3 4"}, htmx=True)
@example(posted={"code": "ＨＳＴＲＹ２３４"}, htmx=False)
def test_joining_by_a_code_of_any_shape_joins_or_says_why(learner, classroom, posted, htmx):
    with rolled_back():
        refused_changes_nothing(learner, reverse("classroom:join"), posted, CLASS_APPS, **(HTMX if htmx else {}))


@per_example_rollback
@given(code=st.one_of(st.just("HSTRY234"), VALUES.filter(lambda code: code.strip() and "/" not in code)))
@example(code="ＨＳＴＲＹ２３４")
@example(code="x" * 5000)
def test_a_join_link_of_any_code_joins_or_says_why(learner, classroom, code):
    with rolled_back():
        url = reverse("classroom:join_link", args=[code])
        refused_changes_nothing(learner, url, {}, CLASS_APPS)
        assert learner.get(url).status_code in ((400,) if "\x00" in code else (200, 404))


ASSIGN_GOOD = {"deck": "", "due_on": "2099-01-01"}


@per_example_rollback
@given(posted=form_data(["deck", "due_on"]), deck_given=st.booleans())
@example(posted={"due_on": "9999-12-31"}, deck_given=True)
@example(posted={"due_on": "0001-01-01"}, deck_given=True)
@example(posted={"due_on": "2027-02-30"}, deck_given=True)
@example(posted={"due_on": "10000-01-01"}, deck_given=True)
@example(posted={"deck": "9" * 30}, deck_given=False)
@example(posted={"deck": "1e999999999"}, deck_given=False)
def test_a_deck_is_assigned_or_the_deck_or_date_refused(teacher, classroom, assigned_deck, posted, deck_given):
    if deck_given:
        posted = {**posted, "deck": str(assigned_deck.pk)}
    with rolled_back():
        url = reverse("classroom:assign_deck", args=[classroom.pk])
        response = refused_changes_nothing(teacher, url, posted, CLASS_APPS)
        if response.status_code == 422:
            assert b"errorlist" in response.content


@per_example_rollback
@given(posted=form_data(["username"], good={"username": "other_instructor"}))
@example(posted={"username": "x" * 100_000})
def test_a_co_instructor_is_added_or_the_username_refused(teacher, classroom, other_instructor, posted):
    with rolled_back():
        refused_changes_nothing(teacher, reverse("classroom:add_instructor", args=[classroom.pk]), posted, CLASS_APPS)


@per_example_rollback
@given(
    posted=form_data(["code", "deck", "user_id"]),
    name=st.sampled_from(["classroom:regenerate_code", "classroom:unassign_deck", "classroom:remove_student"]),
    other_id=st.sampled_from([0, 2**31, 10**18 - 1]),
)
def test_the_instructors_actions_ignore_stray_fields_and_missing_ids_are_404(
    teacher,
    classroom,
    assigned_deck,
    student_a,
    posted,
    name,
    other_id,
):
    target = {"classroom:unassign_deck": assigned_deck.pk, "classroom:remove_student": student_a.pk}.get(name)
    with rolled_back():
        args = [classroom.pk] if target is None else [classroom.pk, target]
        refused_changes_nothing(teacher, reverse(name, args=args), posted, CLASS_APPS)
        if target is not None:
            missing = teacher.post(reverse(name, args=[classroom.pk, other_id]), posted)
            assert missing.status_code == (400 if holds_nul(posted) else 404)


@per_example_rollback
@given(posted=form_data(["pk", "code"]), pk=st.sampled_from([None, 0, 2**31, 10**18 - 1]))
def test_leaving_a_class_takes_no_input_and_a_missing_class_is_404(client, student_a, classroom, posted, pk):
    client.force_login(student_a)
    with rolled_back():
        url = reverse("classroom:leave", args=[classroom.pk if pk is None else pk])
        response = refused_changes_nothing(client, url, posted, CLASS_APPS)
        assert response.status_code == (400 if holds_nul(posted) else 302 if pk is None else 404)


def test_edge_texts_as_a_join_code_are_refused_with_a_message(learner, classroom):
    for code in EDGE_TEXTS:
        response = learner.post(reverse("classroom:join"), {"code": code})
        assert response.status_code in (400, 422), code
        assert response.content.strip()
