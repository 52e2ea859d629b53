"""The study session through the Django test client: question, answer, rating, and what never leaks."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime
from decimal import Decimal

import fsrs
import pytest
from django.core import signing
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from studyapp.library.models import ChoiceData, EventData, Item, ItemKind
from studyapp.review import cards, scheduling, services
from studyapp.review.models import Rating, ReviewLog, ReviewState, StudySettings
from tests.factories import DeckFactory, ItemFactory
from tests.review.conftest import make_items, passage, state_of, study

pytestmark = pytest.mark.django_db

QUESTION = "Who wrote a secret letter to the party leaders in 1923?"
EXPLANATION = "The letter of 8 October opened the struggle."
SENTENCE = "In 1923 Leon Trotsky wrote a secret letter to the party leaders."
OTHER_SENTENCE_OF_PARAGRAPH = "Forty-six party members signed a platform in October 1923."
SENTENCE_OF_NEXT_PARAGRAPH = "The United Opposition was formed in 1926."
EVENTS = [
    EventData("Trotsky writes a secret letter", "October 1923", 192310),
    EventData("The United Opposition forms", "April 1926", 192604),
    EventData("The Opposition is expelled", "December 1927", 192712),
]
CHRONOLOGY_ANSWER = " → ".join(event.text for event in EVENTS)

# Per kind: how the item is made, and what must not reach the browser before the learner answers.
KINDS = {
    ItemKind.BASIC: ({"prompt": QUESTION, "answer": "Leon Trotsky"}, ["Leon Trotsky"]),
    ItemKind.REVERSED: (
        {"prompt": "The United Opposition", "answer": "The bloc formed against Stalin"},
        ["The bloc formed against Stalin"],
    ),
    ItemKind.TYPED: (
        {"prompt": QUESTION, "answer": "Leon Trotsky", "accepted_answers": ["Bronstein", "Lev Davidovich"]},
        ["Leon Trotsky", "Bronstein", "Lev Davidovich"],
    ),
    ItemKind.CLOZE: (
        {"prompt": "In 1923 {{Leon Trotsky}} wrote a secret letter to the party leaders.", "answer": ""},
        ["Leon Trotsky", "{{", "}}"],
    ),
    ItemKind.MULTIPLE_CHOICE: (
        {
            "prompt": QUESTION,
            "choices": [
                ChoiceData("Leon Trotsky", True),
                ChoiceData("Joseph Stalin", False),
                ChoiceData("Grigory Zinoviev", False),
            ],
        },
        [],  # every choice is on screen; what must not be is which one is right (checked below)
    ),
    ItemKind.TRUE_FALSE: (
        {"prompt": "Trotsky wrote a secret letter to the party leaders in 1923.", "answer": "True"},
        [],
    ),
    ItemKind.NUMBER: (
        {
            "prompt": "In which year did Trotsky write a secret letter to the party leaders?",
            "answer": "1923",
            "tolerance": Decimal(1),
        },
        ["1923"],
    ),
    ItemKind.CHRONOLOGY: (
        {"prompt": "Put these events in order.", "events": EVENTS},
        [*(e.when for e in EVENTS), *(str(e.sort_key) for e in EVENTS), CHRONOLOGY_ANSWER],
    ),
}
ALWAYS_SECRET = [EXPLANATION, SENTENCE, "<mark>", "is_correct", "data-correct", "sort_key", "sort-key"]


def make_item(deck, kind, **overrides) -> Item:
    fields, _secrets = KINDS[kind]
    return ItemFactory(deck=deck, kind=kind, explanation=EXPLANATION, **{**fields, **overrides})


def session_url(deck) -> str:
    return reverse("review:session", args=[deck.slug])


def url(name: str, deck) -> str:
    return reverse(f"review:{name}", args=[deck.slug])


def token_in(html: str) -> str:
    return re.search(r'name="token" value="([^"]+)"', html).group(1)


def show(client, deck, *, htmx: bool = False) -> str:
    response = client.get(session_url(deck), **({"HTTP_HX_REQUEST": "true"} if htmx else {}))
    assert response.status_code == 200
    return response.content.decode()


def suggested_rating(html: str) -> int:
    [value] = re.findall(r'value="(\d)" class="button rating rating-\d suggested"', html)
    return int(value)


def choice_keys(html: str) -> dict[str, str]:
    """Each choice's text -> the opaque key this showing gave it."""
    pattern = r'name="choice" value="([0-9a-f]+)"[^>]*> <kbd>\d</kbd> ([^<]+)</label>'
    return {text.strip(): key for key, text in re.findall(pattern, html)}


def event_keys(html: str) -> dict[str, str]:
    """Each event's text -> the opaque key this showing gave it."""
    return {
        text: key
        for key, text in re.findall(r'data-event-key="([0-9a-f]+)">\s*<span class="event-text">([^<]+)<', html)
    }


def right_response(item: Item, html: str) -> dict:
    if item.kind == ItemKind.MULTIPLE_CHOICE:
        return {"choice": [choice_keys(html)[c.text] for c in item.choices.all() if c.is_correct]}
    if item.kind == ItemKind.CHRONOLOGY:
        keys = event_keys(html)
        return {f"position-{keys[e.text]}": str(n) for n, e in enumerate(item.events.order_by("sort_key"), start=1)}
    if item.kind in (ItemKind.BASIC, ItemKind.REVERSED):
        return {}
    return {"response": item.answer}


def wrong_response(item: Item, html: str) -> dict:
    if item.kind == ItemKind.MULTIPLE_CHOICE:
        return {"choice": [choice_keys(html)[c.text] for c in item.choices.all() if not c.is_correct][:1]}
    if item.kind == ItemKind.CHRONOLOGY:
        keys = event_keys(html)
        return {f"position-{keys[e.text]}": str(n) for n, e in enumerate(item.events.order_by("-sort_key"), start=1)}
    return {"response": {ItemKind.NUMBER: "1950", ItemKind.TRUE_FALSE: "False"}.get(item.kind, "Stalin")}


@pytest.fixture
def logged_in(client, student_a):
    client.force_login(student_a)
    return client


@pytest.fixture
def kind_deck(student_a, request):
    """A deck holding one item of the parametrised kind, studied by student A."""
    deck = DeckFactory(title="One kind", slug="one-kind")
    item = make_item(deck, request.param)
    study(student_a, deck)
    return deck, item


@pytest.fixture
def small_deck(student_a):
    """A demo-like deck: one item of each kind, in kind order, studied by student A."""
    deck = DeckFactory(title="The Left Opposition", slug="left-opposition")
    items = [make_item(deck, kind, passage=passage(deck, index % 4)) for index, kind in enumerate(KINDS)]
    study(student_a, deck)
    return deck, items


ALL_KINDS = pytest.mark.parametrize("kind_deck", list(KINDS), indirect=True, ids=str)


# --- the question: nothing of the answer reaches the browser -----------------------------------------------


@ALL_KINDS
@pytest.mark.parametrize("htmx", [False, True], ids=["full-page", "htmx-partial"])
def test_the_question_shows_the_prompt_and_nothing_of_the_answer(logged_in, kind_deck, htmx):
    deck, item = kind_deck
    _fields, secrets = KINDS[item.kind]

    html = show(logged_in, deck, htmx=htmx)

    shown_prompt = item.prompt.replace("{{Leon Trotsky}}", "[…]")
    assert shown_prompt in html
    for secret in [*secrets, *ALWAYS_SECRET]:
        assert secret not in html, secret
    assert "correct" not in html.lower()
    assert "<!--" not in html
    assert ("<html" in html) is not htmx


@ALL_KINDS
def test_the_card_token_carries_no_answer(logged_in, kind_deck, student_a):
    deck, item = kind_deck
    _fields, secrets = KINDS[item.kind]

    data = signing.loads(token_in(show(logged_in, deck)), salt=services.CARD_TOKEN_SALT)
    decoded = " ".join(str(value) for value in data.values())

    # The learner, the state, its version and a submission id: nothing of the item, not even its id.
    assert set(data) == {"l", "s", "v", "u"}
    assert data["l"] == student_a.pk
    for secret in [*secrets, *ALWAYS_SECRET]:
        assert secret not in decoded, secret


@pytest.mark.parametrize("kind_deck", [ItemKind.MULTIPLE_CHOICE], indirect=True, ids=str)
def test_choices_are_shown_without_marks_and_named_by_keys_of_the_showing(logged_in, kind_deck, student_a):
    deck, item = kind_deck
    html = show(logged_in, deck)

    inputs = re.findall(r"<input[^>]*>", html)
    choice_inputs = [tag for tag in inputs if 'name="choice"' in tag]
    assert len(choice_inputs) == 3
    assert all('type="radio"' in tag for tag in choice_inputs)  # one right answer: radio buttons
    assert all(
        re.fullmatch(r'<input type="radio" name="choice" value="[0-9a-f]{16}" data-choice-key="\d"( autofocus)?>', tag)
        for tag in choice_inputs
    )
    for text in ("Leon Trotsky", "Joseph Stalin", "Grigory Zinoviev"):
        assert text in html
    # A re-render of the same showing keeps its keys and order; another showing has other keys.
    state = state_of(student_a, item)
    showing = cards.Showing(uuid.uuid4())
    assert cards.question(state, showing) == cards.question(state, cards.Showing(showing.client_uuid))
    assert cards.question(state, showing).choices != cards.question(state, cards.Showing(uuid.uuid4())).choices


@pytest.mark.parametrize("kind_deck", [ItemKind.CHRONOLOGY], indirect=True, ids=str)
def test_events_are_shown_shuffled_without_their_dates(logged_in, kind_deck):
    deck, _item = kind_deck

    html = show(logged_in, deck)

    shown = re.findall(r'<span class="event-text">([^<]+)</span>', html)
    assert sorted(shown) == sorted(e.text for e in EVENTS)
    assert shown != [e.text for e in EVENTS]  # never the true order


@pytest.mark.parametrize(
    ("kind", "other_answer"),
    [
        (ItemKind.TRUE_FALSE, {"answer": "False"}),
        (ItemKind.BASIC, {"answer": "Grigory Zinoviev"}),
        (ItemKind.TYPED, {"answer": "Joseph Stalin", "accepted_answers": ["Koba"]}),
        (ItemKind.NUMBER, {"answer": "1917"}),
    ],
    ids=str,
)
def test_changing_the_answer_does_not_change_the_question_page(logged_in, student_a, kind, other_answer):
    deck = DeckFactory(title="One kind", slug="one-kind")
    item = make_item(deck, kind)
    study(student_a, deck)

    def page() -> str:
        """The question partial without what changes on every render: the card token and the masked CSRF token."""
        html = show(logged_in, deck, htmx=True)
        return re.sub(r'value="[A-Za-z0-9]{64}"', 'value="CSRF"', html.replace(token_in(html), "TOKEN"))

    before = page()
    Item.objects.filter(pk=item.pk).update(**other_answer)
    after = page()

    assert item.prompt in before
    assert before == after


def test_a_reversed_item_shows_its_back_the_second_time(logged_in, student_a):
    deck = DeckFactory(title="One kind", slug="one-kind")
    item = make_item(deck, ItemKind.REVERSED)
    [state] = study(student_a, deck)
    ReviewState.objects.filter(pk=state.pk).update(reps=1)

    html = show(logged_in, deck)

    assert item.answer in html
    assert item.prompt not in html
    assert "Basic and reversed · reversed" in html


# --- the answer --------------------------------------------------------------------------------------------


def answer_page(client, deck, data, *, htmx: bool = True):
    """Show the card and answer it; `data` is the form's fields, or a function of the question page giving them."""
    html = show(client, deck, htmx=htmx)
    fields = data(html) if callable(data) else data
    return client.post(
        url("answer", deck), {"token": token_in(html), **fields}, **({"HTTP_HX_REQUEST": "true"} if htmx else {})
    )


@ALL_KINDS
def test_after_answering_the_feedback_shows_the_answer_explanation_source_and_ratings(logged_in, kind_deck):
    deck, item = kind_deck

    response = answer_page(logged_in, deck, lambda html: right_response(item, html))

    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    expected = {ItemKind.CLOZE: "Leon Trotsky", ItemKind.MULTIPLE_CHOICE: "Leon Trotsky"}.get(item.kind, item.answer)
    assert expected in html
    assert EXPLANATION in html
    assert f"<mark>{SENTENCE}</mark>" in html
    assert OTHER_SENTENCE_OF_PARAGRAPH in html  # the sentence is shown in its paragraph...
    assert SENTENCE_OF_NEXT_PARAGRAPH not in html  # ... and only that paragraph
    assert [int(v) for v in re.findall(r'name="rating" value="(\d)"', html)] == [1, 2, 3, 4]
    assert suggested_rating(html) == Rating.GOOD
    if item.kind not in (ItemKind.BASIC, ItemKind.REVERSED):
        assert "Right" in html


@pytest.mark.parametrize(
    "kind_deck",
    [k for k in KINDS if k not in (ItemKind.BASIC, ItemKind.REVERSED)],
    indirect=True,
    ids=str,
)
def test_a_wrong_answer_says_so_shows_the_right_one_and_suggests_again(logged_in, kind_deck):
    deck, item = kind_deck

    html = answer_page(logged_in, deck, lambda html: wrong_response(item, html)).content.decode()

    assert "Not quite" in html
    assert 'class="verdict wrong"' in html
    expected = {ItemKind.CLOZE: "Leon Trotsky", ItemKind.MULTIPLE_CHOICE: "Leon Trotsky"}.get(item.kind, item.answer)
    assert f'<dd class="correct-answer">{expected}' in html.replace("&#x27;", "'")
    assert suggested_rating(html) == Rating.AGAIN
    assert 'rating-1 suggested"' in html


@pytest.mark.parametrize("kind_deck", [ItemKind.TYPED], indirect=True, ids=str)
def test_the_ratings_show_the_intervals_fsrs_gives(logged_in, kind_deck):
    deck, _item = kind_deck
    scheduler = fsrs.Scheduler(enable_fuzzing=False)
    at = datetime(2026, 1, 15, tzinfo=UTC)
    expected = [
        scheduling.format_interval(scheduler.review_card(fsrs.Card(card_id=1, due=at), rating, at)[0].due - at)
        for rating in fsrs.Rating
    ]

    html = answer_page(logged_in, deck, {"response": "Trotsky"}).content.decode()

    assert re.findall(r'<span class="interval">· ([^<]+)</span>', html) == expected
    assert expected[:3] == ["1m", "6m", "10m"]


@pytest.mark.parametrize("kind_deck", [ItemKind.TYPED], indirect=True, ids=str)
def test_answering_schedules_nothing_until_the_learner_rates(logged_in, kind_deck, student_a):
    deck, item = kind_deck
    before = ReviewState.objects.get(learner=student_a, item=item)

    answer_page(logged_in, deck, {"response": "Trotsky"})

    after = ReviewState.objects.get(learner=student_a, item=item)
    assert (after.state, after.reps, after.due, after.stability) == (
        before.state,
        before.reps,
        before.due,
        before.stability,
    )
    assert after.pending_answer["text"] == "Trotsky"
    assert not ReviewLog.objects.exists()


@pytest.mark.parametrize("kind_deck", [ItemKind.TRUE_FALSE], indirect=True, ids=str)
def test_an_unreadable_answer_is_422_with_the_question_again(logged_in, kind_deck):
    deck, item = kind_deck

    response = answer_page(logged_in, deck, {})

    assert response.status_code == 422
    assert "Choose True or False." in response.content.decode()
    assert item.prompt in response.content.decode()


# --- rating ------------------------------------------------------------------------------------------------


def rate(client, deck, token, rating=Rating.GOOD, *, htmx=True, **data):
    return client.post(
        url("rate", deck),
        {"token": token, "rating": int(rating), **data},
        **({"HTTP_HX_REQUEST": "true"} if htmx else {}),
    )


def test_rating_records_one_review_and_returns_the_next_card(logged_in, small_deck, student_a):
    deck, items = small_deck
    first, second = items[0], items[1]
    feedback = answer_page(logged_in, deck, {}).content.decode()

    response = rate(logged_in, deck, token_in(feedback), duration_ms="5300")

    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert second.prompt in html
    log = ReviewLog.objects.get()
    assert (log.learner, log.item, log.rating, log.was_correct, log.duration_ms) == (
        student_a,
        first,
        Rating.GOOD,
        None,  # a flip card: self-rated, never graded
        5300,
    )
    assert state_of(student_a, first).reps == 1
    assert state_of(student_a, first).pending_answer is None


def test_without_javascript_rating_redirects_to_the_session(logged_in, small_deck):
    deck, _items = small_deck
    token = token_in(show(logged_in, deck))

    response = rate(logged_in, deck, token, htmx=False)

    assert response.status_code == 302
    assert response["Location"] == session_url(deck)
    assert ReviewLog.objects.count() == 1


def test_replaying_the_rating_writes_nothing_more(logged_in, small_deck, student_a):
    deck, items = small_deck
    token = token_in(show(logged_in, deck))
    rate(logged_in, deck, token)
    after_first = ReviewState.objects.get(learner=student_a, item=items[0])

    response = rate(logged_in, deck, token, Rating.AGAIN)

    again = ReviewState.objects.get(learner=student_a, item=items[0])
    assert response.status_code == 200
    assert ReviewLog.objects.count() == 1
    assert ReviewLog.objects.get().rating == Rating.GOOD
    assert (again.version, again.due, again.state) == (after_first.version, after_first.due, after_first.state)


def test_a_rating_out_of_range_is_refused(logged_in, small_deck):
    deck, _items = small_deck
    token = token_in(show(logged_in, deck))

    for bad in ("0", "5", "good", ""):
        response = logged_in.post(url("rate", deck), {"token": token, "rating": bad})
        assert response.status_code == 400
    assert not ReviewLog.objects.exists()


def test_undo_through_the_session_brings_the_card_back(logged_in, small_deck, student_a):
    deck, items = small_deck
    rate(logged_in, deck, token_in(show(logged_in, deck)))

    response = logged_in.post(url("undo", deck), HTTP_HX_REQUEST="true")

    assert "Undid your last review." in response.content.decode()
    assert items[0].prompt in response.content.decode()
    assert not ReviewLog.objects.exists()
    assert state_of(student_a, items[0]).reps == 0


def test_card_actions_suspend_bury_and_flag_the_card_on_screen(logged_in, small_deck, student_a):
    deck, items = small_deck

    for action in ("flag", "bury"):
        token = token_in(show(logged_in, deck))
        logged_in.post(url("card_action", deck), {"token": token, "action": action}, HTTP_HX_REQUEST="true")
    token = token_in(show(logged_in, deck))
    logged_in.post(url("card_action", deck), {"token": token, "action": "suspend"}, HTTP_HX_REQUEST="true")

    first, second = state_of(student_a, items[0]), state_of(student_a, items[1])
    assert (first.flagged, first.buried_until is not None, first.suspended) == (True, True, False)
    assert second.suspended is True


# --- another learner's cards -------------------------------------------------------------------------------


@pytest.fixture
def b_token(small_deck, student_b):
    deck, _items = small_deck
    [b_state, *_] = study(student_b, deck)
    return services.make_card_token(learner=student_b, state=b_state)


@pytest.mark.parametrize("endpoint", ["rate", "answer", "card_action"])
def test_another_learners_token_gets_an_error_notice_and_changes_nothing(
    logged_in, small_deck, student_b, b_token, endpoint
):
    deck, _items = small_deck
    before = list(ReviewState.objects.filter(learner=student_b).values_list("version", flat=True))

    response = logged_in.post(
        url(endpoint, deck), {"token": b_token, "rating": "3", "action": "suspend"}, HTTP_HX_REQUEST="true"
    )

    assert "This card belongs to another learner." in response.content.decode()
    assert not ReviewLog.objects.exists()
    assert list(ReviewState.objects.filter(learner=student_b).values_list("version", flat=True)) == before


def test_a_forged_token_gets_an_error_notice(logged_in, small_deck):
    deck, _items = small_deck

    response = rate(logged_in, deck, "forged:token:value")

    assert "not valid" in response.content.decode()
    assert not ReviewLog.objects.exists()


def test_another_learners_suspended_item_can_not_be_unsuspended(logged_in, small_deck, student_b):
    deck, _items = small_deck
    [b_state, *_] = study(student_b, deck)
    services.suspend(learner=student_b, state_id=b_state.pk)

    response = logged_in.post(reverse("review:unsuspend", args=[deck.slug, b_state.pk]))

    assert response.status_code == 404
    assert ReviewState.objects.get(pk=b_state.pk).suspended is True


def test_my_suspended_item_can_be_unsuspended(logged_in, small_deck, student_a):
    deck, items = small_deck
    state = state_of(student_a, items[0])
    services.suspend(learner=student_a, state_id=state.pk)

    page = logged_in.get(url("suspended", deck)).content.decode()
    response = logged_in.post(reverse("review:unsuspend", args=[deck.slug, state.pk]))

    assert items[0].prompt in page
    assert response.status_code == 302
    assert ReviewState.objects.get(pk=state.pk).suspended is False


def test_the_session_of_a_deck_not_studied_is_404(logged_in, small_deck):
    other = DeckFactory()
    make_items(other, 1)

    assert logged_in.get(session_url(other)).status_code == 404
    assert logged_in.post(url("rate", other), {"token": "x", "rating": "3"}).status_code == 404


def test_the_session_needs_a_login(client, small_deck):
    deck, _items = small_deck

    response = client.get(session_url(deck))

    assert response.status_code == 302
    assert "/login" in response["Location"]


@pytest.mark.parametrize("name", ["answer", "rate", "undo", "card_action", "add_deck"])
def test_post_only_endpoints_refuse_get(logged_in, small_deck, name):
    deck, _items = small_deck

    assert logged_in.get(url(name, deck)).status_code == 405


def test_unsuspend_refuses_get(logged_in, small_deck, student_a):
    deck, items = small_deck
    state = state_of(student_a, items[0])

    assert logged_in.get(reverse("review:unsuspend", args=[deck.slug, state.pk])).status_code == 405


# --- settings ----------------------------------------------------------------------------------------------

VALID_SETTINGS = {
    "desired_retention": "0.85",
    "new_per_day": "15",
    "reviews_per_day": "150",
    "learning_steps": "1m 10m 1h",
    "relearning_steps": "10m",
    "timezone": "Australia/Sydney",
    "day_starts_at": "5",
    "leech_threshold": "6",
}


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("desired_retention", "0.5", "Desired retention must be at least 0.70."),
        ("desired_retention", "1.2", "Desired retention can be at most 0.99."),
        ("learning_steps", "10x", "“10x” is not a step"),
        ("relearning_steps", "0m", "“0m” is not a step"),
        ("timezone", "Mars/Olympus_Mons", "“Mars/Olympus_Mons” is not a time zone"),
        ("day_starts_at", "24", "The day starts at an hour from 0 to 23."),
    ],
)
def test_invalid_settings_are_422_with_a_clear_error_and_nothing_saved(logged_in, student_a, field, value, message):
    services.settings_for(student_a)

    response = logged_in.post(reverse("review:settings"), {**VALID_SETTINGS, field: value})

    assert response.status_code == 422
    assert message in response.content.decode()
    saved = StudySettings.objects.get(learner=student_a)
    assert (saved.desired_retention, saved.learning_steps, saved.timezone, saved.day_starts_at) == (
        Decimal("0.90"),
        "1m 10m",
        "UTC",
        4,
    )


def test_an_empty_settings_post_is_422_saying_what_is_missing_not_the_form_as_if_never_sent(logged_in, student_a):
    response = logged_in.post(reverse("review:settings"), {})

    assert response.status_code == 422
    assert "This field is required." in response.content.decode()


def test_valid_settings_are_saved(logged_in, student_a):
    response = logged_in.post(reverse("review:settings"), VALID_SETTINGS)

    assert response.status_code == 302
    saved = StudySettings.objects.get(learner=student_a)
    assert saved.desired_retention == Decimal("0.85")
    assert (saved.new_per_day, saved.reviews_per_day, saved.leech_threshold) == (15, 150, 6)
    assert (saved.learning_steps, saved.relearning_steps) == ("1m 10m 1h", "10m")
    assert (saved.timezone, saved.day_starts_at) == ("Australia/Sydney", 5)


# --- cost of a rating --------------------------------------------------------------------------------------


def sized_deck(learner, size: int):
    """A deck of `size` basic items spread over the source's four passages, studied by the learner."""
    deck = DeckFactory(title="Sized", slug=f"sized-{size}")
    Item.objects.bulk_create(
        Item(
            deck=deck,
            kind=ItemKind.BASIC,
            prompt=f"Question {n}?",
            answer=f"Answer {n}",
            position=n,
            passage=passage(deck, n % 4),
        )
        for n in range(size)
    )
    study(learner, deck)
    return deck


def rate_round_trip(client, learner, size: int, capture):
    deck = sized_deck(learner, size)
    client.force_login(learner)
    token = token_in(answer_page(client, deck, {}).content.decode())
    with capture as captured:
        response = rate(client, deck, token)
    assert response.status_code == 200
    # The next card: item 1 (item 0's siblings from passage 0 are buried for the day).
    assert "<p>Question 1?</p>" in response.content.decode()
    assert ReviewLog.objects.filter(item__deck=deck).count() == 1
    return captured


@pytest.mark.parametrize("size", [10, 200])
def test_the_rate_round_trip_takes_9_queries_on_sqlite_and_7_on_postgresql_whatever_the_deck_size(
    client, student_a, size, django_assert_num_queries
):
    # 1. the user, with their study settings and roles (the session comes from the cache)
    # 2. SAVEPOINT: record_review's transaction.atomic() (BEGIN IMMEDIATE on SQLite outside tests)
    # 3. the state by (id, learner, version), with its item's passage (FOR UPDATE on PostgreSQL)
    # 4. UPDATE ... RETURNING: bury the item's siblings from the same passage
    # 5. INSERT the review log
    # 6. UPDATE the state where its version is unchanged
    #    (4-6 are one statement on PostgreSQL)
    # 7. RELEASE SAVEPOINT (COMMIT outside tests)
    # 8. the queue counts
    # 9. the next card with its item, passage and deck
    rate_round_trip(client, student_a, size, django_assert_num_queries(7 if connection.vendor == "postgresql" else 9))


@pytest.mark.parametrize(("kind", "queries"), [(ItemKind.TYPED, 5), (ItemKind.MULTIPLE_CHOICE, 6)], ids=str)
def test_the_answer_takes_5_queries_and_one_more_for_choices(
    client, student_a, kind, queries, django_assert_num_queries
):
    deck = DeckFactory(title="One kind", slug="one-kind")
    item = make_item(deck, kind, passage=passage(deck, 0))
    study(student_a, deck)
    client.force_login(student_a)
    html = show(client, deck, htmx=True)
    fields = {"token": token_in(html), **right_response(item, html)}

    # 1. the user; 2. the studied deck; 3. the state with its item, passage and deck; (4. the choices);
    # 4. UPDATE the state with the kept answer; 5. the sentence's paragraph for the feedback
    with django_assert_num_queries(queries):
        response = client.post(url("answer", deck), fields, HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    assert 'data-phase="feedback"' in response.content.decode()


def test_the_rate_round_trip_costs_the_same_for_10_and_200_items(client, student_a):
    small = rate_round_trip(client, student_a, 10, CaptureQueriesContext(connection))
    large = rate_round_trip(client, student_a, 200, CaptureQueriesContext(connection))

    assert len(large) == len(small)
