"""Study you can trust: nothing on the page, in a partial or in the token gives the answer away, and the
server alone decides whether an answer was right.

The attacks are the ones that worked before: re-running Python's shuffle seeded with the card token,
sorting the events' or choices' ids, posting back a "correct" flag, and answering a token again once
its answer had been shown.
"""

from __future__ import annotations

import base64
import json
import random
import re
import zlib

import pytest
from django.urls import reverse

from studyapp.library.models import ChoiceData, EventData, ItemKind
from studyapp.review.models import ReviewLog, ReviewState
from tests.factories import DeckFactory, ItemFactory
from tests.review.conftest import study

pytestmark = pytest.mark.django_db

EVENTS = [
    EventData("Lenin's testament is written", "December 1922", 19221200),
    EventData("The letter of the Forty-Six", "October 1923", 19231000),
    EventData("The United Opposition forms", "April 1926", 19260400),
    EventData("The Opposition is expelled", "December 1927", 19271200),
    EventData("Trotsky is exiled to Alma-Ata", "January 1928", 19280100),
]
# The author wrote the right choice first, as authors tend to.
CHOICES = [
    ChoiceData("Leon Trotsky", True),
    ChoiceData("Joseph Stalin", False),
    ChoiceData("Grigory Zinoviev", False),
    ChoiceData("Nikolai Bukharin", False),
    ChoiceData("Lev Kamenev", False),
]
SHOWINGS = 60


@pytest.fixture
def learner(client, student_a):
    client.force_login(student_a)
    return student_a


def one_item_deck(learner, kind, **fields):
    deck = DeckFactory(title="One item", slug="one-item")
    item = ItemFactory(
        deck=deck, kind=kind, prompt="Put these in order." if kind == ItemKind.CHRONOLOGY else "Who?", **fields
    )
    study(learner, deck)
    return deck, item


def question_page(client, deck) -> str:
    """A fresh showing of the card: the partial htmx would get."""
    response = client.get(reverse("review:session", args=[deck.slug]), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    return response.content.decode()


def token_in(html: str) -> str:
    return re.search(r'name="token" value="([^"]+)"', html).group(1)


def shown_events(html: str) -> list[tuple[str, str]]:
    return re.findall(r'data-event-key="([^"]+)">\s*<span class="event-text">([^<]+)<', html)


def shown_choices(html: str) -> list[tuple[str, str]]:
    return [
        (key, text.strip())
        for key, text in re.findall(r'name="choice" value="([^"]+)"[^>]*> <kbd>\d</kbd> ([^<]+)</label>', html)
    ]


def readable_payload(token: str) -> dict:
    """What anyone holding the token can read without the secret: its base64 (and maybe zlib) payload."""
    payload = token.split(":")[0]
    compressed = payload.startswith(".")
    data = base64.urlsafe_b64decode(payload.lstrip(".") + "=" * (-len(payload.lstrip(".")) % 4))
    return json.loads(zlib.decompress(data) if compressed else data)


def unshuffled_by_reseeding(token: str, shown: list) -> list:
    """The old attack: Python's shuffle seeded with the token, run again and inverted, gives the authored order."""
    permutation = list(range(len(shown)))
    random.Random(token).shuffle(permutation)
    authored = [None] * len(shown)
    for position, index in enumerate(permutation):
        authored[index] = shown[position]
    return authored


TRUE_ORDER = [event.text for event in EVENTS]


# --- 1. nothing to recover from the page or the token ---------------------------------------------------


def test_re_seeding_a_shuffle_with_the_token_recovers_the_event_order_no_better_than_chance(client, learner):
    deck, _item = one_item_deck(learner, ItemKind.CHRONOLOGY, events=EVENTS)

    recovered = 0
    for _ in range(SHOWINGS):
        html = question_page(client, deck)
        texts = [text for _key, text in shown_events(html)]
        recovered += unshuffled_by_reseeding(token_in(html), texts) == TRUE_ORDER

    # By chance: 1 in 119 orders (the true one is never shown); before the fix, every time.
    assert recovered <= 3


def test_re_seeding_a_shuffle_with_the_token_finds_the_right_choice_no_better_than_chance(client, learner):
    deck, _item = one_item_deck(learner, ItemKind.MULTIPLE_CHOICE, choices=CHOICES)

    recovered = 0
    for _ in range(SHOWINGS):
        html = question_page(client, deck)
        texts = [text for _key, text in shown_choices(html)]
        recovered += unshuffled_by_reseeding(token_in(html), texts)[0] == "Leon Trotsky"

    # By chance about 12 of 60; before the fix, all 60.
    assert recovered < SHOWINGS / 2


def test_sorting_the_events_keys_never_gives_the_true_order(client, learner):
    deck, _item = one_item_deck(learner, ItemKind.CHRONOLOGY, events=EVENTS)

    for _ in range(SHOWINGS // 2):
        events = shown_events(question_page(client, deck))
        assert [text for _key, text in sorted(events)] != TRUE_ORDER


def test_the_lowest_choice_key_is_the_right_choice_only_by_chance(client, learner):
    deck, _item = one_item_deck(learner, ItemKind.MULTIPLE_CHOICE, choices=CHOICES)

    lowest_is_right = 0
    right_at = set()
    for _ in range(SHOWINGS):
        choices = shown_choices(question_page(client, deck))
        lowest_is_right += min(choices)[1] == "Leon Trotsky"
        right_at.add([text for _key, text in choices].index("Leon Trotsky"))

    assert lowest_is_right < SHOWINGS / 2
    assert right_at == set(range(len(CHOICES)))  # the right choice turns up in every position


@pytest.mark.parametrize("kind", [ItemKind.CHRONOLOGY, ItemKind.MULTIPLE_CHOICE], ids=str)
def test_the_page_names_choices_and_events_by_keys_of_the_showing_never_by_database_ids(client, learner, kind):
    deck, item = one_item_deck(
        learner, kind, **({"events": EVENTS} if kind == ItemKind.CHRONOLOGY else {"choices": CHOICES})
    )
    ids = {str(pk) for pk in [*item.choices.values_list("pk", flat=True), *item.events.values_list("pk", flat=True)]}

    first, second = question_page(client, deck), question_page(client, deck)

    keys = [key for key, _text in (shown_events(first) or shown_choices(first))]
    again = [key for key, _text in (shown_events(second) or shown_choices(second))]
    assert len(keys) == 5
    assert all(re.fullmatch(r"[0-9a-f]{16}", key) for key in keys)
    assert not ids & set(keys)
    assert not set(keys) & set(again)  # each showing has its own keys
    assert "data-event-id" not in first
    assert not re.search(r'name="position-\d+"', first)


@pytest.mark.parametrize("kind", [ItemKind.CHRONOLOGY, ItemKind.MULTIPLE_CHOICE], ids=str)
def test_the_token_holds_only_the_state_its_version_and_a_submission_id(client, learner, kind):
    deck, _item = one_item_deck(learner, kind)

    payload = readable_payload(token_in(question_page(client, deck)))

    assert set(payload) == {"l", "s", "v", "u"}


# --- 3. the server alone grades -----------------------------------------------------------------------------


def post(client, name, deck, data):
    return client.post(reverse(f"review:{name}", args=[deck.slug]), data, HTTP_HX_REQUEST="true")


def test_a_correct_flag_and_response_posted_with_the_rating_are_ignored(client, learner):
    deck, _item = one_item_deck(learner, ItemKind.TYPED, answer="Leon Trotsky")
    question = question_page(client, deck)
    feedback = post(client, "answer", deck, {"token": token_in(question), "response": "Stalin"}).content.decode()
    assert "Not quite" in feedback

    post(client, "rate", deck, {"token": token_in(feedback), "rating": "3", "correct": "1", "response": "Leon Trotsky"})

    log = ReviewLog.objects.get()
    assert (log.was_correct, log.response) == (False, "Stalin")


def test_the_rating_form_carries_neither_the_response_nor_its_correctness(client, learner):
    deck, _item = one_item_deck(learner, ItemKind.TYPED, answer="Leon Trotsky")
    question = question_page(client, deck)

    feedback = post(client, "answer", deck, {"token": token_in(question), "response": "Trotsky"}).content.decode()

    rating_form = re.search(r'<form class="rating-form".*?</form>', feedback, re.DOTALL).group()
    assert set(re.findall(r'name="([^"]+)"', rating_form)) == {"csrfmiddlewaretoken", "token", "duration_ms", "rating"}


def test_a_token_is_spent_once_its_answer_is_shown(client, learner):
    deck, _item = one_item_deck(learner, ItemKind.TYPED, answer="Leon Trotsky")
    token = token_in(question_page(client, deck))
    post(client, "answer", deck, {"token": token, "response": "Stalin"})

    again = post(client, "answer", deck, {"token": token, "response": "Leon Trotsky"}).content.decode()

    # The first answer's feedback once more: the right answer seen can't be typed in for a second grade.
    assert "Not quite" in again
    feedback_token = token_in(again)
    post(client, "rate", deck, {"token": feedback_token, "rating": "3"})
    assert ReviewLog.objects.get().was_correct is False


def test_a_reload_after_answering_shows_the_kept_feedback_not_a_fresh_question(client, learner):
    deck, _item = one_item_deck(learner, ItemKind.TYPED, answer="Leon Trotsky")
    post(client, "answer", deck, {"token": token_in(question_page(client, deck)), "response": "Stalin"})

    reloaded = question_page(client, deck)

    assert 'data-phase="feedback"' in reloaded
    assert "Not quite" in reloaded
    assert 'name="response"' not in reloaded
    post(client, "rate", deck, {"token": token_in(reloaded), "rating": "1"})
    assert ReviewLog.objects.get().was_correct is False


def test_a_choice_named_by_its_database_id_or_another_showings_key_is_refused(client, learner):
    deck, item = one_item_deck(learner, ItemKind.MULTIPLE_CHOICE, choices=CHOICES)
    right = item.choices.get(is_correct=True)
    other_showing = {text: key for key, text in shown_choices(question_page(client, deck))}
    token = token_in(question_page(client, deck))

    for forged in (str(right.pk), other_showing["Leon Trotsky"]):
        response = post(client, "answer", deck, {"token": token, "choice": forged})
        assert response.status_code == 422
        assert "Pick one of the choices shown." in response.content.decode()
    assert ReviewState.objects.get(learner=learner, item=item).pending_answer is None


def test_a_rating_never_preceded_by_an_answer_records_no_correctness(client, learner):
    deck, _item = one_item_deck(learner, ItemKind.TYPED, answer="Leon Trotsky")

    post(client, "rate", deck, {"token": token_in(question_page(client, deck)), "rating": "3", "correct": "1"})

    assert ReviewLog.objects.get().was_correct is None


# --- what a new student met: a 422 they could not see ---------------------------------------------------------


def test_checking_a_multiple_choice_card_with_nothing_ticked_shows_the_same_card_with_a_message(client, learner):
    deck, _item = one_item_deck(learner, ItemKind.MULTIPLE_CHOICE, choices=CHOICES)
    question = question_page(client, deck)

    response = post(client, "answer", deck, {"token": token_in(question)})

    html = response.content.decode()
    assert response.status_code == 422
    assert '<p class="notice error" role="alert">Pick at least one choice.</p>' in html
    assert token_in(html) == token_in(question)
    assert shown_choices(html) == shown_choices(question)  # same card, same order: nothing to re-read


def test_htmx_is_told_to_swap_a_422(client, learner):
    deck, _item = one_item_deck(learner, ItemKind.MULTIPLE_CHOICE)

    page = client.get(reverse("review:session", args=[deck.slug])).content.decode()

    config = json.loads(re.search(r"<meta name=\"htmx-config\" content='([^']+)'>", page).group(1))
    rules = config["responseHandling"]
    first_match = next(rule for rule in rules if re.fullmatch(rule["code"].replace(".", r"\d"), "422"))
    assert first_match["swap"] is True
