"""An instructor on a phone pastes a source, makes a deck, and writes a cloze item by picking its sentence,
previewing it as the learner will see it before saving (htmx re-renders the form for the kind, app.js copies the
picked sentence into the empty sentence box, the preview follows the typing)."""

from __future__ import annotations

import pytest

from studyapp.library.models import Deck, Item, Source
from tests.browser.accessibility import assert_accessible
from tests.browser.conftest import log_in, screenshot
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PHONE = {"width": 390, "height": 844}
TEXT = (
    "In 1923 Leon Trotsky wrote a secret letter to the party leaders. "
    "Forty-six party members signed a platform in October 1923.\n\n"
    "The United Opposition was formed in 1926. Its members were expelled from the party in 1927."
)
SENTENCE = "Forty-six party members signed a platform in October 1923."


def fits_the_phone(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_an_instructor_pastes_a_source_makes_a_deck_and_writes_a_previewed_cloze_on_a_phone(live_server, page):
    UserFactory(username="author", roles=["Instructors"])
    page.set_viewport_size(PHONE)
    log_in(page, live_server, "author", PASSWORD)

    page.get_by_role("link", name="My decks").click()
    page.get_by_role("link", name="Add a source text").click()
    page.get_by_label("Title").fill("The Left Opposition")
    page.get_by_label("Author").fill("A historian")
    page.get_by_label("Text").fill(TEXT)
    fits_the_phone(page)
    page.get_by_role("button", name="Save and split into sentences").click()
    page.get_by_text("is saved, split into 4 sentences").wait_for()
    assert page.locator(".split-paragraph li").count() == 4
    fits_the_phone(page)
    assert_accessible(page, "the source split into sentences")

    page.get_by_role("link", name="New deck from this text").click()
    page.get_by_label("Title").fill("Opposition, 1923–27")
    page.get_by_role("button", name="Create the deck").click()
    deck = Deck.objects.get()
    assert (deck.slug, deck.source) == ("opposition-192327", Source.objects.get())
    fits_the_phone(page)

    page.get_by_role("link", name="New item").click()
    page.get_by_label("Kind").select_option("cloze")
    page.get_by_label("Sentence with its blank").wait_for()  # htmx brought the cloze form
    assert page.locator("#id_answer").count() == 0
    page.get_by_text(SENTENCE).click()  # the sentence is its radio button's label
    prompt = page.get_by_label("Sentence with its blank")
    assert prompt.input_value() == SENTENCE  # app.js copied it into the empty box
    prompt.fill("Forty-six party members signed a platform in {{October 1923}}.")
    preview = page.locator("#item-preview")
    preview.get_by_text("Forty-six party members signed a platform in […].").wait_for()
    assert preview.locator(".correct-answer").inner_text() == "October 1923"
    assert preview.locator(".in-context mark").inner_text() == SENTENCE
    assert not Item.objects.exists()  # previewing saves nothing
    fits_the_phone(page)
    assert_accessible(page, "the item editor with its preview")
    screenshot(page, "item-editor-phone")

    page.get_by_role("button", name="Create the item", exact=True).click()
    page.get_by_text("Item created.").wait_for()
    item = Item.objects.get()
    assert (item.kind, item.answer, item.passage.text) == ("cloze", "October 1923", SENTENCE)
    listed = page.locator(".editor-item label").inner_text()
    assert "signed a platform in […]." in listed
    assert "October" not in listed  # the list shows the blank hidden, as plain text
    fits_the_phone(page)
