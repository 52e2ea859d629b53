"""The htmx swaps test_swaps.py doesn't make: the study card's actions (flag, bury, suspend, undo) and the quiz
form's refresh when a deck is ticked. Each is made by keyboard; focus must stay in the page (on the new card, or on
the control the user pressed) and the change must be read out through the one polite live region app.js keeps."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.browser.conftest import log_in
from tests.browser.test_swaps import announced, focused
from tests.factories import PASSWORD, AssignmentFactory, ClassroomFactory, DeckFactory, ItemFactory, UserFactory
from tests.review.conftest import study

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_the_study_cards_actions_keep_focus_on_the_card_and_read_what_they_did(live_server, page):
    learner = UserFactory(username="swap_student", roles=["Students"])
    deck = DeckFactory(title="Actions", slug="actions")
    ItemFactory.create_batch(3, deck=deck, passage=None)
    study(learner, deck)
    log_in(page, live_server, "swap_student", PASSWORD)
    page.goto(live_server.url + reverse("review:session", kwargs={"slug": deck.slug}))
    page.wait_for_selector("#study-card[data-phase='question'][data-ready]")

    # Flag by its button; bury, then (after a review) undo and suspend by their keys.
    steps = [("Flag", "Flagged for a later look."), ("b", "Buried until tomorrow.")]
    steps += [("Space", None), ("3", None), ("u", "Undid your last review."), ("s", "Suspended.")]
    for key, reads in steps:
        page.locator("#study-card").evaluate("card => { card.dataset.ready = 'old'; }")
        if key == "Flag":
            page.get_by_role("button", name="Flag").focus()
            page.keyboard.press("Enter")
        else:
            page.keyboard.press(key)
        page.wait_for_selector("#study-card[data-ready]:not([data-ready='old'])")
        if reads:
            announced(page, reads)
        assert focused(page, "#study-card, #study-card *"), f"focus left the card after {key}"


def test_ticking_a_deck_on_the_quiz_form_keeps_focus_on_the_box_and_reads_the_new_choices(live_server, page):
    instructor = UserFactory(username="swap_instructor", roles=["Instructors"])
    classroom = ClassroomFactory(created_by=instructor)
    assigned = AssignmentFactory(classroom=classroom, deck=DeckFactory(title="Assigned deck")).deck
    ItemFactory.create_batch(3, deck=assigned, passage=None)
    log_in(page, live_server, "swap_instructor", PASSWORD)
    page.goto(live_server.url + reverse("quizzes:create", kwargs={"classroom_pk": classroom.pk}))

    box = page.get_by_label("Assigned deck")
    ticked = box.is_checked()
    box.focus()
    page.keyboard.press("Space")

    assert box.is_checked() is not ticked
    announced(page, f"The items and tags of the chosen decks: {0 if ticked else 3} item")
    assert focused(page, f"#id_decks_{assigned.pk}")
