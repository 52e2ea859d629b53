"""Writes of the memory app: start a fit, run it, adopt its parameters only if better, restore the ones before.

A fit is a ParameterFit row and a background task (tasks.fit_parameters) that runs `run_fit` on it.
Adopting or restoring parameters recomputes the memory state of every card the learner has reviewed
from its history, in the same transaction as the parameters' change, so the queue follows at once.
"""

from __future__ import annotations

import logging
import time
from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from studyapp.memory import fitting, selectors
from studyapp.memory.models import FitOutcome, FitStatus, FitTrigger, ParameterFit
from studyapp.review import services as review_services
from studyapp.review.models import CardState, ReviewState, StudySettings

logger = logging.getLogger(__name__)

# A fit still waiting or running after this long lost its worker (stopped, crashed); a new one may start.
ABANDONED_AFTER = timedelta(hours=1)
UPDATE_BATCH = 500


class TooFewReviews(Exception):
    def __init__(self, count: int):
        self.count = count
        self.message = (
            f"The fit needs at least {settings.MEMORY_FIT_MIN_REVIEWS:,} reviews of items you had seen on an "
            f"earlier day; you have {count:,} so far. Keep reviewing and optimise again later: a fit on fewer "
            "reviews would describe chance more than your memory."
        )
        super().__init__(self.message)


class RestoreRefused(Exception):
    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


# --- starting a fit ---------------------------------------------------------------------------------------


def start_fit(*, learner, now: datetime, trigger: FitTrigger = FitTrigger.LEARNER) -> ParameterFit:
    """Queue a fit of the learner's parameters; the one already waiting or running if there is one.

    Raises TooFewReviews (and queues nothing) when the learner's memory tests are fewer than
    MEMORY_FIT_MIN_REVIEWS. The task is enqueued once the fit's row is committed, so a worker
    never looks for a row it cannot see yet.
    """
    tests = selectors.memory_tests(learner)
    if tests < settings.MEMORY_FIT_MIN_REVIEWS:
        raise TooFewReviews(tests)
    with transaction.atomic():
        ParameterFit.objects.of(learner).active().filter(created_at__lt=now - ABANDONED_AFTER).update(
            status=FitStatus.FAILED,
            finished_at=now,
            message="This fit never finished (its worker stopped); start another.",
        )
        active = ParameterFit.objects.of(learner).active().first()
        if active is not None:
            return active
        try:
            with transaction.atomic():
                fit = ParameterFit.objects.create(
                    learner=learner, trigger=trigger, created_at=now, stage="Waiting for a worker"
                )
        except IntegrityError:
            # Another request started one between our look and our insert (parameterfit_one_active_per_learner).
            return ParameterFit.objects.of(learner).active().get()
        transaction.on_commit(partial(_enqueue, fit.pk))
    return fit


def _enqueue(fit_id: int) -> None:
    from studyapp.memory.tasks import fit_parameters

    try:
        result = fit_parameters.enqueue(fit_id)
    except Exception:
        logger.exception("Could not queue the fit %s", fit_id)
        ParameterFit.objects.filter(pk=fit_id, status=FitStatus.QUEUED).update(
            status=FitStatus.FAILED,
            finished_at=timezone.now(),
            message="The fit could not be queued (the task queue is not reachable); try again later.",
        )
        return
    ParameterFit.objects.filter(pk=fit_id).update(task_id=str(result.id)[:64])


# --- running it (the task's body) ---------------------------------------------------------------------------


def run_fit(fit_id: int) -> str:
    """Run a queued fit to its end and return its outcome (or status). A fit not waiting is left alone."""
    claimed = ParameterFit.objects.filter(pk=fit_id, status=FitStatus.QUEUED).update(
        status=FitStatus.RUNNING, started_at=timezone.now(), stage="Reading your reviews", progress=5
    )
    if not claimed:
        return "not queued"
    fit = ParameterFit.objects.select_related("learner").get(pk=fit_id)
    try:
        _run(fit)
    except Exception as error:
        logger.exception("The fit %s failed", fit_id)
        ParameterFit.objects.filter(pk=fit_id).update(
            status=FitStatus.FAILED,
            finished_at=timezone.now(),
            message=f"The fit failed ({type(error).__name__}); your parameters are unchanged.",
        )
        return FitStatus.FAILED
    return fit.outcome


def _progress(fit: ParameterFit, stage: str, progress: int) -> None:
    fit.stage, fit.progress = stage, progress
    fit.save(update_fields=["stage", "progress"])


def _finish(fit: ParameterFit, outcome: FitOutcome, message: str) -> None:
    fit.status, fit.outcome, fit.message = FitStatus.DONE, outcome, message
    fit.stage, fit.progress, fit.finished_at = "Finished", 100, timezone.now()
    fit.save()


def _run(fit: ParameterFit) -> None:
    learner = fit.learner
    in_use = review_services.settings_for(learner).fsrs_parameters
    fit.previous_parameters = in_use
    histories = [
        history
        for history in map(fitting.complete_history, selectors.review_histories(learner).values())
        if history is not None
    ]
    items = fitting.training_items(histories)
    fit.review_count, fit.item_count = len(items), len(histories)
    if len(items) < settings.MEMORY_FIT_MIN_REVIEWS:
        _finish(fit, FitOutcome.TOO_FEW, TooFewReviews(len(items)).message)
        return

    _progress(fit, "Fitting your parameters", 30)
    started = time.perf_counter()
    fitted = fitting.fit(items)
    fit.fit_seconds = time.perf_counter() - started
    fit.fitted_parameters = fitted

    _progress(fit, "Measuring them against the defaults", 70)
    default = fitting.evaluate(None, items)
    previous = fitting.evaluate(in_use, items) if in_use else default
    fitted_evaluation = fitting.evaluate(fitted, items)
    fit.default_log_loss, fit.default_rmse_bins = default.log_loss, default.rmse_bins
    fit.previous_log_loss, fit.previous_rmse_bins = previous.log_loss, previous.rmse_bins
    fit.fitted_log_loss, fit.fitted_rmse_bins = fitted_evaluation.log_loss, fitted_evaluation.rmse_bins
    if not fitted_evaluation.beats(previous):
        _finish(
            fit,
            FitOutcome.KEPT,
            "The fitted parameters predict your reviews no better than those in use, so nothing changed.",
        )
        return

    _progress(fit, "Updating your cards", 85)
    with transaction.atomic():
        study_settings = _locked_settings(learner)
        if study_settings.fsrs_parameters != in_use:
            _finish(fit, FitOutcome.KEPT, "Your parameters changed while the fit ran, so it was not adopted.")
            return
        study_settings.fsrs_parameters = fitted
        study_settings.save(update_fields=["fsrs_parameters"])
        fit.cards_updated = recompute_memory_states(learner=learner, study_settings=study_settings)
        _finish(
            fit,
            FitOutcome.ADOPTED,
            "The fitted parameters predict your reviews better on both measures, so they are now in use.",
        )


def _locked_settings(learner) -> StudySettings:
    """The learner's settings row, locked to the end of the transaction (PostgreSQL; SQLite's IMMEDIATE
    transaction already holds the write lock)."""
    pk = review_services.settings_for(learner).pk
    study_settings = StudySettings.objects.select_for_update().get(pk=pk)
    learner.study_settings = study_settings
    return study_settings


# --- restoring the parameters before a fit ---------------------------------------------------------------


def restore_parameters(*, learner, fit: ParameterFit, now: datetime) -> int:
    """Put back the parameters in use before this adopted fit, and recompute the cards; how many were updated.

    Raises RestoreRefused when the fit's parameters are no longer the ones in use, or a fit is running.
    """
    if fit.learner_id != learner.pk:
        raise ValueError("Only the learner's own fit can be restored.")
    with transaction.atomic():
        study_settings = _locked_settings(learner)
        if ParameterFit.objects.of(learner).active().exists():
            raise RestoreRefused("A fit is running; restore once it has finished.")
        restorable = selectors.restorable_fit(learner, study_settings)
        if restorable is None or restorable.pk != fit.pk:
            raise RestoreRefused("These parameters are no longer in use, so there is nothing to restore.")
        study_settings.fsrs_parameters = fit.previous_parameters
        study_settings.save(update_fields=["fsrs_parameters"])
        ParameterFit.objects.filter(pk=fit.pk).update(restored_at=now)
        fit.restored_at = now
        return recompute_memory_states(learner=learner, study_settings=study_settings)


# --- recomputing memory states ------------------------------------------------------------------------------


def recompute_memory_states(*, learner, study_settings: StudySettings) -> int:
    """Every reviewed card's stability and difficulty again from its history, with the parameters in use.

    fsrs-rs replays each card's whole history at once (memory_state_batch, one call for all of them).
    A card in review gets its due date again from its last review and its new stability at the learner's
    desired retention (no fuzz): the queue follows the new model at once. A card in (re)learning keeps
    its step's due time. Cards whose log does not start when they were new are left as they are.
    Call inside the transaction that changed the parameters; returns how many cards were updated.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("recompute_memory_states must run inside the transaction that changed the parameters.")
    parameters = study_settings.fsrs_parameters
    retention = float(study_settings.desired_retention)
    states = list(
        ReviewState.objects.of(learner)
        .exclude(state=CardState.NEW)
        .select_for_update()
        .only("pk", "item_id", "state", "stability", "difficulty", "due", "last_review", "version")
        .order_by("pk")
    )
    histories = selectors.review_histories(learner)
    replayed, replays = [], []
    for state in states:
        history = fitting.complete_history(histories.get(state.item_id, ()))
        if history is not None:
            replayed.append(state)
            replays.append(history)
    for state, (stability, difficulty) in zip(replayed, fitting.memory_states(parameters, replays), strict=True):
        state.stability, state.difficulty = stability, difficulty
        if state.state == CardState.REVIEW and state.last_review is not None:
            state.due = state.last_review + fitting.next_interval(parameters, stability, retention)
        # A card on screen with the old state can't be rated against it any more.
        state.version += 1
    ReviewState.objects.bulk_update(replayed, ["stability", "difficulty", "due", "version"], batch_size=UPDATE_BATCH)
    return len(replayed)
