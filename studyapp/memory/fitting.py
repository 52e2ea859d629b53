"""Fitting FSRS's 21 parameters to a review log with fsrs-rs-python, and measuring how well they predict it.

Plain Python over plain values (no Django), so the same code serves a learner's fit and the
evaluation of the public review log (`manage.py evaluate_scheduler`).

How the training items are built, as fsrs-rs's own converter does:

- An item's history is its reviews from its last start as a new item, oldest first. An item whose
  log never shows it new was first seen before the log began: its early reviews are missing, so any
  memory state made from the rest would be wrong, and it is skipped. (A log that does not say which
  reviews were of new items, like the public CSV, is taken to start with each item's first review.)
- Each review becomes (rating, delta_t): whole days since the item's previous review, 0 for the first.
  Days are counted as `fsrs`'s Scheduler counts them when it schedules, `(later - earlier).days`, so the
  parameters fitted here describe the scheduler that will use them. (Anki counts calendar days at the
  learner's day start instead, because its scheduler does.)
- Every review on a later day than the one before (delta_t > 0) is one training item: the history up
  to and including it, whose last rating says whether the item was recalled after delta_t days.
  Same-day reviews (learning steps, relearning steps, a second look the same day) are never a
  target, but stay in the later items' histories, where FSRS's short-term stability uses them.
"""

from __future__ import annotations

import csv
import itertools
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TextIO

import fsrs_rs_python
from fsrs.scheduler import DEFAULT_PARAMETERS, LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS

# Scheduler's default maximum interval (fsrs.Scheduler(maximum_interval=36500)), which scheduling.py keeps.
MAXIMUM_INTERVAL_DAYS = 36500
RATINGS = (1, 2, 3, 4)
MEASURE_NOISE = 1e-6


class NotEnoughReviews(Exception):
    """Nothing to fit or evaluate: no review on a later day than the item's previous one."""


@dataclass(frozen=True, slots=True)
class Review:
    at: datetime
    rating: int
    # Whether the item was new when shown (the review log's state); None when the log does not say.
    shown_as_new: bool | None = None


@dataclass(frozen=True)
class Evaluation:
    """How well a set of parameters predicts recall on a set of training items (lower is better)."""

    log_loss: float
    rmse_bins: float

    def beats(self, other: Evaluation) -> bool:
        """Better on both measures, by more than fsrs-rs's rounding: the same parameters on the same items
        measure a few 1e-9 apart from one run to the next (single precision, sums in parallel)."""
        return self.log_loss < other.log_loss - MEASURE_NOISE and self.rmse_bins < other.rmse_bins - MEASURE_NOISE


def complete_history(reviews: Iterable[Review]) -> list[Review] | None:
    """The item's reviews from its last start as a new item, oldest first; None if it was first seen before the log."""
    ordered = sorted(reviews, key=lambda review: review.at)
    if not ordered:
        return None
    if ordered[0].shown_as_new is None:
        return ordered
    starts = [index for index, review in enumerate(ordered) if review.shown_as_new]
    return ordered[starts[-1] :] if starts else None


def days_between(earlier: datetime, later: datetime) -> int:
    """Whole days elapsed, as fsrs.Scheduler counts them (`timedelta.days`), never below 0."""
    return max((later - earlier).days, 0)


def delta_days(history: Sequence[Review]) -> list[int]:
    """Each review's delta_t: 0 for the first, then whole days since the review before."""
    return [0] + [days_between(before.at, after.at) for before, after in itertools.pairwise(history)]


def _fsrs_reviews(history: Sequence[Review]) -> list[fsrs_rs_python.FSRSReview]:
    return [
        fsrs_rs_python.FSRSReview(review.rating, delta)
        for review, delta in zip(history, delta_days(history), strict=True)
    ]


def training_sequences(histories: Iterable[Iterable[Review]]) -> list[list[tuple[int, int]]]:
    """Each training item as (rating, delta_t) pairs (see the module's docstring), oldest last review first."""
    dated = []
    for reviews in histories:
        history = complete_history(reviews)
        if history is None:
            continue
        pairs = [(review.rating, delta) for review, delta in zip(history, delta_days(history), strict=True)]
        # fsrs-rs also drops items without a review on a later day (long_term_review_cnt() == 0): these end on one.
        dated.extend((history[index].at, pairs[: index + 1]) for index in range(1, len(pairs)) if pairs[index][1] > 0)
    dated.sort(key=lambda pair: pair[0])
    return [pairs for _at, pairs in dated]


def training_items(histories: Iterable[Iterable[Review]]) -> list[fsrs_rs_python.FSRSItem]:
    """The training items of these items' review logs, as fsrs-rs takes them."""
    return [
        fsrs_rs_python.FSRSItem([fsrs_rs_python.FSRSReview(rating, delta) for rating, delta in pairs])
        for pairs in training_sequences(histories)
    ]


def within_bounds(parameters: Sequence[float]) -> list[float]:
    """Rounded to 4 places (as Anki keeps them) and held inside the bounds `fsrs.Scheduler` accepts.

    fsrs-rs clamps its own parameters while it fits; this makes sure the scheduling library takes them too.
    """
    return [
        min(max(round(float(value), 4), lower), upper)
        for value, lower, upper in zip(parameters, LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS, strict=True)
    ]


def fit(items: Sequence[fsrs_rs_python.FSRSItem]) -> list[float]:
    """Parameters fitted to these training items, starting from FSRS-6's defaults."""
    if not items:
        raise NotEnoughReviews("There are no reviews to fit: none came a day or more after the item's previous one.")
    fitted = fsrs_rs_python.FSRS(list(DEFAULT_PARAMETERS)).compute_parameters(list(items))
    return within_bounds(fitted)


def evaluate(parameters: Sequence[float] | None, items: Sequence[fsrs_rs_python.FSRSItem]) -> Evaluation:
    """Log loss and RMSE (bins) of the parameters (None: the defaults) on these items, as fsrs-rs measures them."""
    if not items:
        raise NotEnoughReviews("Nothing to measure: no review came a day or more after the item's previous one.")
    result = fsrs_rs_python.FSRS(list(parameters or DEFAULT_PARAMETERS)).evaluate(list(items))
    return Evaluation(log_loss=float(result.log_loss), rmse_bins=float(result.rmse_bins))


def memory_states(
    parameters: Sequence[float] | None, histories: Sequence[Sequence[Review]]
) -> list[tuple[float, float]]:
    """(stability, difficulty) after each history's last review, all in one batch through fsrs-rs.

    The same numbers `fsrs.Scheduler` reaches by reviewing a new card with each of the history's
    ratings at its times (tests/memory/test_fitting.py holds the two libraries to that).
    """
    if not histories:
        return []
    items = [fsrs_rs_python.FSRSItem(_fsrs_reviews(history)) for history in histories]
    states = fsrs_rs_python.FSRS(list(parameters or DEFAULT_PARAMETERS)).memory_state_batch(items)
    return [(float(state.stability), float(state.difficulty)) for state in states]


def next_interval(parameters: Sequence[float] | None, stability: float, desired_retention: float) -> timedelta:
    """Whole days until recall falls to the desired retention, at least 1, as fsrs.Scheduler rounds and bounds it."""
    days = fsrs_rs_python.FSRS(list(parameters or DEFAULT_PARAMETERS)).next_interval(stability, desired_retention, 3)
    return timedelta(days=min(max(round(days), 1), MAXIMUM_INTERVAL_DAYS))


# --- the public review log's CSV format: card_id, review_rating, review_time, review_duration -----------------

CSV_COLUMNS = ("card_id", "review_rating", "review_time")


class BadReviewLog(ValueError):
    """The file is not a review log in the expected format; the message names the line."""


def read_review_log(file: TextIO) -> dict[str, list[Review]]:
    """Each card's reviews from a CSV with card_id, review_rating (1–4) and review_time (ISO-8601 with an offset).

    Raises BadReviewLog naming the first bad line. Nothing says which reviews were of new cards, so each
    card's history is taken to start at its first review (complete_history).
    """
    reader = csv.DictReader(file)
    missing = [column for column in CSV_COLUMNS if column not in (reader.fieldnames or ())]
    if missing:
        raise BadReviewLog(f"Line 1: the header lacks {', '.join(missing)} (expected {', '.join(CSV_COLUMNS)}).")
    cards: dict[str, list[Review]] = defaultdict(list)
    for row in reader:
        line = reader.line_num
        card_id = (row["card_id"] or "").strip()
        if not card_id:
            raise BadReviewLog(f"Line {line}: card_id is empty.")
        try:
            rating = int(row["review_rating"])
        except (TypeError, ValueError):
            rating = 0
        if rating not in RATINGS:
            raise BadReviewLog(f"Line {line}: review_rating must be 1, 2, 3 or 4, not “{row['review_rating']}”.")
        try:
            at = datetime.fromisoformat((row["review_time"] or "").strip())
        except ValueError:
            raise BadReviewLog(f"Line {line}: review_time “{row['review_time']}” is not an ISO-8601 time.") from None
        if at.tzinfo is None:
            raise BadReviewLog(f"Line {line}: review_time “{row['review_time']}” has no UTC offset.")
        cards[card_id].append(Review(at=at.astimezone(UTC), rating=rating))
    if not cards:
        raise BadReviewLog("The file has a header but no reviews.")
    return dict(cards)
