"""Tabbing through each interactive page: every control the Tab key reaches shows a focus indicator (an outline or
a box shadow while focused), and Tab goes on past the last control (nothing traps focus)."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.utils import timezone

from studyapp.accounts.models import User
from studyapp.classroom.models import Classroom
from studyapp.library.models import Deck, ItemKind
from studyapp.quizzes import services as quiz_services
from tests.browser.conftest import log_in

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

DEMO_SLUG = "left-opposition-1927"

# What has focus, named once per element, and whether it shows it: its own outline or box shadow, or, for a
# visually hidden radio drawn by the text after it (the passage picker's sentences), that text's.
FOCUSED = """() => {
  const element = document.activeElement;
  if (!element || element === document.body) return null;
  const shows = node => {
    if (!node) return false;
    const style = getComputedStyle(node);
    const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
    return outline || style.boxShadow !== "none";
  };
  if (!element.dataset.tabWalk) element.dataset.tabWalk = String(document.querySelectorAll("[data-tab-walk]").length);
  const described = (element.id ? `#${element.id}` : element.outerHTML.slice(0, 100)) + ` (${element.dataset.tabWalk})`;
  return {described, visible: shows(element) || shows(element.nextElementSibling)};
}"""

# The controls Tab should reach (not those in a closed <details>): a radio group counts once.
TABBABLE = """() => {
  const groups = new Set();
  return Array.from(document.querySelectorAll('a[href], button, input, select, textarea, summary, [tabindex]'))
    .filter(element => element.tabIndex >= 0 && !element.disabled && element.type !== 'hidden'
      && element.getClientRects().length > 0 && getComputedStyle(element).visibility !== 'hidden'
      && !(element.closest('details:not([open])') && !element.closest('summary')))
    .filter(element => {
      if (element.type !== 'radio') return true;
      const seen = groups.has(element.name);
      groups.add(element.name);
      return !seen;
    }).length;
}"""


def _walk(page, limit: int) -> list[dict]:
    """Tab until focus leaves the page after its last control; what had focus on the way."""
    stops = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        focus = page.evaluate(FOCUSED)
        if focus is None:  # past the last control: focus went on to the browser
            return stops
        stops.append(focus)
    raise AssertionError(f"Tab never left the page in {limit} presses: focus is trapped (last: {stops[-3:]})")


# Whether Tab starts at the page's first control: nothing has focus, and no autofocus or #fragment moves the start.
AT_TOP = """() => (!document.activeElement || document.activeElement === document.body)
  && !location.hash && !document.querySelector('[autofocus]')"""


def walk_whole_page(page, limit: int, expected: int) -> list[dict]:
    """What had focus from the page's first control to its last. Where focus starts part-way down (autofocus, a
    control focused by a swap), Tab first goes from there to the end of the page, then the whole page is walked;
    from the top, the first walk is the whole page (and is walked again if it somehow fell short)."""
    at_top = page.evaluate(AT_TOP)
    stops = _walk(page, limit)
    if not at_top or len({stop["described"] for stop in stops}) < expected:
        stops = _walk(page, limit)
    return stops


def tab_through(page) -> list[str]:
    """Tab through the whole page, first control to last; the controls that had focus without showing it."""
    expected = page.evaluate(TABBABLE)
    limit = expected + 10
    stops = walk_whole_page(page, limit, expected)
    reached = {stop["described"] for stop in stops}
    assert len(reached) >= expected, f"Tab reached {len(reached)} of {expected} controls"
    return [stop["described"] for stop in stops if not stop["visible"]]


@pytest.fixture
def demo(settings):
    settings.DEBUG = True
    call_command("load_demo", quiet_logins=True, skip_history=True)


def test_a_study_card_both_sides(demo, live_server, page):
    log_in(page, live_server, "ben", "ben-studies-1927")
    page.goto(f"{live_server.url}/study/{DEMO_SLUG}/")
    page.wait_for_selector("#study-card[data-phase='question'][data-ready]")
    assert tab_through(page) == []
    page.locator(".card-form [type=submit]").first.click()
    page.wait_for_selector("#study-card[data-phase='feedback'][data-ready]")
    assert tab_through(page) == []


def test_a_quiz_attempt(demo, live_server, page):
    quiz = Classroom.objects.get(name="Demo class").quizzes.get()
    attempt = quiz_services.start_attempt(quiz=quiz, learner=User.objects.get(username="ada"), now=timezone.now())
    log_in(page, live_server, "ada", "ada-studies-1927")
    page.goto(f"{live_server.url}/attempts/{attempt.pk}/")
    assert tab_through(page) == []


@pytest.mark.parametrize("kind", [ItemKind.CLOZE, ItemKind.MULTIPLE_CHOICE, ItemKind.CHRONOLOGY])
def test_the_item_editor(demo, live_server, page, kind):
    item = Deck.objects.get(slug=DEMO_SLUG).items.filter(kind=kind).first()
    log_in(page, live_server, "irene", "irene-teaches-1927")
    page.goto(f"{live_server.url}/items/{item.pk}/edit/")
    assert tab_through(page) == []


def test_the_class_page_of_its_instructor(demo, live_server, page):
    classroom = Classroom.objects.get(name="Demo class")
    log_in(page, live_server, "irene", "irene-teaches-1927")
    page.goto(f"{live_server.url}/classes/{classroom.pk}/")
    assert tab_through(page) == []


def test_the_drafting_page(demo, live_server, page):
    deck = Deck.objects.select_related("source").get(slug=DEMO_SLUG)
    passage = deck.source.passages.order_by("index")[3]
    log_in(page, live_server, "irene", "irene-teaches-1927")
    page.goto(f"{live_server.url}/sources/{deck.source_id}/drafts/?deck={DEMO_SLUG}&passage={passage.pk}")
    # One candidate's edit form, fetched on demand as the Edit link does: its fields are walked too.
    page.locator("[data-draft-action='edit']").first.click()
    page.locator("details.draft-edit[open] textarea").wait_for()
    assert tab_through(page) == []
