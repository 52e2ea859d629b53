"""A review card: an item's presentation (`library.presentation`) for one learner's review state.

The state decides what presentation alone can't: which side a reversed item shows first, and which
rating a graded answer suggests.
"""

from __future__ import annotations

from typing import Any

from django.http import QueryDict

from studyapp.library import presentation
from studyapp.library.grading import Grade
from studyapp.library.models import ItemKind
from studyapp.library.presentation import BadResponse, Question, Showing
from studyapp.review.models import Rating, ReviewState

__all__ = ["BadResponse", "Question", "Showing", "grade", "question", "read_response", "suggested_rating"]


def reversed_direction(state: ReviewState) -> bool:
    """Reversed items alternate sides: front first, then back first."""
    return state.item.kind == ItemKind.REVERSED and state.reps % 2 == 1


def question(state: ReviewState, showing: Showing) -> Question:
    return presentation.question(state.item, showing, reversed=reversed_direction(state))


def read_response(state: ReviewState, showing: Showing, data: QueryDict) -> tuple[str, Any]:
    return presentation.read_response(state.item, showing, data)


def grade(state: ReviewState, response: Any) -> Grade | None:
    return presentation.grade(state.item, response)


def suggested_rating(result: Grade | None) -> Rating:
    """A wrong answer suggests Again, a right one Good; self-rated cards suggest Good."""
    if result is None or result.correct:
        return Rating.GOOD
    return Rating.AGAIN
