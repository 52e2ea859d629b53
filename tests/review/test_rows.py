"""Instances built from the hot path's raw rows are the ones the ORM would load, field for field."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection

from studyapp.review import rows
from studyapp.review.models import ReviewState
from tests.review.conftest import NOW, make_items, make_review_state, study

pytestmark = pytest.mark.django_db


def test_a_state_read_from_its_columns_equals_the_one_the_orm_loads(student_a, deck):
    make_items(deck, 1)
    (state,) = study(student_a, deck)
    make_review_state(state, due=NOW + timedelta(days=3), last_review=NOW - timedelta(days=4))
    ReviewState.objects.filter(pk=state.pk).update(
        flagged=True,
        buried_until=NOW + timedelta(hours=16),
        pending_answer={"uuid": "f" * 32, "text": "Trotsky", "correct": True},
    )

    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {rows.columns(ReviewState, 's')} FROM {ReviewState._meta.db_table} s WHERE s.id = %s",  # noqa: S608
            [state.pk],
        )
        built = rows.instance(ReviewState, cursor.fetchone())

    loaded = ReviewState.objects.get(pk=state.pk)
    for field in ReviewState._meta.concrete_fields:
        assert getattr(built, field.attname) == getattr(loaded, field.attname), field.name
    assert built.pending_answer["text"] == "Trotsky"
    assert built.due.tzinfo is not None
    assert built._state.adding is False


def test_a_left_join_that_found_nothing_builds_no_instance():
    width = len(ReviewState._meta.concrete_fields)

    assert rows.instance(ReviewState, [None] * width) is None
