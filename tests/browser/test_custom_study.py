"""A learner starts a cram from the study page and answers its cards by keyboard, leaving their schedule alone."""

from __future__ import annotations

import pytest

from studyapp.library.models import ItemKind
from studyapp.review.models import CustomStudyCard, ReviewLog, ReviewState
from tests.browser.conftest import log_in
from tests.factories import PASSWORD, DeckFactory, ItemFactory, UserFactory
from tests.review.conftest import study

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_a_cram_is_started_from_the_study_page_and_answered_by_keyboard(live_server, page):
    learner = UserFactory(username="cram_student", roles=["Students"])
    deck = DeckFactory(title="Cram", slug="cram")
    for prompt in ("Who wrote the letter of 1923?", "Who led the Left Opposition?"):
        ItemFactory(deck=deck, kind=ItemKind.TYPED, prompt=prompt, answer="Leon Trotsky", passage=None)
    study(learner, deck)
    before = list(ReviewState.objects.order_by("pk").values("pk", "state", "due", "reps", "stability"))
    log_in(page, live_server, "cram_student", PASSWORD)
    page.goto(f"{live_server.url}/study/{deck.slug}/")
    page.wait_for_selector("#study-card[data-phase='question'][data-ready]")

    page.get_by_role("link", name="Custom study").click()
    page.get_by_label("Cram the whole deck").check()
    page.get_by_role("button", name="Start").click()
    page.wait_for_selector("#study-card[data-phase='question'][data-ready]")
    assert "Custom study: Cram the whole deck — 0 of 2 done" in page.locator("#custom-progress").inner_text()

    page.keyboard.type("Trotsky")  # focus starts in the answer box
    page.keyboard.press("Enter")
    page.wait_for_selector("#study-card[data-phase='feedback'][data-ready]")
    assert page.locator(".verdict").inner_text().startswith("Right")
    page.keyboard.press("3")
    page.wait_for_selector("#custom-progress:has-text('1 of 2 done')")
    assert page.locator("#study-card").get_attribute("data-phase") == "question"

    card = CustomStudyCard.objects.get(answered_at__isnull=False)
    assert (card.rating, card.was_correct) == (3, True)
    assert not ReviewLog.objects.exists()
    assert list(ReviewState.objects.order_by("pk").values("pk", "state", "due", "reps", "stability")) == before
