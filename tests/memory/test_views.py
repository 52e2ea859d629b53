"""The "Optimise" panel of the study settings page: starting a fit, following it, restoring, and who may."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from studyapp.memory.models import FitOutcome, FitStatus, ParameterFit
from studyapp.review.models import StudySettings
from tests.memory.conftest import TRUE_PARAMETERS, seed_history

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
SETTINGS_PANEL = reverse("review:settings") + "#optimise"


@pytest.fixture
def as_student_a(client, student_a):
    client.force_login(student_a)
    return client


def adopted_fit(learner, *, previous=None) -> ParameterFit:
    """A finished fit whose parameters are in use (as run_fit leaves one), without running it."""
    fit = ParameterFit.objects.create(
        learner=learner,
        created_at=timezone.now() - timedelta(minutes=5),
        finished_at=timezone.now(),
        status=FitStatus.DONE,
        outcome=FitOutcome.ADOPTED,
        previous_parameters=previous,
        fitted_parameters=list(TRUE_PARAMETERS),
        review_count=1234,
        item_count=200,
        default_log_loss=0.3615,
        default_rmse_bins=0.0665,
        previous_log_loss=0.3615,
        previous_rmse_bins=0.0665,
        fitted_log_loss=0.354,
        fitted_rmse_bins=0.0553,
        cards_updated=200,
        message="The fitted parameters predict your reviews better on both measures, so they are now in use.",
    )
    StudySettings.objects.update_or_create(learner=learner, defaults={"fsrs_parameters": list(TRUE_PARAMETERS)})
    return fit


def parameters_of(learner):
    return StudySettings.objects.get(learner=learner).fsrs_parameters


# --- who may ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "name", "kwargs"),
    [
        ("post", "memory:optimise", {}),
        ("get", "memory:fit_status", {}),
        ("post", "memory:restore_parameters", {"fit_id": 1}),
    ],
)
def test_anonymous_visitors_are_sent_to_log_in(client, method, name, kwargs):
    url = reverse(name, kwargs=kwargs)

    response = getattr(client, method)(url)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_optimising_is_post_only(as_student_a):
    assert as_student_a.get(reverse("memory:optimise")).status_code == 405
    assert not ParameterFit.objects.exists()


def test_another_learners_fit_cannot_be_restored_or_even_found(client, student_a, student_b):
    fit = adopted_fit(student_a)
    client.force_login(student_b)

    response = client.post(reverse("memory:restore_parameters", kwargs={"fit_id": fit.pk}), **HTMX)

    fit.refresh_from_db()
    assert response.status_code == 404
    assert fit.restored_at is None
    assert parameters_of(student_a) == list(TRUE_PARAMETERS)


def test_a_learner_sees_only_their_own_fit_in_the_panel(client, student_a, student_b):
    adopted_fit(student_a)
    client.force_login(student_b)

    response = client.get(reverse("memory:fit_status"), **HTMX)

    assert response.status_code == 200
    assert "You are on FSRS's defaults" in response.text
    assert "now in use" not in response.text
    assert "Restore" not in response.text


# --- too few reviews -------------------------------------------------------------------------------------------


def test_too_few_reviews_gets_a_clear_message_and_no_fit(as_student_a, settings):
    settings.MEMORY_FIT_MIN_REVIEWS = 400

    response = as_student_a.post(reverse("memory:optimise"), **HTMX)

    assert response.status_code == 422
    assert "The fit needs at least 400 reviews of items you had seen on an earlier day; you have 0 so far." in (
        response.text
    )
    assert 'id="optimise"' in response.text
    assert not ParameterFit.objects.exists()


def test_too_few_reviews_without_htmx_returns_to_the_settings_page_with_the_message(as_student_a):
    response = as_student_a.post(reverse("memory:optimise"), follow=True)

    assert response.redirect_chain == [(SETTINGS_PANEL, 302)]
    assert "you have 0 so far" in response.text
    assert not ParameterFit.objects.exists()


# --- a fit from start to end -----------------------------------------------------------------------------------


def test_optimise_runs_the_fit_and_shows_both_measures_of_the_defaults_and_the_fit(
    as_student_a, student_a, deck, django_capture_on_commit_callbacks
):
    seed_history(student_a, deck, items=200, days=120)

    with django_capture_on_commit_callbacks(execute=True):
        started = as_student_a.post(reverse("memory:optimise"), **HTMX)
    page = as_student_a.get(reverse("review:settings"))

    fit = ParameterFit.objects.get(learner=student_a)
    assert started.status_code == 200
    assert fit.outcome == FitOutcome.ADOPTED
    assert parameters_of(student_a) == fit.fitted_parameters
    for figure in (
        f"{fit.default_log_loss:.4f}",
        f"{fit.fitted_log_loss:.4f}",
        f"{fit.default_rmse_bins * 100:.1f}",
        f"{fit.fitted_rmse_bins * 100:.1f}",
    ):
        assert figure in page.text
    assert "Fitted (now in use)" in page.text
    assert "Restore FSRS's defaults" in page.text
    assert "Yours are fitted to your own reviews." in page.text


def test_a_fit_in_progress_is_polled_and_shown_again_after_a_reload(as_student_a, student_a):
    ParameterFit.objects.create(
        learner=student_a,
        created_at=timezone.now(),
        status=FitStatus.RUNNING,
        stage="Fitting your parameters",
        progress=30,
    )

    polled = as_student_a.get(reverse("memory:fit_status"), **HTMX)
    reloaded = as_student_a.get(reverse("review:settings"))

    for response in (polled, reloaded):
        assert f'hx-get="{reverse("memory:fit_status")}" hx-trigger="every 2s"' in response.text
        assert "Fitting your parameters…" in response.text
        assert '<progress class="fit-progress" max="100" value="30"' in response.text
        assert f'action="{reverse("memory:optimise")}"' not in response.text  # no second fit while this one runs


def test_a_finished_fit_stops_the_polling_and_is_announced(as_student_a, student_a):
    adopted_fit(student_a)

    response = as_student_a.get(reverse("memory:fit_status"), **HTMX)

    assert "hx-trigger" not in response.text
    assert "<p data-announce><strong>The fitted parameters predict your reviews better" in response.text
    assert "200 cards rescheduled with them." in response.text


def test_a_second_click_while_a_fit_waits_shows_that_fit(as_student_a, student_a, settings):
    settings.MEMORY_FIT_MIN_REVIEWS = 0
    waiting = ParameterFit.objects.create(learner=student_a, created_at=timezone.now())

    response = as_student_a.post(reverse("memory:optimise"), **HTMX)

    assert response.status_code == 200
    assert "Waiting for a worker to start the fit…" in response.text
    assert list(ParameterFit.objects.all()) == [waiting]


def test_the_status_panel_without_htmx_is_the_settings_page(as_student_a):
    response = as_student_a.get(reverse("memory:fit_status"))

    assert response.status_code == 302
    assert response["Location"] == SETTINGS_PANEL


def test_the_status_panel_reads_a_fixed_number_of_queries(as_student_a, student_a, django_assert_num_queries):
    adopted_fit(student_a)
    # the user with their study settings (the session is in the cache), the latest fit (also the restorable one)
    with django_assert_num_queries(2):
        as_student_a.get(reverse("memory:fit_status"), **HTMX)


# --- restoring -------------------------------------------------------------------------------------------------


def test_restoring_puts_back_the_parameters_before_the_fit(as_student_a, student_a):
    fit = adopted_fit(student_a)

    response = as_student_a.post(reverse("memory:restore_parameters", kwargs={"fit_id": fit.pk}), **HTMX)

    fit.refresh_from_db()
    assert response.status_code == 200
    assert parameters_of(student_a) is None
    assert fit.restored_at is not None
    assert "Restored the parameters in use before that fit; 0 cards recomputed with them." in response.text
    assert "You are on FSRS's defaults" in response.text
    assert "You restored the parameters in use before this fit" in response.text
    assert "Fitted (restored away)" in response.text
    assert "Restore FSRS" not in response.text


def test_restoring_to_earlier_personal_parameters_says_so(as_student_a, student_a):
    earlier = [round(value * 1.01, 4) for value in TRUE_PARAMETERS]
    fit = adopted_fit(student_a, previous=earlier)

    page = as_student_a.get(reverse("review:settings"))
    as_student_a.post(reverse("memory:restore_parameters", kwargs={"fit_id": fit.pk}))

    assert "Restore your parameters before this fit" in page.text
    assert "Yours before this fit" in page.text
    assert parameters_of(student_a) == earlier


def test_restoring_parameters_no_longer_in_use_is_refused_with_a_message(as_student_a, student_a):
    fit = adopted_fit(student_a)
    StudySettings.objects.filter(learner=student_a).update(fsrs_parameters=None)

    htmx = as_student_a.post(reverse("memory:restore_parameters", kwargs={"fit_id": fit.pk}), **HTMX)
    plain = as_student_a.post(reverse("memory:restore_parameters", kwargs={"fit_id": fit.pk}), follow=True)

    assert htmx.status_code == 422
    assert "no longer in use, so there is nothing to restore" in htmx.text
    assert plain.redirect_chain == [(SETTINGS_PANEL, 302)]
    assert "no longer in use" in plain.text
    fit.refresh_from_db()
    assert fit.restored_at is None
