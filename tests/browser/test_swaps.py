"""Every htmx swap the app makes moves focus somewhere sensible and says what changed through a live region.

A live region swapped in with its text is not reliably read, so app.js keeps one polite region
(`#swap-announcer`, made at load) and reads into it what the new content marks `data-announce`. These tests
make each swap by keyboard, as a screen-reader user would, and check where focus lands and what is announced.
"""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.utils import timezone

from studyapp.library.models import ItemKind, Source
from studyapp.quizzes import services as quiz_services
from studyapp.quizzes.models import FeedbackTiming, Quiz, QuizItem, Selection
from tests.browser.conftest import log_in
from tests.factories import PASSWORD, ClassroomFactory, DeckFactory, ItemFactory, MembershipFactory, UserFactory

# serialized_rollback keeps the groups made by the data migration across these flushing tests.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

DEMO_SLUG = "left-opposition-1927"


@pytest.fixture
def demo(settings):
    settings.DEBUG = True
    call_command("load_demo", quiet_logins=True, skip_history=True)


def announced(page, text: str) -> None:
    """Wait until the swap announcer's text contains `text` (it is filled a tick after the swap settles)."""
    page.wait_for_function(
        "text => (document.getElementById('swap-announcer') || {}).textContent?.includes(text)", arg=text
    )
    live = page.locator("#swap-announcer")
    assert live.get_attribute("role") == "status"
    assert live.get_attribute("aria-live") == "polite"


def focused(page, selector: str) -> bool:
    return page.evaluate("selector => document.activeElement?.matches(selector) ?? false", selector)


def test_answering_a_card_focuses_the_suggested_rating_and_reads_the_answer_then_rating_reads_the_next_card(
    demo, live_server, page
):
    log_in(page, live_server, "ben", "ben-studies-1927")
    page.goto(f"{live_server.url}/study/{DEMO_SLUG}/")
    page.wait_for_selector("#study-card[data-phase='question'][data-ready]")
    card = page.locator(".study-card")
    kind = card.get_attribute("data-kind")
    if kind in {"basic", "reversed"}:
        page.keyboard.press("Space")
    elif kind in {"true_false", "multiple_choice"}:
        page.keyboard.press("1")
        page.keyboard.press("Enter")
    elif kind == "chronology":
        page.keyboard.press("Alt+ArrowDown")
        page.keyboard.press("Enter")
    else:
        page.keyboard.type("1927")
        page.keyboard.press("Enter")
    page.wait_for_selector("#study-card[data-phase='feedback'][data-ready]")

    announced(page, "Answer")
    assert focused(page, ".rating.suggested")

    page.keyboard.press("3")
    page.wait_for_selector("#study-card[data-phase='question'][data-ready]")
    prompt = page.locator("#prompt").inner_text().split("\n")[0].strip()
    announced(page, prompt[:40])
    # On the new card's own answer control (or its first event, or the card), never on the page's body.
    assert focused(page, "#study-card [autofocus], #study-card .event, #study-card .study-card")


@pytest.fixture
def quiz_for(db):
    """A class quiz of a typed question and a true/false one, taken by ada, feedback when each is checked or not."""

    def make(timing: str):
        instructor = UserFactory(username="irene", roles=["Instructors"])
        student = UserFactory(username="ada", roles=["Students"])
        deck = DeckFactory(title="The Left Opposition", slug="left-opposition")
        typed = ItemFactory(
            deck=deck, passage=None, kind=ItemKind.TYPED, prompt="Who led the Red Army?", answer="Trotsky"
        )
        truth = ItemFactory(deck=deck, passage=None, kind=ItemKind.TRUE_FALSE, prompt="Stalin lost.", answer="False")
        classroom = ClassroomFactory(name="History 101", created_by=instructor)
        classroom.assignments.create(deck=deck)
        MembershipFactory(classroom=classroom, student=student)
        quiz = Quiz.objects.create(
            title="Opposition check",
            classroom=classroom,
            owner=instructor,
            selection=Selection.FIXED,
            feedback_timing=timing,
        )
        quiz.decks.add(deck)
        for position, item in enumerate([typed, truth], start=1):
            QuizItem.objects.create(quiz=quiz, item=item, position=position)
        return quiz_services.start_attempt(quiz=quiz, learner=student, now=timezone.now())

    return make


def test_saving_a_quiz_answer_leaves_focus_in_the_field_and_says_saved_in_its_live_status(quiz_for, live_server, page):
    attempt = quiz_for(FeedbackTiming.SUBMISSION)
    log_in(page, live_server, "ada", PASSWORD)
    page.goto(f"{live_server.url}/attempts/{attempt.pk}/")
    question = page.locator(".quiz-question", has=page.locator(".response[type=text]")).first
    field = question.locator(".response")
    field.focus()
    page.keyboard.type("Trotsky")

    status = question.locator(".save-status")
    status.filter(has_text="Saved at").wait_for()
    assert status.get_attribute("aria-live") == "polite"  # the same element all along: its new text is read
    assert field.evaluate("element => element === document.activeElement")


def test_checking_a_quiz_question_focuses_its_feedback_and_reads_the_verdict(quiz_for, live_server, page):
    attempt = quiz_for(FeedbackTiming.EACH)
    log_in(page, live_server, "ada", PASSWORD)
    page.goto(f"{live_server.url}/attempts/{attempt.pk}/")
    question_id = page.locator(".quiz-question", has=page.locator(".response[type=text]")).first.get_attribute("id")
    page.locator(f"#{question_id} .response").fill("Trotsky")
    page.locator(f"#{question_id} .response").press("Enter")

    page.wait_for_selector(f"#{question_id} .quiz-feedback")
    announced(page, "Right")
    assert focused(page, f"#{question_id} .quiz-feedback")


def test_changing_an_items_kind_keeps_focus_on_the_kind_and_reads_the_new_form_and_the_preview_is_read_too(
    demo, live_server, page
):
    log_in(page, live_server, "irene", "irene-teaches-1927")
    page.goto(f"{live_server.url}/decks/{DEMO_SLUG}/items/new/")
    page.locator("#id_kind").focus()
    page.locator("#id_kind").select_option("multiple_choice")

    page.wait_for_selector("#choice-rows")
    announced(page, "The form is for multiple choice items")
    assert focused(page, "#id_kind")

    page.locator("#add-choice").focus()
    page.keyboard.press("Enter")
    announced(page, "choice rows")
    assert focused(page, "#add-choice")

    prompt = page.locator("#item-form textarea[name='prompt']")
    prompt.focus()
    page.keyboard.type("Who was General Secretary in 1927?")
    announced(page, "Preview")
    assert prompt.evaluate("element => element === document.activeElement")


def test_accepting_and_rejecting_a_draft_focus_the_next_candidate_and_read_what_happened(demo, live_server, page):
    source = Source.objects.get(decks__slug=DEMO_SLUG)
    log_in(page, live_server, "irene", "irene-teaches-1927")
    page.goto(f"{live_server.url}/sources/{source.pk}/drafts/?deck={DEMO_SLUG}")
    open_candidates = page.locator("[data-draft-candidate]:not(.is-done):not(.is-rejected)")

    first_id = open_candidates.first.get_attribute("id")
    page.locator(f"#{first_id} [data-draft-action='accept']").focus()
    page.keyboard.press("Enter")
    page.wait_for_selector(f"#{first_id}.is-done")
    announced(page, "Accepted:")
    assert not focused(page, f"#{first_id}")
    assert focused(page, "[data-draft-candidate]")

    second_id = open_candidates.first.get_attribute("id")
    page.locator(f"#{second_id} [data-draft-action='reject']").focus()
    page.keyboard.press("Enter")
    page.wait_for_selector(f"#{second_id}.is-rejected")
    announced(page, "Rejected:")
    assert focused(page, "[data-draft-candidate]")


def test_a_refused_join_code_keeps_focus_on_the_code_and_the_error_is_an_alert(demo, live_server, page):
    log_in(page, live_server, "ada", "ada-studies-1927")
    page.goto(f"{live_server.url}/classes/join/")
    page.get_by_label("Join code").focus()
    page.keyboard.type("NOPE-NOPE")
    page.keyboard.press("Enter")

    alert = page.locator("#join-form [role='alert']")
    alert.wait_for()
    assert alert.inner_text().strip()
    assert focused(page, "#join-form input[name='code'][aria-invalid='true']")


def test_moving_an_item_keeps_focus_on_its_button_and_reads_its_new_place(demo, live_server, page):
    log_in(page, live_server, "irene", "irene-teaches-1927")
    page.goto(f"{live_server.url}/decks/{DEMO_SLUG}/edit/")
    first = page.locator(".editor-item").first
    item_id = first.get_attribute("id")
    first.get_by_role("button", name="↓ Down").focus()
    page.keyboard.press("Enter")

    announced(page, "Moved to place 2 of 128.")
    assert page.locator(".editor-item").nth(1).get_attribute("id") == item_id
    assert focused(page, f"#{item_id} button[value$=':down']")

    page.keyboard.press("Enter")
    announced(page, "Moved to place 3 of 128.")
    assert focused(page, f"#{item_id} button[value$=':down']")
