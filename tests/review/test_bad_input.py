"""Bad input to every post of studying: the settings form, custom study, and the card's answer, rating, undo and
actions (forged and garbled tokens, missing fields, wrong types), as a plain post and as htmx.

Never a 5xx; a refusal says why; a refused post changes nothing (see tests/bad_input.py).
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import example, given
from hypothesis import strategies as st

from studyapp.library.models import ItemKind
from studyapp.middleware import NUL_REFUSED
from studyapp.review import services
from studyapp.review.models import CustomStudyKind, ReviewState, StudySettings
from tests.bad_input import (
    VALUES,
    form_data,
    per_example_rollback,
    post_never_fails,
    refused_changes_nothing,
    rolled_back,
)
from tests.factories import DeckFactory, ItemFactory

COVERS = {
    "review:settings",
    "review:add_deck",
    "review:answer",
    "review:rate",
    "review:undo",
    "review:card_action",
    "review:unsuspend",
    "review:custom_study",
    "review:custom_answer",
    "review:custom_rate",
    "review:custom_undo",
    "review:custom_card_action",
}
REVIEW_APPS = ("review",)
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def studying(student_a, client):
    """student_a studies a deck with one item of each kind, and has a custom study (cram) of it."""
    deck = DeckFactory(slug="bad-input")
    for kind in ItemKind.values:
        ItemFactory(deck=deck, kind=kind)
    now = timezone.now()
    services.settings_for(student_a)  # made with the defaults on first use, whatever the post
    services.study_deck(learner=student_a, deck=deck, now=now)
    services.start_custom_study(learner=student_a, deck=deck, kind=CustomStudyKind.CRAM, now=now)
    client.force_login(student_a)
    return deck


def _state(learner, kind: str) -> ReviewState:
    return ReviewState.objects.select_related("item").get(learner=learner, item__kind=kind)


def _tokens(learner) -> st.SearchStrategy[str]:
    """Real tokens of the learner's cards, garbled ones, and forged ones."""
    real = [
        services.make_card_token(learner=learner, state=state) for state in ReviewState.objects.filter(learner=learner)
    ]
    garbled = st.builds(
        lambda token, cut, junk: token[:cut] + junk + token[cut:], st.sampled_from(real), st.integers(0, 80), VALUES
    )
    return st.one_of(st.sampled_from(real), garbled, VALUES)


# --- the card: answer, rate, undo, actions -------------------------------------------------------------------------


@pytest.mark.parametrize("prefix", ["", "custom_"])
@per_example_rollback
@given(data=st.data(), htmx=st.booleans())
def test_an_answer_of_any_shape_is_graded_or_refused(client, student_a, studying, prefix, data, htmx):
    url = reverse(f"review:{prefix}answer", args=[studying.slug])
    fields = ["token", "response", "choice", "position-", "duration_ms"]
    posted = data.draw(form_data(fields, good={"response": "1923"}))
    posted["token"] = data.draw(_tokens(student_a))
    with rolled_back():
        refused_changes_nothing(client, url, posted, REVIEW_APPS, **(HTMX if htmx else {}))


@pytest.mark.parametrize("prefix", ["", "custom_"])
@per_example_rollback
@given(data=st.data(), htmx=st.booleans())
@example(data=None, htmx=False)
def test_a_rating_of_any_shape_is_recorded_or_refused(client, student_a, studying, prefix, data, htmx):
    url = reverse(f"review:{prefix}rate", args=[studying.slug])
    if data is None:  # the one example: a rating far beyond the four
        posted = {
            "rating": "9" * 5000,
            "token": services.make_card_token(learner=student_a, state=_state(student_a, "basic")),
        }
    else:
        posted = data.draw(form_data(["rating", "token", "duration_ms"], good={"rating": "3", "duration_ms": "1500"}))
        posted["token"] = data.draw(_tokens(student_a))
    with rolled_back():
        response = post_never_fails(client, url, posted, **(HTMX if htmx else {}))
        if response.status_code == 400:
            assert b"Rate with 1 (Again)" in response.content or NUL_REFUSED.encode() in response.content


@pytest.mark.parametrize("prefix", ["", "custom_"])
@per_example_rollback
@given(posted=form_data(["token", "action"], good={"action": "bury"}), htmx=st.booleans())
def test_a_card_action_of_any_shape_is_done_or_refused(client, student_a, studying, prefix, posted, htmx):
    url = reverse(f"review:{prefix}card_action", args=[studying.slug])
    with rolled_back():
        refused_changes_nothing(client, url, posted, REVIEW_APPS, **(HTMX if htmx else {}))


@per_example_rollback
@given(posted=form_data(["token", "rating", "action"]), name=st.sampled_from(["undo", "custom_undo", "add_deck"]))
def test_undo_and_add_deck_take_no_input_and_ignore_any(client, studying, posted, name):
    with rolled_back():
        post_never_fails(client, reverse(f"review:{name}", args=[studying.slug]), posted)


@per_example_rollback
@given(posted=form_data(["state_id", "token"]))
def test_unsuspend_ignores_any_input(client, student_a, studying, posted):
    state = _state(student_a, "basic")
    services.suspend(learner=student_a, state_id=state.pk)
    with rolled_back():
        post_never_fails(client, reverse("review:unsuspend", args=[studying.slug, state.pk]), posted)


def test_a_forged_card_token_is_refused_with_a_message(client, student_a, studying):
    state = _state(student_a, "number")
    token = services.make_card_token(learner=student_a, state=state)
    response = post_never_fails(
        client, reverse("review:answer", args=[studying.slug]), {"token": token[:-3] + "abc"}, **HTMX
    )
    assert b"This card has expired or is not valid" in response.content
    assert ReviewState.objects.get(pk=state.pk).pending_answer is None


# --- the settings and custom study forms ----------------------------------------------------------------------------

SETTINGS_GOOD = {
    "desired_retention": "0.9",
    "new_per_day": "20",
    "reviews_per_day": "200",
    "learning_steps": "1m 10m",
    "relearning_steps": "10m",
    "timezone": "Europe/London",
    "day_starts_at": "4",
    "leech_threshold": "8",
}
STEPS = st.one_of(
    st.integers(0, 10**12).map(lambda n: f"{n}d"),
    st.integers(0, 10**12).map(lambda n: f"1m {n}h"),
    st.sampled_from(["999999999999d", "1000000d", "٣m", "1m " * 11, "1x", "-1m", "0m"]),
)


@per_example_rollback
@given(posted=form_data(SETTINGS_GOOD, good=SETTINGS_GOOD), steps=st.one_of(st.none(), STEPS))
@example(posted={**SETTINGS_GOOD, "learning_steps": "999999999999d"}, steps=None)
@example(posted={**SETTINGS_GOOD, "relearning_steps": "1000000d"}, steps=None)
@example(posted={**SETTINGS_GOOD, "desired_retention": "nan"}, steps=None)
@example(posted={**SETTINGS_GOOD, "desired_retention": "1e999999999"}, steps=None)
@example(posted={**SETTINGS_GOOD, "new_per_day": "9" * 30}, steps=None)
@example(posted={**SETTINGS_GOOD, "timezone": "\x00"}, steps=None)
def test_the_study_settings_form_saves_or_refuses_any_value(client, student_a, studying, posted, steps):
    if steps is not None:
        posted = {**posted, "learning_steps": steps}
    before = StudySettings.objects.filter(learner=student_a).values().first()
    with rolled_back():
        response = post_never_fails(client, reverse("review:settings"), posted)
        if response.status_code == 422:
            assert b"errorlist" in response.content or b"error" in response.content
            assert StudySettings.objects.filter(learner=student_a).values().first() == before
        elif response.status_code == 400:
            assert NUL_REFUSED.encode() in response.content
        elif response.status_code == 200:
            assert not posted  # an empty post is read as no post (`request.POST or None`): the form again
        else:
            assert response.status_code == 302
            # What was saved can be studied with: the next card's page renders.
            assert client.get(reverse("review:session", args=[studying.slug])).status_code == 200


CUSTOM_GOOD = {"kind": CustomStudyKind.AHEAD, "days": "7", "tag": "", "reschedule": ""}


@per_example_rollback
@given(posted=form_data(CUSTOM_GOOD, good=CUSTOM_GOOD))
@example(posted={"kind": CustomStudyKind.AHEAD, "days": "9" * 5000})
@example(posted={"kind": CustomStudyKind.TAG, "tag": "1e999999999"})
@example(posted={"kind": CustomStudyKind.TAG, "tag": "9" * 30})
def test_the_custom_study_form_starts_a_study_or_refuses_any_value(client, studying, posted):
    with rolled_back():
        refused_changes_nothing(client, reverse("review:custom_study", args=[studying.slug]), posted, REVIEW_APPS)


@pytest.mark.parametrize("kind", [ItemKind.TYPED, ItemKind.NUMBER, ItemKind.CLOZE, ItemKind.TRUE_FALSE])
def test_a_response_with_a_nul_character_is_refused_with_a_message(client, student_a, studying, kind):
    state = _state(student_a, kind)
    token = services.make_card_token(learner=student_a, state=state)
    response = post_never_fails(
        client, reverse("review:answer", args=[studying.slug]), {"token": token, "response": "Trot\x00sky"}, **HTMX
    )
    assert response.status_code == 400
    assert NUL_REFUSED.encode() in response.content
    assert ReviewState.objects.get(pk=state.pk).pending_answer is None
