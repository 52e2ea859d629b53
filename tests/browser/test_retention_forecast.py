"""The retention forecast on the study settings page, in a browser: htmx loads it after the page without taking
focus, and the slider, moved by keyboard, redraws the chart with the chosen retention marked and says so."""

from __future__ import annotations

import pytest

from tests.browser.conftest import log_in
from tests.factories import PASSWORD, DeckFactory, ItemFactory, UserFactory
from tests.review.conftest import study

# serialized_rollback keeps the groups made by the data migration across these flushing tests.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_the_slider_redraws_the_forecast_by_keyboard_and_the_panel_loads_without_taking_focus(live_server, page):
    learner = UserFactory(username="forecaster")
    deck = DeckFactory()
    for _ in range(40):
        ItemFactory(deck=deck)
    study(learner, deck)
    log_in(page, live_server, "forecaster", PASSWORD)

    page.goto(f"{live_server.url}/study/settings/")
    page.wait_for_selector("#forecast-chart svg")
    assert page.locator(".marker-label").text_content() == "0.90"
    # The panel arrived after the page: focus and scroll stay where the page put them, not on the panel.
    assert not page.evaluate("document.getElementById('forecast-panel').contains(document.activeElement)")
    assert page.evaluate("window.scrollY") == 0

    slider = page.locator("#forecast-retention")
    slider.focus()
    for _ in range(5):
        page.keyboard.press("ArrowLeft")
    page.wait_for_function("() => document.querySelector('.marker-label')?.textContent === '0.85'")

    assert page.locator(".forecast-chosen").text_content().startswith("At 0.85: about ")
    page.wait_for_function("() => (document.getElementById('swap-announcer') || {}).textContent?.includes('At 0.85')")
    assert page.evaluate("document.activeElement.id") == "forecast-retention"  # focus stays on the slider
    assert page.locator("#forecast-retention").count() == 1  # the chart alone was swapped
