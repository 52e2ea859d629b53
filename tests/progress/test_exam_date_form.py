"""The exam date field speaks ISO (YYYY-MM-DD), the only format an <input type=date> takes, whatever the locale."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from studyapp.progress.forms import ExamDateForm
from studyapp.review.models import StudiedDeck
from tests.review.conftest import make_items, study

pytestmark = pytest.mark.django_db

TODAY = date(2026, 1, 15)


def test_the_exam_date_is_rendered_as_an_iso_date():
    html = str(ExamDateForm(initial={"exam_on": date(2027, 1, 15)}, today=TODAY)["exam_on"])

    assert 'type="date"' in html
    assert 'value="2027-01-15"' in html


def test_the_exam_date_form_accepts_an_iso_date():
    form = ExamDateForm({"exam_on": "2027-01-15"}, today=TODAY)

    assert form.is_valid(), form.errors
    assert form.cleaned_data["exam_on"] == date(2027, 1, 15)


def test_saving_the_deck_page_again_keeps_the_exam_date(client, student_a, deck):
    make_items(deck, 2)
    study(student_a, deck)
    exam_on = timezone.now().date() + timedelta(days=40)
    StudiedDeck.objects.filter(learner=student_a, deck=deck).update(exam_on=exam_on)
    client.force_login(student_a)

    html = client.get(reverse("progress:deck", args=[deck.slug])).content.decode()
    shown = re.search(r'<input type="date" name="exam_on" value="([^"]*)"', html)
    # Submit the form as the browser would: with the value its date input holds.
    client.post(reverse("progress:exam_date", args=[deck.slug]), {"exam_on": shown.group(1)})

    assert shown.group(1) == exam_on.isoformat()
    assert StudiedDeck.objects.get(learner=student_a, deck=deck).exam_on == exam_on
