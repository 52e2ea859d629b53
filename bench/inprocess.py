"""In-process measurements: the queries of one rating round trip, selector timings, query plans, the dashboard.

The study flow is the browser's: each card is answered (POST answer/) before it is rated (POST
rate/); only the rate POST is the rating round trip, so only its queries and its time are counted.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bench.urls import CONSTANT_PATH, FLOOR_PATH, floor_card
from bench.web import answer_fields, rating_fields
from studyapp.accounts.backends import UserWithRolesBackend
from studyapp.accounts.models import User
from studyapp.library.models import Deck
from studyapp.review import selectors, services, views
from studyapp.review.models import ReviewState, StudySettings
from studyapp.review.selectors import QueueCounts


def _counts(**values: int) -> QueueCounts:
    """QueueCounts with these fields set (those it has) and the others zero, the day's limits left open."""
    fields = dict.fromkeys(QueueCounts.__dataclass_fields__, 0) | {"new_left_today": 1, "reviews_left_today": 1}
    return QueueCounts(**(fields | {name: value for name, value in values.items() if name in fields}))


# Counts that force each queue of next_card, so that the same query is compared at every size:
# learning due now, reviews due today, new items, and (where the app has it) learning due within
# the learn-ahead limit.
FORCED_QUEUES = {
    "learning": _counts(learning=1, learning_now=1),
    "review": _counts(review=1),
    "new": _counts(new=1),
}
if "learning_now" in QueueCounts.__dataclass_fields__:
    FORCED_QUEUES["learn-ahead"] = _counts(learning=1)


@dataclass
class RoundTrip:
    queries: int
    shown_state: str  # the state of the rated card when it was shown
    with_passage: bool
    sql: list[str]


class _Studying:
    """A learner's study session through the test client (htmx partials), the card on screen in `page`."""

    def __init__(self, user: User, slug: str) -> None:
        self.user, self.slug = user, slug
        self.client = Client()
        self.client.force_login(user)
        self.page = self.client.get(f"/study/{slug}/", headers={"HX-Request": "true"}).content.decode()

    def answer(self) -> dict[str, str]:
        """Answer the card on screen (unless its answer is shown already); return the rating form's fields."""
        for _ in range(3):  # another card may come instead ("already answered"): answer that one
            fields = rating_fields(self.page)
            if fields is not None:
                return fields
            fields = answer_fields(self.page)
            if fields is None:
                raise RuntimeError(f"no card to answer in {self.slug}")
            response = self._post("answer", fields)
            if response.status_code == 422:
                fields = answer_fields(response.content.decode(), complete=True)
                if fields is None:
                    raise RuntimeError("answer: HTTP 422 without the question")
                response = self._post("answer", fields)
            if response.status_code != 200:
                raise RuntimeError(f"answer: HTTP {response.status_code}")
            self.page = response.content.decode()
        raise RuntimeError("answer: no rating form after three answers")

    def rate(self, fields: dict[str, str], rating: str) -> None:
        response = self._post("rate", fields | {"rating": rating, "duration_ms": "2500"})
        if response.status_code != 200:
            raise RuntimeError(f"rate: HTTP {response.status_code}")
        self.page = response.content.decode()

    def _post(self, action: str, fields: dict[str, str]):
        return self.client.post(f"/study/{self.slug}/{action}/", fields, headers={"HX-Request": "true"})


def review_round_trips(user: User, slug: str, rounds: int = 5) -> list[RoundTrip]:
    """Answer and rate `rounds` cards in a row through the test client (htmx), counting each rate POST's queries."""
    session = _Studying(user, slug)
    results = []
    for number in range(rounds):
        if rating_fields(session.page) is None and answer_fields(session.page) is None:
            break  # all done for now
        fields = session.answer()
        card = services.read_card_token(fields["token"], learner=user)
        shown = ReviewState.objects.select_related("item").get(pk=card.state_id)
        with CaptureQueriesContext(connection) as context:
            session.rate(fields, "1" if number == 2 else "3")
        results.append(
            RoundTrip(
                queries=len(context.captured_queries),
                shown_state=shown.state,
                with_passage=shown.item.passage_id is not None,
                sql=[query["sql"] for query in context.captured_queries],
            )
        )
    return results


def median_ms(
    function: Callable[[], object], repeats: int, warmup: int = 20, batches: int = 5, budget: float = 4.0
) -> float:
    """The lowest of `batches` medians, each of repeats/batches calls: robust to bursts of load from elsewhere.

    Slow calls get fewer repeats (at least one per batch), so one figure takes about `budget` seconds at most.
    """
    per_call = _warm_up(function, warmup, budget / 4)
    repeats = max(batches, min(repeats, int(budget / per_call)))
    medians = []
    for _ in range(batches):
        samples = []
        for _ in range(max(repeats // batches, 1)):
            started = time.perf_counter()
            function()
            samples.append(time.perf_counter() - started)
        medians.append(statistics.median(samples))
    return min(medians) * 1000


def _warm_up(function: Callable[[], object], calls: int, budget: float) -> float:
    """Call `function` up to `calls` times (fewer if `budget` seconds run out); return the mean seconds per call."""
    started = time.perf_counter()
    done = 0
    while done < max(calls, 1):
        function()
        done += 1
        if time.perf_counter() - started > budget:
            break
    return max((time.perf_counter() - started) / done, 1e-6)


@dataclass
class SelectorTimes:
    counts: QueueCounts  # the learner's real counts at that moment
    actual_queue: str
    next_card_ms: dict[str, float]  # per forced queue, and "actual"
    queue_counts_ms: float  # with the learner's limits
    queue_counts_default_limits_ms: float  # with the default limits (20 new, 200 reviews a day)
    queue_counts_max_limits_ms: float  # with the forms' maxima (9,999 new, 99,999 reviews a day)
    study_queue_ms: float | None = None  # the counts and the next card at once (the session's read), where it exists


def _queue_of(counts: QueueCounts) -> str:
    """Which queue next_card takes for these counts (its order of preference)."""
    if getattr(counts, "learning_now", counts.learning):
        return "learning"
    if counts.review:
        return "review"
    if counts.new:
        return "new"
    return "learn-ahead" if counts.learning else "none"


def time_selectors(user: User, deck: Deck, repeats: int = 300) -> SelectorTimes:
    study_settings = StudySettings.objects.get(learner=user)
    default_settings = StudySettings(learner_id=user.pk)  # unsaved: the default limits
    max_settings = StudySettings(learner_id=user.pk, new_per_day=9_999, reviews_per_day=99_999)
    now = timezone.now()
    counts = selectors.queue_counts(user, study_settings, now, deck)
    next_card_ms = {
        name: median_ms(lambda forced=forced: selectors.next_card(user, study_settings, now, forced, deck), repeats)
        for name, forced in FORCED_QUEUES.items()
    }
    next_card_ms["actual"] = median_ms(lambda: selectors.next_card(user, study_settings, now, counts, deck), repeats)
    return SelectorTimes(
        counts=counts,
        actual_queue=_queue_of(counts),
        next_card_ms=next_card_ms,
        queue_counts_ms=median_ms(lambda: selectors.queue_counts(user, study_settings, now, deck), repeats),
        queue_counts_default_limits_ms=median_ms(
            lambda: selectors.queue_counts(user, default_settings, now, deck), repeats
        ),
        queue_counts_max_limits_ms=median_ms(lambda: selectors.queue_counts(user, max_settings, now, deck), repeats),
        study_queue_ms=(
            median_ms(lambda: study_queue(user, study_settings, now, deck), repeats)
            if (study_queue := getattr(selectors, "study_queue", None))
            else None
        ),
    )


@dataclass
class RequestTimes:
    constant_ms: float  # median of the minimal page, test client
    floor_ms: float  # median of the floor (bench.urls), test client
    floor_queries: int  # its queries, as Django counts them
    review_ms: float  # median of a rating round trip (the rate POST), test client
    answer_ms: float  # median of the answer POST before it (not part of the round trip)
    breakdown_ms: dict[str, float]  # median time of a round trip in each part, and in the rest ("other")


# Parts of a rating round trip, timed by wrapping them (module attributes the view calls through);
# those the app does not have (any more, or yet) are left out. None of them calls another.
_PARTS = {
    name: (owner, attribute)
    for name, (owner, attribute) in {
        "load user (auth backend)": (UserWithRolesBackend, "get_user"),
        "get_studied_deck": (selectors, "get_studied_deck"),
        "record_review": (services, "record_review"),
        "queue_counts": (selectors, "queue_counts"),
        "next_card": (selectors, "next_card"),
        "study_queue (counts and next card)": (selectors, "study_queue"),
        "render card partial": (views, "_render_card"),
    }.items()
    if hasattr(owner, attribute)
}


@contextmanager
def _timed_parts(totals: dict[str, float]) -> Iterator[None]:
    originals = {name: getattr(owner, attribute) for name, (owner, attribute) in _PARTS.items()}

    def timed(name: str, function: Callable) -> Callable:
        def wrapper(*args, **kwargs):
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                totals[name] = totals.get(name, 0.0) + time.perf_counter() - started

        return wrapper

    try:
        for name, (owner, attribute) in _PARTS.items():
            setattr(owner, attribute, timed(name, originals[name]))
        yield
    finally:
        for name, (owner, attribute) in _PARTS.items():
            setattr(owner, attribute, originals[name])


def time_requests(user: User, slug: str, rounds: int = 60, budget: float = 8.0) -> RequestTimes:
    """The minimal page, the floor and rating round trips through the test client: no HTTP, no gunicorn, one thread.

    Each card is answered first; the answer POST is timed apart, and the parts of the breakdown
    are summed over the rate POST alone.
    """
    session = _Studying(user, slug)
    client = session.client
    constant_ms = median_ms(lambda: client.get(f"/{CONSTANT_PATH}"), rounds * 2)
    floor_path = f"/{FLOOR_PATH}{Deck.objects.get(slug=slug).pk}/"

    def floor() -> None:
        response = client.post(floor_path, headers={"HX-Request": "true"})
        if response.status_code != 200:
            raise RuntimeError(f"floor: HTTP {response.status_code}")

    floor_ms = median_ms(floor, rounds * 2)
    with CaptureQueriesContext(connection) as context:
        floor()
    floor_queries = len(context.captured_queries)  # now: the query log may be cleared by later requests
    ratings = iter(range(10**9))

    def study(parts: dict[str, float]) -> tuple[float, float]:
        """Answer and rate one card; the seconds of each POST."""
        started = time.perf_counter()
        fields = session.answer()
        answered = time.perf_counter()
        parts.clear()
        session.rate(fields, "1" if next(ratings) % 7 == 3 else "3")
        return answered - started, time.perf_counter() - answered

    per_call = _warm_up(lambda: sum(study({})), 5, budget / 4)
    rounds = max(5, min(rounds, int(budget / per_call)))
    per_round: list[dict[str, float]] = []
    answers: list[float] = []
    totals: list[float] = []
    with _timed_parts(parts := {}):
        for _ in range(rounds):
            answer_seconds, rate_seconds = study(parts)
            answers.append(answer_seconds)
            totals.append(rate_seconds)
            per_round.append({**parts, "other (middleware, view, test client)": totals[-1] - sum(parts.values())})
    names = [*_PARTS, "other (middleware, view, test client)"]
    breakdown = {name: statistics.median(part.get(name, 0.0) for part in per_round) * 1000 for name in names}
    return RequestTimes(
        constant_ms=constant_ms,
        floor_ms=floor_ms,
        floor_queries=floor_queries,
        review_ms=statistics.median(totals) * 1000,
        answer_ms=statistics.median(answers) * 1000,
        breakdown_ms=breakdown,
    )


def query_plans(user: User, deck: Deck) -> dict[str, tuple[str, list[str]]]:
    """The SQL and the plan of each read of next_card (each queue), queue_counts, study_queue and the floor.

    Every SELECT a call makes is planned (a call may read the queue and then fetch the card it
    found), labelled "name" or "name [n]". EXPLAIN QUERY PLAN on SQLite, EXPLAIN (ANALYZE, BUFFERS)
    on PostgreSQL.
    """
    study_settings = StudySettings.objects.get(learner=user)
    now = timezone.now()
    calls: dict[str, Callable[[], object]] = {
        f"next_card/{name}": (lambda forced=forced: selectors.next_card(user, study_settings, now, forced, deck))
        for name, forced in FORCED_QUEUES.items()
    }
    calls["queue_counts"] = lambda: selectors.queue_counts(user, study_settings, now, deck)
    study_queue = getattr(selectors, "study_queue", None)  # the counts and the next card at once, where it exists
    if study_queue is not None:
        calls["study_queue"] = lambda: study_queue(user, study_settings, now, deck)
    calls["floor read"] = lambda: floor_card(user, deck.pk, now)
    plans = {}
    for name, call in calls.items():
        with CaptureQueriesContext(connection) as context:
            call()
        reads = [query["sql"] for query in context.captured_queries]
        reads = [sql for sql in reads if sql.lstrip().upper().startswith("SELECT")]
        for number, sql in enumerate(reads, 1):
            plans[name if len(reads) == 1 else f"{name} [{number}]"] = (sql, _plan(sql))
    return plans


DASHBOARD_PATH = "/progress/"


@dataclass
class DashboardTimes:
    """The learner dashboard of each history learner (by review-log rows), timed through the test client."""

    ms: dict[int, float]  # median of the timed requests
    samples_ms: dict[int, list[float]]
    queries: dict[int, int]  # SQL queries of one request, as Django counts them
    query_ms: dict[int, list[float]]  # each of those queries run again alone: median ms
    sql: dict[int, list[str]]
    plans: list[tuple[str, list[str]]]  # the plan of each query of the largest history
    seed_seconds: float = 0.0  # bench.seed.seed_history, all of it
    log_seconds: dict[int, float] = field(default_factory=dict)  # inserting each review log (triggers included)


def time_dashboard(learners: dict[int, User], repeats: int = 15, warmup: int = 5) -> DashboardTimes:
    """GET /progress/ as each learner: `warmup` requests each, then `repeats` timed, the learners in turn.

    Interleaved, and in alternate order from round to round, so that load from elsewhere on the
    machine and any warming of caches weigh on every size alike.
    """
    clients = {}
    for size, user in learners.items():
        clients[size] = Client()
        clients[size].force_login(user)

    def get(size: int) -> None:
        response = clients[size].get(DASHBOARD_PATH)
        if response.status_code != 200:
            raise RuntimeError(f"dashboard of {learners[size].username}: HTTP {response.status_code}")

    for _ in range(warmup):
        for size in clients:
            get(size)
    samples: dict[int, list[float]] = {size: [] for size in clients}
    order = list(clients)
    for number in range(repeats):
        for size in order if number % 2 == 0 else reversed(order):
            started = time.perf_counter()
            get(size)
            samples[size].append((time.perf_counter() - started) * 1000)
    queries, sql = {}, {}
    for size in clients:
        with CaptureQueriesContext(connection) as context:
            get(size)
        queries[size] = len(context.captured_queries)
        sql[size] = [query["sql"] for query in context.captured_queries]
    reads_ms = {size: [query_ms(statement) for statement in statements] for size, statements in sql.items()}
    largest = max(sql)
    return DashboardTimes(
        ms={size: statistics.median(values) for size, values in samples.items()},
        samples_ms=samples,
        queries=queries,
        query_ms=reads_ms,
        sql=sql,
        plans=[(statement, _plan(statement)) for statement in sql[largest]],
    )


def query_ms(sql: str, repeats: int = 15) -> float:
    """The median ms of running a captured query again on its own (read queries only; others are 0)."""
    if not sql.lstrip().upper().startswith("SELECT"):
        return 0.0

    def run() -> None:
        with connection.cursor() as cursor:
            cursor.execute(sql)
            cursor.fetchall()

    run()
    samples = []
    for _ in range(repeats):
        started = time.perf_counter()
        run()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples) * 1000


def _plan(sql: str) -> list[str]:
    """EXPLAIN QUERY PLAN on SQLite, EXPLAIN (ANALYZE, BUFFERS) on PostgreSQL, as indented lines."""
    if not sql.lstrip().upper().startswith("SELECT"):
        return []
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
            return [row[0] for row in cursor.fetchall()]
        cursor.execute("EXPLAIN QUERY PLAN " + sql)
        depth: dict[int, int] = {0: -1}
        lines = []
        for node, parent, _unused, detail in cursor.fetchall():
            depth[node] = depth.get(parent, -1) + 1
            lines.append("  " * depth[node] + detail)
        return lines
