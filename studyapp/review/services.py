"""Writes of the review app: adding decks to one's studies, recording reviews, undo, suspend, bury, flag."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.core import signing
from django.db import IntegrityError, connection, transaction
from django.db.models import F

from studyapp.library.models import Deck, Item
from studyapp.review import rows, scheduling
from studyapp.review.models import (
    RESCHEDULING_KINDS,
    CardState,
    CustomStudy,
    CustomStudyCard,
    CustomStudyKind,
    Rating,
    ReviewLog,
    ReviewState,
    StudiedDeck,
    StudySettings,
)
from studyapp.review.selectors import CustomSelection, custom_study_selection

CARD_TOKEN_SALT = "studyapp.review.card"  # noqa: S105 - a signing namespace, not a secret
# A rendered card may be answered within this time; after that the page is reloaded.
CARD_TOKEN_MAX_AGE = timedelta(days=2)


class StaleCard(Exception):
    """The card changed since it was shown (answered in another tab, undone, suspended...)."""


class BadToken(Exception):
    """The card token is forged, expired, or belongs to someone else."""


@dataclass(frozen=True)
class CardToken:
    """Which card was shown: a learner's review state at a version, and this showing's submission id.

    Signed but readable by the browser, so it holds nothing else: the state is read again, inside
    the transaction, whenever the card is answered or rated.
    """

    state_id: int
    version: int
    client_uuid: uuid.UUID


def make_card_token(*, learner, state: ReviewState, client_uuid: uuid.UUID | None = None) -> str:
    """A one-time token for a rendered card. `client_uuid` carries a showing on to its feedback."""
    if state.learner_id != learner.pk:
        raise ValueError("A card token is only ever made for the learner's own review state, not another learner's.")
    client_uuid = client_uuid or uuid.uuid4()
    return signing.dumps(
        {"l": learner.pk, "s": state.pk, "v": state.version, "u": client_uuid.hex}, salt=CARD_TOKEN_SALT
    )


def read_card_token(token: str, *, learner) -> CardToken:
    try:
        data = signing.loads(token, salt=CARD_TOKEN_SALT, max_age=CARD_TOKEN_MAX_AGE)
    except signing.BadSignature:
        raise BadToken("This card has expired or is not valid; reload the page.") from None
    if not isinstance(data, dict) or data.get("l") != learner.pk:
        raise BadToken("This card belongs to another learner.")
    try:
        return CardToken(state_id=int(data["s"]), version=int(data["v"]), client_uuid=uuid.UUID(data["u"]))
    except (KeyError, TypeError, ValueError):
        raise BadToken("This card has expired or is not valid; reload the page.") from None


def settings_for(learner) -> StudySettings:
    """The learner's study settings, created with the defaults the first time."""
    try:
        return learner.study_settings
    except StudySettings.DoesNotExist:
        study_settings, _ = StudySettings.objects.get_or_create(learner=learner)
        learner.study_settings = study_settings
        return study_settings


@transaction.atomic
def study_deck(*, learner, deck: Deck, now: datetime) -> StudiedDeck:
    """Add a deck to the learner's studies and give each of its items a new review state."""
    studied, _ = StudiedDeck.objects.get_or_create(learner=learner, deck=deck)
    add_new_states(learners=[learner.pk], items=deck.items.all(), now=now)
    return studied


def add_new_states(*, learners: list[int], items, now: datetime) -> int:
    """Create the missing review states of these learners for these items.

    New items are due in deck order from `now` (one microsecond apart), so the
    queue's index on (learner, deck, state, due) gives them in order without a join.
    """
    existing = set(
        ReviewState.objects.filter(learner_id__in=learners, item__in=items).values_list("learner_id", "item_id")
    )
    new_states = [
        ReviewState(learner_id=learner_id, item_id=item_id, deck_id=deck_id, due=now + timedelta(microseconds=position))
        for item_id, position, deck_id in items.values_list("pk", "position", "deck_id")
        for learner_id in learners
        if (learner_id, item_id) not in existing
    ]
    ReviewState.objects.bulk_create(new_states, ignore_conflicts=True)
    return len(new_states)


@transaction.atomic
def make_items_due(*, learner, items, now: datetime) -> int:
    """Put these items in the learner's review queue now (a quiz's missed items); how many states became due.

    Decks the learner does not study yet are added to their studies as `study_deck` does, so the items have
    review states and a session to come up in; existing states become due now. Suspended items stay suspended
    (the learner set them aside on purpose) and buried ones stay buried until their day is over.
    """
    item_ids = sorted({item.pk for item in items})
    if not item_ids:
        return 0
    deck_ids = set(Item.objects.filter(pk__in=item_ids).values_list("deck_id", flat=True))
    studied = set(StudiedDeck.objects.filter(learner=learner, deck_id__in=deck_ids).values_list("deck_id", flat=True))
    for deck in Deck.objects.filter(pk__in=deck_ids - studied):
        study_deck(learner=learner, deck=deck, now=now)
    # Studied decks normally have every state already (add_states_for_new_item); any still missing are made here.
    add_new_states(learners=[learner.pk], items=Item.objects.filter(pk__in=item_ids), now=now)
    # The version moves on so a card already on screen with the old schedule is not rated against it.
    return ReviewState.objects.filter(learner=learner, item_id__in=item_ids).update(due=now, version=F("version") + 1)


def add_states_for_new_item(item: Item) -> None:
    """Called when an item is saved: existing states follow it to its (new) deck, and the learners
    of its deck get a new state for it."""
    ReviewState.objects.filter(item=item).exclude(deck_id=item.deck_id).update(
        deck_id=item.deck_id, version=F("version") + 1
    )
    learners = list(StudiedDeck.objects.filter(deck_id=item.deck_id).values_list("learner_id", flat=True))
    if learners:
        add_new_states(learners=learners, items=Item.objects.filter(pk=item.pk), now=item.created_at)


@dataclass(frozen=True)
class ReviewOutcome:
    log: ReviewLog
    replayed: bool  # True when this submission had already been recorded
    became_leech: bool


def record_answer(*, learner, card: CardToken, response: Any, text: str, correct: bool | None) -> int:
    """Keep the graded answer of the card on screen with its state; return the state's new version.

    Moving the version on spends the question's token, so the card can't be answered again once
    its answer has been shown; the rating then reads correctness from here. `response` is what
    the grader took (text, or choice/event ids), kept so the feedback can be shown again.
    Raises StaleCard if the card changed since it was shown (or was answered already).
    """
    pending = {"uuid": card.client_uuid.hex, "response": response, "text": text[:2000], "correct": correct}
    updated = ReviewState.objects.filter(pk=card.state_id, learner=learner, version=card.version).update(
        pending_answer=pending, version=F("version") + 1
    )
    if not updated:
        raise StaleCard("This card was already answered or changed elsewhere; here is the next one.")
    return card.version + 1


def record_review(
    *,
    learner,
    token: str | CardToken,
    rating: Rating,
    now: datetime,
    response: str = "",
    was_correct: bool | None = None,
    duration_ms: int | None = None,
    fuzz: bool | None = None,
) -> ReviewOutcome:
    """Apply one rating to one card, exactly once.

    The state is read by (id, learner, version) inside the transaction, locked on PostgreSQL (SQLite's
    IMMEDIATE transaction already serialises writers), so a card changed since it was shown (another
    tab, undo) raises StaleCard and nothing is written. A replay of a recorded token returns the first
    result. The response and its correctness come from the answer kept by `record_answer`; `response`
    and `was_correct` are for server-side callers only (the demo history) and are ignored when the
    card has a kept answer. `fuzz` overrides FSRS_ENABLE_FUZZING (the demo history turns it off).
    """
    card = token if isinstance(token, CardToken) else read_card_token(token, learner=learner)
    try:
        with transaction.atomic():
            return _record_review(learner, card, Rating(rating), now, response, was_correct, duration_ms, fuzz)
    except (IntegrityError, StaleCard):
        # A replay (the version has moved on), or a race that the unique submission id refused.
        existing = ReviewLog.objects.filter(learner=learner, client_uuid=card.client_uuid).first()
        if existing is None:
            raise StaleCard("This card was already answered or changed elsewhere; here is the next one.") from None
        return ReviewOutcome(log=existing, replayed=True, became_leech=False)


# The rating's reads and writes in SQL written once from the models' fields. Through the ORM each call
# builds and compiles its statement again, about a third of the rating's own Python time; these do not.
_STATES = ReviewState._meta.db_table
_SHOWN_STATE = (
    f"SELECT {rows.columns(ReviewState, 's')}, i.passage_id FROM {_STATES} s "  # noqa: S608 - table names are ours
    f"JOIN {Item._meta.db_table} i ON i.id = s.item_id WHERE s.id = %s AND s.learner_id = %s AND s.version = %s"
)
_RATED_FIELDS = [ReviewState._meta.get_field(name) for name in scheduling.SNAPSHOT_FIELDS]
_SAVE_RATED_STATE = (
    f"UPDATE {_STATES} SET "  # noqa: S608
    + ", ".join(f"{field.column} = %s" for field in _RATED_FIELDS)
    + ", pending_answer = NULL, version = version + 1 WHERE id = %s AND learner_id = %s AND version = %s"
)
_LOG_FIELDS = [field for field in ReviewLog._meta.concrete_fields if not field.primary_key]
_INSERT_LOG = (
    f"INSERT INTO {ReviewLog._meta.db_table} ({', '.join(field.column for field in _LOG_FIELDS)}) "  # noqa: S608
    f"VALUES ({', '.join(['%s'] * len(_LOG_FIELDS))}) RETURNING id"
)


def _db_values(obj, fields) -> list:
    """The fields' values as the database takes them (what the ORM's save would send)."""
    return [field.get_db_prep_save(getattr(obj, field.attname), connection) for field in fields]


def _shown_state(learner, card: CardToken) -> ReviewState:
    """The state as the card showed it, locked for this transaction; StaleCard if it has changed since."""
    lock = " FOR UPDATE OF s" if connection.features.has_select_for_update_of else ""
    with connection.cursor() as cursor:
        cursor.execute(_SHOWN_STATE + lock, [card.state_id, learner.pk, card.version])
        row = cursor.fetchone()
    if row is None:
        raise StaleCard("This card was already answered or changed elsewhere; here is the next one.")
    state = rows.instance(ReviewState, row[:-1])
    state.item_passage_id = row[-1]
    return state


def _insert_log(log: ReviewLog) -> ReviewLog:
    with connection.cursor() as cursor:
        cursor.execute(_INSERT_LOG, _db_values(log, _LOG_FIELDS))
        log.pk = cursor.fetchone()[0]
    return log


def _record_review(learner, card: CardToken, rating, now, response, was_correct, duration_ms, fuzz) -> ReviewOutcome:
    state = _shown_state(learner, card)
    pending = state.pending_answer
    if pending is not None:
        if pending.get("uuid") != card.client_uuid.hex:
            raise StaleCard("This card was answered elsewhere; here is the next one.")
        response, was_correct = pending.get("text", ""), pending.get("correct")
    study_settings = settings_for(learner)
    before = scheduling.snapshot(state)
    shown_as = state.state
    new_card = scheduling.review(scheduling.scheduler_for(study_settings, fuzz=fuzz), state, rating, now, duration_ms)
    scheduling.apply_card(state, new_card)
    state.reps += 1
    if state.first_review is None:
        state.first_review = now
    became_leech = False
    if shown_as == CardState.REVIEW and rating == Rating.AGAIN:
        state.lapses += 1
        if state.lapses >= study_settings.leech_threshold and not state.is_leech:
            state.is_leech = True
            state.suspended = True
            became_leech = True

    day = study_settings.day_at(now)
    log = ReviewLog(
        learner=learner,
        item_id=state.item_id,
        deck_id=state.deck_id,
        rating=rating,
        state=shown_as,
        reviewed_at=now,
        day=day.date,
        tests_memory=_tests_memory(before, day),
        duration_ms=duration_ms,
        response=response[:2000],
        was_correct=was_correct,
        client_uuid=card.client_uuid,
        state_before=before,
        state_after=scheduling.snapshot(state),
    )
    if connection.vendor == "postgresql":
        _write_rating_at_once(learner, state, log, until=day.end, expected_version=card.version)
    else:
        log.buried_siblings = _bury_siblings(learner, state, passage_id=state.item_passage_id, until=day.end)
        _insert_log(log)
        _save_if_unchanged(state, expected_version=card.version)
    return ReviewOutcome(log=log, replayed=False, became_leech=became_leech)


def _tests_memory(before: dict[str, Any], day) -> bool:
    """Whether this is the item's first review today of an item last seen on an earlier day (see ReviewLog)."""
    last_review = before.get("last_review")
    return last_review is not None and datetime.fromisoformat(last_review) < day.start


def _save_if_unchanged(state: ReviewState, *, expected_version: int) -> None:
    """Write the rated state and clear its kept answer; the version check is the backstop where rows aren't locked."""
    with connection.cursor() as cursor:
        cursor.execute(
            _SAVE_RATED_STATE, [*_db_values(state, _RATED_FIELDS), state.pk, state.learner_id, expected_version]
        )
        updated = cursor.rowcount
    if not updated:
        raise StaleCard("This card was already answered or changed elsewhere; here is the next one.")
    state.version = expected_version + 1


# Bury the other items drawn from the same passage until the learner's day ends. Only siblings that are
# not buried now are touched (their buried_until is empty or past), so undo can restore them by clearing it.
_BURY_SIBLINGS = (
    f"UPDATE {_STATES} SET buried_until = %s, version = version + 1 "  # noqa: S608 - table names are ours
    "WHERE learner_id = %s AND id <> %s AND suspended = %s AND (buried_until IS NULL OR buried_until < %s) "
    f"AND item_id IN (SELECT id FROM {Item._meta.db_table} WHERE passage_id = %s) RETURNING id"
)


def _bury_params(learner, state: ReviewState, passage_id: int | None, until: datetime) -> list:
    # Raw SQL skips the ORM's adaptation: without it SQLite would store "...+00:00" text, which
    # compares unequal to the ORM's naive-UTC text (an item stayed buried at the very end of its day).
    until = connection.ops.adapt_datetimefield_value(until)
    return [until, learner.pk, state.pk, False, until, passage_id]


def _bury_siblings(learner, state: ReviewState, *, passage_id: int | None, until: datetime) -> list[int]:
    """Bury the item's siblings (see _BURY_SIBLINGS); return their ids. One UPDATE ... RETURNING."""
    if passage_id is None:
        return []
    with connection.cursor() as cursor:
        cursor.execute(_BURY_SIBLINGS, _bury_params(learner, state, passage_id, until))
        return sorted(row[0] for row in cursor.fetchall())


# PostgreSQL: the rating's three writes (bury the siblings, log the review with their ids, save the state)
# as one statement of data-modifying CTEs, one round trip instead of three. They share one snapshot and
# touch different rows (the bury skips the rated state), so their order does not matter.
_BURIED_COLUMN = ReviewLog._meta.get_field("buried_siblings")
_LOG_VALUES_FIELDS = [field for field in _LOG_FIELDS if field is not _BURIED_COLUMN]
_WRITE_RATING = (
    f"WITH buried AS ({_BURY_SIBLINGS}), "  # noqa: S608 - SQL of our own
    f"rated AS ({_SAVE_RATED_STATE} RETURNING 1), "
    f"logged AS (INSERT INTO {ReviewLog._meta.db_table} ("
    + ", ".join(field.column for field in _LOG_FIELDS)
    + ") VALUES ("
    + ", ".join(
        "(SELECT COALESCE(jsonb_agg(id ORDER BY id), '[]'::jsonb) FROM buried)" if field is _BURIED_COLUMN else "%s"
        for field in _LOG_FIELDS
    )
    + ") RETURNING id) "
    "SELECT (SELECT id FROM logged), (SELECT COUNT(*) FROM rated), ARRAY(SELECT id FROM buried ORDER BY id)"
)


def _write_rating_at_once(learner, state: ReviewState, log: ReviewLog, *, until: datetime, expected_version: int):
    """Bury the siblings, insert the log and save the rated state in one statement (PostgreSQL)."""
    params = [
        *_bury_params(learner, state, state.item_passage_id, until),
        *_db_values(state, _RATED_FIELDS),
        state.pk,
        state.learner_id,
        expected_version,
        *_db_values(log, _LOG_VALUES_FIELDS),
    ]
    with connection.cursor() as cursor:
        cursor.execute(_WRITE_RATING, params)
        log.pk, saved, buried = cursor.fetchone()
    if not saved:  # the version check's backstop: the row is locked, so this is never expected
        raise StaleCard("This card was already answered or changed elsewhere; here is the next one.")
    state.version = expected_version + 1
    log.buried_siblings = buried


_CHANGED_OUTSIDE_REVIEWS = frozenset({"suspended", "buried_until"})


@transaction.atomic
def undo_last_review(*, learner, since: datetime | None = None) -> ReviewLog | None:
    """Revert the learner's newest review exactly: its state restored, its log removed, its siblings unburied.

    `since` limits undo to reviews made after that moment (the current study day).
    Returns the removed log (unsaved) or None when there is nothing to undo.
    """
    logs = ReviewLog.objects.filter(learner=learner)
    if since is not None:
        logs = logs.filter(reviewed_at__gte=since)
    log = logs.select_for_update().order_by("-reviewed_at", "-pk").first()
    if log is None:
        return None
    state = ReviewState.objects.select_for_update().get(learner=learner, item_id=log.item_id)
    current = scheduling.snapshot(state)
    # A suspension or burial the learner made after this review stays: undo reverts the review only.
    kept = {field for field in _CHANGED_OUTSIDE_REVIEWS if current[field] != log.state_after.get(field, current[field])}
    # A field newer than the log's snapshot is missing from it and keeps its current value.
    scheduling.restore(state, {field: value for field, value in log.state_before.items() if field not in kept})
    fields = {f: getattr(state, f) for f in scheduling.SNAPSHOT_FIELDS}
    ReviewState.objects.filter(pk=state.pk).update(**fields, pending_answer=None, version=F("version") + 1)
    if log.buried_siblings:
        ReviewState.objects.filter(pk__in=log.buried_siblings, learner=learner).update(
            buried_until=None, version=F("version") + 1
        )
    log.delete()
    return log


def _change_state(learner, state_id: int, **changes) -> ReviewState:
    """Change a learner's own state; any card of it on screen goes stale (the version moves on)."""
    with transaction.atomic():
        state = ReviewState.objects.select_for_update().get(pk=state_id, learner=learner)
        for field, value in changes.items():
            setattr(state, field, value)
        state.version += 1
        state.save(update_fields=[*changes, "version"])
    return state


def suspend(*, learner, state_id: int) -> ReviewState:
    # The card leaves the queue, so an answer shown but not rated is dropped with it.
    return _change_state(learner, state_id, suspended=True, pending_answer=None)


def unsuspend(*, learner, state_id: int) -> ReviewState:
    """Unsuspending a leech keeps its leech mark (like Anki's tag) but lets it be reviewed again."""
    return _change_state(learner, state_id, suspended=False)


def bury(*, learner, state_id: int, now: datetime) -> ReviewState:
    study_settings = settings_for(learner)
    day = study_settings.day_at(now)
    return _change_state(learner, state_id, buried_until=day.end, pending_answer=None)


def set_flag(*, learner, state_id: int, flagged: bool) -> ReviewState:
    return _change_state(learner, state_id, flagged=flagged)


# --- custom study -----------------------------------------------------------------------------------------

# What an empty selection says, per kind (the study is not started and nothing is saved).
_NOTHING = {
    CustomStudyKind.AHEAD: lambda days, tag: (
        "Nothing is due tomorrow." if days == 1 else f"Nothing is due in the next {days} days."
    ),
    CustomStudyKind.FORGOTTEN: lambda days, tag: (
        "You have rated nothing Again today." if days == 1 else f"You have rated nothing Again in the last {days} days."
    ),
    CustomStudyKind.TAG: lambda days, tag: f"No item of this deck you can study carries the tag “{tag}”.",
    CustomStudyKind.CRAM: lambda days, tag: "This deck has no items you can study (suspended ones are left out).",
}
DEFAULT_DAYS = {CustomStudyKind.AHEAD: 7, CustomStudyKind.FORGOTTEN: 1}
MAX_DAYS = {CustomStudyKind.AHEAD: 365, CustomStudyKind.FORGOTTEN: 30}


class EmptySelection(Exception):
    """The custom study would hold no card: it is not started, and the learner's current one stays."""


class NotInCustomStudy(Exception):
    """A card token for a state that is not one of the custom study's cards."""


class UndoRefused(Exception):
    """The custom study's last card was a review that is no longer the learner's newest one of the day."""


@transaction.atomic
def start_custom_study(
    *,
    learner,
    deck: Deck,
    kind: str,
    now: datetime,
    days: int | None = None,
    tag=None,
    reschedule: bool | None = None,
) -> tuple[CustomStudy, CustomSelection]:
    """Gather the cards of a custom study and start it, replacing the learner's current one of this deck.

    `days` defaults per kind (7 ahead, 1 forgotten) and is dropped for the other kinds; `reschedule`
    defaults to on for review ahead and forgotten (real reviews), off for tag and cram.
    Raises EmptySelection, with a message for the learner, when there is nothing to study.
    """
    kind = CustomStudyKind(kind)
    if kind in RESCHEDULING_KINDS:
        days = DEFAULT_DAYS[kind] if days is None else days
        if not 1 <= days <= MAX_DAYS[kind]:
            raise ValueError(f"{kind.label} takes 1 to {MAX_DAYS[kind]} days, not {days}.")
    else:
        days = None
    if kind == CustomStudyKind.TAG:
        if tag is None:
            raise ValueError("Study by tag needs a tag.")
    else:
        tag = None
    selection = custom_study_selection(learner, deck, kind=kind, days=days, tag=tag, now=now)
    if not selection.state_ids:
        raise EmptySelection(_NOTHING[kind](days, tag))
    CustomStudy.objects.filter(learner=learner, deck=deck).delete()
    study = CustomStudy.objects.create(
        learner=learner,
        deck=deck,
        kind=kind,
        days=days,
        tag=tag,
        reschedule=kind in RESCHEDULING_KINDS if reschedule is None else reschedule,
        created_at=now,
    )
    CustomStudyCard.objects.bulk_create(
        (
            CustomStudyCard(study=study, state_id=state_id, position=position)
            for position, state_id in enumerate(selection.state_ids)
        ),
        batch_size=1000,
    )
    return study, selection


@dataclass(frozen=True)
class CustomRating:
    card: CustomStudyCard  # with its study and the study's deck
    replayed: bool  # this showing had been rated already
    became_leech: bool


def rate_custom_card(
    *, learner, deck_slug: str, card: CardToken, rating: Rating, now: datetime, duration_ms: int | None = None
) -> CustomRating:
    """Rate a card of the learner's custom study of the deck, exactly once.

    A study that reschedules records a review through record_review (log, schedule, buried siblings,
    leeches). One that doesn't keeps the rating on the study's card only, with the correctness of the
    answer kept on the server; the state's kept answer is cleared and its version moved on (spending the
    token), and nothing else about it changes. Raises NotInCustomStudy, or StaleCard as record_review does.
    """
    with transaction.atomic():
        entry = (
            CustomStudyCard.objects.select_for_update(of=("self", "state"))
            .select_related("study__deck", "state")
            .filter(study__learner=learner, study__deck__slug=deck_slug, state_id=card.state_id)
            .first()
        )
        if entry is None:
            raise NotInCustomStudy("That card is not part of this custom study.")
        if entry.answered_at is not None:
            if entry.client_uuid == card.client_uuid:
                return CustomRating(card=entry, replayed=True, became_leech=False)
            raise StaleCard("This card was already answered or changed elsewhere; here is the next one.")
        became_leech = False
        if entry.study.reschedule:
            outcome = record_review(learner=learner, token=card, rating=rating, now=now, duration_ms=duration_ms)
            was_correct, became_leech = outcome.log.was_correct, outcome.became_leech
        else:
            was_correct = _practised(learner, entry.state, card)
        entry.answered_at, entry.rating, entry.was_correct = now, rating, was_correct
        entry.client_uuid = card.client_uuid
        entry.save(update_fields=["answered_at", "rating", "was_correct", "client_uuid"])
    return CustomRating(card=entry, replayed=False, became_leech=became_leech)


def _practised(learner, state: ReviewState, card: CardToken) -> bool | None:
    """A rating that reschedules nothing: the kept answer's correctness, the answer cleared, the version moved on."""
    pending = state.pending_answer
    if state.version != card.version or (pending is not None and pending.get("uuid") != card.client_uuid.hex):
        raise StaleCard("This card was already answered or changed elsewhere; here is the next one.")
    updated = ReviewState.objects.filter(pk=state.pk, learner=learner, version=card.version).update(
        pending_answer=None, version=F("version") + 1
    )
    if not updated:  # the backstop where rows aren't locked
        raise StaleCard("This card was already answered or changed elsewhere; here is the next one.")
    return pending.get("correct") if pending is not None else None


def undo_custom_card(*, learner, study: CustomStudy, now: datetime) -> CustomStudyCard | None:
    """Take back the custom study's last rated card, so it is shown again; None when there is none.

    A rescheduled rating is undone through undo_last_review, and only when it is still the learner's
    newest review of the day (UndoRefused otherwise, and nothing changes). A review already undone
    elsewhere leaves only the card to take back.
    """
    with transaction.atomic():
        entry = study.cards.select_for_update().filter(rating__isnull=False).order_by("-answered_at", "-pk").first()
        if entry is None:
            return None
        if study.reschedule and ReviewLog.objects.filter(learner=learner, client_uuid=entry.client_uuid).exists():
            undone = undo_last_review(learner=learner, since=settings_for(learner).day_at(now).start)
            if undone is None or undone.client_uuid != entry.client_uuid:
                # Raised inside the transaction: the other review undone above is restored.
                raise UndoRefused(
                    "Your last answer here can't be undone: it is no longer your newest review today. "
                    "Undo the newer one where you made it first."
                )
        entry.answered_at = entry.rating = entry.was_correct = entry.client_uuid = None
        entry.save(update_fields=["answered_at", "rating", "was_correct", "client_uuid"])
    return entry


def bury_custom_card(*, learner, study: CustomStudy, state_id: int, now: datetime) -> ReviewState:
    """Bury the card until tomorrow, as the daily session does, and set it aside in the custom study."""
    with transaction.atomic():
        state = bury(learner=learner, state_id=state_id, now=now)
        study.cards.filter(state_id=state_id, answered_at__isnull=True).update(answered_at=now)
    return state
