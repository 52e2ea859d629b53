"""The demo student opens their progress: the charts are drawn, with their history in them, at both widths."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from tests.browser.accessibility import assert_accessible
from tests.browser.conftest import log_in, screenshot

# serialized_rollback keeps the groups made by the data migration across these flushing tests.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def demo_with_history(settings):
    """The demo content with ada's simulated two months of reviews."""
    settings.DEBUG = True
    call_command("load_demo", quiet_logins=True)


def the_demo_students_dashboard_draws_every_chart_with_data(page, live_server) -> None:
    log_in(page, live_server, "ada", "ada-studies-1927")

    page.goto(f"{live_server.url}/progress/")

    assert int(page.locator(".tile dd").first.inner_text()) >= 0
    forecast_bars = page.locator("#due-forecast svg rect.bar, #due-forecast svg rect.bar-highlight")
    assert forecast_bars.count() >= 10
    assert page.locator("#review-calendar svg rect.day:not(.level-0)").count() >= 40  # ~50 days studied
    assert page.locator("#knowledge svg rect.bar").count() >= 1
    for chart in ("due-forecast", "review-calendar", "knowledge"):
        svg = page.locator(f"#{chart} svg")
        assert svg.get_attribute("role") == "img"
        assert svg.bounding_box()["width"] > 200  # drawn, not collapsed
    page.locator("#due-forecast summary").click()
    assert page.locator("#due-forecast table tbody tr").count() == 30
    page.locator("#due-forecast summary").click()  # closed again for the picture
    page.locator("#knowledge-heading").scroll_into_view_if_needed()
    screenshot(page, "progress-desktop")

    page.set_viewport_size(PHONE)
    page.reload()
    calendar = page.locator("#review-calendar .chart-scroll")
    # On a phone the year scrolls sideways, opening on the newest weeks; nothing else overflows the page.
    assert calendar.evaluate("element => element.scrollWidth > element.clientWidth")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.locator("#due-forecast").scroll_into_view_if_needed()
    page.evaluate("window.scrollBy(0, document.querySelector('#due-forecast').getBoundingClientRect().top - 8)")
    screenshot(page, "progress-phone")


def the_deck_page_maps_what_the_student_knows_onto_the_source(page, live_server) -> None:
    log_in(page, live_server, "ada", "ada-studies-1927")

    page.goto(f"{live_server.url}/progress/decks/left-opposition-1927/")

    assert page.locator(".coverage .tint-known").count() > 10
    page.get_by_role("textbox", name="Exam date").fill("2027-06-01")
    page.get_by_role("button", name="Save").click()
    assert page.get_by_text("if you keep to the schedule").is_visible()
    page.locator("#coverage-heading").scroll_into_view_if_needed()
    screenshot(page, "progress-coverage")


def the_instructor_finds_the_class_report_from_the_deck_page(page, live_server) -> None:
    log_in(page, live_server, "irene", "irene-teaches-1927")

    page.goto(f"{live_server.url}/decks/left-opposition-1927/")
    page.get_by_role("link", name="Class progress").click()

    students = page.locator("table").first
    assert students.get_by_role("rowheader", name="ada").is_visible()
    assert page.get_by_role("link", name="Download the students (CSV)").is_visible()
    screenshot(page, "class-progress")


def test_the_dashboard_the_class_report_and_the_deck_page_show_the_demo_history(page, live_server, demo_with_history):
    """The three checks above on one load of the demo with its history (seconds to make): the two that only read
    first, then the one that saves an exam date. Each ends audited, as a test of its own would be by the `page`
    fixture."""
    the_demo_students_dashboard_draws_every_chart_with_data(page, live_server)
    assert_accessible(page, "the dashboard on a phone")
    page.context.clear_cookies()  # logged out, for the next login
    the_instructor_finds_the_class_report_from_the_deck_page(page, live_server)
    assert_accessible(page, "the class report")
    page.context.clear_cookies()
    the_deck_page_maps_what_the_student_knows_onto_the_source(page, live_server)
