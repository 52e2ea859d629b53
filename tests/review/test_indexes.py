"""The review tables carry only the indexes some query needs: each index is one more write per review."""

from __future__ import annotations

import pytest
from django.db import connection

from studyapp.review.models import ReviewDay, ReviewLog

pytestmark = pytest.mark.django_db


def index_columns(model) -> list[tuple[str, ...]]:
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, model._meta.db_table)
    indexed = (c for c in constraints.values() if (c["index"] or c["unique"]) and not c["primary_key"])
    return sorted({tuple(c["columns"]) for c in indexed})


def test_the_review_log_is_indexed_by_learner_and_time_item_history_and_submission_only():
    assert index_columns(ReviewLog) == [
        ("item_id", "learner_id", "reviewed_at"),
        ("learner_id", "client_uuid"),
        ("learner_id", "reviewed_at"),
    ]


def test_the_day_summary_is_indexed_by_learner_day_and_deck_and_by_deck_for_deletes():
    assert index_columns(ReviewDay) == [("deck_id",), ("learner_id", "day", "deck_id")]
