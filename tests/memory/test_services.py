"""Starting, running, adopting and restoring fits; the memory states recomputed from each card's history."""

from __future__ import annotations

from datetime import timedelta

import fsrs
import pytest
from django.db import transaction
from fsrs.scheduler import DEFAULT_PARAMETERS

from studyapp.memory import fitting, selectors, services
from studyapp.memory.models import FitOutcome, FitStatus, FitTrigger, ParameterFit
from studyapp.review import scheduling
from studyapp.review import services as review_services
from studyapp.review.models import CardState, ReviewLog, ReviewState, StudySettings
from tests.memory.conftest import START, TRUE_PARAMETERS, seed_history, simulate

pytestmark = pytest.mark.django_db

LATER = START + timedelta(days=200)


@pytest.fixture
def fitted_learner(student_a, deck):
    """Student A with 200 items reviewed over four months (about 1,300 reviews a fit can learn from)."""
    seed_history(student_a, deck, items=200, days=120)
    return student_a


def fit_now(learner, django_capture_on_commit_callbacks, *, now=LATER) -> ParameterFit:
    """Start a fit and run it (the test settings' immediate backend runs the task when the row commits)."""
    with django_capture_on_commit_callbacks(execute=True):
        fit = services.start_fit(learner=learner, now=now)
    fit.refresh_from_db()
    return fit


def parameters_of(learner) -> list[float] | None:
    """The parameters in use, from the database (the learner object may hold an older copy of the settings)."""
    return StudySettings.objects.get(learner=learner).fsrs_parameters


def scheduling_fields(learner) -> list[tuple]:
    return list(
        ReviewState.objects.filter(learner=learner)
        .order_by("pk")
        .values_list("pk", "state", "step", "stability", "difficulty", "due", "last_review")
    )


def replayed_cards(learner, parameters) -> dict[int, fsrs.Card]:
    """Each reviewed card as fsrs's own Scheduler makes it from nothing with these parameters: its whole log
    rated again in order, with the learner's steps and retention, no fuzz."""
    study_settings = StudySettings.objects.get(learner=learner)
    study_settings.fsrs_parameters = list(parameters) if parameters else None
    scheduler = scheduling.scheduler_for(study_settings, fuzz=False)
    cards: dict[int, fsrs.Card] = {}
    states = dict(ReviewState.objects.filter(learner=learner).values_list("item_id", "pk"))
    for log in ReviewLog.objects.filter(learner=learner).order_by("reviewed_at", "pk"):
        state_id = states[log.item_id]
        card = cards.get(state_id) or fsrs.Card(card_id=state_id, due=scheduling.utc(log.reviewed_at))
        cards[state_id], _ = scheduler.review_card(card, fsrs.Rating(log.rating), scheduling.utc(log.reviewed_at))
    return cards


def assert_states_equal_a_fresh_replay(learner, parameters) -> int:
    cards = replayed_cards(learner, parameters)
    states = ReviewState.objects.filter(learner=learner).exclude(state=CardState.NEW).order_by("pk")
    for state in states:
        card = cards[state.pk]
        assert state.stability == pytest.approx(card.stability, rel=1e-5)
        assert state.difficulty == pytest.approx(card.difficulty, rel=1e-5)
        assert (state.state, state.step, state.due) == (scheduling._FROM_FSRS[card.state], card.step, card.due)
    return len(cards)


# --- too few reviews -------------------------------------------------------------------------------------------


def test_too_few_reviews_queues_nothing_and_says_how_many(student_a, deck, settings):
    settings.MEMORY_FIT_MIN_REVIEWS = 400
    simulate(student_a, deck, items=5, days=10)
    tests = selectors.memory_tests(student_a)

    with pytest.raises(services.TooFewReviews) as refused:
        services.start_fit(learner=student_a, now=LATER)

    assert 0 < tests < 400
    assert refused.value.message.startswith(
        f"The fit needs at least 400 reviews of items you had seen on an earlier day; you have {tests} so far."
    )
    assert not ParameterFit.objects.exists()


def test_a_fit_that_finds_fewer_training_items_than_the_summary_counted_stops_without_fitting(
    fitted_learner, settings, django_capture_on_commit_callbacks, monkeypatch
):
    # The summary counts memory tests of every item; a log whose start is missing (here: forced by
    # making every review look like one of an item seen before) leaves the fit nothing to learn from.
    ReviewLog.objects.filter(learner=fitted_learner, state=CardState.NEW).delete()
    monkeypatch.setattr(fitting, "fit", lambda items: pytest.fail("fitted on too few reviews"))

    fit = fit_now(fitted_learner, django_capture_on_commit_callbacks)

    assert (fit.status, fit.outcome, fit.review_count) == (FitStatus.DONE, FitOutcome.TOO_FEW, 0)
    assert "you have 0 so far" in fit.message
    assert parameters_of(fitted_learner) is None


# --- adopting only when better ---------------------------------------------------------------------------------


def test_a_fit_better_than_the_defaults_is_adopted_and_every_reviewed_card_recomputed(
    fitted_learner, django_capture_on_commit_callbacks
):
    fit = fit_now(fitted_learner, django_capture_on_commit_callbacks)

    study_settings = StudySettings.objects.get(learner=fitted_learner)
    assert (fit.status, fit.outcome, fit.progress) == (FitStatus.DONE, FitOutcome.ADOPTED, 100)
    assert fit.previous_parameters is None
    assert study_settings.fsrs_parameters == fit.fitted_parameters != list(DEFAULT_PARAMETERS)
    assert fit.fitted_log_loss < fit.default_log_loss
    assert fit.fitted_rmse_bins < fit.default_rmse_bins
    assert (fit.previous_log_loss, fit.previous_rmse_bins) == (fit.default_log_loss, fit.default_rmse_bins)
    assert fit.review_count == selectors.memory_tests(fitted_learner) > 1000
    assert fit.item_count == 200
    assert fit.cards_updated == ReviewState.objects.filter(learner=fitted_learner).exclude(state="new").count()
    assert assert_states_equal_a_fresh_replay(fitted_learner, fit.fitted_parameters) == 200


def test_a_fit_no_better_than_the_parameters_in_use_changes_nothing(
    fitted_learner, django_capture_on_commit_callbacks, monkeypatch
):
    before = scheduling_fields(fitted_learner)
    monkeypatch.setattr(fitting, "fit", lambda items: list(DEFAULT_PARAMETERS))

    fit = fit_now(fitted_learner, django_capture_on_commit_callbacks)

    assert (fit.status, fit.outcome) == (FitStatus.DONE, FitOutcome.KEPT)
    assert fit.fitted_log_loss == fit.default_log_loss
    assert "no better than those in use" in fit.message
    assert parameters_of(fitted_learner) is None
    assert scheduling_fields(fitted_learner) == before


def test_fitting_the_same_reviews_again_keeps_the_first_fit(fitted_learner, django_capture_on_commit_callbacks):
    first = fit_now(fitted_learner, django_capture_on_commit_callbacks)

    second = fit_now(fitted_learner, django_capture_on_commit_callbacks, now=LATER + timedelta(hours=1))

    assert first.outcome == FitOutcome.ADOPTED
    assert second.outcome == FitOutcome.KEPT
    assert second.previous_parameters == first.fitted_parameters
    # The same parameters measured again on the same reviews (fsrs-rs's sums are single precision).
    assert second.previous_log_loss == pytest.approx(first.fitted_log_loss, abs=1e-6)
    assert second.previous_rmse_bins == pytest.approx(first.fitted_rmse_bins, abs=1e-6)
    assert parameters_of(fitted_learner) == first.fitted_parameters


def test_parameters_changed_while_the_fit_ran_are_not_overwritten(
    fitted_learner, django_capture_on_commit_callbacks, monkeypatch
):
    real_fit = fitting.fit

    def fit_while_the_learner_changes_them(items):
        study_settings = review_services.settings_for(fitted_learner)
        study_settings.fsrs_parameters = list(TRUE_PARAMETERS)
        study_settings.save()
        return real_fit(items)

    monkeypatch.setattr(fitting, "fit", fit_while_the_learner_changes_them)

    fit = fit_now(fitted_learner, django_capture_on_commit_callbacks)

    study_settings = review_services.settings_for(fitted_learner)
    study_settings.refresh_from_db()
    assert (fit.outcome, fit.message) == (
        FitOutcome.KEPT,
        "Your parameters changed while the fit ran, so it was not adopted.",
    )
    assert study_settings.fsrs_parameters == list(TRUE_PARAMETERS)


def test_a_fit_that_fails_is_marked_failed_and_changes_nothing(
    fitted_learner, django_capture_on_commit_callbacks, monkeypatch
):
    def broken(items):
        raise RuntimeError("out of memory")

    monkeypatch.setattr(fitting, "fit", broken)

    fit = fit_now(fitted_learner, django_capture_on_commit_callbacks)

    assert (fit.status, fit.outcome) == (FitStatus.FAILED, "")
    assert fit.message == "The fit failed (RuntimeError); your parameters are unchanged."
    assert parameters_of(fitted_learner) is None


# --- one fit at a time ---------------------------------------------------------------------------------------


def test_starting_a_fit_while_one_is_waiting_gives_that_one(student_a, settings):
    settings.MEMORY_FIT_MIN_REVIEWS = 0
    waiting = ParameterFit.objects.create(learner=student_a, created_at=LATER)

    assert services.start_fit(learner=student_a, now=LATER + timedelta(minutes=5)) == waiting
    assert ParameterFit.objects.count() == 1


def test_a_fit_left_waiting_for_an_hour_is_given_up_and_a_new_one_starts(
    student_a, settings, django_capture_on_commit_callbacks
):
    settings.MEMORY_FIT_MIN_REVIEWS = 0
    lost = ParameterFit.objects.create(learner=student_a, created_at=LATER, status=FitStatus.RUNNING)

    with django_capture_on_commit_callbacks(execute=False) as queued:
        fresh = services.start_fit(learner=student_a, now=LATER + timedelta(minutes=61))

    lost.refresh_from_db()
    assert fresh != lost
    assert (lost.status, lost.message) == (
        FitStatus.FAILED,
        "This fit never finished (its worker stopped); start another.",
    )
    assert len(queued) == 1


def test_a_fit_already_taken_by_a_worker_is_not_run_twice(student_a):
    fit = ParameterFit.objects.create(learner=student_a, created_at=LATER, status=FitStatus.RUNNING)

    assert services.run_fit(fit.pk) == "not queued"
    fit.refresh_from_db()
    assert fit.status == FitStatus.RUNNING


# --- restoring -------------------------------------------------------------------------------------------------


def test_restoring_puts_back_the_parameters_before_the_fit_and_recomputes_the_cards(
    fitted_learner, django_capture_on_commit_callbacks
):
    before = scheduling_fields(fitted_learner)
    fit = fit_now(fitted_learner, django_capture_on_commit_callbacks)

    updated = services.restore_parameters(learner=fitted_learner, fit=fit, now=LATER + timedelta(minutes=1))

    fit.refresh_from_db()
    assert updated == 200
    assert fit.restored_at == LATER + timedelta(minutes=1)
    assert parameters_of(fitted_learner) is None
    assert selectors.restorable_fit(fitted_learner, StudySettings.objects.get(learner=fitted_learner)) is None
    after = scheduling_fields(fitted_learner)
    # The same schedule as before the fit: the defaults' memory states (to single precision) and due times.
    assert [row[:3] + row[5:] for row in after] == [row[:3] + row[5:] for row in before]
    assert [row[3:5] for row in after] == [pytest.approx(row[3:5], rel=1e-5) for row in before]


def test_restoring_is_refused_once_other_parameters_are_in_use(fitted_learner, django_capture_on_commit_callbacks):
    fit = fit_now(fitted_learner, django_capture_on_commit_callbacks)
    study_settings = review_services.settings_for(fitted_learner)
    study_settings.fsrs_parameters = list(TRUE_PARAMETERS)
    study_settings.save()

    with pytest.raises(services.RestoreRefused, match="no longer in use"):
        services.restore_parameters(learner=fitted_learner, fit=fit, now=LATER)

    study_settings.refresh_from_db()
    assert study_settings.fsrs_parameters == list(TRUE_PARAMETERS)


def test_restoring_waits_for_a_running_fit(fitted_learner, django_capture_on_commit_callbacks):
    fit = fit_now(fitted_learner, django_capture_on_commit_callbacks)
    ParameterFit.objects.create(learner=fitted_learner, created_at=LATER, status=FitStatus.RUNNING)

    with pytest.raises(services.RestoreRefused, match="A fit is running"):
        services.restore_parameters(learner=fitted_learner, fit=fit, now=LATER)


def test_only_the_learners_own_fit_is_restored(fitted_learner, student_b, django_capture_on_commit_callbacks):
    fit = fit_now(fitted_learner, django_capture_on_commit_callbacks)

    with pytest.raises(ValueError, match="own fit"):
        services.restore_parameters(learner=student_b, fit=fit, now=LATER)


# --- recomputing memory states ---------------------------------------------------------------------------------


def test_memory_states_recomputed_with_new_parameters_equal_a_fresh_replay_of_each_cards_log(student_a, deck):
    """A history made review by review through record_review (learning steps, lapses, relearning)."""
    simulate(student_a, deck, items=8, days=40, seed=9)
    study_settings = review_services.settings_for(student_a)

    with transaction.atomic():
        study_settings.fsrs_parameters = list(TRUE_PARAMETERS)
        study_settings.save()
        updated = services.recompute_memory_states(learner=student_a, study_settings=study_settings)

    assert updated == 8
    assert assert_states_equal_a_fresh_replay(student_a, TRUE_PARAMETERS) == 8
    # The history has what makes a replay hard: same-day steps, a lapse and its relearning step.
    assert ReviewLog.objects.filter(learner=student_a, state=CardState.REVIEW, rating=1).exists()
    assert ReviewLog.objects.filter(learner=student_a, state=CardState.RELEARNING).exists()


def test_recomputing_leaves_new_cards_and_cards_whose_log_lacks_its_start_alone(student_a, student_b, deck):
    simulate(student_a, deck, items=3, days=20)
    [first, second, third] = ReviewState.objects.filter(learner=student_a).order_by("pk")
    ReviewLog.objects.filter(learner=student_a, item_id=first.item_id, state=CardState.NEW).delete()
    ReviewState.objects.filter(pk=third.pk).update(
        state=CardState.NEW, step=None, stability=None, difficulty=None, last_review=None
    )
    ReviewLog.objects.filter(learner=student_a, item_id=third.item_id).delete()
    untouched = {row[0]: row for row in scheduling_fields(student_a) if row[0] != second.pk}
    others = scheduling_fields(student_b)
    study_settings = review_services.settings_for(student_a)

    with transaction.atomic():
        study_settings.fsrs_parameters = list(TRUE_PARAMETERS)
        updated = services.recompute_memory_states(learner=student_a, study_settings=study_settings)

    assert updated == 1
    assert {row[0]: row for row in scheduling_fields(student_a) if row[0] != second.pk} == untouched
    assert scheduling_fields(student_b) == others


def test_recomputed_cards_are_stale_on_screen(student_a, deck):
    simulate(student_a, deck, items=2, days=5)
    versions = dict(ReviewState.objects.filter(learner=student_a).values_list("pk", "version"))
    study_settings = review_services.settings_for(student_a)

    with transaction.atomic():
        services.recompute_memory_states(learner=student_a, study_settings=study_settings)

    assert dict(ReviewState.objects.filter(learner=student_a).values_list("pk", "version")) == {
        pk: version + 1 for pk, version in versions.items()
    }


@pytest.mark.django_db(transaction=True)
def test_recomputing_outside_a_transaction_is_refused(student_a):
    with pytest.raises(RuntimeError, match="inside the transaction"):
        services.recompute_memory_states(learner=student_a, study_settings=review_services.settings_for(student_a))


def test_recomputing_a_large_collection_takes_a_fixed_number_of_queries(fitted_learner, django_assert_max_num_queries):
    study_settings = review_services.settings_for(fitted_learner)
    # select the states, read the log (one query: 200 items' histories), bulk_update in batches of 500 (one here),
    # plus the savepoint of the atomic block and bulk_update's own
    with django_assert_max_num_queries(6), transaction.atomic():
        services.recompute_memory_states(learner=fitted_learner, study_settings=study_settings)


# --- the nightly re-fit's choice of learners -------------------------------------------------------------------


def test_learners_are_due_a_first_fit_at_the_minimum_and_a_re_fit_after_enough_new_reviews(
    student_a, student_b, deck, settings, django_capture_on_commit_callbacks
):
    simulate(student_a, deck, items=6, days=30)
    tests = selectors.memory_tests(student_a)
    settings.MEMORY_FIT_MIN_REVIEWS = tests
    assert [due.learner_id for due in selectors.learners_due_for_a_fit()] == [student_a.pk]

    settings.MEMORY_FIT_MIN_REVIEWS = tests + 1
    assert selectors.learners_due_for_a_fit() == []

    settings.MEMORY_FIT_MIN_REVIEWS = 1
    settings.MEMORY_REFIT_NEW_REVIEWS = 1
    ParameterFit.objects.create(
        learner=student_a,
        created_at=START + timedelta(days=20),
        status=FitStatus.DONE,
        outcome=FitOutcome.KEPT,
        trigger=FitTrigger.NIGHTLY,
    )
    [due] = selectors.learners_due_for_a_fit()
    assert 0 < due.new_memory_tests < tests
    settings.MEMORY_REFIT_NEW_REVIEWS = due.new_memory_tests + 1
    assert selectors.learners_due_for_a_fit() == []

    settings.MEMORY_REFIT_NEW_REVIEWS = 1
    ParameterFit.objects.create(learner=student_a, created_at=LATER, status=FitStatus.QUEUED)
    assert selectors.learners_due_for_a_fit() == []
