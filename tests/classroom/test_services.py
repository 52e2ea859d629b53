"""Classroom writes: creating, joining, leaving, codes, co-instructors, assigned decks and exam dates."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied

from studyapp.classroom import services
from studyapp.classroom.models import Assignment, Classroom, Membership
from studyapp.review.models import ReviewState, StudiedDeck
from tests.factories import AssignmentFactory, ClassroomFactory, DeckFactory, ItemFactory, MembershipFactory
from tests.review.conftest import NOW

pytestmark = pytest.mark.django_db

JUNE = date(2026, 6, 1)
JULY = date(2026, 7, 1)


@pytest.fixture
def classroom(instructor) -> Classroom:
    return ClassroomFactory(name="History 101", created_by=instructor)


@pytest.fixture
def deck():
    deck = DeckFactory(title="The Left Opposition", slug="left-opposition")
    ItemFactory.create_batch(3, deck=deck)
    return deck


def exam_on(learner, deck) -> date | None:
    return StudiedDeck.objects.get(learner=learner, deck=deck).exam_on


# --- creating --------------------------------------------------------------------------------------------


def test_the_creator_of_a_class_teaches_it(instructor):
    classroom = services.create_classroom(name="  History 101 ", instructor=instructor)

    assert classroom.name == "History 101"
    assert list(classroom.instructors.all()) == [instructor]
    assert classroom.created_by == instructor
    assert len(classroom.join_code) == 8


def test_a_superuser_may_create_a_class(admin_user):
    assert services.create_classroom(name="Admins' class", instructor=admin_user).instructors.get() == admin_user


def test_a_student_may_not_create_a_class(student_a):
    with pytest.raises(PermissionDenied):
        services.create_classroom(name="Mine", instructor=student_a)

    assert not Classroom.objects.exists()


def test_a_class_needs_a_name(instructor):
    with pytest.raises(services.ClassroomError):
        services.create_classroom(name="   ", instructor=instructor)


def test_creating_a_class_draws_another_code_when_the_first_is_taken(instructor, monkeypatch):
    ClassroomFactory(join_code="AAAAAAAA")
    codes = iter(["AAAAAAAA", "BBBBBBBB"])
    monkeypatch.setattr(services, "new_join_code", lambda: next(codes))

    classroom = services.create_classroom(name="History 101", instructor=instructor)

    assert classroom.join_code == "BBBBBBBB"
    assert Classroom.objects.count() == 2


# --- codes -----------------------------------------------------------------------------------------------


def test_a_new_code_replaces_the_old_one(classroom):
    old = classroom.join_code

    new = services.regenerate_code(classroom=classroom)

    classroom.refresh_from_db()
    assert classroom.join_code == new != old
    with pytest.raises(services.NoSuchClass):
        services.find_by_code(old)


def test_a_new_code_is_drawn_again_on_a_clash(classroom, monkeypatch):
    ClassroomFactory(join_code="CCCCCCCC")
    codes = iter(["CCCCCCCC", "CCCCCCCC", "DDDDDDDD"])
    monkeypatch.setattr(services, "new_join_code", lambda: next(codes))

    assert services.regenerate_code(classroom=classroom) == "DDDDDDDD"
    classroom.refresh_from_db()
    assert classroom.join_code == "DDDDDDDD"


def test_a_code_is_given_up_after_a_few_clashes(classroom, monkeypatch):
    ClassroomFactory(join_code="CCCCCCCC")
    monkeypatch.setattr(services, "new_join_code", lambda: "CCCCCCCC")
    old = Classroom.objects.get(pk=classroom.pk).join_code

    with pytest.raises(services.ClassroomError, match="try again"):
        services.regenerate_code(classroom=classroom)

    assert Classroom.objects.get(pk=classroom.pk).join_code == old


@pytest.mark.parametrize("typed", ["abcd-efgh", " ABCD EFGH ", "AbCdEfGh"])
def test_a_code_is_found_whatever_its_case_spaces_or_dashes(typed):
    classroom = ClassroomFactory(join_code="ABCDEFGH")

    assert services.find_by_code(typed) == classroom


@pytest.mark.parametrize("typed", ["", "ABCDEFG", "ABCDEFGHJ", "ABCDEFG0", "ZZZZZZZZ", "ABCD'; --"])
def test_a_bad_code_finds_no_class_with_one_message(typed):
    ClassroomFactory(join_code="ABCDEFGH")

    with pytest.raises(services.NoSuchClass) as raised:
        services.find_by_code(typed)

    assert raised.value.message == "There is no class with that code."


# --- joining and leaving -------------------------------------------------------------------------------


def test_joining_puts_every_assigned_deck_in_the_students_studies(classroom, deck, student_a):
    other = DeckFactory()
    ItemFactory(deck=other)
    AssignmentFactory(classroom=classroom, deck=deck)
    AssignmentFactory(classroom=classroom, deck=other)

    services.join(classroom=classroom, student=student_a, now=NOW)

    assert Membership.objects.filter(classroom=classroom, student=student_a).exists()
    assert set(StudiedDeck.objects.filter(learner=student_a).values_list("deck_id", flat=True)) == {deck.pk, other.pk}
    assert ReviewState.objects.filter(learner=student_a).count() == 4


def test_joining_by_code_ignores_its_case(classroom, student_a):
    services.join(code=classroom.join_code.lower(), student=student_a, now=NOW)

    assert classroom.memberships.filter(student=student_a).exists()


def test_joining_with_a_bad_code_joins_nothing(classroom, student_a):
    with pytest.raises(services.NoSuchClass):
        services.join(code="ZZZZZZZZ", student=student_a, now=NOW)

    assert not Membership.objects.exists()


def test_joining_twice_is_harmless(classroom, deck, student_a):
    AssignmentFactory(classroom=classroom, deck=deck)
    services.join(classroom=classroom, student=student_a, now=NOW)

    services.join(classroom=classroom, student=student_a, now=NOW)

    assert Membership.objects.filter(classroom=classroom, student=student_a).count() == 1
    assert ReviewState.objects.filter(learner=student_a).count() == 3


def test_an_instructor_of_the_class_cant_join_it_as_a_student(classroom, instructor):
    with pytest.raises(services.ClassroomError, match="You teach this class"):
        services.join(classroom=classroom, student=instructor, now=NOW)


def test_joining_sets_the_assignments_date_as_the_exam_date(classroom, deck, student_a):
    AssignmentFactory(classroom=classroom, deck=deck, due_on=JUNE)

    services.join(classroom=classroom, student=student_a, now=NOW)

    assert exam_on(student_a, deck) == JUNE


def test_joining_keeps_a_students_own_exam_date(classroom, deck, student_a):
    StudiedDeck.objects.create(learner=student_a, deck=deck, exam_on=JULY)
    AssignmentFactory(classroom=classroom, deck=deck, due_on=JUNE)

    services.join(classroom=classroom, student=student_a, now=NOW)

    assert exam_on(student_a, deck) == JULY


def test_a_second_class_with_an_earlier_date_moves_the_exam_date_that_came_from_a_class(
    classroom, deck, student_a, other_instructor
):
    AssignmentFactory(classroom=classroom, deck=deck, due_on=JULY)
    services.join(classroom=classroom, student=student_a, now=NOW)
    second = ClassroomFactory(created_by=other_instructor)
    AssignmentFactory(classroom=second, deck=deck, due_on=JUNE)

    services.join(classroom=second, student=student_a, now=NOW)
    assert exam_on(student_a, deck) == JUNE

    services.leave(classroom=second, student=student_a)
    assert exam_on(student_a, deck) == JULY


def test_leaving_keeps_the_studies_and_reviews_and_drops_the_class_date(classroom, deck, student_a):
    AssignmentFactory(classroom=classroom, deck=deck, due_on=JUNE)
    services.join(classroom=classroom, student=student_a, now=NOW)

    assert services.leave(classroom=classroom, student=student_a) is True

    assert not Membership.objects.exists()
    assert exam_on(student_a, deck) is None
    assert ReviewState.objects.filter(learner=student_a).count() == 3


def test_leaving_keeps_a_date_the_student_chose(classroom, deck, student_a):
    AssignmentFactory(classroom=classroom, deck=deck, due_on=JUNE)
    services.join(classroom=classroom, student=student_a, now=NOW)
    StudiedDeck.objects.filter(learner=student_a, deck=deck).update(exam_on=JULY)

    services.leave(classroom=classroom, student=student_a)

    assert exam_on(student_a, deck) == JULY


def test_leaving_a_class_one_isnt_in_changes_nothing(classroom, student_a):
    assert services.leave(classroom=classroom, student=student_a) is False


def test_removing_a_student_is_like_their_leaving(classroom, deck, student_a, student_b):
    AssignmentFactory(classroom=classroom, deck=deck, due_on=JUNE)
    services.join(classroom=classroom, student=student_a, now=NOW)
    services.join(classroom=classroom, student=student_b, now=NOW)

    assert services.remove_student(classroom=classroom, student=student_a) is True

    assert list(classroom.memberships.values_list("student__username", flat=True)) == ["student_b"]
    assert exam_on(student_a, deck) is None
    assert exam_on(student_b, deck) == JUNE


# --- co-instructors --------------------------------------------------------------------------------------


def test_another_instructor_can_be_added(classroom, other_instructor):
    services.add_instructor(classroom=classroom, user=other_instructor)

    assert set(classroom.instructors.values_list("username", flat=True)) == {"instructor", "other_instructor"}


def test_a_staff_member_can_be_added(classroom):
    from tests.factories import UserFactory

    staff = UserFactory(username="staffer", is_staff=True)

    services.add_instructor(classroom=classroom, user=staff)

    assert classroom.instructors.filter(pk=staff.pk).exists()


def test_a_student_cant_be_made_an_instructor(classroom, student_a):
    with pytest.raises(services.ClassroomError, match="student_a is not an instructor"):
        services.add_instructor(classroom=classroom, user=student_a)

    assert not classroom.instructors.filter(pk=student_a.pk).exists()


def test_a_member_of_the_class_cant_be_made_its_instructor(classroom, other_instructor):
    MembershipFactory(classroom=classroom, student=other_instructor)

    with pytest.raises(services.ClassroomError, match="is a student of this class"):
        services.add_instructor(classroom=classroom, user=other_instructor)


def test_adding_an_instructor_twice_says_so(classroom, instructor):
    with pytest.raises(services.ClassroomError, match="already teaches"):
        services.add_instructor(classroom=classroom, user=instructor)


# --- assigned decks --------------------------------------------------------------------------------------


def test_assigning_a_deck_adds_it_to_every_members_studies_with_its_date(classroom, deck, student_a, student_b):
    MembershipFactory(classroom=classroom, student=student_a)
    MembershipFactory(classroom=classroom, student=student_b)
    StudiedDeck.objects.create(learner=student_b, deck=deck, exam_on=JULY)

    assignment = services.assign_deck(classroom=classroom, deck=deck, due_on=JUNE, now=NOW)

    assert assignment.due_on == JUNE
    assert ReviewState.objects.filter(deck=deck).count() == 6
    assert exam_on(student_a, deck) == JUNE
    assert exam_on(student_b, deck) == JULY  # their own


def test_assigning_a_deck_to_an_empty_class_studies_nothing(classroom, deck):
    services.assign_deck(classroom=classroom, deck=deck, due_on=None, now=NOW)

    assert Assignment.objects.get().due_on is None
    assert not StudiedDeck.objects.exists()


def test_changing_the_date_moves_the_exam_dates_that_came_from_it(classroom, deck, student_a, student_b):
    MembershipFactory(classroom=classroom, student=student_a)
    MembershipFactory(classroom=classroom, student=student_b)
    services.assign_deck(classroom=classroom, deck=deck, due_on=JUNE, now=NOW)
    StudiedDeck.objects.filter(learner=student_b).update(exam_on=date(2026, 5, 5))

    services.assign_deck(classroom=classroom, deck=deck, due_on=JULY, now=NOW)

    assert Assignment.objects.get().due_on == JULY
    assert exam_on(student_a, deck) == JULY
    assert exam_on(student_b, deck) == date(2026, 5, 5)


def test_giving_an_undated_assignment_a_date_fills_empty_exam_dates(classroom, deck, student_a):
    MembershipFactory(classroom=classroom, student=student_a)
    services.assign_deck(classroom=classroom, deck=deck, due_on=None, now=NOW)
    assert exam_on(student_a, deck) is None

    services.assign_deck(classroom=classroom, deck=deck, due_on=JUNE, now=NOW)

    assert exam_on(student_a, deck) == JUNE


def test_removing_the_date_clears_the_exam_dates_that_came_from_it(classroom, deck, student_a):
    MembershipFactory(classroom=classroom, student=student_a)
    services.assign_deck(classroom=classroom, deck=deck, due_on=JUNE, now=NOW)

    services.assign_deck(classroom=classroom, deck=deck, due_on=None, now=NOW)

    assert exam_on(student_a, deck) is None


def test_unassigning_keeps_the_students_reviews_and_drops_the_class_date(classroom, deck, student_a):
    MembershipFactory(classroom=classroom, student=student_a)
    services.assign_deck(classroom=classroom, deck=deck, due_on=JUNE, now=NOW)
    ReviewState.objects.filter(learner=student_a).update(reps=4)

    assert services.unassign_deck(classroom=classroom, deck=deck) is True

    assert not Assignment.objects.exists()
    assert exam_on(student_a, deck) is None
    assert list(ReviewState.objects.filter(learner=student_a).values_list("reps", flat=True)) == [4, 4, 4]


def test_unassigning_a_deck_not_assigned_changes_nothing(classroom, deck):
    assert services.unassign_deck(classroom=classroom, deck=deck) is False
