"""The two roles (Django groups made by the data migration) and what each may do."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, Permission

from studyapp.accounts.models import User
from studyapp.accounts.roles import INSTRUCTORS, ROLE_PERMISSIONS, STUDENTS, sync_roles

pytestmark = pytest.mark.django_db


def fresh(user) -> User:
    """The user as a new request sees them (permissions are cached per instance)."""
    return User.objects.get(pk=user.pk)


def test_the_migration_creates_the_students_and_instructors_groups(db):
    assert set(Group.objects.values_list("name", flat=True)) >= {STUDENTS, INSTRUCTORS}


@pytest.mark.parametrize("group_name", [STUDENTS, INSTRUCTORS])
def test_each_group_has_exactly_the_permissions_of_its_role(group_name):
    expected = {
        f"{app_label}.{action}_{model}"
        for app_label, models in ROLE_PERMISSIONS[group_name].items()
        for model, actions in models.items()
        for action in actions
    }
    group = Group.objects.get(name=group_name)

    granted = {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")}

    assert granted == expected


def test_students_can_view_items_but_not_change_them(student_a):
    student = fresh(student_a)

    assert student.has_perm("library.view_item")
    assert student.has_perm("library.view_deck")
    assert not student.has_perm("library.change_item")
    assert not student.has_perm("library.add_item")
    assert not student.has_perm("library.delete_deck")


def test_instructors_can_add_and_change_items_and_decks(instructor, other_instructor):
    for user in (fresh(instructor), fresh(other_instructor)):
        assert user.has_perms(["library.add_item", "library.change_item", "library.delete_item"])
        assert user.has_perms(["library.add_deck", "library.change_deck", "library.add_source"])
        # Passages come from splitting a text, so nobody edits them by hand.
        assert user.has_perm("library.view_passage")
        assert not user.has_perm("library.change_passage")
        assert not user.has_perm("accounts.change_user")


def test_the_admin_may_do_everything(admin_user):
    admin = fresh(admin_user)

    assert admin.is_staff
    assert admin.has_perms(["library.change_passage", "accounts.change_user", "auth.change_group"])


def test_roles_are_read_from_the_groups(student_a, instructor, admin_user):
    student, teacher, admin = fresh(student_a), fresh(instructor), fresh(admin_user)

    assert (student.is_student, student.is_instructor) == (True, False)
    assert (teacher.is_student, teacher.is_instructor) == (False, True)
    assert admin.is_instructor, "superusers can do what instructors do"
    assert not admin.is_student


def test_the_fixed_cast_is_distinct_people(student_a, student_b, instructor, other_instructor, admin_user):
    cast = [student_a, student_b, instructor, other_instructor, admin_user]

    assert len({user.pk for user in cast}) == 5
    assert [fresh(user).is_student for user in cast] == [True, True, False, False, False]
    # Instructors author in the admin, so joining Instructors makes them staff.
    assert [fresh(user).is_staff for user in cast] == [False, False, True, True, True]


def test_joining_instructors_makes_a_user_staff_and_leaving_undoes_it(student_a):
    instructors = Group.objects.get(name=INSTRUCTORS)

    student_a.groups.add(instructors)
    assert fresh(student_a).is_staff

    student_a.groups.remove(instructors)
    assert not fresh(student_a).is_staff


def test_adding_users_to_instructors_from_the_group_side_makes_them_staff(student_a, student_b):
    Group.objects.get(name=INSTRUCTORS).user_set.add(student_a, student_b)

    assert fresh(student_a).is_staff
    assert fresh(student_b).is_staff


def test_instructors_may_view_and_add_tags_but_not_rename_or_delete_them(instructor):
    teacher = fresh(instructor)

    assert teacher.has_perms(["library.view_tag", "library.add_tag"])
    assert not teacher.has_perm("library.change_tag")
    assert not teacher.has_perm("library.delete_tag")


def test_syncing_the_roles_takes_away_permissions_a_role_no_longer_lists(instructor):
    instructors = Group.objects.get(name=INSTRUCTORS)
    # An existing database, made when instructors could still rename and delete tags; plus a permission
    # an admin gave the group by hand on a model the roles don't list.
    old = Permission.objects.filter(content_type__app_label="library", codename__in=["change_tag", "delete_tag"])
    by_hand = Permission.objects.get(content_type__app_label="auth", codename="view_group")
    instructors.permissions.add(*old, by_hand)

    sync_roles(Group, Permission)

    codenames = set(instructors.permissions.values_list("codename", flat=True))
    assert not codenames & {"change_tag", "delete_tag"}
    assert {"view_tag", "add_tag", "change_item", "view_group"} <= codenames
    assert not fresh(instructor).has_perm("library.change_tag")
