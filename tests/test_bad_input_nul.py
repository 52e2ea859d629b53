"""A NUL character anywhere in a request's path, query or form fields gets a 400 with a message
(studyapp/middleware.py RejectNulMiddleware), before any view reads it: PostgreSQL refuses NUL in text and JSON,
so a NUL that SQLite would store was a 500 in production (a typed answer to a review card, for one)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from studyapp.middleware import NUL_REFUSED
from studyapp.review import services
from studyapp.review.models import ReviewLog, ReviewState
from tests.bad_input import ANY_TEXT, per_example_rollback, rolled_back
from tests.factories import DeckFactory, ItemFactory

WITH_NUL = st.builds(lambda before, after: f"{before}\x00{after}", ANY_TEXT, ANY_TEXT)


@pytest.fixture
def typed_card(student_a, client):
    deck = DeckFactory(slug="nul")
    ItemFactory(deck=deck, kind="typed")
    services.study_deck(learner=student_a, deck=deck, now=timezone.now())
    client.force_login(student_a)
    return ReviewState.objects.get(learner=student_a)


def test_a_typed_answer_with_a_nul_is_refused_with_a_message_and_nothing_kept(client, student_a, typed_card):
    token = services.make_card_token(learner=student_a, state=typed_card)
    url = reverse("review:answer", args=["nul"])

    response = client.post(url, {"token": token, "response": "Trot\x00sky"}, headers={"HX-Request": "true"})

    assert response.status_code == 400
    assert NUL_REFUSED in response.content.decode()
    typed_card.refresh_from_db()
    assert typed_card.pending_answer is None
    assert not ReviewLog.objects.exists()


@per_example_rollback
@given(key=st.one_of(st.just("response"), WITH_NUL), value=WITH_NUL)
def test_a_nul_in_any_field_name_or_value_is_refused(client, typed_card, key, value):
    with rolled_back():
        response = client.post(reverse("review:answer", args=["nul"]), {key: value})
    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"


@pytest.mark.parametrize(
    "url",
    ["/classes/join/AB%00CD/", "/decks/nul/?format=%00", "/?q=%00", "/study/nul%00/"],
    ids=["path", "query of a page", "query of the home page", "slug"],
)
def test_a_nul_in_the_address_is_refused(client, typed_card, url):
    response = client.get(url)
    assert response.status_code == 400
    assert NUL_REFUSED in response.content.decode()


def test_a_request_without_nul_passes(client, student_a, typed_card):
    token = services.make_card_token(learner=student_a, state=typed_card)
    response = client.post(reverse("review:answer", args=["nul"]), {"token": token, "response": "Trotsky"})
    assert response.status_code == 200
