"""Item lists on the progress pages show prompts as plain text: no Markdown asterisks, no cloze braces."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from studyapp.library.models import ItemKind
from studyapp.review.models import StudiedDeck
from tests.factories import DeckFactory, ItemFactory
from tests.review.conftest import make_review_state, study

pytestmark = pytest.mark.django_db

EMPHASIS = "Who wrote the *secret* letter of **1923**?"
CLOZE = "In 1923 {{Leon *Trotsky*}} wrote a secret letter to the party leaders."


@pytest.fixture
def reviewed(student_a, deck):
    """student_a has reviewed an emphasised item and a cloze (both lapsed, so among the hardest)."""
    ItemFactory(deck=deck, prompt=EMPHASIS, answer="Trotsky")
    ItemFactory(deck=deck, kind=ItemKind.CLOZE, prompt=CLOZE)
    now = timezone.now()
    for state in study(student_a, deck, now=now - timedelta(days=20)):
        make_review_state(state, due=now + timedelta(days=3), last_review=now - timedelta(days=2), lapses=2)
    return deck


def test_the_hardest_items_show_plain_prompts_with_the_blank_hidden(client, student_a, reviewed):
    client.force_login(student_a)

    html = client.get(reverse("progress:deck", args=[reviewed.slug])).content.decode()
    hardest = html.split('id="hardest-heading"', 1)[1].split("</section>", 1)[0]

    assert "Who wrote the secret letter of 1923?" in hardest
    assert "In 1923 […] wrote a secret letter" in hardest
    assert "*" not in hardest
    assert "{{" not in hardest
    assert "Trotsky" not in hardest  # the blank's words are the answer


def test_the_items_at_risk_before_the_exam_show_plain_prompts(client, student_a, reviewed):
    StudiedDeck.objects.filter(learner=student_a, deck=reviewed).update(
        exam_on=timezone.now().date() + timedelta(days=60)
    )
    client.force_login(student_a)

    html = client.get(reverse("progress:deck", args=[reviewed.slug])).content.decode()
    at_risk = html.split("Most at risk on the day", 1)[1].split("</ol>", 1)[0]

    assert "Who wrote the secret letter of 1923?" in at_risk
    assert "In 1923 […] wrote" in at_risk
    assert "*" not in at_risk
    assert "{{" not in at_risk


def test_the_class_report_shows_plain_prompts_with_the_blanks_words_in_brackets(client, instructor):
    deck = DeckFactory(owner=instructor)
    ItemFactory(deck=deck, prompt=EMPHASIS, answer="Trotsky")
    ItemFactory(deck=deck, kind=ItemKind.CLOZE, prompt=CLOZE)
    client.force_login(instructor)

    html = client.get(reverse("progress:deck_report", args=[deck.slug])).content.decode()
    items = html.split('id="items-heading"', 1)[1]

    assert "Who wrote the secret letter of 1923?" in items
    assert "In 1923 [Leon Trotsky] wrote" in items
    assert "{{" not in items
    assert "*secret*" not in items


def test_an_items_history_shows_its_markdown_answer_as_plain_text(client, student_a, deck):
    item = ItemFactory(deck=deck, prompt="Who led the Left Opposition?", answer="*Leon* Trotsky")
    now = timezone.now()
    for state in study(student_a, deck, now=now - timedelta(days=20)):
        make_review_state(state, due=now + timedelta(days=3), last_review=now - timedelta(days=2))
    client.force_login(student_a)

    html = client.get(reverse("progress:item", args=[item.pk])).content.decode()

    assert '<span class="label">Answer:</span> Leon Trotsky</p>' in html
