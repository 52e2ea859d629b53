"""A learner studies five cards by keyboard alone and watches the counts change."""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command

from studyapp.review.models import ReviewLog
from tests.browser.conftest import log_in, screenshot

# serialized_rollback keeps the groups made by the data migration across these flushing tests.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def demo(settings):
    settings.DEBUG = True
    call_command("load_demo", quiet_logins=True, skip_history=True)


def _counts(page) -> tuple[int, int, int]:
    text = page.locator("#counts").inner_text()
    new, learning, due = (int(n) for n in re.findall(r"\d+", text))
    return new, learning, due


def _answer_by_keyboard(page) -> None:
    """Answer whatever card is shown using only the keyboard, then rate it with 3 (Good)."""
    kind = page.locator(".study-card").get_attribute("data-kind")
    if kind in {"basic", "reversed"}:
        page.keyboard.press("Space")
    elif kind == "true_false":
        page.keyboard.press("1")
    elif kind == "multiple_choice":
        page.keyboard.press("1")
        page.keyboard.press("Enter")
    elif kind == "chronology":
        page.keyboard.press("Alt+ArrowDown")  # an untouched order is never sent: move one event first
        page.keyboard.press("Enter")
    else:
        page.keyboard.type("Trotsky")
        page.keyboard.press("Enter")
    page.wait_for_selector("#study-card[data-phase='feedback'][data-ready]")
    page.keyboard.press("3")
    page.wait_for_selector("#study-card[data-phase='question'][data-ready]")


def test_a_student_studies_five_cards_by_keyboard_and_sees_the_counts_change(demo, live_server, page):
    log_in(page, live_server, "ben", "ben-studies-1927")
    page.goto(f"{live_server.url}/study/")
    # ben is in the demo class, which put its deck among his studies.
    page.locator("td.actions").get_by_role("link", name="Study", exact=True).first.click()
    page.wait_for_selector("#study-card[data-phase='question'][data-ready]")
    new_before, _, _ = _counts(page)
    assert new_before == 20

    for _ in range(5):
        _answer_by_keyboard(page)

    new_after, learning_after, _ = _counts(page)
    assert new_after < new_before
    # Items just rated Good wait out a 10-minute learning step, within Anki's 20-minute learn-ahead.
    assert learning_after > 0
    assert ReviewLog.objects.filter(learner__username="ben").count() == 5
    screenshot(page, "study-question")

    page.keyboard.press("u")
    page.wait_for_selector(".notice:has-text('Undid your last review')")
    assert ReviewLog.objects.filter(learner__username="ben").count() == 4


def test_the_answer_feedback_shows_the_source_sentence(demo, live_server, page):
    log_in(page, live_server, "ben", "ben-studies-1927")
    page.goto(f"{live_server.url}/study/")
    # ben is in the demo class, which put its deck among his studies.
    page.locator("td.actions").get_by_role("link", name="Study", exact=True).first.click()
    page.wait_for_selector("#study-card[data-phase='question'][data-ready]")
    kind = page.locator(".study-card").get_attribute("data-kind")
    if kind in {"typed", "cloze", "number"}:
        page.keyboard.type("a wrong answer")
        page.keyboard.press("Enter")
    else:
        if kind == "chronology":
            page.keyboard.press("Alt+ArrowDown")
        _answer_first_step = {"basic": "Space", "reversed": "Space", "true_false": "1", "multiple_choice": "1"}
        page.keyboard.press(_answer_first_step.get(kind, "Enter"))
        if kind == "multiple_choice":
            page.keyboard.press("Enter")
    page.wait_for_selector("#study-card[data-phase='feedback'][data-ready]")
    assert page.locator(".in-context mark").count() == 1
    assert page.locator(".rating").count() == 4
    screenshot(page, "study-feedback")
