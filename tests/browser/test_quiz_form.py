"""An instructor builds a fixed quiz on a phone: the checklist follows the decks ticked (htmx), ticking numbers the
items in the order picked (app.js), and the saved quiz asks them in that order."""

from __future__ import annotations

import pytest

from studyapp.quizzes.models import Quiz
from tests.browser.conftest import log_in, screenshot
from tests.factories import PASSWORD, AssignmentFactory, ClassroomFactory, DeckFactory, ItemFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PHONE = {"width": 390, "height": 844}


def test_an_instructor_builds_a_fixed_quiz_in_the_order_picked_on_a_phone(live_server, page):
    teacher = UserFactory(username="quiz_teacher", roles=["Instructors"])
    classroom = ClassroomFactory(name="History 101", created_by=teacher)
    assigned = DeckFactory(title="Assigned deck", owner=teacher)
    AssignmentFactory(classroom=classroom, deck=assigned)
    ItemFactory(deck=assigned, prompt="Who wrote the *secret* letter of October 1923 to the party leaders?")
    extra = DeckFactory(title="My other deck", owner=teacher)
    first = ItemFactory(deck=extra, prompt="Which congress expelled the Opposition?", answer="The Fifteenth")
    second = ItemFactory(deck=extra, prompt="Where was Trotsky exiled in 1928?", answer="Alma-Ata")

    page.set_viewport_size(PHONE)
    log_in(page, live_server, "quiz_teacher", PASSWORD)
    page.goto(f"{live_server.url}/classes/{classroom.pk}/quizzes/new/")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.get_by_label("Title").fill("Exile and expulsion")

    # Ticking a deck refreshes the checklist through htmx (no save, no errors).
    page.get_by_label("My other deck").check()
    page.wait_for_selector(f"#id_items_{first.pk}", state="attached")  # in the closed "Fixed list" section
    page.get_by_label("A fixed list of items").check()
    page.locator("#quiz-fixed[open]").wait_for()
    page.get_by_label("Assigned deck").uncheck()
    page.wait_for_selector("text=Who wrote the secret letter", state="detached")

    # Picked second, then first: the script numbers them so.
    page.locator(f"#id_items_{second.pk}").check()
    page.locator(f"#id_items_{first.pk}").check()
    assert page.locator(f"#id_position_{second.pk}").input_value() == "1"
    assert page.locator(f"#id_position_{first.pk}").input_value() == "2"
    assert page.locator(f"#id_mark_{second.pk}").input_value() == "1"  # its default, though htmx brought the line
    page.locator(f"#id_mark_{first.pk}").fill("2")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "quiz-form-phone")

    page.get_by_role("button", name="Create the quiz").click()
    page.wait_for_url(f"{live_server.url}/classes/{classroom.pk}/")
    quiz = Quiz.objects.get()
    assert quiz.title == "Exile and expulsion"
    assert list(quiz.quiz_items.values_list("item_id", "mark")) == [(second.pk, 1.0), (first.pk, 2.0)]
    page.goto(f"{live_server.url}/quizzes/{quiz.pk}/edit/")
    assert page.locator(f"#id_position_{first.pk}").input_value() == "2"
