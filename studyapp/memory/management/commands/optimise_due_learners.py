from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.utils import timezone

from studyapp.memory import selectors, services
from studyapp.memory.models import FitTrigger


class Command(BaseCommand):
    help = (
        "Queue a fit of FSRS's parameters for every learner with enough new reviews since their last fit "
        "(MEMORY_FIT_MIN_REVIEWS for a first fit, MEMORY_REFIT_NEW_REVIEWS after one) and no fit running. "
        "Run it nightly from cron; the task worker does the fits."
    )

    def handle(self, *args, **options):
        due = selectors.learners_due_for_a_fit()
        learners = get_user_model().objects.in_bulk([entry.learner_id for entry in due])
        queued = 0
        for entry in due:
            try:
                services.start_fit(learner=learners[entry.learner_id], now=timezone.now(), trigger=FitTrigger.NIGHTLY)
            except services.TooFewReviews:
                continue  # the summary counted more than the fit can use; their turn comes later
            queued += 1
        self.stdout.write(
            f"Queued {queued} fit{'s' if queued != 1 else ''} of {len(due)} learner{'s' if len(due) != 1 else ''} "
            f"due (first fit at {settings.MEMORY_FIT_MIN_REVIEWS:,} reviews, again after "
            f"{settings.MEMORY_REFIT_NEW_REVIEWS:,} more)."
        )
