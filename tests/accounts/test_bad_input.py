"""Bad input to every post of accounts: sign-up, login, logout, password change and reset, the email change and its
link, deleting the account, and the second factor's forms. Never a 5xx; a refusal says why and saves nothing (see
tests/bad_input.py). Throttling (429) is a refusal like any other here."""

from __future__ import annotations

import pytest
from django.urls import reverse
from hypothesis import example, given
from hypothesis import strategies as st

from studyapp.accounts.models import User
from tests.bad_input import (
    VALUES,
    client_of,
    form_data,
    per_example_rollback,
    post_never_fails,
    refused_changes_nothing,
    rolled_back,
)
from tests.factories import PASSWORD

COVERS = {
    "sign_up",
    "login",
    "logout",
    "password_change",
    "password_reset",
    "password_reset_confirm",
    "email_change",
    "email_change_confirm",
    "account_delete",
    "second_factor_verify",
    "second_factor_setup",
    "second_factor_disable",
}
ACCOUNT_APPS = ("accounts", "library", "classroom", "review")
NEW_PASSWORD = "a-new-long-passphrase-1927"


@pytest.fixture(autouse=True)
def _no_sign_up_limit(settings):
    settings.SIGNUP_RATE = "100000/h"  # every example signs up from the same address


SIGN_UP_GOOD = {
    "username": "newcomer",
    "email": "new@example.org",
    "password1": NEW_PASSWORD,
    "password2": NEW_PASSWORD,
}


@per_example_rollback
@given(posted=form_data([*SIGN_UP_GOOD, "next"], good=SIGN_UP_GOOD))
@example(posted={**SIGN_UP_GOOD, "username": "x" * 100_000})
@example(posted={**SIGN_UP_GOOD, "email": "a@" + "x" * 300 + ".org"})
@example(posted={**SIGN_UP_GOOD, "email": "ü@ü.de"})
@example(posted={**SIGN_UP_GOOD, "username": "ﬁ"})
@example(posted={**SIGN_UP_GOOD, "next": "//evil.example/"})
@example(posted={**SIGN_UP_GOOD, "next": "1e999999999"})
def test_sign_up_makes_an_account_or_says_why(db, posted):
    with rolled_back():
        response = refused_changes_nothing(client_of(), reverse("sign_up"), posted, ACCOUNT_APPS)
        if response.status_code == 302:
            assert "evil" not in response["Location"]


LOGIN_DATA = form_data(["username", "password", "next"], good={"username": "student_a", "password": PASSWORD})


@per_example_rollback
@given(posted=LOGIN_DATA)
@example(posted={"username": "student_a", "password": "x" * 100_000})
@example(posted={"username": "x" * 100_000, "password": PASSWORD})
def test_login_logs_in_or_says_why(student_a, posted):
    with rolled_back():
        post_never_fails(client_of(), reverse("login"), posted)


def test_a_login_with_a_username_too_long_to_store_is_refused(student_a):
    response = post_never_fails(client_of(), reverse("login"), {"username": "x" * 300, "password": PASSWORD})
    assert response.status_code == 422
    assert "Ensure this value has at most 150 characters (it has 300)." in response.content.decode()


def test_the_admin_login_refuses_a_username_too_long_to_store_too(student_a):
    response = post_never_fails(client_of(), reverse("admin:login"), {"username": "x" * 300, "password": PASSWORD})
    assert response.status_code == 200  # the admin's own login page, with its errors
    assert "Ensure this value has at most 150 characters (it has 300)." in response.content.decode()


@per_example_rollback
@given(posted=form_data(["next", "token"]))
def test_logout_ignores_any_field(student_a, posted):
    with rolled_back():
        response = post_never_fails(client_of(student_a), reverse("logout"), posted)
        assert response.status_code in (200, 302, 400)


@per_example_rollback
@given(
    posted=form_data(
        ["old_password", "new_password1", "new_password2"],
        good={"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
)
def test_changing_the_password_changes_it_or_says_why(student_a, posted):
    with rolled_back():
        refused_changes_nothing(client_of(student_a), reverse("password_change"), posted, ACCOUNT_APPS)


@per_example_rollback
@given(posted=form_data(["email"], good={"email": "student_a@example.org"}))
@example(posted={"email": "x" * 100_000})
def test_asking_for_a_password_reset_never_fails(student_a, posted):
    with rolled_back():
        post_never_fails(client_of(), reverse("password_reset"), posted)


@per_example_rollback
@given(
    uidb64=st.sampled_from(["MQ", "x", "A" * 300, "LTE", "OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5", "wqI"]),
    token=st.sampled_from(["set-password", "x", "a-b", "0" * 300]),
    posted=form_data(["new_password1", "new_password2"], good={"new_password1": NEW_PASSWORD}),
)
def test_a_password_reset_link_of_any_shape_is_refused(student_a, uidb64, token, posted):
    client = client_of()
    with rolled_back():
        url = reverse("password_reset_confirm", args=[uidb64, token])
        assert client.get(url).status_code < 500
        refused_changes_nothing(client, url, posted, ACCOUNT_APPS)
        assert User.objects.get(pk=student_a.pk).check_password(PASSWORD)


@per_example_rollback
@given(posted=form_data(["new_email", "password"], good={"new_email": "other@example.org", "password": PASSWORD}))
@example(posted={"new_email": "ü@ü.de", "password": PASSWORD})
def test_an_email_change_is_asked_for_or_refused(student_a, posted):
    with rolled_back():
        refused_changes_nothing(client_of(student_a), reverse("email_change"), posted, ACCOUNT_APPS)


@per_example_rollback
@given(token=VALUES.filter(lambda token: token.strip() and "/" not in token), posted=form_data(["confirm"]))
@example(token="x" * 5000, posted={})
def test_an_email_change_link_of_any_token_is_refused(student_a, token, posted):
    client = client_of(student_a)
    with rolled_back():
        url = reverse("email_change_confirm", args=[token])
        assert client.get(url).status_code < 500
        refused_changes_nothing(client, url, posted, ACCOUNT_APPS)


@per_example_rollback
@given(posted=form_data(["password", "decks"], good={"decks": "delete"}))
def test_deleting_an_account_with_a_wrong_password_or_any_choice_deletes_it_or_says_why(instructor, admin_user, posted):
    with rolled_back():
        response = refused_changes_nothing(client_of(instructor), reverse("account_delete"), posted, ACCOUNT_APPS)
        if response.status_code != 302:
            assert User.objects.filter(pk=instructor.pk).exists()


@per_example_rollback
@given(
    posted=form_data(["token"], good={"token": "123456"}),
    name=st.sampled_from(["second_factor_verify", "second_factor_setup", "second_factor_disable"]),
)
@example(posted={"token": "١٢٣٤٥٦"}, name="second_factor_setup")
@example(posted={"token": "9" * 5000}, name="second_factor_verify")
def test_the_second_factors_forms_take_any_code(student_a, posted, name):
    with rolled_back():
        post_never_fails(client_of(student_a), reverse(name), posted)
