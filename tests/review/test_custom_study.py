"""Custom study (issue 9): review ahead, review forgotten items, study by tag and cram, outside the daily queue.

What each kind gathers is tested through the service at a fixed moment (NOW); the session is tested
through the Django test client, whose requests run at the real time, so those decks are crammed or
have their due dates set relative to `timezone.now()`.
"""

from __future__ import annotations

import random
import re
from datetime import UTC, datetime, timedelta

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from studyapp.library.models import ItemKind, Tag
from studyapp.review import scheduling, services
from studyapp.review.models import (
    CustomStudy,
    CustomStudyCard,
    CustomStudyKind,
    Rating,
    ReviewDay,
    ReviewLog,
    ReviewState,
)
from tests.factories import DeckFactory, ItemFactory
from tests.review.conftest import NOW, answer, make_items, make_learning_state, make_review_state, study
from tests.review.test_views import sized_deck

pytestmark = pytest.mark.django_db

# With the default settings (UTC, the day starting at 04:00) the learner's day of NOW ends here.
END_OF_TODAY = datetime(2026, 1, 16, 4, 0, tzinfo=UTC)


def start(learner, deck, kind, *, now=NOW, **options) -> CustomStudy:
    custom, _selection = services.start_custom_study(learner=learner, deck=deck, kind=kind, now=now, **options)
    return custom


def gathered(custom: CustomStudy) -> list[int]:
    """The study's state ids in the order they are shown."""
    return list(custom.cards.order_by("position").values_list("state_id", flat=True))


def url(name: str, deck) -> str:
    return reverse(f"review:custom_{name}", args=[deck.slug])


def token_in(html: str) -> str:
    return re.search(r'name="token" value="([^"]+)"', html).group(1)


def show(client, deck) -> str:
    response = client.get(url("session", deck), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    return response.content.decode()


def post(client, name, deck, data=None, *, htmx=True):
    return client.post(url(name, deck), data or {}, **({"HTTP_HX_REQUEST": "true"} if htmx else {}))


def prompt_in(html: str) -> str:
    return re.search(r'<div class="prompt"[^>]*><p>([^<]+)</p>', html).group(1)


def done_header(html: str) -> str:
    return re.search(r'<p class="custom-head" id="custom-progress">([^<]+)', html).group(1)


@pytest.fixture
def logged_in(client, student_a):
    client.force_login(student_a)
    return client


def typed_deck(learner, count: int, *, slug="typed"):
    """`count` typed-answer items, Q1? ... (all answered "Leon Trotsky"), from no passage, studied by the learner."""
    deck = DeckFactory(title="Typed", slug=slug)
    for n in range(1, count + 1):
        ItemFactory(deck=deck, kind=ItemKind.TYPED, prompt=f"Q{n}?", answer="Leon Trotsky", passage=None)
    return deck, study(learner, deck)


# --- what each kind gathers ----------------------------------------------------------------------------------


def test_review_ahead_gathers_review_items_due_after_today_and_within_the_days_in_due_order(student_a, student_b, deck):
    make_items(deck, 8, passage_index=None)
    states = study(student_a, deck)
    make_review_state(states[0], due=NOW + timedelta(hours=6))  # due today: the daily queue's
    make_review_state(states[1], due=NOW + timedelta(days=5))
    make_review_state(states[2], due=END_OF_TODAY + timedelta(hours=6))  # tomorrow
    make_review_state(states[3], due=END_OF_TODAY + timedelta(days=7) - timedelta(minutes=1))  # last of the 7 days
    make_review_state(states[4], due=END_OF_TODAY + timedelta(days=7))  # the 8th day
    make_learning_state(states[5], due=END_OF_TODAY + timedelta(hours=6))  # learning, not review
    make_review_state(states[6], due=END_OF_TODAY + timedelta(days=1), suspended=True)
    # states[7] is new.
    other = DeckFactory()
    make_items(other, 1)
    make_review_state(study(student_a, other)[0], due=END_OF_TODAY + timedelta(hours=1))
    make_review_state(study(student_b, deck)[2], due=END_OF_TODAY + timedelta(hours=1))

    week = start(student_a, deck, CustomStudyKind.AHEAD)
    assert gathered(week) == [states[2].pk, states[1].pk, states[3].pk]
    assert (week.days, week.reschedule) == (7, True)  # the defaults
    tomorrow = start(student_a, deck, CustomStudyKind.AHEAD, days=1)
    assert gathered(tomorrow) == [states[2].pk]


def test_review_forgotten_gathers_items_rated_again_on_the_learners_last_days(student_a, student_b, deck):
    make_items(deck, 6, passage_index=None)
    states = study(student_a, deck)
    answer(student_a, states[0], Rating.AGAIN, now=NOW)
    answer(student_a, states[1], Rating.AGAIN, now=NOW - timedelta(days=1))
    # 03:00 today is before the learner's day starts at 04:00: still yesterday for them.
    answer(student_a, states[2], Rating.AGAIN, now=datetime(2026, 1, 15, 3, 0, tzinfo=UTC))
    answer(student_a, states[3], Rating.GOOD, now=NOW)
    answer(student_a, states[4], Rating.AGAIN, now=NOW - timedelta(days=2))  # the day before yesterday
    answer(student_a, states[5], Rating.AGAIN, now=NOW)
    services.suspend(learner=student_a, state_id=states[5].pk)
    other = DeckFactory()
    make_items(other, 1, passage_index=None)
    answer(student_a, study(student_a, other)[0], Rating.AGAIN, now=NOW)
    answer(student_b, study(student_b, deck)[3], Rating.AGAIN, now=NOW)

    today = start(student_a, deck, CustomStudyKind.FORGOTTEN)
    assert gathered(today) == [states[0].pk]
    assert (today.days, today.reschedule) == (1, True)
    two_days = start(student_a, deck, CustomStudyKind.FORGOTTEN, days=2)
    due = dict(ReviewState.objects.filter(pk__in=[s.pk for s in states]).values_list("pk", "due"))
    assert gathered(two_days) == sorted([states[0].pk, states[1].pk, states[2].pk], key=due.__getitem__)


def test_study_by_tag_gathers_the_decks_items_with_the_tag_new_ones_included(student_a, student_b, deck):
    tagged = [ItemFactory(deck=deck, passage=None, tags=["exam"]) for _ in range(3)]
    untagged = ItemFactory(deck=deck, passage=None, tags=["other"])
    states = {state.item_id: state for state in study(student_a, deck)}
    answer(student_a, states[tagged[1].pk], Rating.GOOD, now=NOW)  # reviewed, as well as new ones
    services.suspend(learner=student_a, state_id=states[tagged[2].pk].pk)
    other = DeckFactory()
    ItemFactory(deck=other, passage=None, tags=["exam"])
    study(student_a, other)
    study(student_b, deck)

    custom = start(student_a, deck, CustomStudyKind.TAG, tag=Tag.objects.get(name="exam"))

    assert sorted(gathered(custom)) == sorted([states[tagged[0].pk].pk, states[tagged[1].pk].pk])
    assert states[untagged.pk].pk not in gathered(custom)
    assert (custom.days, custom.reschedule) == (None, False)


def test_cram_gathers_every_unsuspended_item_of_the_deck_once(student_a, student_b, deck):
    make_items(deck, 5, passage_index=None)
    states = study(student_a, deck)
    make_review_state(states[1], due=NOW + timedelta(days=40))
    services.suspend(learner=student_a, state_id=states[4].pk)
    services.bury(learner=student_a, state_id=states[3].pk, now=NOW)  # buried for the daily queue: still crammed
    other = DeckFactory()
    make_items(other, 2)
    study(student_a, other)
    study(student_b, deck)

    custom = start(student_a, deck, CustomStudyKind.CRAM)

    assert sorted(gathered(custom)) == sorted(state.pk for state in states[:4])
    assert (custom.days, custom.tag, custom.reschedule) == (None, None, False)


def test_the_learner_may_choose_the_other_way_for_rescheduling(student_a, deck):
    make_items(deck, 2, passage_index=None)
    states = study(student_a, deck)
    make_review_state(states[0], due=END_OF_TODAY + timedelta(days=1))

    assert start(student_a, deck, CustomStudyKind.CRAM, reschedule=True).reschedule is True
    assert start(student_a, deck, CustomStudyKind.AHEAD, reschedule=False).reschedule is False
    assert CustomStudy.objects.get().reschedule is False


def test_starting_another_custom_study_replaces_the_one_in_progress(student_a, deck):
    make_items(deck, 3, passage_index=None)
    study(student_a, deck)
    first = start(student_a, deck, CustomStudyKind.CRAM)

    second = start(student_a, deck, CustomStudyKind.CRAM)

    assert list(CustomStudy.objects.values_list("pk", flat=True)) == [second.pk]
    assert not CustomStudyCard.objects.filter(study_id=first.pk).exists()
    assert CustomStudyCard.objects.count() == 3


def test_a_custom_study_holds_at_most_the_cap_taking_the_first_due(student_a, deck, monkeypatch):
    from studyapp.review import selectors

    monkeypatch.setattr(selectors, "CUSTOM_STUDY_CAP", 2)
    make_items(deck, 3, passage_index=None)
    states = study(student_a, deck)
    for days, state in zip([3, 1, 2], states, strict=True):
        make_review_state(state, due=END_OF_TODAY + timedelta(days=days))

    custom, selection = services.start_custom_study(learner=student_a, deck=deck, kind="ahead", now=NOW)

    assert gathered(custom) == [states[1].pk, states[2].pk]
    assert (selection.found, selection.capped) == (3, True)


# --- the form --------------------------------------------------------------------------------------------------


def test_the_form_offers_only_the_tags_used_in_the_deck(logged_in, student_a, deck):
    ItemFactory(deck=deck, passage=None, tags=["exam"])
    ItemFactory(deck=DeckFactory(), passage=None, tags=["elsewhere"])
    study(student_a, deck)

    html = logged_in.get(url("study", deck)).content.decode()

    options = re.findall(r'<option value="(\d+)"[^>]*>([^<]+)</option>', html)
    assert [name for _pk, name in options] == ["exam"]


def test_starting_from_the_form_goes_to_the_custom_session(logged_in, student_a, deck):
    make_items(deck, 3, passage_index=None)
    study(student_a, deck)

    response = logged_in.post(url("study", deck), {"kind": "cram"})

    assert response.status_code == 302
    assert response["Location"] == url("session", deck)
    assert CustomStudy.objects.get().kind == CustomStudyKind.CRAM
    assert "Custom study: Cram the whole deck — 0 of 3 done" in logged_in.get(url("session", deck)).content.decode()


def test_an_empty_selection_is_422_with_a_message_and_nothing_saved(logged_in, student_a, deck):
    make_items(deck, 2, passage_index=None)
    study(student_a, deck)  # all new: nothing is due ahead, nothing was forgotten

    ahead = logged_in.post(url("study", deck), {"kind": "ahead"})
    forgotten = logged_in.post(url("study", deck), {"kind": "forgotten", "days": "3"})

    assert ahead.status_code == forgotten.status_code == 422
    assert "Nothing is due in the next 7 days." in ahead.content.decode()
    assert "You have rated nothing Again in the last 3 days." in forgotten.content.decode()
    assert not CustomStudy.objects.exists()
    assert not CustomStudyCard.objects.exists()


def test_an_empty_selection_leaves_the_custom_study_in_progress(logged_in, student_a, deck):
    make_items(deck, 2, passage_index=None)
    study(student_a, deck)
    current = start(student_a, deck, CustomStudyKind.CRAM)

    response = logged_in.post(url("study", deck), {"kind": "ahead", "days": "1"})

    assert response.status_code == 422
    assert "Nothing is due tomorrow." in response.content.decode()
    assert list(CustomStudy.objects.values_list("pk", flat=True)) == [current.pk]
    assert current.cards.count() == 2


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"kind": "ahead", "days": "0"}, "Days run from 1"),
        ({"kind": "ahead", "days": "366"}, "Days run from 1"),
        ({"kind": "ahead", "days": "seven"}, "Days are a whole number."),
        ({"kind": "forgotten", "days": "31"}, "Review forgotten items looks back 1 to 30 days."),
        ({"kind": "tag"}, "Choose a tag to study by."),
        ({"kind": "tag", "tag": "OTHER_DECKS_TAG"}, "Choose one of the tags of this deck."),
        ({"kind": "tag", "tag": "exam"}, "Choose one of the tags of this deck."),
        ({"kind": "everything"}, "Choose one of the kinds shown."),
        ({}, "Choose what to study."),
        ({"kind": "cram", "reschedule": "maybe"}, "Choose whether the ratings change your schedule."),
    ],
    ids=lambda value: str(value) if isinstance(value, dict) else "",
)
def test_bad_values_are_422_with_a_message_and_nothing_saved(logged_in, student_a, deck, data, message):
    ItemFactory(deck=deck, passage=None, tags=["exam"])
    other = ItemFactory(deck=DeckFactory(), passage=None, tags=["elsewhere"])
    study(student_a, deck)
    if data.get("tag") == "OTHER_DECKS_TAG":
        data = {**data, "tag": str(other.tags.get().pk)}

    response = logged_in.post(url("study", deck), data)

    assert response.status_code == 422
    assert message in response.content.decode()
    assert not CustomStudy.objects.exists()


def test_days_and_tag_of_another_kind_are_ignored(logged_in, student_a, deck):
    make_items(deck, 2, passage_index=None)
    study(student_a, deck)

    response = logged_in.post(url("study", deck), {"kind": "cram", "days": "999", "tag": "nonsense"})

    assert response.status_code == 302
    assert (CustomStudy.objects.get().days, CustomStudy.objects.get().tag) == (None, None)


def test_the_database_refuses_what_the_form_would(student_a, deck):
    make_items(deck, 1, passage_index=None)
    [state] = study(student_a, deck)
    custom = start(student_a, deck, CustomStudyKind.CRAM)
    card = custom.cards.get()

    refused = [
        lambda: CustomStudy.objects.filter(pk=custom.pk).update(kind="ahead", days=0),
        lambda: CustomStudy.objects.filter(pk=custom.pk).update(kind="forgotten", days=31),
        lambda: CustomStudy.objects.filter(pk=custom.pk).update(days=7),  # cram takes no days
        lambda: CustomStudy.objects.filter(pk=custom.pk).update(tag=Tag.objects.create(name="x")),
        lambda: CustomStudy.objects.create(learner=student_a, deck=deck, kind="cram", reschedule=False, created_at=NOW),
        lambda: CustomStudyCard.objects.filter(pk=card.pk).update(answered_at=NOW, rating=5),
        lambda: CustomStudyCard.objects.filter(pk=card.pk).update(rating=3),  # rated but not answered
        lambda: CustomStudyCard.objects.create(study=custom, state=state, position=1),
    ]
    for change in refused:
        with pytest.raises(IntegrityError), transaction.atomic():
            change()


def test_the_study_pages_link_to_custom_study(logged_in, student_a, deck):
    make_items(deck, 1, passage_index=None)
    study(student_a, deck)
    link = f'href="{url("study", deck)}"'

    assert link in logged_in.get(reverse("review:session", args=[deck.slug])).content.decode()
    assert link in logged_in.get(reverse("review:home")).content.decode()


# --- the session: practice (no rescheduling) ---------------------------------------------------------------


def scheduling_of(learner) -> dict[int, dict]:
    """Every scheduling field of the learner's states (what a practice rating must not change)."""
    return {
        state.pk: {**scheduling.snapshot(state), "flagged": state.flagged} for state in ReviewState.objects.of(learner)
    }


def test_cram_without_rescheduling_changes_no_schedule_and_keeps_the_servers_grading(logged_in, student_a):
    deck, states = typed_deck(student_a, 3)
    answer(student_a, states[0], Rating.GOOD, now=NOW)  # one item with a history, to keep as it is
    before, logs_before = scheduling_of(student_a), list(ReviewLog.objects.values_list("pk", flat=True))
    days_before = list(ReviewDay.objects.values())
    start(student_a, deck, CustomStudyKind.CRAM, now=timezone.now())

    for _ in range(3):
        question = show(logged_in, deck)
        wrong = prompt_in(question) == "Q1?"
        feedback = post(
            logged_in, "answer", deck, {"token": token_in(question), "response": "Stalin" if wrong else "Trotsky"}
        ).content.decode()
        assert ("Not quite" in feedback) is wrong
        assert 'class="interval"' not in feedback  # a practice rating moves no due date
        # A forged correctness and response posted with the rating are ignored.
        post(logged_in, "rate", deck, {"token": token_in(feedback), "rating": "3", "correct": "1", "response": "x"})

    assert scheduling_of(student_a) == before
    assert list(ReviewLog.objects.values_list("pk", flat=True)) == logs_before
    assert list(ReviewDay.objects.values()) == days_before
    assert not ReviewState.objects.filter(pending_answer__isnull=False).exists()
    cards = {card.state.item.prompt: card for card in CustomStudyCard.objects.select_related("state__item")}
    assert {prompt: (card.rating, card.was_correct) for prompt, card in cards.items()} == {
        "Q1?": (Rating.GOOD, False),
        "Q2?": (Rating.GOOD, True),
        "Q3?": (Rating.GOOD, True),
    }
    assert all(card.answered_at is not None for card in cards.values())


def test_a_practice_rating_never_preceded_by_an_answer_records_no_correctness(logged_in, student_a):
    deck, _states = typed_deck(student_a, 1)
    start(student_a, deck, CustomStudyKind.CRAM, now=timezone.now())

    post(logged_in, "rate", deck, {"token": token_in(show(logged_in, deck)), "rating": "1", "correct": "1"})

    card = CustomStudyCard.objects.get()
    assert (card.rating, card.was_correct) == (Rating.AGAIN, None)


def test_replaying_a_practice_rating_changes_nothing_more(logged_in, student_a):
    deck, _states = typed_deck(student_a, 2)
    start(student_a, deck, CustomStudyKind.CRAM, now=timezone.now())
    token = token_in(show(logged_in, deck))
    post(logged_in, "rate", deck, {"token": token, "rating": "3"})
    first = CustomStudyCard.objects.get(rating__isnull=False)

    response = post(logged_in, "rate", deck, {"token": token, "rating": "1"})

    assert response.status_code == 200
    again = CustomStudyCard.objects.get(rating__isnull=False)
    assert (again.pk, again.rating, again.answered_at) == (first.pk, Rating.GOOD, first.answered_at)


def test_a_reload_after_answering_shows_the_kept_feedback(logged_in, student_a):
    deck, _states = typed_deck(student_a, 2)
    start(student_a, deck, CustomStudyKind.CRAM, now=timezone.now())
    post(logged_in, "answer", deck, {"token": token_in(show(logged_in, deck)), "response": "Stalin"})

    reloaded = show(logged_in, deck)

    assert 'data-phase="feedback"' in reloaded
    assert "Not quite" in reloaded
    post(logged_in, "rate", deck, {"token": token_in(reloaded), "rating": "1"})
    assert CustomStudyCard.objects.get(rating__isnull=False).was_correct is False


def test_an_unreadable_answer_is_422_with_the_same_card(logged_in, student_a):
    deck = DeckFactory(slug="tf")
    ItemFactory(deck=deck, kind=ItemKind.TRUE_FALSE, prompt="Trotsky wrote it.", answer="True", passage=None)
    study(student_a, deck)
    start(student_a, deck, CustomStudyKind.CRAM, now=timezone.now())
    question = show(logged_in, deck)

    response = post(logged_in, "answer", deck, {"token": token_in(question)})

    assert response.status_code == 422
    assert "Choose True or False." in response.content.decode()
    assert token_in(response.content.decode()) == token_in(question)
    assert "Custom study: Cram the whole deck — 0 of 1 done" in response.content.decode()


def test_without_javascript_a_rating_redirects_to_the_custom_session(logged_in, student_a):
    deck, _states = typed_deck(student_a, 2)
    start(student_a, deck, CustomStudyKind.CRAM, now=timezone.now())

    response = post(logged_in, "rate", deck, {"token": token_in(show(logged_in, deck)), "rating": "3"}, htmx=False)

    assert response.status_code == 302
    assert response["Location"] == url("session", deck)
    assert CustomStudyCard.objects.filter(rating=Rating.GOOD).count() == 1


def test_the_summary_says_how_many_were_rated_and_how_many_right(logged_in, student_a):
    deck, _states = typed_deck(student_a, 3)
    start(student_a, deck, CustomStudyKind.CRAM, now=timezone.now())
    for response in ("Trotsky", "Stalin", "Leon Trotsky"):
        feedback = post(logged_in, "answer", deck, {"token": token_in(show(logged_in, deck)), "response": response})
        post(logged_in, "rate", deck, {"token": token_in(feedback.content.decode()), "rating": "3"})

    html = logged_in.get(url("session", deck)).content.decode()

    assert "Custom study done" in html
    assert "you rated 3 cards, 2 answered right and 1 not quite." in html
    assert "your schedule is as it was, and these ratings are not counted in your progress" in html
    assert f'href="{reverse("review:session", args=[deck.slug])}"' in html
    assert f'href="{url("study", deck)}"' in html
    assert "Custom study: Cram the whole deck — 3 of 3 done" in html


# --- the session: rescheduling --------------------------------------------------------------------------------


def test_review_ahead_records_real_reviews(logged_in, student_a):
    deck, states = typed_deck(student_a, 2)
    now = timezone.now()
    for state in states:
        make_review_state(state, due=now + timedelta(days=3), last_review=now - timedelta(days=7))
    start(student_a, deck, CustomStudyKind.AHEAD, now=now)

    feedback = post(logged_in, "answer", deck, {"token": token_in(show(logged_in, deck)), "response": "Stalin"})
    html = feedback.content.decode()
    assert 'class="interval"' in html  # real reviews show their intervals
    post(logged_in, "rate", deck, {"token": token_in(html), "rating": "1", "correct": "1"})

    log = ReviewLog.objects.get()
    card = CustomStudyCard.objects.get(rating__isnull=False)
    assert (log.rating, log.was_correct, log.response) == (Rating.AGAIN, False, "Stalin")
    assert (card.state.item_id, card.rating, card.was_correct, card.client_uuid) == (
        log.item_id,
        Rating.AGAIN,
        False,
        log.client_uuid,
    )
    rated = ReviewState.objects.get(pk=card.state_id)
    assert (rated.state, rated.lapses, rated.reps) == ("relearning", 1, 4)
    assert ReviewDay.objects.get().reviews == 1


def test_a_cram_the_learner_chose_to_reschedule_records_reviews(logged_in, student_a):
    deck, _states = typed_deck(student_a, 2)
    start(student_a, deck, CustomStudyKind.CRAM, now=timezone.now(), reschedule=True)

    post(logged_in, "rate", deck, {"token": token_in(show(logged_in, deck)), "rating": "3"})

    assert ReviewLog.objects.get().rating == Rating.GOOD
    assert ReviewState.objects.filter(reps=1).count() == 1


# --- undo ----------------------------------------------------------------------------------------------------


def test_undo_takes_back_the_last_practice_answer(logged_in, student_a):
    deck, _states = typed_deck(student_a, 2)
    start(student_a, deck, CustomStudyKind.CRAM, now=timezone.now())
    question = show(logged_in, deck)
    post(logged_in, "rate", deck, {"token": token_in(question), "rating": "3"})
    before = scheduling_of(student_a)

    html = post(logged_in, "undo", deck).content.decode()

    assert "Undid your last answer in this custom study." in html
    assert prompt_in(html) == prompt_in(question)
    assert not CustomStudyCard.objects.filter(answered_at__isnull=False).exists()
    assert scheduling_of(student_a) == before
    assert "Nothing to undo in this custom study." in post(logged_in, "undo", deck).content.decode()


def test_undo_of_a_rescheduled_card_undoes_its_review(logged_in, student_a):
    deck, _states = typed_deck(student_a, 2)
    start(student_a, deck, CustomStudyKind.CRAM, now=timezone.now(), reschedule=True)
    before = scheduling_of(student_a)
    post(logged_in, "rate", deck, {"token": token_in(show(logged_in, deck)), "rating": "3"})

    post(logged_in, "undo", deck)

    assert not ReviewLog.objects.exists()
    assert scheduling_of(student_a) == before
    assert not CustomStudyCard.objects.filter(answered_at__isnull=False).exists()


def test_undo_refuses_a_rescheduled_card_whose_review_is_no_longer_the_newest(logged_in, student_a):
    deck, _states = typed_deck(student_a, 2)
    start(student_a, deck, CustomStudyKind.CRAM, now=timezone.now(), reschedule=True)
    post(logged_in, "rate", deck, {"token": token_in(show(logged_in, deck)), "rating": "3"})
    _other_deck, other_states = typed_deck(student_a, 1, slug="other")
    answer(student_a, other_states[0], Rating.GOOD, now=timezone.now())  # a newer review, in the daily session
    after = scheduling_of(student_a)

    html = post(logged_in, "undo", deck).content.decode()

    assert "no longer your newest review today" in html
    assert ReviewLog.objects.count() == 2
    assert scheduling_of(student_a) == after
    assert CustomStudyCard.objects.filter(rating=Rating.GOOD).count() == 1


# --- suspend, bury, flag ---------------------------------------------------------------------------------------


def test_flag_bury_and_suspend_work_on_a_custom_card_and_the_session_moves_on(logged_in, student_a):
    deck, _states = typed_deck(student_a, 3)
    start(student_a, deck, CustomStudyKind.CRAM, now=timezone.now())
    states = {state.item.prompt: state for state in ReviewState.objects.select_related("item")}

    first = show(logged_in, deck)
    flagged = post(logged_in, "card_action", deck, {"token": token_in(first), "action": "flag"}).content.decode()
    assert prompt_in(flagged) == prompt_in(first)  # still the card to answer
    assert "flagged" in flagged
    buried = post(logged_in, "card_action", deck, {"token": token_in(flagged), "action": "bury"}).content.decode()
    assert prompt_in(buried) != prompt_in(first)
    suspended = post(logged_in, "card_action", deck, {"token": token_in(buried), "action": "suspend"}).content.decode()
    assert prompt_in(suspended) not in (prompt_in(first), prompt_in(buried))
    assert "— 1 of 2 done" in done_header(suspended)  # the suspended card is skipped
    post(logged_in, "rate", deck, {"token": token_in(suspended), "rating": "3"})

    first_state = ReviewState.objects.get(pk=states[prompt_in(first)].pk)
    assert first_state.flagged
    assert first_state.buried_until is not None
    assert ReviewState.objects.get(pk=states[prompt_in(buried)].pk).suspended
    summary = logged_in.get(url("session", deck)).content.decode()
    assert "Custom study done" in summary
    assert "Set aside: 1 buried, 1 suspended." in summary


# --- another learner, other cards ----------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["session", "answer", "rate", "undo", "card_action"])
def test_another_learners_custom_study_is_404(client, student_a, student_b, name):
    deck, _states = typed_deck(student_a, 2)
    study(student_b, deck)
    start(student_a, deck, CustomStudyKind.CRAM, now=timezone.now())
    client.force_login(student_a)
    a_token = token_in(show(client, deck))
    client.force_login(student_b)

    if name == "session":
        response = client.get(url(name, deck))
    else:
        response = client.post(url(name, deck), {"token": a_token, "rating": "3", "action": "suspend"})

    assert response.status_code == 404
    assert not CustomStudyCard.objects.filter(answered_at__isnull=False).exists()
    assert not ReviewState.objects.filter(suspended=True).exists()


def test_the_custom_study_form_of_a_deck_not_studied_is_404(logged_in):
    deck = DeckFactory()
    make_items(deck, 1)

    assert logged_in.get(url("study", deck)).status_code == 404
    assert logged_in.post(url("study", deck), {"kind": "cram"}).status_code == 404


@pytest.mark.parametrize("name", ["answer", "rate", "card_action"])
def test_another_learners_token_is_refused_with_a_message(client, student_a, student_b, name):
    deck, _states = typed_deck(student_a, 2)
    [b_state, _] = study(student_b, deck)
    start(student_a, deck, CustomStudyKind.CRAM, now=timezone.now())
    b_token = services.make_card_token(learner=student_b, state=b_state)
    client.force_login(student_a)

    response = post(client, name, deck, {"token": b_token, "rating": "3", "action": "suspend", "response": "x"})

    assert "This card belongs to another learner." in response.content.decode()
    assert ReviewState.objects.get(pk=b_state.pk).version == b_state.version


@pytest.mark.parametrize("name", ["answer", "rate", "card_action"])
def test_a_token_for_a_card_not_in_this_custom_study_is_refused_with_a_message(logged_in, student_a, deck, name):
    inside = ItemFactory(deck=deck, passage=None, tags=["exam"])
    outside = ItemFactory(deck=deck, passage=None)
    study(student_a, deck)
    start(student_a, deck, CustomStudyKind.TAG, tag=Tag.objects.get(name="exam"), now=timezone.now())
    outside_state = ReviewState.objects.get(learner=student_a, item=outside)
    token = services.make_card_token(learner=student_a, state=outside_state)

    response = post(logged_in, name, deck, {"token": token, "rating": "3", "action": "suspend", "response": "x"})

    html = response.content.decode()
    assert "That card is not part of this custom study" in html
    assert inside.prompt in html  # the study's own card instead
    unchanged = ReviewState.objects.get(pk=outside_state.pk)
    assert (unchanged.version, unchanged.suspended, unchanged.pending_answer) == (outside_state.version, False, None)
    assert not CustomStudyCard.objects.filter(answered_at__isnull=False).exists()
    assert not ReviewLog.objects.exists()


@pytest.mark.parametrize("name", ["answer", "rate", "undo", "card_action"])
def test_custom_session_changes_refuse_get(logged_in, student_a, name):
    deck, _states = typed_deck(student_a, 1)
    start(student_a, deck, CustomStudyKind.CRAM, now=timezone.now())

    assert logged_in.get(url(name, deck)).status_code == 405


def test_the_custom_session_needs_a_login(client, student_a):
    deck, _states = typed_deck(student_a, 1)

    response = client.get(url("study", deck))

    assert response.status_code == 302
    assert "/login" in response["Location"]


# --- the shuffle -----------------------------------------------------------------------------------------------


def test_the_cram_order_is_not_predictable_from_the_page_or_pythons_random(logged_in, student_a):
    deck, states = typed_deck(student_a, 20)
    orders = []
    for _ in range(8):
        random.seed(1927)  # the order comes from the operating system, not from Python's seeded generator
        orders.append(tuple(gathered(start(student_a, deck, CustomStudyKind.CRAM, now=timezone.now()))))

    assert len(set(orders)) == len(orders)
    assert tuple(state.pk for state in states) not in orders  # never simply the deck's order
    page = show(logged_in, deck)
    # The page holds the card on screen and nothing of what comes next: no other prompt, no position.
    assert re.findall(r"Q\d+\?", page) == [prompt_in(page)]
    assert "position" not in page


# --- cost of a rating ------------------------------------------------------------------------------------------


def custom_rate_round_trip(client, learner, size: int, capture, *, reschedule: bool):
    deck = sized_deck(learner, size)
    start(learner, deck, CustomStudyKind.CRAM, now=timezone.now(), reschedule=reschedule)
    client.force_login(learner)
    feedback = post(client, "answer", deck, {"token": token_in(show(client, deck))}).content.decode()
    with capture as captured:
        response = post(client, "rate", deck, {"token": token_in(feedback), "rating": "3"})
    assert response.status_code == 200
    assert "Custom study: Cram the whole deck — 1 of" in response.content.decode()
    assert CustomStudyCard.objects.filter(study__deck=deck, rating=Rating.GOOD).count() == 1
    return captured


@pytest.mark.parametrize("size", [10, 200])
def test_the_practice_rate_round_trip_takes_at_most_8_queries_whatever_the_deck_size(
    client, student_a, size, django_assert_max_num_queries
):
    # 1. the user, with their study settings and roles (the session comes from the cache)
    # 2. SAVEPOINT: rate_custom_card's transaction.atomic() (BEGIN IMMEDIATE on SQLite outside tests)
    # 3. the study's card by (learner, deck slug, state), with its study, deck and state (FOR UPDATE OF the
    #    card and the state on PostgreSQL)
    # 4. UPDATE the state where its version is unchanged: its kept answer cleared, the version moved on
    # 5. UPDATE the study's card: rating, correctness, time, showing
    # 6. RELEASE SAVEPOINT (COMMIT outside tests)
    # 7. the study's next unanswered card in position order, with its state, item, passage and deck
    # 8. the study's figures for the header (done, left, ...) in one aggregate
    custom_rate_round_trip(client, student_a, size, django_assert_max_num_queries(8), reschedule=False)


def test_the_rescheduled_rate_round_trip_takes_at_most_13_queries(client, student_a, django_assert_max_num_queries):
    # 1-3 as above (the card's SELECT locks it); then record_review, as the daily session's rating:
    # 4. SAVEPOINT  5. the state by (id, learner, version) with its item's passage  6. bury its siblings
    # 7. INSERT the review log  8. UPDATE the state  9. RELEASE SAVEPOINT; then
    # 10. UPDATE the study's card  11. RELEASE SAVEPOINT  12. the next card  13. the study's figures
    custom_rate_round_trip(client, student_a, 10, django_assert_max_num_queries(13), reschedule=True)


def test_the_practice_rate_round_trip_costs_the_same_for_10_and_200_items(client, student_a):
    small = custom_rate_round_trip(client, student_a, 10, CaptureQueriesContext(connection), reschedule=False)
    large = custom_rate_round_trip(client, student_a, 200, CaptureQueriesContext(connection), reschedule=False)

    assert len(large) == len(small)
