"""evaluate_scheduler on the public review log, and the nightly optimise_due_learners."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from studyapp.memory import selectors
from studyapp.memory.models import FitStatus, FitTrigger, ParameterFit
from tests.memory.conftest import simulate

SHARED_LOG = Path(__file__).resolve().parents[3] / "shared" / "data" / "fsrs-review-log-sample.csv"
FIGURES = ("default_log_loss", "fitted_log_loss", "default_rmse_bins", "fitted_rmse_bins", "fit_seconds")


def evaluate(*args) -> tuple[dict, str]:
    output = StringIO()
    call_command("evaluate_scheduler", *args, stdout=output)
    text = output.getvalue()
    return json.loads(text.strip().splitlines()[-1]), text


@pytest.mark.skipif(not SHARED_LOG.exists(), reason="the shared review log is not next to the project")
def test_on_the_shared_log_the_fitted_model_beats_the_defaults_on_held_out_cards():
    figures, text = evaluate(str(SHARED_LOG), "--seed", "2024")

    assert set(FIGURES) <= set(figures)
    assert figures["fitted_log_loss"] < figures["default_log_loss"]
    assert figures["fitted_rmse_bins"] < figures["default_rmse_bins"]
    assert figures["fitted_beats_defaults"] is True
    assert (figures["seed"], figures["cards"]) == (2024, 1205)
    assert figures["train_items"] > 3 * figures["test_items"] > 0
    assert 0 < figures["fit_seconds"] < 30
    assert "fitted on 964 (" in text  # 80 % of the 1,205 cards
    assert "measured on the other 241 (" in text


@pytest.mark.skipif(not SHARED_LOG.exists(), reason="the shared review log is not next to the project")
def test_the_split_is_reproducible_with_its_seed_and_moves_with_another():
    first, _ = evaluate(str(SHARED_LOG), "--seed", "7")
    again, _ = evaluate(str(SHARED_LOG), "--seed", "7")
    other, _ = evaluate(str(SHARED_LOG), "--seed", "8")

    def without_time(figures):
        return {key: value for key, value in figures.items() if key != "fit_seconds"}

    assert without_time(first) == without_time(again)
    assert (other["test_items"], other["default_log_loss"]) != (first["test_items"], first["default_log_loss"])


def test_a_file_that_is_not_a_review_log_is_refused_naming_the_line(tmp_path):
    log = tmp_path / "log.csv"
    log.write_text("card_id,review_rating,review_time\n1,3,2024-04-01T10:00:00+00:00\n1,9,2024-04-02T10:00:00+00:00\n")

    with pytest.raises(CommandError, match="Line 3: review_rating must be 1, 2, 3 or 4"):
        evaluate(str(log))


def test_a_missing_file_is_refused_with_a_message(tmp_path):
    with pytest.raises(CommandError, match=r"Cannot read .*missing\.csv: No such file"):
        evaluate(str(tmp_path / "missing.csv"))


def test_a_log_too_small_to_split_is_refused(tmp_path):
    log = tmp_path / "log.csv"
    log.write_text("card_id,review_rating,review_time\n1,3,2024-04-01T10:00:00+00:00\n1,3,2024-04-05T10:00:00+00:00\n")

    with pytest.raises(CommandError, match="Too few reviews to split"):
        evaluate(str(log))


# --- optimise_due_learners -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_nightly_command_queues_a_fit_for_each_learner_with_enough_new_reviews(
    student_a, student_b, deck, settings, django_capture_on_commit_callbacks
):
    simulate(student_a, deck, items=6, days=20)
    settings.MEMORY_FIT_MIN_REVIEWS = selectors.memory_tests(student_a)  # student B has none
    output = StringIO()

    with django_capture_on_commit_callbacks(execute=False) as queued:
        call_command("optimise_due_learners", stdout=output)

    [fit] = ParameterFit.objects.all()
    assert (fit.learner, fit.trigger, fit.status) == (student_a, FitTrigger.NIGHTLY, FitStatus.QUEUED)
    assert len(queued) == 1
    assert output.getvalue().startswith("Queued 1 fit of 1 learner due")


@pytest.mark.django_db
def test_the_nightly_command_leaves_a_learner_whose_fit_is_running_alone(student_a, deck, settings):
    simulate(student_a, deck, items=6, days=20)
    settings.MEMORY_FIT_MIN_REVIEWS = 1
    running = ParameterFit.objects.create(learner=student_a, created_at=timezone.now(), status=FitStatus.RUNNING)
    output = StringIO()

    call_command("optimise_due_learners", stdout=output)

    assert list(ParameterFit.objects.all()) == [running]
    assert output.getvalue().startswith("Queued 0 fits of 0 learners due")
