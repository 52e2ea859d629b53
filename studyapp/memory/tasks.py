"""Background tasks of the memory app (Django's Tasks API through django-tasks; the backend is settings.TASKS)."""

from __future__ import annotations

from django_tasks import task

from studyapp.memory import services


@task()
def fit_parameters(fit_id: int) -> str:
    """Fit one learner's FSRS parameters (a queued ParameterFit) and adopt them if better; returns the outcome."""
    return str(services.run_fit(fit_id))
