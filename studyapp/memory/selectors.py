"""Reads of the memory app: a learner's fits, their review histories as the fitting takes them, who is due a re-fit."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.db.models import OuterRef, Subquery, Sum
from django.db.models.functions import TruncDate
from django.shortcuts import get_object_or_404

from studyapp.memory.fitting import Review
from studyapp.memory.models import FitOutcome, FitStatus, ParameterFit
from studyapp.review import services as review_services
from studyapp.review.models import CardState, ReviewDay, ReviewLog, StudySettings


def latest_fit(learner) -> ParameterFit | None:
    """The learner's newest fit, whatever its status (parameterfit_latest_idx)."""
    return ParameterFit.objects.of(learner).order_by("-created_at", "-pk").first()


def get_fit_for_learner(learner, fit_id: int) -> ParameterFit:
    """The learner's own fit; 404 for anyone else's, so other learners' fits can't even be told to exist."""
    return get_object_or_404(ParameterFit, pk=fit_id, learner=learner)


def restorable_fit(
    learner, study_settings: StudySettings, *, latest: ParameterFit | None = None
) -> ParameterFit | None:
    """The adopted fit whose parameters are in use now, which can be undone to the parameters before it.

    `latest`, the learner's newest fit when the caller has it, saves the query when it is that fit.
    """
    if not study_settings.fsrs_parameters:
        return None
    if latest is not None and latest.outcome == FitOutcome.ADOPTED and latest.restored_at is None:
        fit = latest
    else:
        fit = (
            ParameterFit.objects.of(learner)
            .filter(outcome=FitOutcome.ADOPTED, restored_at__isnull=True)
            .order_by("-created_at", "-pk")
            .first()
        )
    return fit if fit is not None and fit.fitted_parameters == study_settings.fsrs_parameters else None


def memory_tests(learner) -> int:
    """The learner's reviews of items last seen on an earlier day, from the daily summary (no scan of the log).

    At least as many as the fit's training items (each of those is an item's first review a day or
    more after its previous one), so fewer than the minimum here means too few for a fit.
    """
    total = ReviewDay.objects.filter(learner=learner).aggregate(total=Sum("memory_tests"))["total"]
    return total or 0


def review_histories(learner) -> dict[int, list[Review]]:
    """Every item's reviews by the learner, oldest first, as the fitting takes them.

    One query over the item-history index; `shown_as_new` is the state the item was shown in.
    """
    histories: dict[int, list[Review]] = defaultdict(list)
    rows = (
        ReviewLog.objects.filter(learner=learner)
        .order_by("item_id", "reviewed_at", "pk")
        .values_list("item_id", "reviewed_at", "rating", "state")
    )
    for item_id, reviewed_at, rating, state in rows.iterator(chunk_size=5000):
        histories[item_id].append(Review(at=reviewed_at, rating=rating, shown_as_new=state == CardState.NEW))
    return dict(histories)


@dataclass(frozen=True)
class DueLearner:
    learner_id: int
    new_memory_tests: int


def learners_due_for_a_fit() -> list[DueLearner]:
    """Learners with enough new reviews since their last fit, and no fit waiting or running.

    A learner never fitted (or last refused for too few reviews) is due at MEMORY_FIT_MIN_REVIEWS
    memory tests in all; one fitted before, at MEMORY_REFIT_NEW_REVIEWS on the days after that fit's
    (UTC) day. Two grouped sums over the daily summary (ReviewDay), not a scan of the review log.
    """
    counted_fits = ParameterFit.objects.filter(status=FitStatus.DONE, outcome__in=[FitOutcome.ADOPTED, FitOutcome.KEPT])
    last_fit_day = (
        counted_fits.filter(learner=OuterRef("learner"))
        .order_by("-created_at")
        .annotate(fit_day=TruncDate("created_at"))
        .values("fit_day")[:1]
    )
    fitted = set(counted_fits.values_list("learner_id", flat=True).distinct())
    busy = set(ParameterFit.objects.active().values_list("learner_id", flat=True))
    totals = dict(
        ReviewDay.objects.values("learner_id").annotate(total=Sum("memory_tests")).values_list("learner_id", "total")
    )
    since_fit = dict(
        ReviewDay.objects.filter(day__gt=Subquery(last_fit_day))
        .values("learner_id")
        .annotate(total=Sum("memory_tests"))
        .values_list("learner_id", "total")
    )
    due = []
    for learner_id, total in sorted(totals.items()):
        if learner_id in busy:
            continue
        if learner_id in fitted:
            new = since_fit.get(learner_id) or 0
            if new >= settings.MEMORY_REFIT_NEW_REVIEWS:
                due.append(DueLearner(learner_id, new))
        elif (total or 0) >= settings.MEMORY_FIT_MIN_REVIEWS:
            due.append(DueLearner(learner_id, total))
    return due


def fit_panel(learner, *, error: str = "", notice: str = "") -> dict:
    """What the settings page's "Optimise" panel shows: the parameters in use, the latest fit, what can be undone."""
    study_settings = review_services.settings_for(learner)
    fit = latest_fit(learner)
    return {
        "fit": fit,
        "personal": bool(study_settings.fsrs_parameters),
        "restorable": restorable_fit(learner, study_settings, latest=fit),
        "min_reviews": settings.MEMORY_FIT_MIN_REVIEWS,
        "error": error,
        "notice": notice,
    }
