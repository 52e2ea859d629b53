"""What a desired retention costs a learner: the FSRS simulator over their collection, and the cheapest retention.

fsrs-rs-python's simulator plays out a year of study day by day (new items at the learner's daily
limit, each review passed or failed by chance from the model's recall probability) and counts the
reviews, the seconds spent and the items remembered on each day. We run it for a grid of desired
retentions (`RETENTION_GRID`, and the learner's own above it), and ask `optimal_retention` for Anki's
"minimum recommended retention" (CMRR): the retention with the least study time per item remembered
at the end of the year.

Two limits of fsrs-rs-python 0.9.3 shape what this can say: its `simulate` takes no existing cards,
so the whole collection is simulated as new items introduced at the learner's new-per-day limit (what
a learner starting the collection today would face); and its costs and rating odds are the library's
defaults (averages over many Anki users), not the learner's own timings.

A forecast costs up to a second of CPU (the optimal retention's search most of it; the README's "What
a desired retention costs" has the figures), bounded by simulating a large collection as a sample (`miniature`). So a
result is cached per learner, parameters, collection size and limits (`cache_key`), and the slider
redraws the chart from the cached numbers.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import time
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from decimal import Decimal

import fsrs_rs_python
from django.core.cache import cache
from fsrs.scheduler import LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS

from studyapp.review.models import ReviewState, StudiedDeck, StudySettings, parse_steps

logger = logging.getLogger(__name__)


def pluralize(count: int) -> str:
    return "" if count == 1 else "s"


LOWEST_RETENTION = Decimal("0.70")
HIGHEST_RETENTION = Decimal("0.97")
# Ten points, 0.03 apart: enough for a smooth curve, a third of the cost of every 0.01 (README figures).
RETENTION_GRID = tuple(Decimal("0.70") + Decimal("0.03") * step for step in range(10))
DAYS = 365
# Enough simulated cards per point that chance doesn't bend the curve: a 128-item deck is run with 4
# seeds and averaged; a collection of 500 or more is one run (its own law of large numbers).
CARDS_PER_POINT = 500
MOST_SEEDS = 8
# A larger collection is simulated as a sample of about this many items (`miniature`): the cost of a
# forecast is then bounded, 10,000 items or a million.
SIMULATED_ITEMS = 2000
# The optimal retention's search simulates 16 years per retention it tries, some 160 in all: a smaller
# sample does (its measure, seconds per item remembered, is flat near the optimum; samples of 500, 1,000
# and 2,000 of a 10,000-item collection agreed within 0.03, the first in a quarter of the time).
OPTIMUM_ITEMS = 500
# The learner's settings have no daily time cap, unlike the simulator's default of 30 minutes.
NO_TIME_CAP_SECONDS = 24 * 60 * 60.0
# The simulator lets a card relearn for at most this many steps.
MOST_STEPS = 5
CACHE_SECONDS = 24 * 60 * 60
CACHE_VERSION = 2


@dataclass(frozen=True)
class Collection:
    """What the simulator needs to know about a learner: plain values, so the key and the run are pure."""

    size: int  # items in their studied decks, not suspended
    parameters: tuple[float, ...]  # their 21 FSRS weights (the defaults when they have none)
    desired_retention: Decimal
    new_per_day: int
    reviews_per_day: int
    learning_steps: int
    relearning_steps: int
    leech_threshold: int


@dataclass(frozen=True)
class Point:
    """One desired retention's year, averaged over the seeds."""

    retention: Decimal
    reviews_per_day: float  # reviews (not first sightings) a day, on average over the year
    minutes_per_day: float  # time a day, learning included, at the library's average seconds per answer
    remembered: float  # items you would recall on the last day (the sum of their recall probabilities)
    learned: float  # items introduced during the year

    @property
    def reviews_text(self) -> str:
        """'about 4 reviews a day (3 minutes)': the figures the sentences give, with their plurals."""
        reviews, minutes = round(self.reviews_per_day), round(self.minutes_per_day)
        time = "under a minute" if minutes < 1 else f"{minutes:,} minute{pluralize(minutes)}"
        return f"about {reviews:,} review{pluralize(reviews)} a day ({time})"

    @property
    def remembered_text(self) -> str:
        return f"about {round(self.remembered):,} item{pluralize(round(self.remembered))} remembered after a year"

    @property
    def seconds_per_item_remembered(self) -> float:
        """The CMRR objective: the year's study time over what is remembered at its end."""
        return self.minutes_per_day * 60 * DAYS / self.remembered if self.remembered else math.inf


@dataclass(frozen=True)
class Forecast:
    collection: Collection
    points: tuple[Point, ...]  # in increasing retention: the grid, and the learner's own above it
    optimal_retention: Decimal  # the library's CMRR, rounded to 0.01
    seeds: int
    simulated_items: int  # the collection's size, or the size of the sample simulated for it (`miniature`)
    milliseconds: int  # how long the runs took (for the README figures and the log)

    def at(self, retention: Decimal) -> Point:
        """The year at `retention`: a simulated point, or a straight line between the two around it."""
        retentions = [point.retention for point in self.points]
        index = bisect_left(retentions, retention)
        if index < len(self.points) and retentions[index] == retention:
            return self.points[index]
        if index == 0 or index == len(self.points):
            raise ValueError(f"{retention} is outside the simulated range {retentions[0]}–{retentions[-1]}.")
        low, high = self.points[index - 1], self.points[index]
        share = float((retention - low.retention) / (high.retention - low.retention))

        def between(name: str) -> float:
            return getattr(low, name) + (getattr(high, name) - getattr(low, name)) * share

        return Point(
            retention=retention,
            reviews_per_day=between("reviews_per_day"),
            minutes_per_day=between("minutes_per_day"),
            remembered=between("remembered"),
            learned=between("learned"),
        )


# --- the learner's collection (the only database reads) -------------------------------------------------


def collection_size(learner) -> int:
    """The learner's items in the decks they study, suspended ones left out. One COUNT query."""
    studied = StudiedDeck.objects.filter(learner=learner).values("deck_id")
    return ReviewState.objects.filter(learner=learner, suspended=False, deck_id__in=studied).count()


def collection_of(study_settings: StudySettings, *, size: int) -> Collection:
    parameters = study_settings.fsrs_parameters or fsrs_rs_python.DEFAULT_PARAMETERS
    return Collection(
        size=size,
        parameters=tuple(float(weight) for weight in parameters),
        desired_retention=Decimal(study_settings.desired_retention).quantize(Decimal("0.01")),
        new_per_day=study_settings.new_per_day,
        reviews_per_day=study_settings.reviews_per_day,
        learning_steps=len(parse_steps(study_settings.learning_steps)),
        relearning_steps=len(parse_steps(study_settings.relearning_steps)),
        leech_threshold=study_settings.leech_threshold,
    )


# --- the simulation (pure) ---------------------------------------------------------------------------------


def simulator_config(collection: Collection) -> fsrs_rs_python.SimulatorConfig:
    """The library's default config (costs and rating odds) with the learner's collection and limits."""
    config = fsrs_rs_python.default_simulator_config()
    config.deck_size = collection.size
    config.learn_span = DAYS
    config.learn_limit = collection.new_per_day
    config.review_limit = collection.reviews_per_day
    config.max_cost_perday = NO_TIME_CAP_SECONDS
    # Our queue counts new items against their own limit only, as the simulator's flag says.
    config.new_cards_ignore_review_limit = True
    config.learning_step_count = min(collection.learning_steps, MOST_STEPS)
    config.relearning_step_count = min(collection.relearning_steps, MOST_STEPS)
    # A leech is suspended after this many lapses (review.services), and then costs nothing.
    config.suspend_after_lapses = collection.leech_threshold
    return config


def seeds_for(size: int) -> int:
    return max(1, min(MOST_SEEDS, math.ceil(CARDS_PER_POINT / max(size, 1))))


def retentions_for(collection: Collection) -> tuple[Decimal, ...]:
    """The grid, and the learner's own desired retention when it lies above it (0.98, 0.99).

    One between two points of the grid is read off the line between them (`Forecast.at`): a point
    0.01 from its neighbour would differ from it by less than the simulation's chance, and kink the curve.
    """
    return tuple(sorted(set(RETENTION_GRID) | {max(collection.desired_retention, RETENTION_GRID[-1])}))


def simulate_point(
    collection: Collection, config: fsrs_rs_python.SimulatorConfig, retention: Decimal, seeds: int
) -> Point:
    reviews = seconds = remembered = learned = 0.0
    for seed in range(seeds):
        result = fsrs_rs_python.simulate(list(collection.parameters), float(retention), config, seed)
        reviews += sum(result.review_cnt_per_day)
        seconds += sum(result.cost_per_day)
        remembered += result.memorized_cnt_per_day[-1]
        learned += sum(result.learn_cnt_per_day)
    return Point(
        retention=retention,
        reviews_per_day=reviews / seeds / DAYS,
        minutes_per_day=seconds / seeds / DAYS / 60,
        remembered=remembered / seeds,
        learned=learned / seeds,
    )


def miniature(collection: Collection, items: int = SIMULATED_ITEMS) -> tuple[Collection, float]:
    """A collection of at most about `items` that behaves like the learner's, and its share of it.

    The simulator's time grows with the items it plays through, and the optimal retention's search runs
    it some 160 times, so a large collection is simulated as a sample: `share` of its items under `share`
    of its daily limits (a sample of 2,000 of 10,000 items, 4 new and 40 reviews a day instead of 20 and
    200) takes the same days to learn everything and feels the same pressure from the review limit. The
    share makes the new-per-day limit a whole number, so only the review limit is rounded. Counts from
    the sample are divided by `share`; the seconds per item remembered (CMRR's measure) need no scaling.
    """
    sample_new = max(1, math.floor(collection.new_per_day * items / collection.size))
    if sample_new >= collection.new_per_day:
        return collection, 1.0
    share = sample_new / collection.new_per_day
    sample = replace(
        collection,
        size=max(1, round(collection.size * share)),
        new_per_day=sample_new,
        reviews_per_day=max(1, round(collection.reviews_per_day * share)),
    )
    return sample, share


class SimulationFailed(Exception):
    """The simulator could not run on these parameters (a Rust panic in fsrs-rs, turned into an exception)."""


def usable(parameters: Sequence[float]) -> bool:
    """Within the bounds the fsrs scheduler accepts: outside them the simulator's probabilities leave [0, 1]
    and fsrs-rs panics (a BaseException, which no Django handler catches)."""
    return len(parameters) == len(LOWER_BOUNDS_PARAMETERS) and all(
        low <= weight <= high
        for weight, low, high in zip(parameters, LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS, strict=True)
    )


def forecast(collection: Collection) -> Forecast:
    """Run the simulator for every retention of the grid, and the library's CMRR, on a sample of a large collection."""
    if collection.size < 1 or collection.new_per_day < 1:
        raise ValueError("The simulator needs at least one item and at least one new item a day.")
    if not usable(collection.parameters):
        raise ValueError("The parameters are outside the bounds FSRS accepts.")
    try:
        return _forecast(collection)
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as error:  # pyo3's PanicException derives from BaseException
        raise SimulationFailed(f"The simulator stopped: {error}") from error


def _forecast(collection: Collection) -> Forecast:
    started = time.perf_counter()
    sample, share = miniature(collection)
    config = simulator_config(sample)
    seeds = seeds_for(sample.size)
    points = tuple(
        scaled(simulate_point(sample, config, retention, seeds), 1 / share, most=collection.size)
        for retention in retentions_for(collection)
    )
    search_sample, _ = miniature(collection, OPTIMUM_ITEMS)
    optimal = fsrs_rs_python.optimal_retention(simulator_config(search_sample), list(collection.parameters))
    milliseconds = round((time.perf_counter() - started) * 1000)
    logger.info("retention forecast for %s items (%s simulated) took %s ms", collection.size, sample.size, milliseconds)
    return Forecast(
        collection=collection,
        points=points,
        optimal_retention=Decimal(str(round(optimal, 2))),
        seeds=seeds,
        simulated_items=sample.size,
        milliseconds=milliseconds,
    )


def scaled(point: Point, factor: float, *, most: int) -> Point:
    """A sample's year in the whole collection's numbers (a rounded sample size can't make more than `most` items)."""
    if factor == 1:
        return point
    return replace(
        point,
        reviews_per_day=point.reviews_per_day * factor,
        minutes_per_day=point.minutes_per_day * factor,
        remembered=min(point.remembered * factor, most),
        learned=min(point.learned * factor, most),
    )


def cache_key(learner_id: int, collection: Collection) -> str:
    """One key per learner and everything the result depends on; a new fit, deck or limit is a new key."""
    fingerprint = json.dumps(asdict(collection), default=str, sort_keys=True)
    digest = hashlib.sha256(fingerprint.encode()).hexdigest()[:32]
    return f"memory:forecast:v{CACHE_VERSION}:{learner_id}:{digest}"


def cached_forecast(learner_id: int, collection: Collection) -> Forecast:
    """The forecast from Django's cache, or run now and kept for a day."""
    key = cache_key(learner_id, collection)
    result = cache.get(key)
    if result is None:
        result = forecast(collection)
        cache.set(key, result, CACHE_SECONDS)
    return result


def advice(forecast: Forecast) -> str:
    """One sentence: what the learner's desired retention costs, against the optimal one (from the simulation)."""
    desired, optimal = forecast.collection.desired_retention, forecast.optimal_retention
    yours = forecast.at(desired)
    costs = f"Your desired retention {desired:.2f} costs {yours.reviews_text} and leaves {yours.remembered_text}"
    if abs(desired - optimal) < Decimal("0.02"):
        return f"{costs}: that is about the optimal retention, {optimal:.2f}, so keep it."
    best = forecast.at(optimal)
    remembered = round(yours.remembered) - round(best.remembered)
    return (
        f"{costs}; {optimal:.2f} would cost {best.reviews_text}, with about {abs(remembered):,} "
        f"{'fewer' if remembered >= 0 else 'more'} items remembered."
    )
