"""The adapter between ReviewState rows and the `fsrs` package, which does all the scheduling.

FSRS edges minded here: no "New" state in fsrs 6 (a new card is Learning, step 0, with no
stability), datetimes must carry `datetime.timezone.utc`, `card_id` is always passed (without it
`Card()` sleeps 1 ms), and fuzzing is off where a result must be reproducible (tests, previews).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import fsrs
from django.conf import settings as django_settings

from studyapp.review.models import CardState, Rating, ReviewState, StudySettings, parse_steps

_TO_FSRS = {
    CardState.NEW: fsrs.State.Learning,
    CardState.LEARNING: fsrs.State.Learning,
    CardState.REVIEW: fsrs.State.Review,
    CardState.RELEARNING: fsrs.State.Relearning,
}
_FROM_FSRS = {
    fsrs.State.Learning: CardState.LEARNING,
    fsrs.State.Review: CardState.REVIEW,
    fsrs.State.Relearning: CardState.RELEARNING,
}
SNAPSHOT_FIELDS = (
    "state",
    "step",
    "stability",
    "difficulty",
    "due",
    "last_review",
    "first_review",
    "reps",
    "lapses",
    "suspended",
    "is_leech",
    "buried_until",
)


def utc(moment: datetime) -> datetime:
    """The same instant with tzinfo exactly datetime.timezone.utc, as fsrs requires."""
    return moment.astimezone(UTC)


def scheduler_for(study_settings: StudySettings, *, fuzz: bool | None = None) -> fsrs.Scheduler:
    """A scheduler with the learner's retention, steps and (optionally) optimised parameters."""
    kwargs: dict[str, Any] = {
        "desired_retention": float(study_settings.desired_retention),
        "learning_steps": parse_steps(study_settings.learning_steps),
        "relearning_steps": parse_steps(study_settings.relearning_steps),
        "enable_fuzzing": django_settings.FSRS_ENABLE_FUZZING if fuzz is None else fuzz,
    }
    if study_settings.fsrs_parameters:
        kwargs["parameters"] = tuple(study_settings.fsrs_parameters)
    return fsrs.Scheduler(**kwargs)


def to_card(state: ReviewState) -> fsrs.Card:
    if state.state == CardState.NEW:
        return fsrs.Card(card_id=state.pk, state=fsrs.State.Learning, step=0, due=utc(state.due))
    return fsrs.Card(
        card_id=state.pk,
        state=_TO_FSRS[CardState(state.state)],
        step=state.step,
        stability=state.stability,
        difficulty=state.difficulty,
        due=utc(state.due),
        last_review=utc(state.last_review) if state.last_review else None,
    )


def apply_card(state: ReviewState, card: fsrs.Card) -> None:
    """Copy what fsrs computed back onto the row (not saved)."""
    state.state = _FROM_FSRS[card.state]
    state.step = card.step
    state.stability = card.stability
    state.difficulty = card.difficulty
    state.due = card.due
    state.last_review = card.last_review


def review(
    scheduler: fsrs.Scheduler, state: ReviewState, rating: Rating, at: datetime, duration_ms: int | None = None
) -> fsrs.Card:
    card, _log = scheduler.review_card(to_card(state), fsrs.Rating(int(rating)), utc(at), duration_ms)
    return card


def preview_intervals(scheduler: fsrs.Scheduler, state: ReviewState, at: datetime) -> dict[Rating, timedelta]:
    """How long until the item comes back after each rating (one review_card call per rating on a copy)."""
    return {rating: review(scheduler, state, rating, at).due - utc(at) for rating in Rating}


def retrievability(scheduler: fsrs.Scheduler, state: ReviewState, at: datetime) -> float:
    return scheduler.get_card_retrievability(to_card(state), utc(at))


def format_interval(interval: timedelta) -> str:
    """Anki-style short interval: 45s, 10m, 3h, 4d, 2.1mo, 1.3y."""
    seconds = max(interval.total_seconds(), 0)
    if seconds < 60:
        return f"{round(seconds)}s"
    if seconds < 3600:
        return f"{round(seconds / 60)}m"
    if seconds < 86400:
        return f"{round(seconds / 3600)}h"
    days = seconds / 86400
    if days < 30:
        return f"{round(days)}d"
    if days < 365:
        return f"{days / 30:.1f}mo"
    return f"{days / 365:.1f}y"


def snapshot(state: ReviewState) -> dict[str, Any]:
    """The row's scheduling fields as JSON, for the review log's state_before/state_after."""
    data = {}
    for field in SNAPSHOT_FIELDS:
        value = getattr(state, field)
        data[field] = utc(value).isoformat() if isinstance(value, datetime) else value
    return data


def restore(state: ReviewState, data: dict[str, Any]) -> None:
    """Set the row's scheduling fields from a snapshot; fields the snapshot lacks (older than the field) are kept."""
    for field in SNAPSHOT_FIELDS:
        if field not in data:
            continue
        value = data[field]
        if field in {"due", "last_review", "first_review", "buried_until"} and value is not None:
            value = datetime.fromisoformat(value)
        setattr(state, field, value)
