"""The demo student's simulated history is real review history, recorded through the review service.

Loading the history takes several seconds, so each test checks several facts about one load, and the tests of
`TestTheLoadedHistory` share one load (a class-scoped transaction, rolled back after the class; each test in a
savepoint inside, so what one writes is undone before the next).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from studyapp.accounts.models import User
from studyapp.demo.history import simulate_history
from studyapp.demo.management.commands.load_demo import DEMO_DECK_SLUG, DEMO_HISTORY_DAYS
from studyapp.library.models import Deck
from studyapp.review import selectors, services
from studyapp.review.models import CardState, ReviewLog, ReviewState

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="class")
def _loaded_once(django_db_setup, django_db_blocker):
    """load_demo with the history once for the class, in a transaction rolled back after it (each test in a
    savepoint inside)."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            with override_settings(DEBUG=True):
                call_command("load_demo", quiet_logins=True, stdout=StringIO())
            ada_id = User.objects.get(username="ada").pk
        except BaseException:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            raise
    yield ada_id
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        atomic.__exit__(None, None, None)


def queue_of(learner, at: datetime) -> selectors.QueueCounts:
    deck = Deck.objects.get(slug=DEMO_DECK_SLUG)
    return selectors.queue_counts(learner, services.settings_for(learner), at, deck)


class TestTheLoadedHistory:
    @pytest.fixture
    def ada(self, _loaded_once, db, settings) -> User:
        settings.DEBUG = True  # as the load had it, for a test that loads the demo again
        return User.objects.get(pk=_loaded_once)

    def test_the_demo_student_has_about_sixty_days_of_consistent_reviews(self, ada):
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

    def test_loading_the_demo_again_adds_no_history(self, ada):
        before = ReviewLog.objects.count()

        call_command("load_demo", quiet_logins=True)

        assert ReviewLog.objects.count() == before

    def test_the_demo_student_finds_a_few_dozen_reviews_and_new_items_waiting(self, ada):
        counts = queue_of(ada, timezone.now())

        # Like a real learner caught mid-course: she stopped a few days ago, and hasn't learnt every item yet.
        assert 20 <= counts.review <= 40
        assert counts.new > 0


@pytest.fixture
def ada_without_history(settings):
    settings.DEBUG = True
    call_command("load_demo", quiet_logins=True, skip_history=True)
    return User.objects.get(username="ada")


@pytest.mark.parametrize(
    ("hour", "minute"),
    [(0, 36), (3, 59), (4, 0), (21, 30)],  # her day starts at 04:00 (UTC, her time zone)
)
def test_the_demo_student_finds_work_waiting_whatever_the_hour_make_run_starts(
    ada_without_history, hour, minute, settings
):
    settings.FSRS_ENABLE_FUZZING = True  # as `make run` has it: the history turns fuzz off for itself
    until = datetime(2026, 3, 10, hour, minute, tzinfo=UTC)  # `make run` loads the demo with until=now
    deck = Deck.objects.get(slug=DEMO_DECK_SLUG)

    history = simulate_history(learner=ada_without_history, deck=deck, days=DEMO_HISTORY_DAYS, until=until)
    counts = queue_of(ada_without_history, until)

    assert history.reviews > 500
    assert 20 <= counts.review <= 40
    assert counts.new > 0
