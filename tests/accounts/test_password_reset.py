"""Password reset by email: Django's views, the app's templates, a plain-text mail that reveals nothing."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_reset_counts(settings):
    settings.PASSWORD_RESET_RATE = "5/h"
    cache.clear()  # the request counts live in the cache, which outlives a test
    yield
    cache.clear()


NEW_PASSWORD = "a-fresh-and-unusual-passphrase"


def ask_for_reset(client, email: str):
    return client.post(reverse("password_reset"), {"email": email}, follow=True)


def logs_in(client, username: str, password: str) -> bool:
    response = client.post(reverse("login"), {"username": username, "password": password})
    return response.status_code == 302


def without_csrf_tokens(content: bytes) -> str:
    # The CSRF token is masked afresh for every response: the one thing that differs by design.
    return re.sub(r'("x-csrftoken": "|name="csrfmiddlewaretoken" value=")[^"]+', r"\1…", content.decode())


def link_in(message) -> str:
    match = re.search(r"http://testserver(/accounts/password/reset/\S+/\S+/)", message.body)
    assert match, message.body
    return match.group(1)


def test_the_login_page_links_to_password_reset(client):
    page = client.get(reverse("login")).content.decode()

    assert f'href="{reverse("password_reset")}">Forgot your password?' in page


def test_a_reset_mail_is_sent_its_link_sets_a_new_password_and_the_old_one_stops_working(client):
    user = UserFactory(username="forgetful", email="forgetful@example.org")

    response = ask_for_reset(client, "Forgetful@Example.org")  # the address as typed, in another case

    assert response.redirect_chain[-1][0] == reverse("password_reset_done")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["forgetful@example.org"]
    assert message.subject == "Reset your Study tool password"
    assert not message.alternatives  # plain text only
    assert "Your username is forgetful." in message.body
    form_page = client.get(link_in(message), follow=True)
    assert "Choose a new password" in form_page.content.decode()
    done = client.post(
        form_page.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}, follow=True
    )
    assert done.redirect_chain[-1][0] == reverse("password_reset_complete")
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert not logs_in(client, "forgetful", PASSWORD)
    assert logs_in(client, "forgetful", NEW_PASSWORD)


def test_an_unknown_address_gets_the_same_page_as_a_known_one_and_no_mail_goes_out(client):
    UserFactory(username="known", email="known@example.org")

    known = ask_for_reset(client, "known@example.org")
    unknown = ask_for_reset(client, "nobody@example.org")

    assert known.status_code == unknown.status_code == 200
    assert known.redirect_chain == unknown.redirect_chain
    assert without_csrf_tokens(known.content) == without_csrf_tokens(unknown.content)
    assert [message.to for message in mail.outbox] == [["known@example.org"]]


def test_a_reset_link_works_once(client):
    UserFactory(username="once", email="once@example.org")
    ask_for_reset(client, "once@example.org")
    link = link_in(mail.outbox[0])
    form_url = client.get(link, follow=True).redirect_chain[-1][0]
    client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    again = client.get(link, follow=True)

    assert "This link can't be used" in again.content.decode()
    assert "Ask for a new link" in again.content.decode()


def test_a_malformed_address_is_refused_with_422(client):
    response = client.post(reverse("password_reset"), {"email": "not an address"})

    assert response.status_code == 422
    assert "Enter a valid email address." in response.content.decode()
    assert mail.outbox == []


def test_a_weak_new_password_is_refused_with_422_and_the_old_one_still_works(client):
    user = UserFactory(username="weak", email="weak@example.org")
    ask_for_reset(client, "weak@example.org")
    form_url = client.get(link_in(mail.outbox[0]), follow=True).redirect_chain[-1][0]

    response = client.post(form_url, {"new_password1": "password", "new_password2": "password"})

    assert response.status_code == 422
    assert "This password is too common." in response.content.decode()
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


@pytest.mark.parametrize("email", ["flooded@example.org", "nobody@example.org"])
def test_after_five_requests_for_an_address_the_sixth_is_refused_with_429_whether_or_not_it_has_an_account(
    client, email
):
    UserFactory(username="flooded", email="flooded@example.org")
    for n in range(5):
        # From five different client addresses: the address asked for is counted on its own.
        client.post(reverse("password_reset"), {"email": email}, REMOTE_ADDR=f"192.0.2.{n + 1}")
    mails_before = len(mail.outbox)

    response = client.post(reverse("password_reset"), {"email": email.upper()}, REMOTE_ADDR="198.51.100.7")

    assert response.status_code == 429
    # django-ratelimit counts in fixed windows: the wait is what is left of the current one.
    assert re.search(r"Try again in about ([1-9]|[1-5]\d|60) minutes?\.", response.content.decode())
    assert len(mail.outbox) == mails_before


def test_one_client_address_may_ask_five_times_an_hour(client):
    for n in range(5):
        assert ask_for_reset(client, f"someone{n}@example.org").status_code == 200

    response = client.post(reverse("password_reset"), {"email": "someone-else@example.org"})

    assert response.status_code == 429


def test_a_user_locked_out_by_wrong_passwords_can_log_in_after_resetting_their_password(client, settings):
    UserFactory(username="locked", email="locked@example.org")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        logs_in(client, "locked", "wrong-password")
    assert not logs_in(client, "locked", PASSWORD)  # paused, even with the right password
    ask_for_reset(client, "locked@example.org")
    form_url = client.get(link_in(mail.outbox[0]), follow=True).redirect_chain[-1][0]

    client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    assert logs_in(client, "locked", NEW_PASSWORD)
