"""Signing up, logging in and out, changing a password, the navigation, and the settings guard."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import SESSION_KEY
from django.urls import reverse

from studyapp.accounts.models import User
from studyapp.accounts.roles import STUDENTS
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def sign_up(client, **values):
    data = {"username": "newcomer", "email": "newcomer@example.org", "password1": "", "password2": ""} | values
    data["password2"] = data["password2"] or data["password1"]
    return client.post(reverse("sign_up"), data)


def logged_in_user_id(client) -> str | None:
    return client.session.get(SESSION_KEY)


# --- Sign-up ------------------------------------------------------------------------------------


def test_the_sign_up_page_renders(client):
    response = client.get(reverse("sign_up"))

    assert response.status_code == 200
    assert "Create a student account" in response.content.decode()


def test_signing_up_makes_a_student_and_logs_them_in(client):
    response = sign_up(client, password1="a-long-and-unusual-passphrase")

    assert response.status_code == 302
    assert response["Location"] == reverse("review:home")  # a new student lands where they study
    user = User.objects.get(username="newcomer")
    assert list(user.groups.values_list("name", flat=True)) == [STUDENTS]
    assert user.check_password("a-long-and-unusual-passphrase")
    assert not user.is_staff
    assert logged_in_user_id(client) == str(user.pk)
    welcome = client.get(reverse("review:home")).content.decode()
    assert "Welcome, newcomer! Your student account is ready." in welcome
    assert "newcomer · student" in welcome


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("x7#q", "This password is too short. It must contain at least 8 characters."),
        ("password123", "This password is too common."),
        ("8302174965", "This password is entirely numeric."),
        ("newcomer-1", "The password is too similar to the username."),
    ],
    ids=["short", "common", "numeric", "like-username"],
)
def test_signing_up_with_a_weak_password_is_refused_with_djangos_message(client, password, message):
    response = sign_up(client, password1=password)

    assert response.status_code == 422
    assert message in response.content.decode()
    assert not User.objects.filter(username="newcomer").exists()
    assert logged_in_user_id(client) is None


def test_signing_up_with_mismatched_passwords_is_refused(client):
    response = sign_up(client, password1="a-long-and-unusual-passphrase", password2="another-passphrase-entirely")

    assert response.status_code == 422
    assert "The two password fields didn’t match." in response.content.decode()
    assert not User.objects.exists()


def test_signing_up_with_a_taken_username_is_refused(client, student_a):
    response = sign_up(client, username="student_a", password1="a-long-and-unusual-passphrase")

    assert response.status_code == 422
    assert "A user with that username already exists." in response.content.decode()
    assert User.objects.filter(username="student_a").count() == 1


def test_a_logged_in_user_is_sent_home_from_the_sign_up_page(client, student_a):
    client.force_login(student_a)

    response = client.get(reverse("sign_up"))

    assert response.status_code == 302
    assert response["Location"] == reverse("review:home")


# --- Log in, log out, password -------------------------------------------------------------------


def test_logging_in_with_the_right_password_works(client, student_a):
    assert client.get(reverse("login")).status_code == 200

    response = client.post(reverse("login"), {"username": "student_a", "password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == reverse("review:home")  # LOGIN_REDIRECT_URL: the study page
    assert logged_in_user_id(client) == str(student_a.pk)


def test_logging_in_with_a_wrong_password_is_refused(client, student_a):
    response = client.post(reverse("login"), {"username": "student_a", "password": "not-the-password"})

    assert response.status_code == 422
    assert "Please enter a correct username and password." in response.content.decode()
    assert logged_in_user_id(client) is None


def test_logging_in_returns_to_the_page_asked_for(client, student_a):
    response = client.post(
        f"{reverse('login')}?next=/decks/some-deck/",
        {"username": "student_a", "password": PASSWORD, "next": "/decks/some-deck/"},
    )

    assert response["Location"] == "/decks/some-deck/"


def test_signing_up_returns_to_the_page_asked_for(client):
    url = f"{reverse('sign_up')}?next=/decks/some-deck/"
    assert 'name="next" value="/decks/some-deck/"' in client.get(url).content.decode()

    response = sign_up(client, password1="a-long-and-unusual-passphrase", next="/decks/some-deck/")

    assert response["Location"] == "/decks/some-deck/"


def test_signing_up_ignores_a_next_page_on_another_site(client):
    response = sign_up(client, password1="a-long-and-unusual-passphrase", next="https://evil.example.org/")

    assert response["Location"] == reverse("review:home")


def test_the_login_page_passes_next_on_to_sign_up(client):
    html = client.get(f"{reverse('login')}?next=/decks/some-deck/").content.decode()

    assert f'href="{reverse("sign_up")}?next=/decks/some-deck/"' in html


def test_logging_out_takes_a_post(client, student_a):
    client.force_login(student_a)

    refused = client.get(reverse("logout"))
    assert refused.status_code == 405
    assert logged_in_user_id(client) == str(student_a.pk)

    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert response["Location"] == reverse("library:home")
    assert logged_in_user_id(client) is None


def test_the_password_change_page_requires_login(client):
    response = client.get(reverse("password_change"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_changing_the_password_works_and_keeps_the_user_logged_in(client, student_a):
    client.force_login(student_a)
    assert client.get(reverse("password_change")).status_code == 200

    response = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "a-brand-new-passphrase",
            "new_password2": "a-brand-new-passphrase",
        },
        follow=True,
    )

    assert response.redirect_chain[-1][0] == reverse("password_change_done")
    assert "Your new password is in use." in response.content.decode()
    student_a.refresh_from_db()
    assert student_a.check_password("a-brand-new-passphrase")
    assert logged_in_user_id(client) == str(student_a.pk)


def test_changing_the_password_needs_the_old_one(client, student_a):
    client.force_login(student_a)

    response = client.post(
        reverse("password_change"),
        {"old_password": "wrong", "new_password1": "a-brand-new-passphrase", "new_password2": "a-brand-new-passphrase"},
    )

    assert "Your old password was entered incorrectly." in response.content.decode()
    student_a.refresh_from_db()
    assert student_a.check_password(PASSWORD)


# --- Navigation -------------------------------------------------------------------------------------

ADMIN_LINK = f'<a href="{reverse("admin:index")}">Admin</a>'
AUTHOR_LINK = f'<a href="{reverse("library:my_decks")}">My decks</a>'


def nav_of(client, user) -> str:
    if user is not None:
        client.force_login(user)
    content = client.get(reverse("library:home")).content.decode()
    return content.split('<main id="main"')[0]


def test_an_anonymous_visitor_sees_log_in_and_sign_up_only(client, db):
    nav = nav_of(client, None)

    assert "Log in" in nav
    assert "Sign up" in nav
    assert ADMIN_LINK not in nav
    assert AUTHOR_LINK not in nav
    assert "Log out" not in nav


def test_a_student_sees_neither_admin_nor_my_decks(client, student_a):
    nav = nav_of(client, student_a)

    assert ADMIN_LINK not in nav
    assert AUTHOR_LINK not in nav
    assert "student_a · student" in nav
    assert "Log out" in nav


def test_an_instructor_sees_my_decks_but_not_admin(client, instructor):
    nav = nav_of(client, instructor)

    assert AUTHOR_LINK in nav
    assert ADMIN_LINK not in nav
    assert "instructor · instructor" in nav


def test_an_admin_sees_the_admin_link_and_my_decks(client, admin_user):
    nav = nav_of(client, admin_user)

    assert ADMIN_LINK in nav
    assert AUTHOR_LINK in nav
    assert "site_admin · admin" in nav


# --- Settings guard -------------------------------------------------------------------------------


def import_settings(**env: str) -> subprocess.CompletedProcess:
    """Import config.settings in a fresh interpreter with DEBUG off and only the given extra variables."""
    environment = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG", "DJANGO_SETTINGS_MODULE"}}
    environment |= {"DEBUG": "False", **env}
    return subprocess.run(
        [sys.executable, "-c", "import config.settings"],
        cwd=django_settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize(
    "secret_key",
    [None, "django-insecure-local-development-only", "django-insecure-" + "x" * 40, "too-short-a-key"],
    ids=["missing", "development-key", "insecure-prefix", "short"],
)
def test_the_settings_refuse_debug_off_without_a_real_secret_key(secret_key):
    result = import_settings(**({"SECRET_KEY": secret_key} if secret_key else {}))

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "DEBUG is off but SECRET_KEY is missing" in result.stderr


def test_the_settings_accept_debug_off_with_a_long_random_secret_key():
    key = "pV3k9sQz7LmW2xRt8bNc4YhJ6gFd1eAu0oIiKqTyZwXvUsMnBl"
    assert len(key) == 50

    result = import_settings(SECRET_KEY=key)

    assert result.returncode == 0, result.stderr
