"""The account page, and what the account pages show someone who isn't logged in."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

ACCOUNT_PAGES = [
    reverse("account"),
    reverse("email_change"),
    reverse("email_change_confirm", args=["any-token"]),
    reverse("account_delete"),
]


@pytest.mark.parametrize("url", ACCOUNT_PAGES)
def test_every_account_page_sends_an_anonymous_visitor_to_log_in(client, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={url}"


@pytest.mark.parametrize("url", ACCOUNT_PAGES)
def test_no_account_page_changes_anything_for_an_anonymous_post(client, url):
    response = client.post(url, {"password": "guess"})

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_account_page_shows_the_username_the_address_and_the_ways_to_change_them(client, student_a):
    client.force_login(student_a)

    page = client.get(reverse("account")).content.decode()

    assert "<dd>student_a</dd>" in page
    assert "student_a@example.org" in page
    for name in ("email_change", "password_change", "account_delete", "progress:export_json"):
        assert f'href="{reverse(name)}' in page
    assert "Second factor" in page  # the second factor's include point


def test_an_account_without_an_address_is_offered_to_add_one(client, student_a):
    student_a.email = ""
    student_a.save()
    client.force_login(student_a)

    page = client.get(reverse("account")).content.decode()

    assert "none yet (password resets need one)" in page
    assert f'<a href="{reverse("email_change")}">Add one</a>' in page


def test_the_navigation_links_to_the_account_page(client, student_a):
    client.force_login(student_a)

    page = client.get(reverse("library:home")).content.decode()

    assert f'<a href="{reverse("account")}">Account</a>' in page


def test_the_account_page_takes_a_fixed_number_of_queries(client, student_a, django_assert_num_queries):
    client.force_login(student_a)
    client.get(reverse("account"))  # the session is cached after the first request

    # The user with their roles and study settings (the session comes from the cache), and the second
    # factor's devices (the security links' include).
    with django_assert_num_queries(2):
        response = client.get(reverse("account"))

    assert response.status_code == 200
