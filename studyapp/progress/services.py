"""Writes of the progress app."""

from __future__ import annotations

from datetime import date

from django.db import transaction

from studyapp.review.models import StudiedDeck


@transaction.atomic
def set_exam_date(*, studied: StudiedDeck, exam_on: date | None) -> StudiedDeck:
    """Set (or, with None, clear) the learner's exam date for a deck they study."""
    studied.exam_on = exam_on
    studied.save(update_fields=["exam_on"])
    return studied
