"""/healthz (studyapp/health.py): what a load balancer asks, and all it is told."""

from __future__ import annotations

import json
from unittest import mock

import pytest
from django.db import OperationalError
from django.db.backends.utils import CursorWrapper
from django.urls import reverse

from tests.test_settings import PRODUCTION, manage

# A Redis port nothing listens on: the real client fails to connect.
UNREACHABLE_CACHE = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:9/0",
        "OPTIONS": {"socket_connect_timeout": 1},
    }
}
SECRET_DETAIL = "could not connect to server db-7.internal:5432 as studyapp"


def database_refusing():
    """Every query fails as when PostgreSQL is down (only around the request: the test's own teardown queries)."""
    return mock.patch.object(CursorWrapper, "execute", side_effect=OperationalError(SECRET_DETAIL))


@pytest.fixture
def healthz_url() -> str:
    return reverse("healthz")


def test_it_answers_ok_when_the_database_and_the_cache_answer(client, db, healthz_url):
    response = client.get(healthz_url)

    assert healthz_url == "/healthz"
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert json.loads(response.content) == {"status": "ok"}


def test_a_head_request_gets_the_status_without_a_body(client, db, healthz_url):
    response = client.head(healthz_url)

    assert response.status_code == 200
    assert response.content == b""


def test_it_names_the_database_when_the_database_fails_and_tells_nothing_more(client, db, healthz_url):
    with database_refusing():
        response = client.get(healthz_url)

    assert response.status_code == 503
    assert json.loads(response.content) == {"status": "unavailable", "failing": ["database"]}
    assert b"db-7" not in response.content


def test_it_names_the_cache_when_the_cache_is_unreachable(client, db, healthz_url, settings):
    settings.CACHES = UNREACHABLE_CACHE

    response = client.get(healthz_url)

    assert response.status_code == 503
    assert json.loads(response.content) == {"status": "unavailable", "failing": ["cache"]}
    assert b"127.0.0.1" not in response.content


def test_the_failure_reason_is_logged_for_the_operator(client, db, healthz_url, caplog):
    with database_refusing():
        client.get(healthz_url)

    logged = [record for record in caplog.records if record.name == "studyapp.health"]
    assert [str(record.exc_info[1]) for record in logged] == [SECRET_DETAIL]


def test_it_sets_no_cookie_and_may_not_be_cached(client, db, healthz_url):
    response = client.get(healthz_url)

    assert response.cookies == {}
    assert "no-store" in response["Cache-Control"]


def test_a_logged_in_browser_gets_no_new_session_or_csrf_cookie_either(client, student_a, healthz_url):
    client.force_login(student_a)

    response = client.get(healthz_url)

    assert response.status_code == 200
    assert response.cookies == {}


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_only_get_and_head_are_allowed(client, db, healthz_url, method):
    response = getattr(client, method)(healthz_url)

    assert response.status_code == 405
    assert response.cookies == {}


def test_a_load_balancer_probing_over_http_is_not_redirected_to_https(client, db, healthz_url, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

    assert client.get(reverse("library:home")).status_code == 301  # every other page is
    assert client.get(healthz_url).status_code == 200


def test_the_production_settings_exempt_it_from_the_redirect():
    code = "from django.conf import settings as s; print(s.SECURE_SSL_REDIRECT, s.SECURE_REDIRECT_EXEMPT)"
    result = manage("shell", "-c", code, **PRODUCTION)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "True ['^healthz$']"


def test_a_probe_must_still_send_a_host_the_site_answers_to(client, db, healthz_url, settings):
    settings.ALLOWED_HOSTS = ["study.example.org"]

    assert client.get(healthz_url, HTTP_HOST="study.example.org").status_code == 200
    assert client.get(healthz_url, HTTP_HOST="10.0.0.12").status_code == 400
