"""The item table carries no index that another already provides."""

from __future__ import annotations

import pytest

from studyapp.library.models import Item
from tests.indexes import index_columns

pytestmark = pytest.mark.django_db


def test_items_are_indexed_by_deck_and_position_and_by_passage_once_each():
    assert index_columns(Item) == [("deck_id", "position"), ("passage_id",)]
