"""Drafting in a real browser: the demo deck's owner drafts from the article on a phone, by keyboard alone (accept,
reject, and edit in the form fetched on demand), and opens the coverage map; both pages fit 390 px and pass the
accessibility audit (the harness's)."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.urls import reverse

from studyapp.library.models import Deck, Item
from tests.browser.conftest import log_in, screenshot

# serialized_rollback keeps the groups made by the data migration across these flushing tests.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def demo(settings) -> Deck:
    settings.DEBUG = True
    call_command("load_demo", quiet_logins=True, skip_history=True)
    return Deck.objects.select_related("source", "owner").get(slug="left-opposition-1927")


def test_an_instructor_accepts_rejects_and_edits_candidates_by_keyboard_on_a_phone(page, live_server, demo):
    before = Item.objects.filter(deck=demo).count()
    page.set_viewport_size(PHONE)
    log_in(page, live_server, "irene", "irene-teaches-1927")
    page.goto(f"{live_server.url}{reverse('library:drafts', args=[demo.source_id])}")

    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    # The first candidate of the article is its first sentence's cloze on "Victor Serge"; j focuses it.
    page.keyboard.press("j")
    first = page.locator("[data-draft-candidate]").first
    assert first.evaluate("node => node === document.activeElement")
    page.keyboard.press("a")
    page.locator("[data-draft-candidate].is-done", has_text="accepted").first.wait_for()
    assert Item.objects.filter(deck=demo).count() == before + 1
    # Focus moved on to the next candidate: r rejects it, and its Undo shows in its place.
    page.keyboard.press("r")
    page.locator(".draft-candidate.is-rejected").first.wait_for()
    screenshot(page, "drafts-phone")

    # e fetches the focused candidate's edit form and puts focus in its first field; Esc closes it and goes back to
    # the candidate; e opens it again (already fetched); the edited candidate is accepted as edited.
    editing = page.evaluate("document.activeElement.id")
    assert editing.startswith("candidate-")
    page.keyboard.press("e")
    prompt = page.locator(f"#{editing} details.draft-edit[open] textarea[name='prompt']")
    prompt.wait_for()
    assert prompt.evaluate("node => node === document.activeElement")
    page.keyboard.press("Escape")
    assert page.locator(f"#{editing} details.draft-edit:not([open])").count() == 1
    assert page.evaluate("document.activeElement.id") == editing
    page.keyboard.press("e")
    assert prompt.evaluate("node => node === document.activeElement")
    written = f"Edited: {prompt.input_value()}"
    prompt.fill(written)
    page.locator(f"#{editing} details.draft-edit button[type=submit]").press("Enter")
    page.locator(f"#{editing}.is-done").wait_for()
    edited = Item.objects.filter(deck=demo).order_by("-pk").first()
    assert Item.objects.filter(deck=demo).count() == before + 2
    assert edited.prompt == written

    page.goto(f"{live_server.url}{reverse('library:coverage', args=[demo.source_id])}")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.locator(".cov-none").nth(1).click()
    page.wait_for_url("**/drafts/?passage=*")
    screenshot(page, "coverage-to-drafts-phone")
