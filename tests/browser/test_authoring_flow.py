"""Authoring from end to end in a real browser: an instructor pastes a text, makes a deck on it, drafts items from
it and accepts two by keyboard, edits one in the item editor and previews it; a student then adds the deck to
their studies and studies that item by keyboard, meeting the edited explanation and the source sentence."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from studyapp.library.models import Deck, Item
from studyapp.review.models import ReviewLog
from tests.browser.accessibility import assert_accessible
from tests.browser.conftest import log_in
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

TEXT = (
    "In 1923 Leon Trotsky wrote a secret letter to the party leaders. "
    "Forty-six party members signed a platform in October 1923.\n\n"
    "The United Opposition was formed in 1926. Its members were expelled from the party in 1927."
)
EXPLANATION = "The letter of *8 October* opened the dispute."


def test_an_instructor_drafts_and_edits_items_from_a_pasted_text_and_a_student_studies_one(live_server, page):
    UserFactory(username="author", roles=["Instructors"])
    UserFactory(username="learner", roles=["Students"])

    # The instructor pastes the text as a source and creates a deck on it.
    log_in(page, live_server, "author", PASSWORD)
    page.get_by_role("link", name="My decks").click()
    page.get_by_role("link", name="Add a source text").click()
    page.get_by_label("Title").fill("The Left Opposition")
    page.get_by_label("Author").fill("A historian")
    page.get_by_label("Text").fill(TEXT)
    page.get_by_role("button", name="Save and split into sentences").click()
    page.get_by_text("is saved, split into 4 sentences").wait_for()
    page.get_by_role("link", name="New deck from this text").click()
    page.get_by_label("Title").fill("Opposition, 1923–27")
    page.get_by_role("button", name="Create the deck").click()
    page.get_by_text("created. Write its first item.").wait_for()
    deck = Deck.objects.get()

    # Drafting, from the deck's editor: j focuses the first candidate, a accepts it and moves on, a again.
    page.get_by_role("link", name="Draft from the source").click()
    page.wait_for_url("**/drafts/**")
    assert page.locator("#draft-deck").input_value() == deck.slug  # accepted items go to the new deck
    page.keyboard.press("j")
    page.keyboard.press("a")
    page.locator("[data-draft-candidate].is-done").first.wait_for()
    page.wait_for_function(
        "() => document.activeElement && document.activeElement.matches('[data-draft-candidate]:not(.is-done)')"
    )
    page.keyboard.press("a")
    page.wait_for_function("() => document.querySelectorAll('[data-draft-candidate].is-done').length === 2")
    assert_accessible(page, "two candidates accepted")
    first, second = Item.objects.filter(deck=deck).order_by("position")
    # Each accepted candidate is an item linked to its sentence of the new source.
    assert first.passage.source_id == second.passage.source_id == deck.source_id

    # The item editor: the explanation changed, previewed (question side and answer side), then saved.
    page.goto(f"{live_server.url}{reverse('library:deck_edit', args=[deck.slug])}")
    page.get_by_role("link", name=re.compile("^Edit “")).first.click()
    page.wait_for_url(f"**/items/{first.pk}/edit/")
    page.get_by_label("Explanation").fill(EXPLANATION)
    page.get_by_role("button", name="Preview").click()
    preview = page.locator("#item-preview")
    preview.get_by_role("heading", name="Question side").wait_for()
    preview.get_by_role("heading", name=re.compile("^Answer side")).wait_for()
    question, feedback = preview.locator("article.study-card").all()
    assert first.answer not in question.inner_text()  # the question side keeps the answer hidden
    assert feedback.locator(".correct-answer").inner_text() == first.answer
    assert feedback.locator(".explanation").inner_text() == "The letter of 8 October opened the dispute."
    assert feedback.locator(".explanation em").inner_text() == "8 October"
    assert feedback.locator(".in-context mark").inner_text() == first.passage.text
    first.refresh_from_db()
    assert first.explanation != EXPLANATION  # previewing saves nothing
    assert_accessible(page, "the edited item's preview")
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_url(f"**{reverse('library:deck_edit', args=[deck.slug])}#item-{first.pk}")
    first.refresh_from_db()
    assert first.explanation == EXPLANATION

    # The student adds the deck to their studies and answers the edited item by keyboard.
    log_in(page, live_server, "learner", PASSWORD)
    page.goto(f"{live_server.url}{reverse('library:deck_detail', args=[deck.slug])}")
    page.get_by_role("button", name="Study this deck").click()
    page.wait_for_selector("#study-card[data-phase='question'][data-ready]")
    assert page.locator("#study-card article").get_attribute("data-kind") == first.kind
    assert first.answer not in page.locator("#study-card .prompt").inner_text()
    page.wait_for_function("() => document.activeElement && document.activeElement.id === 'response'")
    page.keyboard.type(first.answer)
    page.keyboard.press("Enter")
    page.wait_for_selector("#study-card[data-phase='feedback'][data-ready]")
    assert page.locator(".verdict").inner_text().startswith("Right")
    assert page.locator("#study-card .explanation").inner_text() == "The letter of 8 October opened the dispute."
    assert page.locator("#study-card .in-context mark").inner_text() == first.passage.text
    assert_accessible(page, "the student's feedback side")
    page.keyboard.press("3")
    page.wait_for_selector("#study-card[data-phase='question'][data-ready], .empty-queue")
    log = ReviewLog.objects.get()
    assert (log.item, log.was_correct, log.learner.username) == (first, True, "learner")
