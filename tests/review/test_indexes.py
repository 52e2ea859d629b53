"""The review tables carry only the indexes some query needs: each index is one more write per review."""

from __future__ import annotations

import pytest

from studyapp.review.models import ReviewDay, ReviewLog, ReviewState
from tests.indexes import index_columns

pytestmark = pytest.mark.django_db


def test_the_review_log_is_indexed_by_learner_and_time_item_history_and_submission_only():
    assert index_columns(ReviewLog) == [
        ("item_id", "learner_id", "reviewed_at"),
        ("learner_id", "client_uuid"),
        ("learner_id", "reviewed_at"),
    ]


def test_the_day_summary_is_indexed_by_learner_day_and_deck_and_by_deck_for_deletes():
    assert index_columns(ReviewDay) == [("deck_id",), ("learner_id", "day", "deck_id")]


def test_review_states_are_indexed_by_item_and_learner_and_by_the_two_queues_only():
    assert index_columns(ReviewState) == [
        ("item_id", "learner_id"),
        ("learner_id", "deck_id", "due", "suspended", "buried_until"),
        ("learner_id", "deck_id", "state", "due", "suspended", "buried_until"),
    ]
