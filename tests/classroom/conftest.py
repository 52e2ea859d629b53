"""A class taught by `instructor` with `student_a` in it and one deck assigned: the setting of most tests."""

from __future__ import annotations

from datetime import date

import pytest

from studyapp.classroom import services
from studyapp.classroom.models import Classroom
from studyapp.library.models import Deck
from tests.factories import ClassroomFactory, DeckFactory, ItemFactory
from tests.review.conftest import NOW

DUE = date(2026, 6, 1)


@pytest.fixture
def assigned_deck(db) -> Deck:
    deck = DeckFactory(title="The Left Opposition", slug="left-opposition")
    ItemFactory.create_batch(3, deck=deck)
    return deck


@pytest.fixture
def classroom(instructor, student_a, assigned_deck) -> Classroom:
    """History 101: `instructor` teaches it, `student_a` is in it, the deck is assigned with a date."""
    classroom = ClassroomFactory(name="History 101", created_by=instructor, join_code="HSTRY234")
    services.assign_deck(classroom=classroom, deck=assigned_deck, due_on=DUE, now=NOW)
    services.join(classroom=classroom, student=student_a, now=NOW)
    return classroom
