"""The request log (studyapp/request_log.py): one JSON line per request, and nothing secret in it."""

from __future__ import annotations

import io
import json
import logging
import re
import uuid

import pytest
from django.conf import settings as django_settings
from django.db import OperationalError, connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.module_loading import import_string

from studyapp.accounts.backends import UserWithRolesBackend
from studyapp.request_log import RequestIdFilter
from tests.factories import ClassroomFactory, DeckFactory, ItemFactory
from tests.review.conftest import study
from tests.test_health import UNREACHABLE_CACHE

PASSWORD = "correct-horse-battery-1927"
ANSWER = "Kamenev-and-Zinoviev-7431"


class LogLines:
    """Every line logged anywhere during a test, formatted by the production settings' JSON formatter."""

    def __init__(self, stream: io.StringIO) -> None:
        self.stream = stream

    @property
    def text(self) -> str:
        return self.stream.getvalue()

    @property
    def lines(self) -> list[dict]:
        return [json.loads(line) for line in self.text.splitlines() if line.startswith("{")]

    @property
    def requests(self) -> list[dict]:
        return [line for line in self.lines if line["logger"] == "studyapp.requests"]


@pytest.fixture
def log():
    spec = dict(django_settings.LOGGING["formatters"]["json"])
    formatter = import_string(spec.pop("()"))(**spec)
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(formatter)
    handler.addFilter(RequestIdFilter())
    root, requests = logging.getLogger(), logging.getLogger("studyapp.requests")
    levels = root.level, requests.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)  # everything Django and the libraries log at INFO or above, to search it all
    requests.setLevel(logging.INFO)  # as with DEBUG off
    yield LogLines(stream)
    root.removeHandler(handler)
    root.setLevel(levels[0])
    requests.setLevel(levels[1])


def test_a_request_is_one_json_line_with_method_path_status_duration_user_and_request_id(client, student_a, log):
    client.force_login(student_a)

    response = client.get(reverse("progress:overview"))

    assert response.status_code == 200
    [line] = log.requests
    assert {key: line[key] for key in ("level", "method", "path", "status", "user_id")} == {
        "level": "INFO",
        "method": "GET",
        "path": reverse("progress:overview"),
        "status": 200,
        "user_id": student_a.pk,
    }
    assert isinstance(line["duration_ms"], float)
    assert line["duration_ms"] >= 0
    assert line["request_id"] == response["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", line["request_id"])
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+\+00:00", line["time"])


def test_an_anonymous_request_has_no_user_id_and_a_404_is_logged_too(client, db, log):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    [line] = log.requests
    assert (line["path"], line["status"], line["user_id"]) == ("/no-such-page/", 404, None)


def test_a_request_id_from_the_load_balancer_is_kept_and_a_malformed_one_replaced(client, db, log):
    given = str(uuid.uuid4())

    kept = client.get(reverse("library:home"), HTTP_X_REQUEST_ID=given)
    replaced = client.get(reverse("library:home"), HTTP_X_REQUEST_ID='x" injected\n{"status": 200}')

    assert kept["X-Request-ID"] == given
    assert re.fullmatch(r"[0-9a-f]{32}", replaced["X-Request-ID"])
    assert [line["request_id"] for line in log.requests] == [given, replaced["X-Request-ID"]]


def test_the_password_of_a_login_is_never_logged(client, db, log):
    from tests.factories import UserFactory

    UserFactory(username="reader", password=PASSWORD)

    client.post(reverse("login"), {"username": "reader", "password": "wrong-" + PASSWORD})
    client.post(reverse("login"), {"username": "reader", "password": PASSWORD})

    assert [(line["method"], line["path"]) for line in log.requests] == [("POST", reverse("login"))] * 2
    assert PASSWORD not in log.text


def test_an_answer_and_the_card_token_are_never_logged(client, student_a, log):
    deck = DeckFactory()
    ItemFactory(deck=deck, kind="typed", answer=ANSWER)
    study(student_a, deck)
    client.force_login(student_a)
    page = client.get(reverse("review:session", args=[deck.slug])).content.decode()
    token = re.search(r'name="token" value="([^"]+)"', page).group(1)

    response = client.post(reverse("review:answer", args=[deck.slug]), {"token": token, "response": ANSWER})

    assert response.status_code == 200
    assert ANSWER in response.content.decode()  # the feedback shows it; the log must not
    assert [line["method"] for line in log.requests] == ["GET", "POST"]
    assert ANSWER not in log.text
    assert token not in log.text


def test_the_query_string_is_never_logged(client, db, log):
    client.get(reverse("library:home"), {"q": "private search", "token": "s3cr3t-t0k3n"})

    [line] = log.requests
    assert line["path"] == reverse("library:home")
    assert "s3cr3t-t0k3n" not in log.text
    assert "private" not in log.text


def test_a_secret_in_the_path_is_masked(client, student_a, log):
    classroom = ClassroomFactory()
    client.force_login(student_a)

    client.get(reverse("classroom:join_link", args=[classroom.join_code]))

    [line] = log.requests
    assert line["path"] == "/classes/join/[masked]/"
    assert classroom.join_code not in log.text


@pytest.mark.parametrize(
    ("url_name", "secrets"),
    [
        ("password_reset_confirm", {"uidb64": "MTIzNDU", "token": "cfz1ab-0123456789abcdef0123456789abcdef"}),
        ("email_change_confirm", {"token": "eyJ1c2VyIjo3LCJlbWFpbCI6ImFAYi5jIn0:1vRt9x:signature-part"}),
    ],
)
def test_a_reset_or_confirmation_token_in_the_path_is_masked(client, db, log, url_name, secrets):
    client.get(reverse(url_name, kwargs=secrets))

    [line] = log.requests
    assert "[masked]" in line["path"]
    for value in secrets.values():
        assert value not in log.text


def test_a_load_balancers_successful_probe_is_not_logged_but_a_failing_one_is(client, db, log, settings):
    client.get(reverse("healthz"))
    settings.CACHES = UNREACHABLE_CACHE
    client.get(reverse("healthz"))

    assert [(line["path"], line["status"]) for line in log.requests] == [("/healthz", 503)]


def test_logging_a_request_costs_no_query(client, student_a, settings):
    client.force_login(student_a)
    url = reverse("progress:overview")
    client.get(url)  # warm the session cache

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    logged = queries()
    settings.MIDDLEWARE = [name for name in settings.MIDDLEWARE if name != "studyapp.request_log.RequestLogMiddleware"]
    assert queries() == logged


def test_djangos_line_for_a_5xx_response_carries_the_request_id_too(client, db, log, settings):
    """django.request logs a 5xx response after the middleware has finished; its id comes from the request."""
    settings.CACHES = UNREACHABLE_CACHE

    response = client.get(reverse("healthz"))

    [django_line] = [line for line in log.lines if line["logger"] == "django.request"]
    assert django_line["message"] == "Service Unavailable: /healthz"
    assert django_line["request_id"] == response["X-Request-ID"]


def test_when_the_database_goes_down_mid_request_the_error_is_logged_once_and_the_request_line_still_written(
    client, student_a, log, monkeypatch
):
    """The load test's PostgreSQL restart: the view's 500 was logged again by each middleware that then asked
    who the user was (a second failing query), and the request line was lost."""
    client.force_login(student_a)
    client.raise_request_exception = False

    def database_down(self, user_id):
        raise OperationalError("the database system is shutting down")

    monkeypatch.setattr(UserWithRolesBackend, "get_user", database_down)
    response = client.get(reverse("review:home"))

    assert response.status_code == 500
    assert response.headers["Cache-Control"].startswith("max-age=0, no-cache, no-store")  # can't tell: kept private
    [error] = [line for line in log.lines if line["logger"] == "django.request"]
    assert "OperationalError" in error["exc_info"]
    [request_line] = log.requests
    assert (request_line["status"], request_line["user_id"]) == (500, None)
