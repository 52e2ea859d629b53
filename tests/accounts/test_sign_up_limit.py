"""The sign-up limit (django-ratelimit): SIGNUP_RATE accounts per address and period, counted in the cache."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.urls import reverse

from studyapp.accounts.models import User

pytestmark = pytest.mark.django_db

GOOD_PASSWORD = "a-long-and-unusual-passphrase"


@pytest.fixture(autouse=True)
def real_rate(settings):
    settings.SIGNUP_RATE = "5/h"
    cache.clear()  # the count lives in the cache, which outlives a test
    yield
    cache.clear()


def sign_up(client, username: str, address: str = "127.0.0.1", password: str = GOOD_PASSWORD):
    client.logout()  # a signed-up user is logged in, and a logged-in user is sent home
    data = {"username": username, "email": "", "password1": password, "password2": password}
    return client.post(reverse("sign_up"), data, REMOTE_ADDR=address)


def test_the_sixth_sign_up_from_one_address_in_an_hour_gets_429(client):
    for number in range(5):
        assert sign_up(client, f"learner{number}").status_code == 302

    sixth = sign_up(client, "learner5")

    assert sixth.status_code == 429
    page = sixth.content.decode()
    assert "Too many new accounts from here" in page
    assert '<main id="main"' in page  # the app's own page
    assert not User.objects.filter(username="learner5").exists()


def test_another_address_may_still_sign_up(client):
    for number in range(5):
        sign_up(client, f"learner{number}")

    assert sign_up(client, "from-elsewhere", address="198.51.100.2").status_code == 302


def test_a_form_sent_back_with_a_mistake_does_not_count(client):
    for _ in range(6):
        assert sign_up(client, "typo", password="short").status_code == 422  # the form to correct, not the limit

    assert sign_up(client, "typo").status_code == 302


def test_the_sign_up_page_itself_is_not_limited(client):
    for number in range(5):
        sign_up(client, f"learner{number}")
    client.logout()

    assert client.get(reverse("sign_up")).status_code == 200


def test_the_rate_comes_from_the_setting(client, settings):
    settings.SIGNUP_RATE = "1/h"

    assert sign_up(client, "first").status_code == 302
    assert sign_up(client, "second").status_code == 429
