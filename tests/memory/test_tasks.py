"""The fit as a background task: through the immediate backend, and through the database backend and its worker."""

from __future__ import annotations

import signal
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks.backends.immediate import ImmediateBackend

from studyapp.memory import services
from studyapp.memory.models import FitOutcome, FitStatus, ParameterFit
from studyapp.memory.tasks import fit_parameters
from studyapp.review.models import StudySettings
from tests.memory.conftest import seed_history

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


@pytest.mark.django_db
def test_the_fit_task_runs_a_queued_fit_through_the_task_backend(student_a, deck):
    seed_history(student_a, deck, items=200, days=120)
    fit = ParameterFit.objects.create(learner=student_a, created_at=timezone.now())

    result = fit_parameters.enqueue(fit.pk)

    fit.refresh_from_db()
    assert type(fit_parameters.get_backend()).__name__ == "ImmediateBackend"
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value == FitOutcome.ADOPTED == fit.outcome
    assert StudySettings.objects.get(learner=student_a).fsrs_parameters == fit.fitted_parameters


@pytest.mark.django_db
def test_a_fit_that_cannot_be_queued_is_marked_failed(
    student_a, settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.MEMORY_FIT_MIN_REVIEWS = 0

    def unreachable(*args, **kwargs):
        raise ConnectionError("redis is down")

    monkeypatch.setattr(ImmediateBackend, "enqueue", unreachable)

    with django_capture_on_commit_callbacks(execute=True):
        fit = services.start_fit(learner=student_a, now=timezone.now())

    fit.refresh_from_db()
    assert fit.status == FitStatus.FAILED
    assert fit.message == "The fit could not be queued (the task queue is not reachable); try again later."


@pytest.fixture
def keep_signal_handlers():
    """db_worker installs its own SIGINT/SIGTERM/SIGQUIT handlers; put the test run's back afterwards."""
    kept = {number: signal.getsignal(number) for number in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    yield
    for number, handler in kept.items():
        signal.signal(number, handler)


@pytest.mark.django_db(transaction=True)
def test_a_fit_runs_through_the_database_backend_and_a_real_worker(student_a, deck, settings, keep_signal_handlers):
    """As `make run` does it: the request queues the task in the database; db_worker picks it up and runs it."""
    settings.TASKS = DATABASE_TASKS
    seed_history(student_a, deck, items=200, days=120)

    fit = services.start_fit(learner=student_a, now=timezone.now())  # commits, so the task is queued at once

    fit.refresh_from_db()
    assert type(fit_parameters.get_backend()).__name__ == "DatabaseBackend"
    assert fit.status == FitStatus.QUEUED
    queued = fit_parameters.get_backend().get_result(fit.task_id)
    assert queued.status == TaskResultStatus.READY

    output = StringIO()
    # --batch: run what is queued, then stop; bounded by --max-tasks too.
    call_command("db_worker", batch=True, max_tasks=1, startup_delay=False, reload=False, interval=0.1, stdout=output)

    fit.refresh_from_db()
    finished = fit_parameters.get_backend().get_result(fit.task_id)
    assert finished.status == TaskResultStatus.SUCCESSFUL, finished.errors
    assert finished.return_value == FitOutcome.ADOPTED
    assert (fit.status, fit.outcome, fit.progress) == (FitStatus.DONE, FitOutcome.ADOPTED, 100)
    assert fit.started_at is not None
    assert fit.finished_at - fit.started_at < timedelta(minutes=1)
    assert StudySettings.objects.get(learner=student_a).fsrs_parameters == fit.fitted_parameters
