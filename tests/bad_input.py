"""Bad input for every form and POST of the app: hypothesis strategies for the values, a post that must never
fail, and a rollback around each example.

The tests in tests/<app>/test_bad_input.py post these values through Django's test client as the fixed cast
(tests/conftest.py) and hold every answer to the same promise: never a 5xx; a refusal is a 4xx that says why;
and a refused post changes nothing. Each of those modules names the URLs it covers in `COVERS`, and
tests/test_bad_input_coverage.py holds every POST-accepting URL of the app to those lists.

Hypothesis runs each test's body many times inside one pytest test, so the function-scoped `db` fixture is set
up once: `rolled_back()` wraps each example in a transaction that is rolled back, so no example sees what an
earlier one wrote. The number of examples and the seed come from the profiles in tests/hypothesis_profiles.py.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator
from urllib.parse import urlencode

from django.apps import apps
from django.db import transaction
from django.test import Client
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

# For a test that posts per example: the `db` fixture is set up once per test (each example is rolled back by
# `rolled_back()`), and a post of 100 kB takes longer than hypothesis likes a example to take.
per_example_rollback = settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

# What htmx adds to its requests, for client.post(..., **HTMX).
HTMX = {"HTTP_HX_REQUEST": "true"}

# Values that broke, or could break, a parser somewhere: numbers at and beyond every bound, the IEEE specials,
# digits that str.isdigit() takes and int() refuses, dates that don't exist, control characters and NUL
# (PostgreSQL refuses NUL in text: a NUL that SQLite stores is a 500 there), and very long strings.
EDGE_TEXTS = (
    "",
    " ",
    "\t\r\n",
    "\x00",
    "a\x00b",
    "\x01\x1f\x7f",
    "\u200b",
    "\ufeff",
    "1e999999999",
    "-1e999999999",
    "1e-999999999",
    "nan",
    "NaN",
    "inf",
    "-inf",
    "Infinity",
    "-0",
    "0",
    "-1",
    "1.5",
    "0.0000000000000000000000001",
    "9" * 20,
    "9" * 5000,
    "-" + "9" * 30,
    "²",
    "³:up",
    "١٢٣",
    "١",
    "１２",
    "Ⅻ",
    "0x10",
    "1_000",
    "1,5",
    "0001-01-01",
    "9999-12-31",
    "10000-01-01",
    "2027-02-30",
    "2027-13-01",
    "-2027-01-01",
    "24:00",
    "99:99",
    "Europe/Nowhere",
    "../../etc/passwd",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "{{ 7*7 }}",
    "x" * 100_000,
)

# Any text a browser can send (lone surrogates can't be encoded as UTF-8, so no browser sends them).
ANY_TEXT = st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=40)
NUMBERS = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.sampled_from([str(2**31), str(2**31 - 1), str(-(2**31)), str(2**63), str(2**63 - 1), str(-(2**63))]),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
)
DATES = st.one_of(st.dates().map(lambda day: day.isoformat()), st.dates().map(lambda day: day.strftime("%d/%m/%Y")))
VALUES = st.one_of(st.sampled_from(EDGE_TEXTS), ANY_TEXT, NUMBERS, DATES)


def form_data(fields: Iterable[str], *, good: dict[str, str] | None = None) -> st.SearchStrategy[dict]:
    """Posted data over the form's field names: each field missing, good, bad, or given several values, plus a
    stray field or two. `good` gives a valid value per field, so that one bad field is tried among good ones."""
    good = good or {}
    names = sorted(fields)

    def value_of(name: str) -> st.SearchStrategy:
        one = st.one_of(st.just(good[name]), VALUES) if name in good else VALUES
        return st.one_of(one, st.lists(one, min_size=2, max_size=3))

    known = st.fixed_dictionaries({}, optional={name: value_of(name) for name in names})
    stray = st.dictionaries(st.one_of(ANY_TEXT, st.sampled_from(EDGE_TEXTS[:8])), VALUES, max_size=2)
    return st.builds(lambda stray, known: {**stray, **known}, stray, known)


@contextlib.contextmanager
def rolled_back() -> Iterator[None]:
    """Run one hypothesis example in a transaction and undo whatever it wrote."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def row_counts(*app_labels: str) -> dict[str, int]:
    """How many rows each model of these apps has: a refused post must leave every count as it was."""
    return {
        model._meta.label: model._default_manager.count()
        for label in app_labels
        for model in apps.get_app_config(label).get_models()
    }


def holds_nul(data: dict) -> bool:
    """Whether posted data holds a NUL anywhere, which the app refuses with a 400 before any view sees it."""
    values = [v for value in data.values() for v in (value if isinstance(value, list) else [value])]
    return any("\x00" in str(text) for text in [*data, *values])


def client_of(user=None) -> Client:
    """A fresh test client, logged in as `user` when given (force_login: no form, no throttling)."""
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def post_never_fails(client: Client, url: str, data: dict, **extra) -> object:
    """Post and return the response, which must not be a server error.

    The test client re-raises an exception raised in the view, so a 500 fails here with its traceback. A
    refusal (4xx) must say why: a page or text, not an empty body.
    """
    if "content_type" not in extra:  # a browser's form post; a multipart body is for file uploads
        extra = {"content_type": "application/x-www-form-urlencoded", **extra}
        data = urlencode(data, doseq=True)
    response = client.post(url, data, **extra)
    assert response.status_code < 500, (url, data, response.status_code)
    if 400 <= response.status_code < 500 and response.status_code != 404:
        assert response.content.strip(), f"A refusal ({response.status_code}) with no message: {url} {data!r}"
    return response


def refused_changes_nothing(client: Client, url: str, data: dict, apps_touched: tuple[str, ...], **extra):
    """Post; a refusal (4xx) must leave the row counts of `apps_touched` as they were."""
    before = row_counts(*apps_touched)
    response = post_never_fails(client, url, data, **extra)
    if response.status_code >= 400:
        after = row_counts(*apps_touched)
        changed = {name: (before[name], after[name]) for name in before if before[name] != after[name]}
        assert not changed, f"A refused post ({response.status_code}) saved something: {changed}"
    return response
