"""Tabbing through the app's other interactive pages (the forms): every control the Tab key reaches shows a focus
ring and Tab goes on past the last one. test_keyboard_focus.py walks the study card, a quiz attempt, the item
editor, a class page and the drafting page; these are the rest of the pages with controls, for the role that
uses them, with the demo's data."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.urls import reverse

from studyapp.classroom.models import Classroom
from tests.browser.conftest import log_in
from tests.browser.test_keyboard_focus import TABBABLE, _walk

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

DEMO_SLUG = "left-opposition-1927"


@pytest.fixture
def demo(settings):
    settings.DEBUG = True
    call_command("load_demo", quiet_logins=True, skip_history=True)


def tab_through(page) -> list[str]:
    """test_keyboard_focus.tab_through with room for date and time fields, which Tab crosses part by part (a
    datetime-local field is seven stops in Chromium): the controls that had focus without showing it."""
    expected = page.evaluate(TABBABLE)
    limit = 4 * expected + 10
    _walk(page, limit)  # from wherever focus starts to the end of the page
    stops = _walk(page, limit)  # then the whole page
    reached = {stop["described"] for stop in stops}
    assert len(reached) >= expected, f"Tab reached {len(reached)} of {expected} controls"
    return sorted({stop["described"] for stop in stops if not stop["visible"]})


def walk(page, live_server, urls: list[str]) -> dict[str, list[str]]:
    """Each page's controls that had focus without showing it (none, on a page that passes). Each page is walked in
    a tab of its own, as test_keyboard_focus.py walks one page a test: after a walk focus has left for the browser,
    and a page then loaded in the same tab doesn't always take the next Tab back in."""
    unseen = {}
    for url in urls:
        tab = page.context.new_page()
        tab.goto(live_server.url + url)
        tab.locator("main").wait_for()
        if url == reverse("review:settings"):
            # Its retention forecast loads by htmx after the page (a year simulated): walk the page it makes.
            tab.wait_for_selector("#forecast-chart svg")
        try:
            unseen[url] = tab_through(tab)
        except AssertionError as error:
            raise AssertionError(f"{url}: {error}") from None
        tab.close()
    return {url: controls for url, controls in unseen.items() if controls}


def test_the_anonymous_forms(demo, live_server, page):
    urls = [reverse(name) for name in ("library:home", "login", "sign_up", "password_reset")]
    assert walk(page, live_server, urls) == {}


def test_a_students_forms(demo, live_server, page):
    log_in(page, live_server, "ada", "ada-studies-1927")
    classroom = Classroom.objects.get(name="Demo class")
    deck = {"slug": DEMO_SLUG}
    urls = [
        reverse("review:home"),
        reverse("review:settings"),
        reverse("review:custom_study", kwargs=deck),
        reverse("progress:deck", kwargs=deck),
        reverse("quizzes:practice_new", kwargs=deck),
        reverse("quizzes:detail", kwargs={"pk": classroom.quizzes.get().pk}),
        reverse("classroom:join"),
        reverse("account"),
        reverse("password_change"),
        reverse("email_change"),
        reverse("account_delete"),
        reverse("second_factor_setup"),
    ]
    assert walk(page, live_server, urls) == {}


def test_an_instructors_forms(demo, live_server, page):
    log_in(page, live_server, "irene", "irene-teaches-1927")
    classroom = Classroom.objects.get(name="Demo class")
    deck = {"slug": DEMO_SLUG}
    urls = [
        reverse("library:my_decks"),
        reverse("library:deck_new"),
        reverse("library:source_new"),
        reverse("library:deck_edit", kwargs=deck),
        reverse("library:deck_settings", kwargs=deck),
        reverse("library:import", kwargs=deck),
        reverse("library:export", kwargs=deck),
        reverse("classroom:create"),
        reverse("quizzes:create", kwargs={"classroom_pk": classroom.pk}),
        reverse("quizzes:edit", kwargs={"pk": classroom.quizzes.get().pk}),
        reverse("progress:deck_report", kwargs=deck),
    ]
    assert walk(page, live_server, urls) == {}
