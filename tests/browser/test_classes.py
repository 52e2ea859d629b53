"""Classes in a browser: an instructor creates a class and hands out its code; a student joins with it typed
in lower case; both class pages, the join page and the class list fit a 390 px phone."""

from __future__ import annotations

import pytest

from studyapp.classroom import services
from studyapp.classroom.models import Classroom
from tests.browser.conftest import log_in, screenshot
from tests.factories import PASSWORD, DeckFactory, ItemFactory, UserFactory
from tests.review.conftest import NOW

# serialized_rollback keeps the groups made by the data migration across these flushing tests.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PHONE = {"width": 390, "height": 844}
PAGE_WIDTH = "document.documentElement.scrollWidth"


def fits_the_phone(page) -> None:
    width = page.evaluate(PAGE_WIDTH)
    assert width <= PHONE["width"], f"{page.url} is {width} px wide"


def test_an_instructor_creates_a_class_and_a_student_joins_it_on_a_phone(browser, page, live_server):
    UserFactory(username="irene", roles=["Instructors"])
    UserFactory(username="ada", roles=["Students"])
    deck = DeckFactory(title="The Left Opposition in 1927, a deck with a rather long title")
    ItemFactory.create_batch(2, deck=deck)
    page.set_viewport_size(PHONE)

    log_in(page, live_server, "irene", PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Classes").click()
    fits_the_phone(page)
    page.get_by_role("link", name="Create a class").click()
    page.get_by_label("Class name").fill("History 101")
    page.get_by_role("button", name="Create").click()
    page.wait_for_url("**/classes/*/")  # the class page, before the test reloads it
    classroom = Classroom.objects.get(name="History 101")
    services.assign_deck(classroom=classroom, deck=deck, due_on=None, now=NOW)
    page.reload()
    assert page.locator("#join-url").input_value() == f"{live_server.url}/classes/join/{classroom.join_code}/"
    assert page.get_by_role("button", name="Copy link").is_visible()  # shown by app.js where a clipboard exists
    fits_the_phone(page)

    student = browser.new_context(viewport=PHONE).new_page()
    log_in(student, live_server, "ada", PASSWORD)
    student.goto(f"{live_server.url}/classes/join/")
    student.get_by_label("Join code").fill(classroom.join_code.lower())
    student.get_by_role("button", name="Join").click()
    student.wait_for_url(f"**/classes/{classroom.pk}/")
    assert student.get_by_role("heading", name="History 101").is_visible()
    assert student.get_by_text("Taught by irene").is_visible()
    fits_the_phone(student)
    screenshot(student, "class-student-phone")
    student.goto(f"{live_server.url}/study/")
    assert student.get_by_role("link", name="History 101").is_visible()
    fits_the_phone(student)
    student.context.close()

    page.reload()
    assert page.get_by_role("link", name="ada").is_visible()
    fits_the_phone(page)
    screenshot(page, "class-instructor-phone")
