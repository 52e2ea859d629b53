"""The suspended and flagged items page shows prompts as plain text, cloze blanks hidden."""

from __future__ import annotations

import pytest
from django.urls import reverse

from studyapp.library.models import ItemKind
from studyapp.review.models import ReviewState
from tests.factories import ItemFactory
from tests.review.conftest import study

pytestmark = pytest.mark.django_db


def test_suspended_and_flagged_items_show_plain_prompts(client, student_a, deck):
    ItemFactory(deck=deck, prompt="Who wrote the *secret* letter of **1923**?", answer="Trotsky")
    ItemFactory(deck=deck, kind=ItemKind.CLOZE, prompt="In 1923 {{Leon Trotsky}} wrote a secret letter.")
    study(student_a, deck)
    ReviewState.objects.filter(learner=student_a).update(suspended=True, flagged=True)
    client.force_login(student_a)

    html = client.get(reverse("review:suspended", args=[deck.slug])).content.decode()
    lists = html.split("<h2>Suspended</h2>", 1)[1]

    assert lists.count("Who wrote the secret letter of 1923?") == 2  # once suspended, once flagged
    assert lists.count("In 1923 […] wrote a secret letter.") == 2
    assert "*" not in lists
    assert "{{" not in lists
    assert "Trotsky" not in lists
