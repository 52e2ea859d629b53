"""Tabbing through the app's other interactive pages (the forms): every control the Tab key reaches shows a focus
ring and Tab goes on past the last one. test_keyboard_focus.py walks the study card, a quiz attempt, the item
editor, a class page and the drafting page; these are the rest of the pages with controls, for the role that
uses them, with the demo's data.

The walk runs in parts (`PARTS`: each role's pages in `PAGES`, cut into `PART_COUNTS` runs) so that the test workers
share it; a test holds the parts to `PAGES`, each page in exactly one part. Each part loads the demo, logs in as its
role and walks its pages as the whole walk would."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.urls import reverse

from studyapp.classroom.models import Classroom
from tests.browser.conftest import log_in
from tests.browser.parts import even_runs
from tests.browser.test_keyboard_focus import TABBABLE, walk_whole_page

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
    stops = walk_whole_page(page, limit, expected)
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


# The pages walked, by role, each named by its URL name and what its URL takes: a slug of the demo deck ("deck"),
# the demo class's pk ("classroom") or its quiz's pk ("quiz").
PAGES: tuple[tuple[str, str, str | None], ...] = (
    ("anonymous", "library:home", None),
    ("anonymous", "login", None),
    ("anonymous", "sign_up", None),
    ("anonymous", "password_reset", None),
    ("student", "review:home", None),
    ("student", "review:settings", None),
    ("student", "review:custom_study", "deck"),
    ("student", "progress:deck", "deck"),
    ("student", "quizzes:practice_new", "deck"),
    ("student", "quizzes:detail", "quiz"),
    ("student", "classroom:join", None),
    ("student", "account", None),
    ("student", "password_change", None),
    ("student", "email_change", None),
    ("student", "account_delete", None),
    ("student", "second_factor_setup", None),
    ("instructor", "library:my_decks", None),
    ("instructor", "library:deck_new", None),
    ("instructor", "library:source_new", None),
    ("instructor", "library:deck_edit", "deck"),
    ("instructor", "library:deck_settings", "deck"),
    ("instructor", "library:import", "deck"),
    ("instructor", "library:export", "deck"),
    ("instructor", "classroom:create", None),
    ("instructor", "quizzes:create", "classroom"),
    ("instructor", "quizzes:edit", "quiz"),
    ("instructor", "progress:deck_report", "deck"),
)

# Who walks each role's pages, and how many parts each role's pages are cut into (in PAGES' order, runs of about
# equal length): the instructor's take some 30 seconds (the item editor and the class report some 10 each).
LOGINS = {"anonymous": None, "student": ("ada", "ada-studies-1927"), "instructor": ("irene", "irene-teaches-1927")}
PART_COUNTS = {"anonymous": 1, "student": 2, "instructor": 4}


def _parts() -> dict[str, tuple[tuple[str, str, str | None], ...]]:
    """PAGES by role, each role's pages cut into PART_COUNTS[role] runs of about equal length."""
    parts = {}
    for role, count in PART_COUNTS.items():
        pages = tuple(spec for spec in PAGES if spec[0] == role)
        for index, run in enumerate(even_runs(pages, count)):
            parts[f"{role}-{index + 1}-of-{count}"] = run
    return parts


PARTS = _parts()


def test_the_parts_visit_every_page_once():
    visited = [spec for run in PARTS.values() for spec in run]
    assert {role for role, _, _ in PAGES} == set(LOGINS) == set(PART_COUNTS)
    assert all(run for run in PARTS.values())
    assert all(len({role for role, _, _ in run}) == 1 for run in PARTS.values())  # one login a part
    assert len(visited) == len(PAGES)
    assert set(visited) == set(PAGES)


def _url(name: str, takes: str | None) -> str:
    if takes is None:
        return reverse(name)
    if takes == "deck":
        return reverse(name, kwargs={"slug": DEMO_SLUG})
    classroom = Classroom.objects.get(name="Demo class")
    if takes == "classroom":
        return reverse(name, kwargs={"classroom_pk": classroom.pk})
    return reverse(name, kwargs={"pk": classroom.quizzes.get().pk})


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("part", PARTS)
def test_each_roles_forms_show_focus_and_let_tab_through(demo, live_server, page, part):
    (role,) = {role for role, _, _ in PARTS[part]}
    if LOGINS[role] is not None:
        log_in(page, live_server, *LOGINS[role])
    urls = [_url(name, takes) for _, name, takes in PARTS[part]]
    assert walk(page, live_server, urls) == {}
