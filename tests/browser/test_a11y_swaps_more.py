"""The htmx swaps test_swaps.py and test_a11y_swaps.py don't make: the quiz report's pages of attempts, the import
form's preview (and a file it can't import), the memory panel's Optimise, poll and Restore, and a draft restored
after its rejection. Each is made by keyboard; focus must stay in the page (never on <body>) and the change must be
read out through the one polite live region app.js keeps."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from studyapp.library.models import Source
from studyapp.memory.models import FitOutcome, FitStatus, ParameterFit
from studyapp.quizzes import report_views
from studyapp.quizzes.models import AttemptState
from studyapp.review.models import StudySettings
from tests.browser.conftest import log_in
from tests.browser.test_swaps import DEMO_SLUG, announced, demo, focused  # noqa: F401 (demo is a fixture)
from tests.factories import PASSWORD, AttemptFactory, ClassroomFactory, QuizFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

NOT_BODY = "body *"


def press(page, locator) -> None:
    locator.focus()
    page.keyboard.press("Enter")


def test_paging_the_quiz_reports_attempts_focuses_the_table_and_reads_the_page(live_server, page, monkeypatch):
    monkeypatch.setattr(report_views, "ATTEMPTS_PER_PAGE", 2)
    instructor = UserFactory(username="report_instructor", roles=["Instructors"])
    quiz = QuizFactory(classroom=ClassroomFactory(created_by=instructor), title="Paged quiz")
    now = timezone.now()
    for number in range(1, 6):
        AttemptFactory(
            quiz=quiz,
            learner=UserFactory(username=f"taker_{number}", roles=["Students"]),
            state=AttemptState.FINISHED,
            started_at=now - timedelta(hours=number),
            submitted_at=now - timedelta(hours=number) + timedelta(minutes=10),
            score=1,
            max_score=2,
        )
    log_in(page, live_server, "report_instructor", PASSWORD)
    page.goto(live_server.url + reverse("quizzes:report", kwargs={"pk": quiz.pk}))

    pages = page.get_by_role("navigation", name="Pages of attempts")
    press(page, pages.get_by_role("link", name="Next"))
    page.get_by_text("Page 2 of 3 (5 attempts)").wait_for()
    announced(page, "Attempts, page 2 of 3.")
    assert focused(page, "#quiz-attempts")

    press(page, pages.get_by_role("link", name="Previous"))
    page.get_by_text("Page 1 of 3 (5 attempts)").wait_for()
    announced(page, "Attempts, page 1 of 3.")
    assert focused(page, "#quiz-attempts")


def _upload(page, name: str, text: str) -> None:
    page.get_by_label("File").set_input_files({"name": name, "mimeType": "text/plain", "buffer": text.encode()})


@pytest.mark.usefixtures("demo")
def test_the_import_preview_keeps_focus_on_its_button_and_reads_the_preview_or_the_problems(live_server, page):
    log_in(page, live_server, "irene", "irene-teaches-1927")
    page.goto(live_server.url + reverse("library:import", kwargs={"slug": DEMO_SLUG}))
    preview = page.get_by_role("button", name="Preview")

    _upload(page, "good.txt", "Who led the Red Army?\tTrotsky\nWho was General Secretary?\tStalin\n")
    press(page, preview)
    page.get_by_role("heading", name="Preview: 2 items to create").wait_for()
    announced(page, "Preview: 2 items to create.")
    assert focused(page, "#import-result button, form button[type=submit]")

    _upload(page, "bad.txt", "Who led the Red Army?\n")
    press(page, preview)
    page.get_by_role("heading", name="Nothing can be imported yet").wait_for()
    announced(page, "Nothing can be imported yet.")
    assert focused(page, NOT_BODY)


@pytest.mark.usefixtures("demo")
def test_a_file_the_import_cannot_read_is_refused_in_the_form_and_read_out(live_server, page):
    log_in(page, live_server, "irene", "irene-teaches-1927")
    page.goto(live_server.url + reverse("library:import", kwargs={"slug": DEMO_SLUG}))
    _upload(page, "empty.txt", "")
    press(page, page.get_by_role("button", name="Preview"))

    page.locator("input[type=file][aria-invalid='true']").wait_for()
    announced(page, "The upload was refused")
    assert focused(page, "input[type=file][aria-invalid='true']")


def _finished_fit(fit: ParameterFit) -> None:
    """What run_fit leaves when the fitted parameters are kept: done, with both measures (the worker's part)."""
    ParameterFit.objects.filter(pk=fit.pk).update(
        status=FitStatus.DONE,
        outcome=FitOutcome.KEPT,
        finished_at=timezone.now(),
        progress=100,
        review_count=1234,
        item_count=200,
        default_log_loss=0.3615,
        default_rmse_bins=0.0665,
        fitted_log_loss=0.37,
        fitted_rmse_bins=0.07,
        message="The fitted parameters predict your reviews no better, so the ones in use are kept.",
    )


def test_optimising_reads_the_fit_waiting_then_its_result_when_a_poll_finds_it_done(live_server, page, settings):
    # No worker: the fit waits in the database queue until the test finishes it, as a worker would.
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    settings.MEMORY_FIT_MIN_REVIEWS = 0
    learner = UserFactory(username="fit_student", roles=["Students"])
    log_in(page, live_server, "fit_student", PASSWORD)
    page.goto(live_server.url + reverse("review:settings"))

    press(page, page.locator("#optimise").get_by_role("button", name="Optimise"))
    page.locator("#optimise .fit-progress").wait_for()
    announced(page, "Waiting for a worker to start the fit")
    assert focused(page, "#optimise")

    _finished_fit(ParameterFit.objects.get(learner=learner))
    page.locator("#optimise .fit-progress").wait_for(state="detached", timeout=6_000)
    announced(page, "The fitted parameters predict your reviews no better")
    assert focused(page, "#optimise")


def test_restoring_the_parameters_reads_what_was_restored_and_keeps_focus_in_the_panel(live_server, page):
    learner = UserFactory(username="restore_student", roles=["Students"])
    ParameterFit.objects.create(
        learner=learner,
        created_at=timezone.now() - timedelta(minutes=5),
        finished_at=timezone.now(),
        status=FitStatus.DONE,
        outcome=FitOutcome.ADOPTED,
        fitted_parameters=[0.1] * 21,
        cards_updated=0,
        message="The fitted parameters predict your reviews better on both measures, so they are now in use.",
    )
    StudySettings.objects.update_or_create(learner=learner, defaults={"fsrs_parameters": [0.1] * 21})
    log_in(page, live_server, "restore_student", PASSWORD)
    page.goto(live_server.url + reverse("review:settings"))

    press(page, page.get_by_role("button", name="Restore FSRS's defaults"))
    page.get_by_text("You restored the parameters in use before this fit").wait_for()
    announced(page, "Restored the parameters in use before that fit; 0 cards recomputed with them.")
    assert focused(page, "#optimise")


@pytest.mark.usefixtures("demo")
def test_restoring_a_rejected_draft_keeps_focus_on_it_and_reads_that_it_is_back(live_server, page):
    source = Source.objects.get(decks__slug=DEMO_SLUG)
    log_in(page, live_server, "irene", "irene-teaches-1927")
    page.goto(f"{live_server.url}/sources/{source.pk}/drafts/?deck={DEMO_SLUG}")
    open_candidates = page.locator("[data-draft-candidate]:not(.is-done):not(.is-rejected)")

    first_id = open_candidates.first.get_attribute("id")
    press(page, page.locator(f"#{first_id} [data-draft-action='reject']"))
    page.wait_for_selector(f"#{first_id}.is-rejected")
    announced(page, "Rejected:")

    press(page, page.locator(f"#{first_id}").get_by_role("button", name="Undo"))
    page.wait_for_selector(f"#{first_id}:not(.is-rejected) [data-draft-action='accept']")
    announced(page, "Restored:")
    assert focused(page, f"#{first_id}")
