"""The load test's check that nothing is lost (bench/load/accounting.py) can fail, and fails for each broken promise."""

from __future__ import annotations

from bench.load.accounting import account


def rate(learner: str, review: str, *outcomes: str) -> list[dict]:
    """A rating as the locust user writes it: 'sent', then what became of it (a retry adds more outcomes)."""
    events = [{"kind": "rate", "learner": learner, "uuid": review, "outcome": "sent"}]
    for outcome in outcomes:
        events += [{"kind": "rate", "learner": learner, "uuid": review, "outcome": outcome}]
    return events


def undo(learner: str, review: str, outcome: str) -> list[dict]:
    return [{"kind": "undo", "learner": learner, "uuid": review, "outcome": outcome}]


def test_every_acknowledged_review_logged_once_holds():
    events = rate("ada", "u1", "acked") + rate("ada", "u2", "acked") + [{"kind": "http_error", "status": 500}]

    result = account(events, [("ada", "u1"), ("ada", "u2")])

    assert result.holds
    assert result.summary() == {
        "acknowledged_reviews": 2,
        "undone_reviews": 0,
        "expected_reviews": 2,
        "logged_reviews": 2,
        "lost": 0,
        "duplicated": 0,
        "undone_but_logged": 0,
        "undo_outcome_unknown": 0,
        "unacknowledged_logged": 0,
        "unacknowledged_logged_by_cause": {},
        "nothing_lost": True,
    }


def test_an_acknowledged_review_missing_from_the_log_is_lost():
    result = account(rate("ada", "u1", "acked") + rate("ada", "u2", "acked"), [("ada", "u1")])

    assert result.lost == {("ada", "u2")}
    assert not result.holds


def test_a_review_is_the_learners_own_another_learners_row_does_not_count():
    result = account(rate("ada", "u1", "acked"), [("ben", "u1")])

    assert result.lost == {("ada", "u1")}
    assert result.unacknowledged_logged == {"never_sent": {("ben", "u1")}}
    assert not result.holds


def test_a_review_logged_twice_is_duplicated():
    result = account(rate("ada", "u1", "acked"), [("ada", "u1"), ("ada", "u1")])

    assert result.duplicated == {("ada", "u1")}
    assert result.logged_rows == 2
    assert not result.holds


def test_a_log_row_nobody_sent_breaks_it():
    result = account(rate("ada", "u1", "acked"), [("ada", "u1"), ("ada", "u9")])

    assert result.unacknowledged_logged == {"never_sent": {("ada", "u9")}}
    assert not result.holds


def test_a_rating_the_server_refused_must_not_be_logged():
    result = account(rate("ada", "u1", "refused"), [("ada", "u1")])

    assert result.unacknowledged_logged == {"refused": {("ada", "u1")}}
    assert not result.holds


def test_an_acknowledged_undo_means_the_review_must_be_gone():
    events = rate("ada", "u1", "acked") + undo("ada", "u1", "undone")

    assert account(events, []).holds
    still_there = account(events, [("ada", "u1")])
    assert still_there.undone_but_logged == {("ada", "u1")}
    assert not still_there.holds


def test_an_undo_that_said_nothing_to_undo_leaves_the_review_expected():
    events = rate("ada", "u1", "acked") + undo("ada", "u1", "nothing")

    assert account(events, []).lost == {("ada", "u1")}


def test_an_undo_without_an_answer_allows_either_outcome():
    events = rate("ada", "u1", "acked") + undo("ada", "u1", "lost_connection")

    assert account(events, []).holds
    assert account(events, [("ada", "u1")]).holds
    assert account(events, []).summary()["undo_outcome_unknown"] == 1


def test_a_rating_without_a_response_may_be_logged_and_is_reported_by_cause():
    events = rate("ada", "u1", "lost_connection") + rate("ada", "u2", "error") + rate("ada", "u3")

    result = account(events, [("ada", "u1"), ("ada", "u2"), ("ada", "u3")])

    assert result.holds
    assert result.unacknowledged_logged == {
        "lost_connection": {("ada", "u1")},
        "error": {("ada", "u2")},
        "in_flight_at_stop": {("ada", "u3")},
    }
    assert result.summary()["unacknowledged_logged"] == 3


def test_a_retry_acknowledged_after_a_lost_connection_is_expected_once():
    events = rate("ada", "u1", "lost_connection", "acked")

    assert account(events, [("ada", "u1")]).unacknowledged_logged == {}
    assert account(events, []).lost == {("ada", "u1")}
