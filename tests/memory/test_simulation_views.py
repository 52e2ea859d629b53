"""The retention simulator's view: the panel the settings page loads, the slider's chart, bad values, and whose data."""

from __future__ import annotations

import re
from decimal import Decimal

import fsrs_rs_python
import pytest
from django.core.cache import cache
from django.urls import reverse

from studyapp.memory import simulation
from tests.factories import DeckFactory, ItemFactory
from tests.review.conftest import configure, study

pytestmark = pytest.mark.django_db

URL = reverse("memory:retention_forecast")
HTMX = {"HTTP_HX_REQUEST": "true"}
SLIDER = {**HTMX, "HTTP_HX_TARGET": "forecast-chart"}


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


def studies(learner, count: int):
    deck = DeckFactory()
    for _ in range(count):
        ItemFactory(deck=deck)
    study(learner, deck)
    return deck


@pytest.fixture
def learner(client, student_a):
    """student_a studies 12 items and is signed in."""
    studies(student_a, 12)
    client.force_login(student_a)
    return student_a


def marked_retention(html: str) -> str:
    """The label over the chart's vertical marker line."""
    return re.search(r'<text class="marker-label"[^>]*>([^<]+)</text>', html).group(1)


def test_a_visitor_is_asked_to_log_in(client):
    response = client.get(URL)

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_the_settings_page_loads_the_panel_with_htmx_and_links_to_it_without(client, learner):
    html = client.get(reverse("review:settings")).content.decode()

    assert f'hx-get="{URL}" hx-trigger="load"' in html
    assert f'<a href="{URL}">Open the forecast as a page</a>' in html


def test_the_panel_shows_the_optimal_and_desired_retention_the_advice_and_the_chart_at_the_desired_one(client, learner):
    configure(learner, desired_retention=Decimal("0.85"))

    response = client.get(URL, **HTMX)
    html = response.content.decode()
    forecast = response.context["forecast"]

    assert response.status_code == 200
    assert "<html" not in html  # a partial
    assert "<dd>0.85</dd>" in html
    assert f"<dd>{forecast.optimal_retention}</dd>" in html
    assert simulation.advice(forecast) in html
    assert 'type="range"' in html
    assert 'value="0.85"' in html
    assert marked_retention(html) == "0.85"
    assert '<title id="retention-forecast-title">' in html
    assert "<desc" in html
    assert "<caption>" in html  # and the numbers as a table
    assert "data-swap-no-focus" in html  # loading after the page, it leaves focus where it was
    assert "data-announce" not in html  # and says nothing


def test_the_slider_redraws_only_the_chart_with_the_chosen_retention_marked(client, learner):
    response = client.get(URL, {"retention": "0.78"}, **SLIDER)
    html = response.content.decode()
    at = response.context["forecast"].at(Decimal("0.78"))

    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="forecast-chart"')
    assert 'type="range"' not in html
    assert marked_retention(html) == "0.78"
    assert f"At 0.78: {at.reviews_text}, and about {round(at.remembered)} of your 12 items" in html
    assert '<p class="forecast-chosen" data-announce>' in html  # read out after the swap


def test_without_javascript_the_forecast_is_a_page_with_a_redraw_button(client, learner):
    response = client.get(URL, {"retention": "0.95"})
    html = response.content.decode()

    assert response.status_code == 200
    assert "<html" in html
    assert "<h1" in html
    assert '<form method="get"' in html
    assert ">Redraw</button>" in html
    assert marked_retention(html) == "0.95"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("abc", "is not a retention"),
        ("0.69", "from 0.70 to 0.97"),
        ("0.98", "from 0.70 to 0.97"),
        ("1", "from 0.70 to 0.97"),
        ("-0.8", "from 0.70 to 0.97"),
        ("NaN", "from 0.70 to 0.97"),
        ("Infinity", "from 0.70 to 0.97"),
        ("0.855", "at most two decimals"),
        ("8.5e-1", None),  # the same number, written otherwise: accepted
    ],
)
def test_a_bad_slider_value_is_a_422_with_a_message_and_runs_nothing(client, learner, monkeypatch, value, message):
    if message is not None:
        monkeypatch.setattr(simulation, "forecast", lambda collection: pytest.fail("simulated a bad value"))

    response = client.get(URL, {"retention": value}, **SLIDER)

    if message is None:
        assert response.status_code == 200
        assert marked_retention(response.content.decode()) == "0.85"
    else:
        assert response.status_code == 422
        assert message in response.content.decode()
        assert 'role="alert"' in response.content.decode()


def test_a_learner_whose_retention_is_above_097_can_slide_up_to_it(client, learner):
    configure(learner, desired_retention=Decimal("0.99"))

    response = client.get(URL, {"retention": "0.99"}, **SLIDER)

    assert response.status_code == 200
    assert marked_retention(response.content.decode()) == "0.99"
    assert client.get(URL, {"retention": "0.995"}, **SLIDER).status_code == 422


def test_a_learner_with_no_items_is_told_so_instead_of_a_chart(client, student_a):
    client.force_login(student_a)

    html = client.get(URL, **HTMX).content.decode()

    assert "You study no items yet" in html
    assert "<svg" not in html


def test_a_learner_with_no_new_items_a_day_is_told_why_there_is_no_forecast(client, learner):
    configure(learner, new_per_day=0)

    html = client.get(URL, **HTMX).content.decode()

    assert "With 0 new items a day" in html
    assert "<svg" not in html


def test_parameters_fsrs_would_refuse_get_a_message_instead_of_a_forecast(client, learner):
    configure(learner, fsrs_parameters=[*fsrs_rs_python.DEFAULT_PARAMETERS[:20], -1.0])

    response = client.get(URL, **HTMX)

    assert response.status_code == 200
    assert "outside the bounds FSRS accepts" in response.content.decode()
    assert "<svg" not in response.content.decode()


def test_a_simulator_that_stops_is_a_message_not_a_500(client, learner, monkeypatch):
    monkeypatch.setattr(simulation, "usable", lambda parameters: True)
    configure(learner, fsrs_parameters=[*fsrs_rs_python.DEFAULT_PARAMETERS[:20], -1.0])

    response = client.get(URL, **HTMX)

    assert response.status_code == 200
    assert "The simulator could not run" in response.content.decode()


def test_only_the_signed_in_learners_collection_and_parameters_are_simulated(client, learner, student_b):
    studies(student_b, 30)
    configure(student_b, desired_retention=Decimal("0.75"), fsrs_parameters=[0.5] * 4 + [5.0] + [0.5] * 16)

    response = client.get(URL, {"learner": student_b.pk, "user": student_b.pk}, **HTMX)
    collection = response.context["forecast"].collection

    assert collection.size == 12
    assert collection.desired_retention == Decimal("0.90")
    assert collection.parameters == simulation.collection_of(learner.study_settings, size=12).parameters
    assert "12 items" in response.content.decode()
    assert "30 items" not in response.content.decode()
    assert cache.get(simulation.cache_key(learner.pk, collection)) is not None
    assert cache.get(simulation.cache_key(student_b.pk, collection)) is None


def test_the_slider_reads_the_forecast_from_the_cache_in_two_queries(client, learner, django_assert_num_queries):
    client.get(URL, **HTMX)  # the first look runs the simulator and caches it

    with django_assert_num_queries(2):
        # the user with their study settings (joined), the COUNT of their items; the session is in the cache
        response = client.get(URL, {"retention": "0.80"}, **SLIDER)

    assert response.status_code == 200
