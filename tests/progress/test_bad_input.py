"""Bad input to the one post of progress, the exam date: never a 5xx; a refused date is said in a message and
leaves the date as it was (see tests/bad_input.py)."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import example, given

from studyapp.review import services
from studyapp.review.models import StudiedDeck
from tests.bad_input import DATES, VALUES, form_data, per_example_rollback, post_never_fails, rolled_back
from tests.factories import DeckFactory, ItemFactory

COVERS = {"progress:exam_date"}


@pytest.fixture
def studied(client, student_a) -> StudiedDeck:
    deck = DeckFactory(slug="exam")
    ItemFactory(deck=deck)
    studied = services.study_deck(learner=student_a, deck=deck, now=timezone.now())
    studied.exam_on = date.today().replace(year=date.today().year + 1)
    studied.save()
    client.force_login(student_a)
    return studied


@per_example_rollback
@given(posted=form_data(["exam_on"]), date_text=DATES | VALUES)
@example(posted={"exam_on": "9999-12-31"}, date_text=None)
@example(posted={"exam_on": "0001-01-01"}, date_text=None)
@example(posted={"exam_on": "2027-02-30"}, date_text=None)
@example(posted={"exam_on": "10000-01-01"}, date_text=None)
@example(posted={"exam_on": "9" * 5000}, date_text=None)
def test_an_exam_date_of_any_shape_is_set_or_refused_with_a_message(client, studied, posted, date_text):
    if date_text is not None and "exam_on" not in posted:
        posted = {"exam_on": date_text}
    before = StudiedDeck.objects.get(pk=studied.pk).exam_on
    with rolled_back():
        response = post_never_fails(client, reverse("progress:exam_date", args=["exam"]), posted)
        if response.status_code == 302:
            page = client.get(response["Location"])
            assert page.status_code == 200
            after = StudiedDeck.objects.get(pk=studied.pk).exam_on
            shown = [str(message) for message in page.context["messages"]]
            if after == before and posted.get("exam_on") not in ("", None, before.isoformat()):
                # Refused: the page says why (or the post said the same date again).
                assert shown, posted
