"""A deck's page has a "Study this deck" button: a form posting to the study session's add_deck."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.urls import reverse

from studyapp.review.models import ReviewState, StudiedDeck
from tests.factories import DeckFactory, ItemFactory

pytestmark = pytest.mark.django_db

LIBRARY = Path(__file__).resolve().parents[2] / "studyapp" / "library"


@pytest.fixture
def deck(instructor):
    deck = DeckFactory(owner=instructor, slug="left-opposition")
    ItemFactory.create_batch(3, deck=deck)
    return deck


def test_the_deck_page_has_a_study_this_deck_button_that_posts_to_add_deck(client, student_a, deck):
    client.force_login(student_a)

    html = client.get(deck.get_absolute_url()).content.decode()

    action = reverse("review:add_deck", args=[deck.slug])
    assert f'<form method="post" action="{action}">' in html
    form = html.split(f'action="{action}">', 1)[1].split("</form>", 1)[0]
    assert 'name="csrfmiddlewaretoken"' in form
    assert '<button class="button primary" type="submit">Study this deck</button>' in form


def test_the_owner_sees_the_study_button_beside_the_editing_links(client, instructor, deck):
    client.force_login(instructor)

    html = client.get(deck.get_absolute_url()).content.decode()

    assert "Study this deck" in html
    assert "Edit items" in html
    assert reverse("progress:deck_report", args=[deck.slug]) in html


def test_pressing_the_button_adds_the_deck_and_opens_the_session_and_again_changes_nothing(client, student_a, deck):
    client.force_login(student_a)
    action = reverse("review:add_deck", args=[deck.slug])

    first = client.post(action)
    second = client.post(action)

    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == reverse("review:session", args=[deck.slug])
    assert StudiedDeck.objects.filter(learner=student_a, deck=deck).count() == 1
    assert ReviewState.objects.filter(learner=student_a, deck=deck).count() == 3


def test_the_library_does_not_import_the_review_app():
    """Dependencies point library <- review: the button names the review URL in a template, nothing more."""
    offenders = []
    for path in LIBRARY.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            names += [alias.name for alias in node.names] if isinstance(node, ast.Import) else []
            offenders += [f"{path.name}: {name}" for name in names if name.startswith("studyapp.review")]
    assert offenders == []
