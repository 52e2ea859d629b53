"""Nothing scrolls sideways: the study page and the progress pages fit a 390 px phone, and the class report's
items table fits its box on a 1280 px desktop (long prompts wrap instead)."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from studyapp.review.models import ReviewState
from tests.browser.accessibility import assert_accessible
from tests.browser.conftest import log_in, screenshot

# serialized_rollback keeps the groups made by the data migration across these flushing tests.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
DECK = "left-opposition-1927"
PAGE_WIDTH = "document.documentElement.scrollWidth"
# A box's content width against its visible width: more means it scrolls inside.
OVERFLOW = "box => ({scroll: box.scrollWidth, client: box.clientWidth})"


@pytest.fixture
def demo_with_history(settings):
    """The demo content with ada's simulated two months of reviews (she studies the demo deck)."""
    settings.DEBUG = True
    call_command("load_demo", quiet_logins=True)


def widths(page, live_server, paths: list[str]) -> dict[str, int]:
    measured = {}
    for path in paths:
        page.goto(f"{live_server.url}{path}")
        measured[path] = page.evaluate(PAGE_WIDTH)
    return measured


def the_study_and_progress_pages_fit_a_phone(page, live_server) -> None:
    item_id = ReviewState.objects.filter(learner__username="ada", reps__gt=0).values_list("item_id", flat=True)[0]
    page.set_viewport_size(PHONE)
    log_in(page, live_server, "ada", "ada-studies-1927")

    measured = widths(
        page, live_server, ["/study/", "/progress/", f"/progress/decks/{DECK}/", f"/progress/items/{item_id}/"]
    )

    too_wide = {path: width for path, width in measured.items() if width > PHONE["width"]}
    assert too_wide == {}, f"wider than the phone: {measured}"
    page.goto(f"{live_server.url}/study/")
    study_button = page.locator(".study-table").get_by_role("link", name="Study", exact=True).bounding_box()
    assert study_button["x"] + study_button["width"] <= PHONE["width"]  # on the screen, not beyond its edge
    screenshot(page, "study-home-phone")


def the_class_report_fits_its_box_on_a_desktop_and_the_page_fits_a_phone(page, live_server) -> None:
    page.set_viewport_size(DESKTOP)
    log_in(page, live_server, "irene", "irene-teaches-1927")

    page.goto(f"{live_server.url}/progress/decks/{DECK}/students/")

    items_box = page.locator("section[aria-labelledby='items-heading'] .table-scroll")
    students_box = page.locator("section[aria-labelledby='students-heading'] .table-scroll")
    items, students = items_box.evaluate(OVERFLOW), students_box.evaluate(OVERFLOW)
    assert items["scroll"] <= items["client"], f"the items table scrolls inside its box: {items}"
    assert students["scroll"] <= students["client"], f"the students table scrolls inside its box: {students}"
    assert page.evaluate(PAGE_WIDTH) <= DESKTOP["width"]
    page.locator("#items-heading").scroll_into_view_if_needed()
    screenshot(page, "class-report-items-desktop")

    page.set_viewport_size(PHONE)
    page.reload()
    # On a phone the wide tables may scroll inside their boxes, but the page itself must not.
    assert page.evaluate(PAGE_WIDTH) <= PHONE["width"]


def answer_whatever_is_shown(page) -> None:
    """Give the card on screen some answer by keyboard, whatever its kind, and wait for its feedback."""
    kind = page.locator(".study-card").get_attribute("data-kind")
    if kind in {"typed", "cloze", "number"}:
        page.keyboard.type("1923")
    elif kind == "chronology":
        page.keyboard.press("Alt+ArrowDown")
    elif kind == "true_false":
        page.keyboard.press("t")
    elif kind == "multiple_choice":
        page.keyboard.press("1")
    if kind in {"basic", "reversed"}:
        page.keyboard.press("Space")
    elif kind != "true_false":
        page.keyboard.press("Enter")
    page.wait_for_selector("#study-card[data-phase='feedback'][data-ready]")


def the_study_session_and_custom_study_fit_a_phone(page, live_server) -> None:
    page.set_viewport_size(PHONE)
    log_in(page, live_server, "ada", "ada-studies-1927")
    measured = {}

    page.goto(f"{live_server.url}/study/{DECK}/")
    page.wait_for_selector("#study-card[data-phase='question'][data-ready]")
    measured["question"] = page.evaluate(PAGE_WIDTH)
    answer_whatever_is_shown(page)
    measured["feedback"] = page.evaluate(PAGE_WIDTH)
    # Rated, so its kept answer can't bring the cram (shuffled) back to this card's feedback instead of a question.
    page.keyboard.press("3")
    page.wait_for_selector("#study-card[data-phase='question'][data-ready]")
    page.goto(f"{live_server.url}/study/{DECK}/custom/")
    measured["custom study form"] = page.evaluate(PAGE_WIDTH)
    screenshot(page, "custom-study-form-phone")
    page.get_by_label("Cram the whole deck").check()
    page.get_by_role("button", name="Start").click()
    page.wait_for_selector("#study-card[data-phase='question'][data-ready]")
    measured["custom study question"] = page.evaluate(PAGE_WIDTH)

    too_wide = {name: width for name, width in measured.items() if width > PHONE["width"]}
    assert too_wide == {}, f"wider than the phone: {measured}"
    screenshot(page, "custom-study-phone")


def test_the_study_progress_and_class_report_pages_fit_a_phone_and_the_report_its_box_on_a_desktop(
    page, live_server, demo_with_history
):
    """The three checks above on one load of the demo with its history (seconds to make): the two that only read
    first, then the one that studies. Each ends audited, as a test of its own would be by the `page` fixture."""
    the_study_and_progress_pages_fit_a_phone(page, live_server)
    assert_accessible(page, "the study home on a phone")
    page.context.clear_cookies()  # logged out, for the next login
    the_class_report_fits_its_box_on_a_desktop_and_the_page_fits_a_phone(page, live_server)
    assert_accessible(page, "the class report on a phone")
    page.context.clear_cookies()
    the_study_session_and_custom_study_fit_a_phone(page, live_server)
