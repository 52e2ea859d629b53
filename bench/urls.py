"""The app's URLs plus the benchmark's two baselines: a constant page, and the floor of a rating.

- the constant page: a logged-in GET that renders a constant (the cost of the session, the user
  and the middleware alone);
- the floor: the bare minimum a rating must do, as an htmx POST: the session and the user, the
  CSRF check on the X-CSRFToken header, one indexed `LIMIT 1` read of one of the learner's review
  states and one row updated, in a transaction, through the ORM; and a tiny response.
  A rating round trip does all that and more (schedule the card, log the review, bury siblings,
  find the next card, count the queue, render the card), so its rate over the floor's says how
  much of the machine's budget goes to the study session's own work.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.urls import include, path
from django.utils import timezone
from django.views.decorators.http import require_POST

from studyapp.review.models import CardState, ReviewState

CONSTANT_PATH = "bench/constant/"
FLOOR_PATH = "bench/floor/"


@login_required
def constant(request: HttpRequest) -> HttpResponse:
    """Loads the session and the user (as every app page does), renders nothing but a constant."""
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")


def floor_card(learner, deck_id: int, now) -> ReviewState | None:
    """The floor's read: the learner's first new card of the deck (bench.inprocess prints its plan)."""
    return (
        ReviewState.objects.filter(learner=learner, deck_id=deck_id, state=CardState.NEW, due__lte=now)
        .order_by("due")
        .first()
    )


@require_POST
@login_required
def floor(request: HttpRequest, deck_id: int) -> HttpResponse:
    """Read the learner's first new card of the deck (as the new queue does), all of it, and write one column.

    The read is the index range scan of reviewstate_queue_idx (learner, deck, state, due), LIMIT 1.
    The write flips `flagged` of that row, conditional on its version as a rating's write is, and
    leaves the version alone: the queue never reads `flagged`, and a card on a client's screen stays
    valid. The new queue never runs out during the benchmark (bench.seed: a fifth of the states are
    new, far more than a run rates); should it, the floor answers 409 and the benchmark stops.
    """
    with transaction.atomic():
        state = floor_card(request.user, deck_id, timezone.now())
        if state is None:
            return HttpResponse("no new card", status=409, content_type="text/plain; charset=utf-8")
        ReviewState.objects.filter(pk=state.pk, version=state.version).update(flagged=not state.flagged)
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")


urlpatterns = [
    path(CONSTANT_PATH, constant, name="bench_constant"),
    path(f"{FLOOR_PATH}<int:deck_id>/", floor, name="bench_floor"),
    path("", include("config.urls")),
]
