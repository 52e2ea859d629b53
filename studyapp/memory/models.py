"""Fits of a learner's own FSRS parameters: each run, what it measured, and what it did with the result."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class FitStatus(models.TextChoices):
    QUEUED = "queued", "Waiting to start"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


ACTIVE_STATUSES = (FitStatus.QUEUED, FitStatus.RUNNING)


class FitOutcome(models.TextChoices):
    ADOPTED = "adopted", "Adopted the fitted parameters"
    KEPT = "kept", "Kept the parameters in use"
    TOO_FEW = "too_few", "Too few reviews to fit"


class FitTrigger(models.TextChoices):
    LEARNER = "learner", "Asked for by the learner"
    NIGHTLY = "nightly", "Nightly re-fit"


class ParameterFitQuerySet(models.QuerySet):
    def of(self, learner) -> ParameterFitQuerySet:
        return self.filter(learner=learner)

    def active(self) -> ParameterFitQuerySet:
        """Waiting for a worker or running."""
        return self.filter(status__in=ACTIVE_STATUSES)


class ParameterFit(models.Model):
    """One fit of FSRS's 21 parameters to one learner's review log (all their decks).

    Written by the fitting task as it goes (status, stage, progress), so the settings page can show
    where it is after a reload. `previous_parameters` are those in use when the fit started (None:
    the defaults); an adopted fit can be restored to them.
    """

    learner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="parameter_fits")
    trigger = models.CharField(max_length=10, choices=FitTrigger.choices, default=FitTrigger.LEARNER)
    status = models.CharField(max_length=10, choices=FitStatus.choices, default=FitStatus.QUEUED)
    stage = models.CharField(max_length=100, blank=True)
    progress = models.PositiveSmallIntegerField(default=0)  # per cent
    # The task backend's id of the run (an opaque string of up to 64 characters, as django-tasks says).
    task_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField()
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # The reviews the fit learned from (one per review on a later day than the item's previous one).
    review_count = models.PositiveIntegerField(null=True, blank=True)
    item_count = models.PositiveIntegerField(null=True, blank=True)
    previous_parameters = models.JSONField(null=True, blank=True)
    fitted_parameters = models.JSONField(null=True, blank=True)
    default_log_loss = models.FloatField(null=True, blank=True)
    default_rmse_bins = models.FloatField(null=True, blank=True)
    previous_log_loss = models.FloatField(null=True, blank=True)
    previous_rmse_bins = models.FloatField(null=True, blank=True)
    fitted_log_loss = models.FloatField(null=True, blank=True)
    fitted_rmse_bins = models.FloatField(null=True, blank=True)
    fit_seconds = models.FloatField(null=True, blank=True)
    outcome = models.CharField(max_length=10, choices=FitOutcome.choices, blank=True)
    message = models.TextField(blank=True)
    cards_updated = models.PositiveIntegerField(null=True, blank=True)
    restored_at = models.DateTimeField(null=True, blank=True)

    objects = ParameterFitQuerySet.as_manager()

    class Meta:
        constraints = [
            # One fit at a time per learner: a second click while one runs shows that one.
            models.UniqueConstraint(
                fields=["learner"],
                condition=Q(status__in=ACTIVE_STATUSES),
                name="parameterfit_one_active_per_learner",
            ),
            models.CheckConstraint(condition=Q(status__in=FitStatus.values), name="parameterfit_status_valid"),
            models.CheckConstraint(condition=Q(progress__lte=100), name="parameterfit_progress_at_most_100"),
            models.CheckConstraint(
                condition=~Q(status=FitStatus.DONE) | Q(outcome__in=FitOutcome.values),
                name="parameterfit_done_has_outcome",
            ),
            models.CheckConstraint(
                condition=Q(restored_at__isnull=True) | Q(outcome=FitOutcome.ADOPTED),
                name="parameterfit_only_adopted_restored",
            ),
        ]
        indexes = [
            # "This learner's latest fit" (the settings page) and "their last fit" (optimise_due_learners).
            models.Index(fields=["learner", "-created_at"], name="parameterfit_latest_idx"),
        ]

    def __str__(self) -> str:
        return f"Fit of {self.learner} at {self.created_at:%Y-%m-%d %H:%M} ({self.status})"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES
