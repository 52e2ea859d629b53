"""Error pages in the app's style (studyapp/templates/4xx.html, 500.html); a 500 is logged with its traceback and
shows none of it."""

from __future__ import annotations

import io
import json
import logging

import pytest
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.template.loader import render_to_string
from django.test import Client
from django.urls import include, path, reverse
from django.utils.module_loading import import_string

from studyapp.request_log import RequestIdFilter

SECRET_DETAIL = "the ledger for learner 42 is inconsistent"


def explode(request):
    raise RuntimeError(SECRET_DETAIL)


def forbid(request):
    raise PermissionDenied


def suspect(request):
    raise SuspiciousOperation("a malformed upload")


# This module is the URLconf of the tests marked below: the app's URLs plus three views that fail.
urlpatterns = [
    path("explode/", explode),
    path("forbid/", forbid),
    path("suspect/", suspect),
    path("", include("config.urls")),
]

pytestmark = pytest.mark.urls(__name__)


@pytest.fixture
def failing_client(client):
    """A client that gets the 500 response, as a browser would, instead of the view's exception."""
    client.raise_request_exception = False
    return client


@pytest.fixture
def json_log(settings):
    """What the production settings' JSON handler writes to the console during the test."""
    spec = dict(settings.LOGGING["formatters"]["json"])
    handler = logging.StreamHandler(stream := io.StringIO())
    handler.setFormatter(import_string(spec.pop("()"))(**spec))
    handler.addFilter(RequestIdFilter())
    logging.getLogger().addHandler(handler)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    logging.getLogger().removeHandler(handler)


def test_a_failing_view_gives_the_styled_500_page_without_the_traceback(failing_client, db):
    response = failing_client.get("/explode/")

    assert response.status_code == 500
    html = response.content.decode()
    assert "<h1>Something went wrong</h1>" in html
    assert 'rel="stylesheet" href="/static/css/app.css"' in html
    assert SECRET_DETAIL not in html
    assert "Traceback" not in html
    assert "RuntimeError" not in html


def test_a_500_is_logged_as_json_with_its_traceback_and_request_id(failing_client, db, json_log):
    response = failing_client.get("/explode/", {"token": "not-for-the-log"})

    [error] = [line for line in json_log() if line["logger"] == "django.request"]
    assert error["level"] == "ERROR"
    assert error["message"] == "Internal Server Error: /explode/"
    assert error["exc_info"].startswith("Traceback (most recent call last):")
    assert f"RuntimeError: {SECRET_DETAIL}" in error["exc_info"]
    assert error["request_id"] == response["X-Request-ID"]
    assert "not-for-the-log" not in json.dumps(json_log())


def test_the_500_page_renders_without_a_request(db):
    """Django renders it with no context at all (the failure may be in a context processor or the URLconf)."""
    html = render_to_string("500.html")

    assert "Something went wrong" in html
    assert "/static/css/app.css" in html


def test_a_missing_page_gives_the_styled_404_page(client, student_a):
    client.force_login(student_a)

    response = client.get("/no-such-page/")

    assert response.status_code == 404
    html = response.content.decode()
    assert "<h1>Page not found</h1>" in html
    assert 'class="skip-link"' in html  # extends base.html: the app's header and navigation
    assert "student_a" in html  # with the user's own menu


def test_a_forbidden_page_gives_the_styled_403_page(client, student_a):
    client.force_login(student_a)

    response = client.get("/forbid/")

    assert response.status_code == 403
    assert "<h1>Not allowed</h1>" in response.content.decode()
    assert "may not open this page" in response.content.decode()


def test_a_bad_request_gives_the_styled_400_page(client, db):
    response = client.get("/suspect/")

    assert response.status_code == 400
    assert "<h1>Bad request</h1>" in response.content.decode()
    assert "malformed upload" not in response.content.decode()


def test_a_host_the_site_does_not_answer_to_gets_the_400_page(client, db, settings):
    settings.ALLOWED_HOSTS = ["study.example.org"]

    response = client.get("/", HTTP_HOST="attacker.example.com")

    assert response.status_code == 400
    assert "<h1>Bad request</h1>" in response.content.decode()


def test_a_form_sent_without_its_csrf_token_gets_the_styled_expired_form_page(db):
    browser = Client(enforce_csrf_checks=True)

    response = browser.post(reverse("login"), {"username": "someone", "password": "whatever-it-is"})

    assert response.status_code == 403
    html = response.content.decode()
    assert "<h1>This form has expired</h1>" in html
    assert 'rel="stylesheet" href="/static/css/app.css"' in html
    assert "CSRF" not in html  # Django's reason is for the log, not the reader
