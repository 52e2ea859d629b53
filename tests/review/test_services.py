"""Writes of the review app: studying a deck, recording a review exactly once, burying, leeches, undo."""

from __future__ import annotations

import time
import uuid
import zoneinfo
from datetime import UTC, datetime, timedelta

import pytest
from django.core import signing

from studyapp.library.models import ItemKind
from studyapp.review import scheduling, services
from studyapp.review.models import CardState, Rating, ReviewLog, ReviewState, StudiedDeck
from tests.factories import DeckFactory, ItemFactory
from tests.review.conftest import (
    NOW,
    answer,
    configure,
    make_items,
    make_learning_state,
    make_review_state,
    state_of,
    study,
    token_for,
)

pytestmark = pytest.mark.django_db

END_OF_TODAY = datetime(2026, 1, 16, 4, 0, tzinfo=UTC)  # a UTC learner's day starts at 04:00


def snapshot_of(state: ReviewState) -> dict:
    state.refresh_from_db()
    return {field: getattr(state, field) for field in scheduling.SNAPSHOT_FIELDS}


# --- studying a deck ---------------------------------------------------------------------------------------


def test_studying_a_deck_gives_each_item_one_new_state_due_in_deck_order(student_a, deck):
    items = make_items(deck, 4)

    states = study(student_a, deck)

    assert [s.item_id for s in states] == [i.pk for i in items]
    assert {s.state for s in states} == {CardState.NEW}
    assert all(s.last_review is None and s.first_review is None and s.reps == 0 for s in states)
    assert [s.due for s in states] == sorted(s.due for s in states)
    assert states[0].due == NOW
    assert StudiedDeck.objects.filter(learner=student_a, deck=deck).count() == 1


def test_studying_a_deck_twice_changes_nothing(student_a, deck):
    make_items(deck, 3)
    states = study(student_a, deck)
    answer(student_a, states[0], Rating.GOOD, now=NOW)
    before = [snapshot_of(s) for s in states]

    again = study(student_a, deck, now=NOW + timedelta(days=3))

    assert ReviewState.objects.filter(learner=student_a).count() == 3
    assert StudiedDeck.objects.filter(learner=student_a).count() == 1
    assert [snapshot_of(s) for s in again] == before


def test_studying_a_deck_leaves_other_learners_alone(student_a, student_b, deck):
    make_items(deck, 2)

    study(student_a, deck)

    assert not ReviewState.objects.filter(learner=student_b).exists()


def test_a_new_item_in_a_studied_deck_becomes_new_for_each_of_its_learners(student_a, student_b, instructor, deck):
    make_items(deck, 1)
    study(student_a, deck)
    study(student_b, deck)
    other_deck = DeckFactory()

    item = ItemFactory(deck=deck, kind=ItemKind.TYPED)
    ItemFactory(deck=other_deck)

    assert state_of(student_a, item).state == CardState.NEW
    assert state_of(student_b, item).state == CardState.NEW
    assert not ReviewState.objects.filter(learner=instructor).exists()
    assert not ReviewState.objects.filter(item__deck=other_deck).exists()


def test_saving_an_item_again_does_not_reset_its_states(student_a, deck):
    [item] = make_items(deck, 1)
    [state] = study(student_a, deck)
    answer(student_a, state, Rating.EASY, now=NOW)
    before = snapshot_of(state)

    item.explanation = "Now with a better explanation."
    item.save()

    assert snapshot_of(state) == before
    assert ReviewState.objects.filter(learner=student_a).count() == 1


def test_an_item_moved_to_another_deck_takes_its_states_and_history_along(student_a, deck):
    [item] = make_items(deck, 1, passage_index=None)
    [state] = study(student_a, deck)
    answer(student_a, state, Rating.GOOD, now=NOW)
    other = DeckFactory(source=deck.source)

    item.deck = other
    item.save()

    state.refresh_from_db()
    assert state.deck_id == other.pk
    assert state.reps == 1, "the learner's memory of the item moves with it"


# --- recording a review ------------------------------------------------------------------------------------


def test_a_review_is_logged_once_with_what_happened(student_a, deck):
    make_items(deck, 1)
    [state] = study(student_a, deck)
    before = scheduling.snapshot(state)

    outcome = answer(student_a, state, Rating.AGAIN, now=NOW, response="Stalin", was_correct=False, duration_ms=4200)

    state.refresh_from_db()
    log = ReviewLog.objects.get(learner=student_a)
    assert outcome.log == log
    assert outcome.replayed is False
    assert outcome.became_leech is False
    assert (log.item_id, log.rating, log.state, log.reviewed_at) == (state.item_id, Rating.AGAIN, CardState.NEW, NOW)
    assert (log.response, log.was_correct, log.duration_ms) == ("Stalin", False, 4200)
    assert log.state_before == before
    assert log.state_after == scheduling.snapshot(state)
    assert state.version == 1
    assert state.reps == 1
    assert state.first_review == NOW
    assert state.last_review == NOW


def test_first_review_is_set_once_and_reps_count_every_review(student_a, deck):
    make_items(deck, 1)
    [state] = study(student_a, deck)

    answer(student_a, state, Rating.GOOD, now=NOW)
    state.refresh_from_db()
    answer(student_a, state, Rating.GOOD, now=state.due)

    state.refresh_from_db()
    assert state.first_review == NOW
    assert state.last_review > NOW
    assert state.reps == 2
    assert state.version == 2


def test_a_long_response_is_cut_to_2000_characters(student_a, deck):
    make_items(deck, 1)
    [state] = study(student_a, deck)

    outcome = answer(student_a, state, Rating.GOOD, now=NOW, response="x" * 5000)

    assert len(ReviewLog.objects.get(pk=outcome.log.pk).response) == 2000


def test_the_same_token_submitted_twice_is_recorded_once(student_a, deck):
    make_items(deck, 1)
    [state] = study(student_a, deck)
    token = token_for(student_a, state)

    first = services.record_review(learner=student_a, token=token, rating=Rating.GOOD, now=NOW)
    after_first = snapshot_of(state)
    second = services.record_review(learner=student_a, token=token, rating=Rating.EASY, now=NOW + timedelta(seconds=2))

    assert first.replayed is False
    assert second.replayed is True
    assert second.log.pk == first.log.pk
    assert second.log.rating == Rating.GOOD
    assert ReviewLog.objects.count() == 1
    assert snapshot_of(state) == after_first
    assert state.version == 1


def test_a_replay_of_a_token_whose_card_changed_since_is_still_a_replay(student_a, deck):
    make_items(deck, 1)
    [state] = study(student_a, deck)
    token = token_for(student_a, state)
    services.record_review(learner=student_a, token=token, rating=Rating.GOOD, now=NOW)
    services.set_flag(learner=student_a, state_id=state.pk, flagged=True)

    replay = services.record_review(learner=student_a, token=token, rating=Rating.GOOD, now=NOW)

    assert replay.replayed is True
    assert ReviewLog.objects.count() == 1


def test_another_token_for_the_same_card_version_is_stale_once_one_was_used(student_a, deck):
    make_items(deck, 1)
    [state] = study(student_a, deck)
    first_tab = token_for(student_a, state)
    second_tab = token_for(student_a, state)
    services.record_review(learner=student_a, token=first_tab, rating=Rating.GOOD, now=NOW)
    after_first = snapshot_of(state)

    with pytest.raises(services.StaleCard):
        services.record_review(learner=student_a, token=second_tab, rating=Rating.AGAIN, now=NOW)

    assert ReviewLog.objects.count() == 1
    assert snapshot_of(state) == after_first
    assert state.version == 1


def test_a_token_used_then_undone_is_stale(student_a, deck):
    make_items(deck, 1)
    [state] = study(student_a, deck)
    token = token_for(student_a, state)
    services.record_review(learner=student_a, token=token, rating=Rating.GOOD, now=NOW)
    services.undo_last_review(learner=student_a)
    restored = snapshot_of(state)

    with pytest.raises(services.StaleCard):
        services.record_review(learner=student_a, token=token, rating=Rating.GOOD, now=NOW)

    assert not ReviewLog.objects.exists()
    assert snapshot_of(state) == restored


def test_a_token_of_a_card_suspended_since_it_was_shown_is_stale(student_a, deck):
    make_items(deck, 1)
    [state] = study(student_a, deck)
    token = token_for(student_a, state)
    services.suspend(learner=student_a, state_id=state.pk)

    with pytest.raises(services.StaleCard):
        services.record_review(learner=student_a, token=token, rating=Rating.GOOD, now=NOW)

    assert not ReviewLog.objects.exists()


@pytest.mark.parametrize(
    "forge",
    [
        pytest.param(lambda token: token[:-2] + ("AA" if not token.endswith("AA") else "BB"), id="tampered"),
        pytest.param(lambda token: "", id="empty"),
        pytest.param(lambda token: "not-a-token", id="garbage"),
        pytest.param(
            lambda token: signing.dumps(
                signing.loads(token, salt=services.CARD_TOKEN_SALT), salt="another.salt", compress=True
            ),
            id="other-salt",
        ),
        pytest.param(
            lambda token: signing.dumps(
                signing.loads(token, salt=services.CARD_TOKEN_SALT), key="x" * 50, salt=services.CARD_TOKEN_SALT
            ),
            id="other-key",
        ),
    ],
)
def test_a_forged_token_is_refused_and_writes_nothing(student_a, deck, forge):
    make_items(deck, 1)
    [state] = study(student_a, deck)

    with pytest.raises(services.BadToken):
        services.record_review(learner=student_a, token=forge(token_for(student_a, state)), rating=3, now=NOW)

    assert not ReviewLog.objects.exists()
    assert snapshot_of(state)["state"] == CardState.NEW


def test_another_learners_token_is_refused(student_a, student_b, deck):
    make_items(deck, 1)
    study(student_a, deck)
    [b_state] = study(student_b, deck)

    with pytest.raises(services.BadToken, match="another learner"):
        services.record_review(learner=student_a, token=token_for(student_b, b_state), rating=3, now=NOW)

    assert not ReviewLog.objects.exists()


def test_no_token_is_ever_signed_for_another_learners_state(student_a, student_b, deck):
    make_items(deck, 1)
    study(student_a, deck)
    [b_state] = study(student_b, deck)

    with pytest.raises(ValueError, match="another learner"):
        services.make_card_token(learner=student_a, state=b_state)


def test_a_review_never_writes_to_another_learners_state_even_with_a_valid_signature(
    student_a, student_b, deck, settings
):
    """Defence in depth: a token forged with the secret key still can't touch someone else's state."""
    from django.core import signing

    make_items(deck, 1)
    study(student_a, deck)
    [b_state] = study(student_b, deck)
    genuine = signing.loads(token_for(student_b, b_state), salt=services.CARD_TOKEN_SALT)
    forged = signing.dumps({**genuine, "l": student_a.pk}, salt=services.CARD_TOKEN_SALT, compress=True)

    with pytest.raises(services.StaleCard):
        services.record_review(learner=student_a, token=forged, rating=3, now=NOW)

    assert not ReviewLog.objects.exists()
    assert snapshot_of(b_state)["state"] == CardState.NEW


def test_an_expired_token_is_refused(student_a, deck, monkeypatch):
    make_items(deck, 1)
    [state] = study(student_a, deck)
    token = token_for(student_a, state)
    later = time.time() + services.CARD_TOKEN_MAX_AGE.total_seconds() + 60
    monkeypatch.setattr(signing.time, "time", lambda: later)

    with pytest.raises(services.BadToken, match="expired"):
        services.read_card_token(token, learner=student_a)


def test_a_token_carries_only_the_learner_the_state_its_version_and_a_fresh_submission_id(student_a, deck):
    make_items(deck, 1)
    [state] = study(student_a, deck)

    first = signing.loads(token_for(student_a, state), salt=services.CARD_TOKEN_SALT)
    second = signing.loads(token_for(student_a, state), salt=services.CARD_TOKEN_SALT)

    assert set(first) == {"l", "s", "v", "u"}
    assert (first["l"], first["s"], first["v"]) == (student_a.pk, state.pk, 0)
    assert first["u"] != second["u"]
    assert uuid.UUID(first["u"])


def test_a_token_from_before_this_format_is_still_read_by_its_identity(student_a, deck):
    """Cards on screen during a deploy carried the shown state's fields too; they are ignored, not trusted."""
    make_items(deck, 1)
    [state] = study(student_a, deck)
    old = {"l": student_a.pk, "s": state.pk, "v": 0, "u": uuid.uuid4().hex, "r": 0, "i": 1, "d": 1, "p": None}
    old["f"] = {"state": "review", "stability": 999.0}  # a forged snapshot would once have been believed
    token = signing.dumps(old, salt=services.CARD_TOKEN_SALT, compress=True)

    services.record_review(learner=student_a, token=token, rating=Rating.GOOD, now=NOW)

    log = ReviewLog.objects.get()
    assert log.state_before["state"] == CardState.NEW
    assert log.state_before["stability"] is None


@pytest.mark.parametrize(
    "payload",
    [{"l": 1}, {"s": 1, "v": 0}, ["l", 1], "text", {"l": None, "s": "x", "v": 0, "u": "not-a-uuid"}],
    ids=["learner-only", "no-learner", "a-list", "a-string", "bad-values"],
)
def test_a_signed_token_of_the_wrong_shape_is_refused_not_a_server_error(student_a, deck, payload):
    if isinstance(payload, dict) and payload.get("l") == 1:
        payload = {**payload, "l": student_a.pk}
    token = signing.dumps(payload, salt=services.CARD_TOKEN_SALT)

    with pytest.raises(services.BadToken):
        services.read_card_token(token, learner=student_a)


def test_the_state_is_read_from_the_database_not_from_the_token(student_a, deck):
    make_items(deck, 1)
    [state] = study(student_a, deck)
    token = token_for(student_a, state)
    # Changed behind the token's back without a version bump (an admin's SQL, a data fix).
    ReviewState.objects.filter(pk=state.pk).update(lapses=5)

    services.record_review(learner=student_a, token=token, rating=Rating.GOOD, now=NOW)

    assert ReviewLog.objects.get().state_before["lapses"] == 5
    assert snapshot_of(state)["lapses"] == 5


# --- burying siblings -------------------------------------------------------------------------------------


@pytest.fixture
def two_passages(deck, student_a, student_b):
    """Items 0 and 1 from passage 0, item 2 from passage 1, item 3 from no passage; both students study it."""
    items = [*make_items(deck, 2, passage_index=0), *make_items(deck, 1, passage_index=1)]
    items += make_items(deck, 1, passage_index=None)
    study(student_a, deck)
    study(student_b, deck)
    return items


def test_answering_an_item_buries_its_siblings_from_the_same_passage_until_the_day_ends(student_a, two_passages):
    first, sibling, other_passage, no_passage = two_passages

    outcome = answer(student_a, state_of(student_a, first), Rating.GOOD, now=NOW)

    sibling_state = state_of(student_a, sibling)
    assert sibling_state.buried_until == END_OF_TODAY
    assert sibling_state.version == 1
    assert outcome.log.buried_siblings == [sibling_state.pk]
    assert state_of(student_a, first).buried_until is None
    assert state_of(student_a, other_passage).buried_until is None
    assert state_of(student_a, no_passage).buried_until is None


def test_burying_siblings_leaves_other_learners_alone(student_a, student_b, two_passages):
    first, sibling, *_ = two_passages

    answer(student_a, state_of(student_a, first), Rating.GOOD, now=NOW)

    assert state_of(student_b, sibling).buried_until is None
    assert state_of(student_b, sibling).version == 0


def test_an_item_without_a_passage_buries_nothing(student_a, two_passages):
    *_, no_passage = two_passages

    outcome = answer(student_a, state_of(student_a, no_passage), Rating.GOOD, now=NOW)

    assert outcome.log.buried_siblings == []
    assert not ReviewState.objects.filter(buried_until__isnull=False).exists()


def test_siblings_are_buried_until_the_learners_own_day_ends(student_a, two_passages):
    configure(student_a, timezone="Australia/Sydney", day_starts_at=4)
    first, sibling, *_ = two_passages

    answer(student_a, state_of(student_a, first), Rating.GOOD, now=NOW)  # 23:00 in Sydney

    # 04:00 tomorrow in Sydney (UTC+11 in January).
    assert state_of(student_a, sibling).buried_until == datetime(2026, 1, 15, 17, 0, tzinfo=UTC)


def test_a_buried_sibling_is_back_at_the_very_end_of_the_day(student_a, two_passages):
    first, sibling, *_ = two_passages

    answer(student_a, state_of(student_a, first), Rating.GOOD, now=NOW)

    # The raw UPDATE must store the same value the ORM would, or lookups and comparisons miss it.
    assert ReviewState.objects.filter(buried_until=END_OF_TODAY).count() == 1
    active_then = ReviewState.objects.of(student_a).active(END_OF_TODAY)
    assert active_then.filter(item=sibling).exists()
    assert (
        not ReviewState.objects.of(student_a)
        .active(END_OF_TODAY - timedelta(microseconds=1))
        .filter(item=sibling)
        .exists()
    )


def test_suspended_siblings_are_not_touched(student_a, two_passages):
    first, sibling, *_ = two_passages
    sibling_state = state_of(student_a, sibling)
    services.suspend(learner=student_a, state_id=sibling_state.pk)

    outcome = answer(student_a, state_of(student_a, first), Rating.GOOD, now=NOW)

    assert outcome.log.buried_siblings == []
    assert state_of(student_a, sibling).buried_until is None


def test_a_sibling_buried_further_ahead_keeps_its_later_date(student_a, two_passages):
    first, sibling, *_ = two_passages
    later = END_OF_TODAY + timedelta(days=2)
    ReviewState.objects.filter(learner=student_a, item=sibling).update(buried_until=later)

    outcome = answer(student_a, state_of(student_a, first), Rating.GOOD, now=NOW)

    assert outcome.log.buried_siblings == []
    assert state_of(student_a, sibling).buried_until == later


# --- leeches -----------------------------------------------------------------------------------------------


def lapse_until(learner, state, lapses: int, start: datetime) -> list[services.ReviewOutcome]:
    """Forget a REVIEW card `lapses` times (Again), relearning it (Good) between lapses."""
    outcomes = []
    moment = start
    for number in range(lapses):
        state.refresh_from_db()
        assert state.state == CardState.REVIEW
        outcomes.append(answer(learner, state, Rating.AGAIN, now=moment))
        if number < lapses - 1:
            state.refresh_from_db()
            moment = state.due
            answer(learner, state, Rating.GOOD, now=moment)
            state.refresh_from_db()
            moment = state.due
    return outcomes


@pytest.mark.parametrize("threshold", [8, 2])
def test_the_lapse_that_reaches_the_leech_threshold_suspends_the_item(student_a, deck, threshold):
    configure(student_a, leech_threshold=threshold)
    make_items(deck, 1, passage_index=None)
    [state] = study(student_a, deck)
    make_review_state(state, due=NOW)

    outcomes = lapse_until(student_a, state, threshold, NOW)

    state.refresh_from_db()
    assert [o.became_leech for o in outcomes] == [False] * (threshold - 1) + [True]
    assert state.lapses == threshold
    assert state.is_leech is True
    assert state.suspended is True


def test_one_lapse_short_of_the_threshold_is_no_leech(student_a, deck):
    make_items(deck, 1, passage_index=None)
    [state] = study(student_a, deck)
    make_review_state(state, due=NOW)

    lapse_until(student_a, state, 7, NOW)

    state.refresh_from_db()
    assert state.lapses == 7
    assert (state.is_leech, state.suspended) == (False, False)


def test_again_on_a_new_learning_or_relearning_card_is_no_lapse(student_a, deck):
    configure(student_a, leech_threshold=1)
    make_items(deck, 3, passage_index=None)
    new, learning, relearning = study(student_a, deck)
    make_learning_state(learning, due=NOW)
    make_learning_state(relearning, due=NOW, relearning=True)

    outcomes = [answer(student_a, s, Rating.AGAIN, now=NOW) for s in (new, learning, relearning)]

    assert not any(o.became_leech for o in outcomes)
    assert not ReviewState.objects.filter(lapses__gt=0).exists()
    assert not ReviewState.objects.filter(suspended=True).exists()


def test_an_unsuspended_leech_stays_a_leech_and_can_be_reviewed(student_a, deck):
    configure(student_a, leech_threshold=1)
    make_items(deck, 1, passage_index=None)
    [state] = study(student_a, deck)
    make_review_state(state, due=NOW)
    assert answer(student_a, state, Rating.AGAIN, now=NOW).became_leech

    services.unsuspend(learner=student_a, state_id=state.pk)
    outcome = answer(student_a, state, Rating.GOOD, now=NOW + timedelta(minutes=10))

    state.refresh_from_db()
    assert outcome.became_leech is False
    assert (state.is_leech, state.suspended) == (True, False)


# --- undo --------------------------------------------------------------------------------------------------


def test_undo_restores_the_state_exactly_and_deletes_the_log(student_a, deck):
    make_items(deck, 1)
    [state] = study(student_a, deck)
    answer(student_a, state, Rating.GOOD, now=NOW)
    state.refresh_from_db()
    before = snapshot_of(state)
    outcome = answer(student_a, state, Rating.AGAIN, now=state.due + timedelta(minutes=3))

    undone = services.undo_last_review(learner=student_a)

    assert undone.client_uuid == outcome.log.client_uuid
    assert undone.rating == Rating.AGAIN
    assert snapshot_of(state) == before
    assert ReviewLog.objects.filter(learner=student_a).count() == 1
    assert state.version == 3  # review, review, undo: every change makes older tokens stale


def test_undo_of_a_first_review_makes_the_card_new_again(student_a, deck):
    make_items(deck, 1)
    [state] = study(student_a, deck)
    before = snapshot_of(state)
    answer(student_a, state, Rating.EASY, now=NOW)

    services.undo_last_review(learner=student_a)

    assert snapshot_of(state) == before
    assert snapshot_of(state)["first_review"] is None
    assert not ReviewLog.objects.exists()


def test_undo_of_the_lapse_that_made_a_leech_unsuspends_it(student_a, deck):
    configure(student_a, leech_threshold=1)
    make_items(deck, 1, passage_index=None)
    [state] = study(student_a, deck)
    make_review_state(state, due=NOW)
    before = snapshot_of(state)
    answer(student_a, state, Rating.AGAIN, now=NOW)

    services.undo_last_review(learner=student_a)

    assert snapshot_of(state) == before
    assert (state.lapses, state.is_leech, state.suspended) == (0, False, False)


def test_undo_keeps_a_suspension_the_learner_made_after_the_review(student_a, deck):
    make_items(deck, 1, passage_index=None)
    [state] = study(student_a, deck)
    answer(student_a, state, Rating.GOOD, now=NOW)
    services.suspend(learner=student_a, state_id=state.pk)

    services.undo_last_review(learner=student_a)

    state.refresh_from_db()
    assert state.state == CardState.NEW
    assert state.suspended, "undo reverts the review, not the later suspension"


def test_undo_unburies_the_siblings_its_review_buried_and_only_those(student_a, deck):
    first, sibling, already_buried = make_items(deck, 3, passage_index=0)
    study(student_a, deck)
    later = END_OF_TODAY + timedelta(days=1)
    ReviewState.objects.filter(learner=student_a, item=already_buried).update(buried_until=later)
    answer(student_a, state_of(student_a, first), Rating.GOOD, now=NOW)
    assert state_of(student_a, sibling).buried_until == END_OF_TODAY

    services.undo_last_review(learner=student_a)

    assert state_of(student_a, sibling).buried_until is None
    assert state_of(student_a, already_buried).buried_until == later


def test_undo_goes_back_one_review_at_a_time_newest_first(student_a, deck):
    make_items(deck, 3, passage_index=None)
    states = study(student_a, deck)
    snapshots = []
    for number, state in enumerate([states[0], states[1], states[0], states[2]]):
        snapshots.append((state, snapshot_of(state)))
        answer(student_a, state, Rating.GOOD, now=NOW + timedelta(minutes=number))

    for state, before in reversed(snapshots):
        undone = services.undo_last_review(learner=student_a)
        assert undone.item_id == state.item_id
        assert snapshot_of(state) == before

    assert services.undo_last_review(learner=student_a) is None
    assert not ReviewLog.objects.exists()
    assert {s["state"] for s in (snapshot_of(s) for s in states)} == {CardState.NEW}


def test_undo_takes_only_reviews_since_the_given_moment(student_a, deck):
    make_items(deck, 2, passage_index=None)
    yesterday_state, today_state = study(student_a, deck)
    answer(student_a, yesterday_state, Rating.GOOD, now=NOW - timedelta(days=1))
    answer(student_a, today_state, Rating.GOOD, now=NOW)
    start_of_today = datetime(2026, 1, 15, 4, 0, tzinfo=UTC)

    assert services.undo_last_review(learner=student_a, since=start_of_today).item_id == today_state.item_id
    assert services.undo_last_review(learner=student_a, since=start_of_today) is None
    assert ReviewLog.objects.filter(item=yesterday_state.item).count() == 1


def test_undo_never_touches_another_learners_reviews(student_a, student_b, deck):
    make_items(deck, 1)
    study(student_a, deck)
    [b_state] = study(student_b, deck)
    answer(student_b, b_state, Rating.GOOD, now=NOW)

    assert services.undo_last_review(learner=student_a) is None
    assert ReviewLog.objects.filter(learner=student_b).count() == 1


# --- suspend, unsuspend, bury, flag -------------------------------------------------------------------------


def test_suspend_and_unsuspend_toggle_the_state_and_bump_its_version(student_a, deck):
    make_items(deck, 1)
    [state] = study(student_a, deck)

    suspended = services.suspend(learner=student_a, state_id=state.pk)
    assert (suspended.suspended, suspended.version) == (True, 1)
    assert ReviewState.objects.get(pk=state.pk).suspended is True

    unsuspended = services.unsuspend(learner=student_a, state_id=state.pk)
    assert (unsuspended.suspended, unsuspended.version) == (False, 2)
    assert ReviewState.objects.get(pk=state.pk).suspended is False


def test_bury_hides_the_card_until_the_learners_day_ends(student_a, deck):
    configure(student_a, timezone="America/Los_Angeles")
    make_items(deck, 1)
    [state] = study(student_a, deck)

    buried = services.bury(learner=student_a, state_id=state.pk, now=NOW)  # 04:00 in Los Angeles

    la_tomorrow_0400 = datetime(2026, 1, 16, 4, 0, tzinfo=zoneinfo.ZoneInfo("America/Los_Angeles"))
    assert buried.buried_until == la_tomorrow_0400
    assert ReviewState.objects.get(pk=state.pk).buried_until == la_tomorrow_0400
    assert buried.version == 1


def test_set_flag_flags_and_unflags(student_a, deck):
    make_items(deck, 1)
    [state] = study(student_a, deck)

    assert services.set_flag(learner=student_a, state_id=state.pk, flagged=True).flagged is True
    assert ReviewState.objects.get(pk=state.pk).flagged is True
    assert services.set_flag(learner=student_a, state_id=state.pk, flagged=False).flagged is False
    assert ReviewState.objects.get(pk=state.pk).version == 2


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda learner, pk: services.suspend(learner=learner, state_id=pk), id="suspend"),
        pytest.param(lambda learner, pk: services.unsuspend(learner=learner, state_id=pk), id="unsuspend"),
        pytest.param(lambda learner, pk: services.bury(learner=learner, state_id=pk, now=NOW), id="bury"),
        pytest.param(lambda learner, pk: services.set_flag(learner=learner, state_id=pk, flagged=True), id="flag"),
    ],
)
def test_another_learners_state_can_not_be_changed(student_a, student_b, deck, change):
    make_items(deck, 1)
    study(student_a, deck)
    [b_state] = study(student_b, deck)
    before = snapshot_of(b_state)

    with pytest.raises(ReviewState.DoesNotExist):
        change(student_a, b_state.pk)

    assert snapshot_of(b_state) == before
    assert (b_state.version, b_state.flagged) == (0, False)
