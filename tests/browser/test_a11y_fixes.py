"""The six fixes of the accessibility audit (issue 14), each held in a real browser beyond what axe's default rules
see: the flash messages' live region wraps their list, help texts are what the fields' aria-describedby names (with
errors too), the counts line speaks through text, the interval labels reach 4.5:1 without opacity, and the
chronology arrows' accessible names start with the arrow shown. (The admin's passage preview is held to a <p> in
tests/library/test_admin.py.) The `page` fixture audits each test's last state with axe as well."""

from __future__ import annotations

import pytest
from django.urls import reverse

from studyapp.library.models import EventData, ItemKind
from tests.browser.accessibility import _axe
from tests.browser.conftest import log_in
from tests.factories import PASSWORD, DeckFactory, ItemFactory, UserFactory
from tests.review.conftest import study

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

# Every id an aria-describedby names, with whether the element is on the page and what it says.
DESCRIBED_BY = """() => Array.from(document.querySelectorAll('[aria-describedby]')).flatMap(field =>
  field.getAttribute('aria-describedby').trim().split(/\\s+/).map(id => {
    const target = document.getElementById(id);
    return {field: field.id || field.name, id, text: target ? target.textContent.trim() : null};
  }))"""

EVENTS = [
    EventData("Lenin's testament is written", "December 1922", 19221200),
    EventData("The letter of the Forty-Six", "October 1923", 19231000),
    EventData("The Opposition is expelled", "December 1927", 19271200),
]


def descriptions(page) -> list[dict]:
    found = page.evaluate(DESCRIBED_BY)
    missing = [entry for entry in found if not entry["text"]]
    assert not missing, f"aria-describedby names what isn't on the page (or is empty): {missing}"
    return found


@pytest.fixture
def learner():
    return UserFactory(username="a11y_student", roles=["Students"])


def test_a_flash_message_is_read_from_a_live_region_around_a_list_that_keeps_its_items(live_server, page):
    page.goto(live_server.url + reverse("sign_up"))
    page.locator("#id_username").fill("newcomer")
    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password2").fill(PASSWORD)
    page.get_by_role("button", name="Sign up").click()

    region = page.get_by_role("status").filter(has_text="Welcome, newcomer!")
    assert region.evaluate("element => element.tagName") == "DIV"
    assert region.get_by_role("list").get_by_role("listitem").inner_text().startswith("Welcome, newcomer!")
    assert page.locator("ul.messages").get_attribute("role") is None


def test_sign_up_help_texts_and_errors_are_what_the_fields_name_in_aria_describedby(live_server, page):
    page.goto(live_server.url + reverse("sign_up"))
    helps = {entry["id"] for entry in descriptions(page)}
    assert {"id_username_helptext", "id_password1_helptext"} <= helps

    page.locator("#id_username").fill("newcomer")
    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password2").fill(PASSWORD + "x")  # a mismatch: the form comes back with an error
    page.get_by_role("button", name="Sign up").click()
    page.locator(".field-errors").first.wait_for()

    errors = [entry for entry in descriptions(page) if entry["id"].endswith("_error")]
    assert errors, "the form came back without an error a field names"
    assert "didn’t match" in errors[0]["text"]


def test_the_password_change_settings_and_exam_date_help_texts_are_linked(live_server, page, learner):
    deck = DeckFactory(title="Help texts", slug="help-texts")
    ItemFactory(deck=deck, passage=None)
    study(learner, deck)
    log_in(page, live_server, "a11y_student", PASSWORD)

    for url, field_id in [
        (reverse("password_change"), "id_new_password1"),
        (reverse("review:settings"), None),
        (reverse("progress:deck", kwargs={"slug": deck.slug}), "id_exam_on"),
    ]:
        page.goto(f"{live_server.url}{url}")
        linked = descriptions(page)
        assert linked, f"{url}: no field names a help text"
        if field_id:
            assert f"{field_id}_helptext" in {entry["id"] for entry in linked}, url


def test_the_counts_line_speaks_through_text_and_the_intervals_reach_the_contrast_without_opacity(
    live_server, page, learner
):
    deck = DeckFactory(title="Counts", slug="counts")
    ItemFactory(deck=deck, passage=None, kind=ItemKind.BASIC)
    study(learner, deck)
    log_in(page, live_server, "a11y_student", PASSWORD)
    page.goto(live_server.url + reverse("review:session", kwargs={"slug": deck.slug}))
    page.wait_for_selector("#study-card[data-phase='question'][data-ready]")

    counts = page.locator("#counts")
    assert counts.get_attribute("aria-label") is None
    assert counts.evaluate("element => element.textContent.replace(/\\s+/g, ' ').trim()").startswith(
        "Left today: New 1"
    )

    page.locator("[data-key='show']").click()
    page.wait_for_selector("#study-card[data-phase='feedback'][data-ready]")
    intervals = page.locator(".interval")
    assert intervals.count() == 4
    # No opacity on an interval or anything around it, and axe's contrast rule passes on each.
    faded = intervals.evaluate_all(
        """spans => spans.filter(span => {
          for (let node = span; node; node = node.parentElement) {
            if (getComputedStyle(node).opacity !== '1') return true;
          }
          return false;
        }).length"""
    )
    assert faded == 0
    page.evaluate(_axe.axe_script)  # axe's contrast rule alone, on the ratings (the page fixture runs them all)
    contrast = page.evaluate("axe.run('.ratings', {runOnly: {type: 'rule', values: ['color-contrast']}})")
    assert contrast["violations"] == []
    assert len(contrast["passes"][0]["nodes"]) >= 4


def test_the_chronology_arrows_accessible_names_start_with_the_arrow_shown(live_server, page, learner):
    deck = DeckFactory(title="Order", slug="order")
    ItemFactory(deck=deck, passage=None, kind=ItemKind.CHRONOLOGY, prompt="Put these in order.", events=EVENTS)
    study(learner, deck)
    log_in(page, live_server, "a11y_student", PASSWORD)
    page.goto(live_server.url + reverse("review:session", kwargs={"slug": deck.slug}))
    page.wait_for_selector("#study-card[data-phase='question'][data-ready]")

    buttons = page.locator("[data-move]")
    assert buttons.count() == 2 * len(EVENTS)
    for event in EVENTS:
        # get_by_role matches the name the browser computes, so this is what a screen reader or voice control hears.
        for arrow, words in (("↑", "Move earlier"), ("↓", "Move later")):
            button = page.get_by_role("button", name=f"{arrow} {words}: {event.text}", exact=True)
            assert button.inner_text() == arrow
