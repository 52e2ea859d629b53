"""Cards answered by keyboard alone in a real browser: chronology, multiple choice, true/false and a typed answer.

Each card starts with focus on its first control; nothing answers for the learner (Space on true/false,
Enter on an untouched chronology), a refused answer says why, and the shortcuts work beside a text box.
"""

from __future__ import annotations

import pytest

from studyapp.library.models import ChoiceData, EventData, ItemKind
from studyapp.review.models import ReviewLog, ReviewState
from tests.browser.conftest import log_in
from tests.factories import PASSWORD, DeckFactory, ItemFactory, UserFactory
from tests.review.conftest import study

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

EVENTS = [
    EventData("Lenin's testament is written", "December 1922", 19221200),
    EventData("The letter of the Forty-Six", "October 1923", 19231000),
    EventData("The United Opposition forms", "April 1926", 19260400),
    EventData("The Opposition is expelled", "December 1927", 19271200),
]
CHOICES = [
    ChoiceData("Leon Trotsky", True),
    ChoiceData("Joseph Stalin", False),
    ChoiceData("Grigory Zinoviev", False),
]


@pytest.fixture
def learner():
    return UserFactory(username="kbd_student", roles=["Students"])


def deck_of(learner, *items: dict):
    """A deck of these items in this order (none linked to a passage, so none buries another), studied."""
    deck = DeckFactory(title="Keyboard", slug="keyboard")
    for fields in items:
        ItemFactory(deck=deck, passage=None, **fields)
    study(learner, deck)
    return deck


def open_session(page, live_server, deck) -> None:
    log_in(page, live_server, "kbd_student", PASSWORD)
    page.goto(f"{live_server.url}/study/{deck.slug}/")
    page.wait_for_selector("#study-card[data-phase='question'][data-ready]")


def focused(page, script: str):
    return page.evaluate(f"(() => {{ const el = document.activeElement; return {script}; }})()")


def wait_for_focus(page, script: str) -> None:
    """A swapped-in card is set up (focused, its keys live) once htmx has settled it, a moment after the swap."""
    page.wait_for_selector("#study-card[data-ready]")
    # A function, not an expression: an expression is eval'd in the page, which the CSP forbids.
    page.wait_for_function(f"() => {{ const el = document.activeElement; return el && ({script}); }}")


def shown_events(page) -> list[str]:
    return page.locator(".event .event-text").all_inner_texts()


def test_a_chronology_is_ordered_and_checked_by_keyboard_alone(live_server, page, learner):
    deck = deck_of(learner, {"kind": ItemKind.CHRONOLOGY, "prompt": "Put these in order.", "events": EVENTS})
    open_session(page, live_server, deck)

    assert focused(page, "el.classList.contains('event')")
    assert focused(page, "el.querySelector('.event-text').textContent") == shown_events(page)[0]
    assert "Alt+↑" in page.locator("#order-hint").inner_text()  # the hint speaks of what is on screen
    assert not page.locator(".event-position").first.is_visible()

    page.keyboard.press("Enter")  # untouched: never the true order, so not sent
    assert "Move the events into order first" in page.locator("[data-order-status]").inner_text()
    assert page.locator("#study-card").get_attribute("data-phase") == "question"

    # A selection sort by keys: ↓ to reach the event that belongs at `target`, then Alt+↑ to lift it there.
    page.keyboard.press("Home")  # a key the list ignores: focus stays where it is
    wanted = [event.text for event in EVENTS]
    for target, text in enumerate(wanted):
        current = shown_events(page).index(text)
        at = shown_events(page).index(focused(page, "el.querySelector('.event-text').textContent"))
        for _ in range(abs(current - at)):
            page.keyboard.press("ArrowDown" if current > at else "ArrowUp")
        for _ in range(current - target):
            page.keyboard.press("Alt+ArrowUp")
    assert shown_events(page) == wanted
    assert "is now" in page.locator("[data-order-status]").inner_text()

    page.keyboard.press("Enter")
    page.wait_for_selector("#study-card[data-phase='feedback'][data-ready]")
    assert page.locator(".verdict").inner_text().startswith("Right")
    page.keyboard.press("3")
    page.wait_for_selector("#study-card[data-phase='question'][data-ready]")  # back within the learn-ahead limit
    assert ReviewLog.objects.get().was_correct is True


def test_a_multiple_choice_card_is_answered_by_keyboard_and_an_empty_check_says_why(live_server, page, learner):
    deck = deck_of(learner, {"kind": ItemKind.MULTIPLE_CHOICE, "prompt": "Who wrote the letter?", "choices": CHOICES})
    open_session(page, live_server, deck)
    assert focused(page, "el.name") == "choice"
    assert focused(page, "el.dataset.choiceKey") == "1"

    page.keyboard.press("Enter")  # nothing ticked
    page.wait_for_selector(".notice.error")
    assert page.locator(".notice.error").inner_text() == "Pick at least one choice."
    wait_for_focus(page, "el.name === 'choice' && el.dataset.choiceKey === '1'")

    texts = [text.strip() for text in page.locator(".choice").all_inner_texts()]
    right = next(index for index, text in enumerate(texts, start=1) if text.endswith("Leon Trotsky"))
    page.keyboard.press(str(right))
    page.keyboard.press("Enter")
    page.wait_for_selector("#study-card[data-phase='feedback'][data-ready]")
    assert page.locator(".verdict").inner_text().startswith("Right")


def test_space_never_answers_a_true_or_false_card(live_server, page, learner):
    deck = deck_of(learner, {"kind": ItemKind.TRUE_FALSE, "prompt": "Trotsky signed the platform.", "answer": "False"})
    open_session(page, live_server, deck)

    page.keyboard.press("Space")
    page.locator("button[value='True']").focus()  # even with the True button focused
    page.keyboard.press("Space")
    page.wait_for_timeout(300)

    assert page.locator("#study-card").get_attribute("data-phase") == "question"
    assert ReviewState.objects.get().pending_answer is None
    page.keyboard.press("f")
    page.wait_for_selector("#study-card[data-phase='feedback'][data-ready]")
    assert page.locator(".verdict").inner_text().startswith("Right")


def test_undo_suspend_and_bury_work_beside_a_text_box(live_server, page, learner):
    deck = deck_of(
        learner,
        {"kind": ItemKind.TYPED, "prompt": "Who led the Left Opposition?", "answer": "Leon Trotsky"},
        {"kind": ItemKind.TYPED, "prompt": "Who was its secretary?", "answer": "Joseph Stalin"},
    )
    open_session(page, live_server, deck)
    assert focused(page, "el.id") == "response"
    assert "Alt+b" in page.locator("[data-key='bury']").inner_text()

    page.keyboard.type("bus")  # plain letters are typed, not taken as shortcuts
    assert page.locator("#response").input_value() == "bus"

    page.keyboard.press("Alt+b")
    page.wait_for_selector(".notice:has-text('Buried until tomorrow')")
    assert "Who was its secretary?" in page.locator(".prompt").inner_text()
    wait_for_focus(page, "el.id === 'response'")

    page.keyboard.press("Escape")  # out of the text box, the plain letter works
    page.keyboard.press("s")
    page.wait_for_selector(".notice:has-text('Suspended')")
    states = {state.item.prompt: state for state in ReviewState.objects.select_related("item")}
    assert states["Who led the Left Opposition?"].buried_until is not None
    assert states["Who was its secretary?"].suspended is True
