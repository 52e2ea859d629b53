"""The item table carries no index that another already provides."""

from __future__ import annotations

import pytest

from studyapp.library.models import Item, Passage
from tests.indexes import index_columns

pytestmark = pytest.mark.django_db


def test_items_are_indexed_by_deck_and_position_and_by_passage_once_each():
    assert index_columns(Item) == [("deck_id", "position"), ("passage_id",)]


def test_passages_are_indexed_by_source_and_position_and_by_paragraph_for_the_feedbacks_context():
    assert index_columns(Passage) == [("source_id", "index"), ("source_id", "paragraph", "index")]
