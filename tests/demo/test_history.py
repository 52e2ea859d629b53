"""The demo student's simulated history is real review history, recorded through the review service.

Loading the history takes several seconds, so each test checks several facts about one load.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from studyapp.accounts.models import User
from studyapp.review.models import CardState, ReviewLog, ReviewState

pytestmark = pytest.mark.django_db


@pytest.fixture
def ada(settings):
    settings.DEBUG = True
    call_command("load_demo", quiet_logins=True)
    return User.objects.get(username="ada")


def test_the_demo_student_has_about_sixty_days_of_consistent_reviews(ada):
    logs = list(ReviewLog.objects.filter(learner=ada).order_by("reviewed_at", "pk"))
    oldest = logs[0].reviewed_at
    newest_log_per_item = {log.item_id: log for log in logs}
    reviewed_states = ReviewState.objects.filter(learner=ada).exclude(state=CardState.NEW)

    assert len(logs) > 500
    assert len({log.reviewed_at.date() for log in logs}) >= 40
    assert timedelta(days=50) < timezone.now() - oldest <= timedelta(days=61)
    assert {log.rating for log in logs} == {1, 2, 3, 4}
    assert reviewed_states.filter(lapses__gt=0).exists()
    # Each state is exactly what its newest review left it as: the history went through record_review.
    assert reviewed_states.count() == len(newest_log_per_item)
    for state in reviewed_states:
        after = newest_log_per_item[state.item_id].state_after
        assert (after["state"], after["reps"], after["lapses"]) == (state.state, state.reps, state.lapses)
        assert after["stability"] == pytest.approx(state.stability)


def test_loading_the_demo_again_adds_no_history(ada):
    before = ReviewLog.objects.count()

    call_command("load_demo", quiet_logins=True)

    assert ReviewLog.objects.count() == before
