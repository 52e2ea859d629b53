"""Tags are shared by every deck: instructors view, create and attach them; only superusers rename or delete them."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from studyapp.accounts.roles import INSTRUCTORS
from studyapp.library.models import Tag
from tests.factories import ItemFactory, TagFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def tag(other_instructor):
    """A tag on another instructor's item."""
    item = ItemFactory(deck__owner=other_instructor, tags=["people"])
    return item.tags.get()


def test_an_instructor_can_list_and_open_tags_but_not_edit_them(client, instructor, tag):
    client.force_login(instructor)

    listing = client.get(reverse("admin:library_tag_changelist"))
    page = client.get(reverse("admin:library_tag_change", args=[tag.pk]))

    assert listing.status_code == 200
    assert page.status_code == 200
    assert page.context["has_change_permission"] is False  # shown read-only
    assert page.context["has_delete_permission"] is False


def test_an_instructor_gets_403_on_renaming_a_tag(client, instructor, tag):
    client.force_login(instructor)

    response = client.post(reverse("admin:library_tag_change", args=[tag.pk]), {"name": "persons"})

    assert response.status_code == 403
    assert Tag.objects.get(pk=tag.pk).name == "people"


def test_an_instructor_gets_403_on_deleting_a_tag(client, instructor, tag):
    client.force_login(instructor)

    page = client.get(reverse("admin:library_tag_delete", args=[tag.pk]))
    response = client.post(reverse("admin:library_tag_delete", args=[tag.pk]), {"post": "yes"})

    assert page.status_code == 403
    assert response.status_code == 403
    assert Tag.objects.filter(pk=tag.pk).exists()


def test_an_instructor_cannot_delete_tags_from_the_list_either(client, instructor, tag):
    client.force_login(instructor)

    response = client.post(
        reverse("admin:library_tag_changelist"),
        {"action": "delete_selected", "_selected_action": [tag.pk], "post": "yes"},
    )

    assert response.status_code in {200, 302, 403}
    assert Tag.objects.filter(pk=tag.pk).exists()


def test_an_instructor_still_cannot_edit_tags_when_their_group_is_given_the_permissions(client, instructor, tag):
    Group.objects.get(name=INSTRUCTORS).permissions.add(
        *Permission.objects.filter(content_type__app_label="library", codename__in=["change_tag", "delete_tag"])
    )
    client.force_login(instructor)

    rename = client.post(reverse("admin:library_tag_change", args=[tag.pk]), {"name": "persons"})
    delete = client.post(reverse("admin:library_tag_delete", args=[tag.pk]), {"post": "yes"})

    assert (rename.status_code, delete.status_code) == (403, 403)
    assert Tag.objects.get(pk=tag.pk).name == "people"


def test_an_instructor_can_add_a_tag(client, instructor):
    client.force_login(instructor)

    response = client.post(reverse("admin:library_tag_add"), {"name": "dates"})

    assert response.status_code == 302
    assert Tag.objects.filter(name="dates").exists()


def test_the_admin_can_rename_and_delete_a_tag(client, admin_user, tag):
    other = TagFactory(name="places")
    client.force_login(admin_user)

    rename = client.post(reverse("admin:library_tag_change", args=[tag.pk]), {"name": "persons"})
    delete = client.post(reverse("admin:library_tag_delete", args=[other.pk]), {"post": "yes"})

    assert (rename.status_code, delete.status_code) == (302, 302)
    assert Tag.objects.get(pk=tag.pk).name == "persons"
    assert not Tag.objects.filter(pk=other.pk).exists()
