"""The retention simulator: a year of study per desired retention, the optimal retention, the advice, the cache."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import fsrs_rs_python
import pytest
from django.core.cache import cache

from studyapp.memory import simulation
from studyapp.review.models import ReviewState, StudySettings
from tests.factories import DeckFactory, ItemFactory
from tests.review.conftest import study


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


def collection(size: int = 300, **settings) -> simulation.Collection:
    return simulation.collection_of(StudySettings(**settings), size=size)


@pytest.fixture(scope="module")
def year() -> simulation.Forecast:
    """One forecast for a 300-item collection with the default settings (0.90, 20 new, 200 reviews a day)."""
    return simulation.forecast(collection(300))


def test_higher_retention_costs_more_reviews_and_minutes_a_day(year):
    reviews = [point.reviews_per_day for point in year.points]
    minutes = [point.minutes_per_day for point in year.points]

    assert reviews == sorted(reviews)
    assert len(set(reviews)) == len(reviews)
    assert minutes == sorted(minutes)
    assert reviews[-1] > 3 * reviews[0]  # 0.97 is far dearer than 0.70, not a rounding difference


def test_with_room_to_learn_everything_higher_retention_remembers_more(year):
    # 300 items at 20 a day are all learned in 15 days, so no retention learns fewer of them.
    remembered = [point.remembered for point in year.points]

    assert all(point.learned == 300 for point in year.points)
    assert remembered == sorted(remembered)
    assert remembered[-1] <= 300


def test_the_optimal_retention_lies_in_the_simulated_range(year):
    assert Decimal("0.70") <= year.optimal_retention <= Decimal("0.97")
    assert year.optimal_retention == year.optimal_retention.quantize(Decimal("0.01"))


def test_the_grid_runs_from_070_to_097_and_past_it_to_a_higher_desired_retention(year):
    assert [point.retention for point in year.points] == list(simulation.RETENTION_GRID)
    assert simulation.RETENTION_GRID[0] == Decimal("0.70")
    assert simulation.RETENTION_GRID[-1] == Decimal("0.97")
    above = simulation.retentions_for(collection(desired_retention=Decimal("0.99")))
    assert above[-1] == Decimal("0.99")
    assert Decimal("0.97") in above


def test_between_two_simulated_points_the_forecast_is_a_straight_line(year):
    low, high = year.at(Decimal("0.70")), year.at(Decimal("0.73"))
    middle = year.at(Decimal("0.71"))

    assert low.retention == Decimal("0.70")
    assert middle.reviews_per_day == pytest.approx(
        low.reviews_per_day + (high.reviews_per_day - low.reviews_per_day) / 3
    )
    with pytest.raises(ValueError, match="outside"):
        year.at(Decimal("0.98"))


def test_the_advice_compares_the_desired_retention_with_the_optimal_one_in_simulated_figures(year):
    yours, best = year.at(Decimal("0.90")), year.at(year.optimal_retention)
    sentence = simulation.advice(year)

    assert sentence.startswith(
        f"Your desired retention 0.90 costs about {round(yours.reviews_per_day)} reviews a day ("
    )
    assert f"; {year.optimal_retention:.2f} would cost {best.reviews_text}, with about " in sentence
    assert sentence.endswith(f"about {round(yours.remembered) - round(best.remembered)} fewer items remembered.")
    assert sentence.endswith(".")
    assert ". " not in sentence


def test_a_desired_retention_below_the_optimum_is_told_what_more_it_would_keep(year):
    low = replace(
        year,
        collection=replace(year.collection, desired_retention=Decimal("0.70")),
        optimal_retention=Decimal("0.85"),
    )
    gained = round(year.at(Decimal("0.85")).remembered) - round(year.at(Decimal("0.70")).remembered)

    assert simulation.advice(low).endswith(
        f"; 0.85 would cost {year.at(Decimal('0.85')).reviews_text}, with about {gained} more items remembered."
    )


def test_a_desired_retention_at_the_optimum_is_told_to_stay(year):
    at_optimum = replace(year, collection=replace(year.collection, desired_retention=year.optimal_retention))

    assert "that is about the optimal retention" in simulation.advice(at_optimum)


def test_the_config_carries_the_learners_limits_steps_and_leech_threshold():
    config = simulation.simulator_config(
        collection(
            1234,
            new_per_day=7,
            reviews_per_day=80,
            learning_steps="1m 10m 1h",
            relearning_steps="10m",
            leech_threshold=5,
        )
    )

    assert (config.deck_size, config.learn_span, config.learn_limit, config.review_limit) == (1234, 365, 7, 80)
    assert (config.learning_step_count, config.relearning_step_count) == (3, 1)
    assert config.suspend_after_lapses == 5
    assert config.max_cost_perday >= 24 * 60 * 60  # no time cap: the learner's limits are counts


def test_the_learners_fitted_parameters_are_simulated_and_none_means_the_defaults():
    fitted = [round(weight * 1.1, 4) for weight in fsrs_rs_python.DEFAULT_PARAMETERS]

    assert collection(fsrs_parameters=None).parameters == tuple(fsrs_rs_python.DEFAULT_PARAMETERS)
    assert collection(fsrs_parameters=fitted).parameters == tuple(fitted)


@pytest.mark.parametrize(
    ("reviews", "minutes", "text"),
    [
        (1.2, 0.4, "about 1 review a day (under a minute)"),
        (0.3, 0.2, "about 0 reviews a day (under a minute)"),
        (12.6, 1.4, "about 13 reviews a day (1 minute)"),
        (1234.0, 95.0, "about 1,234 reviews a day (95 minutes)"),
    ],
)
def test_figures_are_written_with_their_plurals(reviews, minutes, text):
    point = simulation.Point(Decimal("0.9"), reviews_per_day=reviews, minutes_per_day=minutes, remembered=1, learned=1)

    assert point.reviews_text == text
    assert point.remembered_text == "about 1 item remembered after a year"


def test_small_collections_are_averaged_over_more_seeds():
    assert simulation.seeds_for(10) == simulation.MOST_SEEDS
    assert simulation.seeds_for(128) == 4
    assert simulation.seeds_for(10_000) == 1


def test_a_large_collection_is_simulated_as_a_sample_under_the_same_share_of_its_limits():
    whole = collection(10_000, new_per_day=20, reviews_per_day=200)

    sample, share = simulation.miniature(whole)

    assert share == pytest.approx(0.2)
    assert (sample.size, sample.new_per_day, sample.reviews_per_day) == (2000, 4, 40)
    assert sample.parameters == whole.parameters
    assert simulation.miniature(collection(2000)) == (collection(2000), 1.0)  # small enough already


def test_the_sample_forecasts_what_the_whole_collection_would_do():
    whole = collection(6000)  # 20 new a day: a sample of 1,800 items, 6 new and 60 reviews a day
    sample, share = simulation.miniature(whole)
    retention = Decimal("0.85")

    from_sample = simulation.scaled(
        simulation.simulate_point(sample, simulation.simulator_config(sample), retention, seeds=2),
        1 / share,
        most=whole.size,
    )
    in_full = simulation.simulate_point(whole, simulation.simulator_config(whole), retention, seeds=1)

    assert sample.size == 1800
    assert from_sample.reviews_per_day == pytest.approx(in_full.reviews_per_day, rel=0.05)
    assert from_sample.remembered == pytest.approx(in_full.remembered, rel=0.03)
    assert from_sample.learned == pytest.approx(in_full.learned, rel=0.01)


def test_only_parameters_within_the_fsrs_schedulers_bounds_are_simulated():
    defaults = list(fsrs_rs_python.DEFAULT_PARAMETERS)

    assert simulation.usable(defaults)
    assert not simulation.usable([*defaults[:20], -1.0])  # a negative decay: recall odds outside [0, 1]
    assert not simulation.usable([float("nan"), *defaults[1:]])
    assert not simulation.usable(defaults[:19])
    with pytest.raises(ValueError, match="outside the bounds"):
        simulation.forecast(collection(10, fsrs_parameters=[*defaults[:20], -1.0]))


def test_a_panic_in_the_simulator_becomes_an_exception_the_view_can_handle(monkeypatch):
    # Rust panics arrive as pyo3's PanicException, a BaseException that Django's handler would let through.
    monkeypatch.setattr(simulation, "usable", lambda parameters: True)
    bad = [*fsrs_rs_python.DEFAULT_PARAMETERS[:20], -1.0]

    with pytest.raises(simulation.SimulationFailed, match="outside range"):
        simulation.forecast(collection(10, fsrs_parameters=bad))


def test_nothing_to_simulate_is_refused():
    with pytest.raises(ValueError, match="at least one item"):
        simulation.forecast(collection(0))
    with pytest.raises(ValueError, match="new item a day"):
        simulation.forecast(collection(10, new_per_day=0))


def test_a_forecast_is_run_once_per_learner_parameters_collection_and_limits(monkeypatch):
    runs = []
    real = simulation.forecast
    monkeypatch.setattr(simulation, "forecast", lambda c: runs.append(c) or real(c))
    small = collection(12)

    first = simulation.cached_forecast(1, small)
    again = simulation.cached_forecast(1, small)
    simulation.cached_forecast(2, small)  # another learner
    simulation.cached_forecast(1, replace(small, size=13))  # a deck added
    simulation.cached_forecast(1, replace(small, parameters=(*small.parameters[:-1], 0.2)))  # a new fit
    simulation.cached_forecast(1, replace(small, reviews_per_day=50))  # a limit changed

    assert again == first
    assert len(runs) == 5


def test_the_collection_counts_the_learners_unsuspended_items_in_the_decks_they_study(student_a, student_b):
    studied, other = DeckFactory(), DeckFactory()
    for deck, count in ((studied, 4), (other, 3)):
        for _ in range(count):
            ItemFactory(deck=deck)
    states = study(student_a, studied)
    study(student_b, other)
    ReviewState.objects.filter(pk=states[0].pk).update(suspended=True)

    assert simulation.collection_size(student_a) == 3
    assert simulation.collection_size(student_b) == 3
    states[1].deck.learners.filter(learner=student_a).delete()  # no longer studied
    assert simulation.collection_size(student_a) == 0
