"""Bulk seeding of the benchmark's learners, decks, items and review states.

Rows go in by raw multi-row inserts (SQLite executemany, PostgreSQL COPY) in one transaction per
stage; the ORM is used only for the handful of users, decks and settings. No signal runs, so
review states are written here exactly as `services.add_new_states` would write new ones.

Learners: two for the client threads (one each), one whose selectors are timed and who is never
rated (bench.run), all three with the same states of the main deck; and one with the small deck.

The shape of the data (the same at every size, per learner):

- 70% REVIEW: due spread evenly from 1 day overdue to 3 years ahead (about 0.14% due today),
  stability 1-1000 days, difficulty 1-10, reviewed before;
- 5% LEARNING and 5% RELEARNING: LEARNING_DUE_NOW of them per learner due in the last 10 minutes,
  seeded with the first size only (a learner in mid-session: how many learning items are due
  depends on recent activity, not on the size of the collection), the others due from 1 hour to
  7 days ahead;
- 20% NEW: due at the deck's added time + position microseconds (add_new_states' order);
- 0.5% suspended (half of those leeches), 0.5% flagged; nothing buried; every seeded
  first_review is before today, so "introduced today" counts only the benchmark's own reviews.

Items are all "basic". Items at positions p with p % 4 < 2 come in pairs drawn from one passage
(passage p // 4 of the deck's source), so half of the reviews bury a sibling (the sibling
path of record_review) and half have no passage. Passage offsets are synthetic (never checked
by the database); the source text is a placeholder.

The learner dashboard (/progress/) is measured on learners of their own (`seed_history`): one per
history size (10,000 and 1,000,000 review-log rows), each with the same collection, HISTORY_ITEMS
items of the history deck whose review states are identical row for row, so that only the review
log differs. Both learners keep the same habit, HISTORY_PER_DAY reviews every day up to now
(today included), so the bigger history is the same learner years later: 31 days against 3,031
days (8.3 years). Spreading 10,000 rows over the same 3,031 days instead would give both learners
the same number of ReviewDay rows and hide what a long history costs (the dashboard reads one
ReviewDay row per day studied, for the streak); it would also make today's reviews differ (3 vs
330), which queue_counts reads. The log rows go in by bulk insert; the database triggers of
migration review/0003 fill ReviewDay from them, row by row, as they do in production.
"""

from __future__ import annotations

import random
import secrets
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from datetime import time as clock_time

from django.contrib.auth.models import Group
from django.db import connection, transaction

from studyapp.accounts.models import User
from studyapp.accounts.roles import STUDENTS
from studyapp.library.models import Deck, Item, Passage, Source
from studyapp.review.models import CardState, ReviewDay, ReviewLog, ReviewState, StudiedDeck, StudySettings

CHUNK = 20_000
MAIN_DECK = "bench-main"
SMALL_DECK = "bench-small"
# One learner per client thread: two sessions of one learner would be shown the same card and collide.
MAIN_LEARNERS = ("bench_a", "bench_b")
# The learner whose next_card and queue_counts are timed: never rated, so that at every size they
# meet the seeded data alone, not the learning items the benchmark's own ratings leave behind.
TIMED_LEARNER = "bench_timed"
SMALL_LEARNER = "bench_small"
LEARNING_DUE_NOW = 40
# A heavy learner's day, above what the benchmark rates per learner (bench.run caps each client
# thread at MAX_REVIEWS_PER_THREAD ratings per size), so that the queue never runs out. Not the
# forms' maxima: queue_counts reads up to a day's limit of rows, so the limits set its cost
# (bench.inprocess also times it with the default and with the maximal limits).
NEW_PER_DAY = 3_000
REVIEWS_PER_DAY = 3_000
# The dashboard's learners (seed_history): review-log rows of each, and the collection they share.
HISTORY_DECK = "bench-history"
HISTORY_ROWS = (10_000, 1_000_000)
HISTORY_ITEMS = 2_000
HISTORY_PER_DAY = 330
# The default day of a UTC learner (StudySettings.day_starts_at), which the history learners keep.
HISTORY_DAY_STARTS_AT = 4


@dataclass
class Stage:
    items: int = 0
    passages: int = 0
    states: int = 0
    seconds: float = 0.0


@dataclass
class World:
    now: datetime
    added_at: datetime
    owner: User
    learners: list[User]  # one per client thread
    timed_learner: User
    small_learner: User
    main_deck: Deck
    small_deck: Deck
    passwords: dict[str, str] = field(default_factory=dict)
    main_size: int = 0


def create_world(now: datetime) -> World:
    """Users (with passwords, as Students), the two decks with their sources, studied decks and settings."""
    students = Group.objects.get(name=STUDENTS)
    owner = User.objects.create_user(username="bench_owner")
    passwords = {}
    learners = []
    for username in (*MAIN_LEARNERS, TIMED_LEARNER, SMALL_LEARNER):
        passwords[username] = secrets.token_urlsafe(16)
        user = User.objects.create_user(username=username, password=passwords[username])
        user.groups.add(students)
        learners.append(user)
    main_source = Source.objects.create(title="Bench source", text="Placeholder text of the benchmark source.")
    small_source = Source.objects.create(title="Bench small source", text="Placeholder text of a small source.")
    main_deck = Deck.objects.create(title="Bench main deck", slug=MAIN_DECK, owner=owner, source=main_source)
    small_deck = Deck.objects.create(title="Bench small deck", slug=SMALL_DECK, owner=owner, source=small_source)
    added_at = now - timedelta(days=30)
    for user in learners:
        deck = small_deck if user.username == SMALL_LEARNER else main_deck
        StudiedDeck.objects.create(learner=user, deck=deck)
        StudySettings.objects.create(learner=user, new_per_day=NEW_PER_DAY, reviews_per_day=REVIEWS_PER_DAY)
    StudiedDeck.objects.update(added_at=added_at)  # auto_now_add ignores a given value
    *clients, timed, small = learners
    return World(now, added_at, owner, clients, timed, small, main_deck, small_deck, passwords)


def grow_main(world: World, size: int) -> Stage:
    """Add items to the main deck (and states for its learners) until it holds `size` items."""
    stage = add_items(world, world.main_deck, world.main_size, size, [*world.learners, world.timed_learner])
    world.main_size = size
    return stage


def seed_small(world: World, size: int) -> Stage:
    """The small deck: all its states new, as just after `study_deck`."""
    return add_items(world, world.small_deck, 0, size, [world.small_learner], all_new=True)


def add_items(
    world: World, deck: Deck, start: int, stop: int, learners: Sequence[User], *, all_new: bool = False
) -> Stage:
    started = time.perf_counter()
    stage = Stage()
    with transaction.atomic(), _big_page_cache():
        stage.passages = _add_passages(deck, start, stop, world.now)
        passage_ids = dict(
            Passage.objects.filter(source_id=deck.source_id, index__gte=start // 4).values_list("index", "id")
        )
        stage.items = _add_item_rows(deck, start, stop, passage_ids, world.now)
        item_ids = list(
            Item.objects.filter(deck=deck, position__gte=start, position__lt=stop)
            .order_by("position")
            .values_list("position", "id")
        )
        clock = _Clock.of(world)
        for learner in learners:
            rng = random.Random(f"{learner.username}:{start}")  # noqa: S311 - synthetic data, reproducible
            due_now = [LEARNING_DUE_NOW if start == 0 else 0]
            rows = (_state_row(rng, learner.pk, deck.pk, *item, clock, due_now, all_new) for item in item_ids)
            stage.states += _insert(ReviewState, _STATE_COLUMNS, rows)
    stage.seconds = time.perf_counter() - started
    return stage


@dataclass
class History:
    """The dashboard's learners, by the number of review-log rows each has."""

    deck: Deck
    learners: dict[int, User]
    days: dict[int, int]  # days of history, by rows
    log_seconds: dict[int, float]  # time to insert the log (with the ReviewDay triggers), by rows
    seconds: float = 0.0  # all of seed_history


def seed_history(world: World, sizes: Sequence[int] = HISTORY_ROWS) -> History:
    """The history deck and one learner per size, with identical states and `size` review-log rows each."""
    started = time.perf_counter()
    students = Group.objects.get(name=STUDENTS)
    source = Source.objects.create(title="Bench history source", text="Placeholder text of the history source.")
    deck = Deck.objects.create(title="Bench history deck", slug=HISTORY_DECK, owner=world.owner, source=source)
    history = History(deck, {}, {}, {})
    clock = _Clock.of(world)
    with transaction.atomic(), _big_page_cache():
        _add_passages(deck, 0, HISTORY_ITEMS, world.now)
        passage_ids = dict(Passage.objects.filter(source_id=source.pk).values_list("index", "id"))
        _add_item_rows(deck, 0, HISTORY_ITEMS, passage_ids, world.now)
        item_ids = list(Item.objects.filter(deck=deck).order_by("position").values_list("id", flat=True))
        for size in sizes:
            learner = User.objects.create_user(username=f"bench_history_{size}")
            learner.groups.add(students)
            StudySettings.objects.create(learner=learner)  # the defaults: UTC, the day from 04:00
            StudiedDeck.objects.create(learner=learner, deck=deck)
            rng = random.Random("history-states")  # noqa: S311 - the same states for every learner
            states = (_history_state_row(rng, learner.pk, deck.pk, item_id, clock) for item_id in item_ids)
            _insert(ReviewState, _STATE_COLUMNS, states)
            log_started = time.perf_counter()
            rng = random.Random(f"history-log:{size}")  # noqa: S311 - synthetic data, reproducible
            _insert(ReviewLog, _LOG_COLUMNS, _history_log_rows(rng, learner.pk, deck.pk, item_ids, size, clock))
            history.log_seconds[size] = time.perf_counter() - log_started
            history.days[size] = -(-size // HISTORY_PER_DAY)
            history.learners[size] = learner
    history.seconds = time.perf_counter() - started
    return history


def analyze() -> None:
    """PostgreSQL: refresh the planner's statistics, as autovacuum does soon after a bulk load.

    SQLite gathers no statistics by itself (no ANALYZE, no PRAGMA optimize in the app), so it is left as is.
    """
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in (Passage, Item, ReviewState, ReviewLog, ReviewDay, StudiedDeck, StudySettings, User):
            cursor.execute(f"VACUUM ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def row_counts() -> dict[str, int]:
    return {
        "items": Item.objects.count(),
        "passages": Passage.objects.count(),
        "review_states": ReviewState.objects.count(),
    }


# --- rows ---------------------------------------------------------------------------------------


def _dt(value: datetime | None):
    """A datetime as the backend stores it: naive UTC text for SQLite (as Django writes it), aware for PostgreSQL."""
    if value is None or connection.vendor == "postgresql":
        return value
    return str(value.astimezone(UTC).replace(tzinfo=None))


@dataclass(frozen=True)
class _Clock:
    """The seeding's moments, naive UTC on SQLite (formatted by `fmt` as Django stores them), aware on PostgreSQL."""

    now: datetime
    added_at: datetime
    before_today: datetime  # seeded first reviews all fall before the learner's day (UTC, from 04:00) began
    fmt: Callable[[datetime], object]

    @classmethod
    def of(cls, world: World) -> _Clock:
        now, added_at = world.now.astimezone(UTC), world.added_at.astimezone(UTC)
        fmt: Callable[[datetime], object] = _same
        if connection.vendor != "postgresql":
            now, added_at, fmt = now.replace(tzinfo=None), added_at.replace(tzinfo=None), str
        return cls(now, added_at, now - timedelta(days=1, hours=4), fmt)


def _same(value: datetime) -> datetime:
    return value


def _add_passages(deck: Deck, start: int, stop: int, now: datetime) -> int:
    wanted = sorted({p // 4 for p in range(start, stop) if p % 4 < 2})
    if not wanted:
        return 0
    existing = set(
        Passage.objects.filter(source_id=deck.source_id, index__gte=wanted[0]).values_list("index", flat=True)
    )
    columns = ("source_id", "index", "paragraph", "start", "end", "text")
    rows = (
        (deck.source_id, index, index // 5, index * 40, index * 40 + 39, f"Sentence {index} of the bench source.")
        for index in wanted
        if index not in existing
    )
    return _insert(Passage, columns, rows)


def _add_item_rows(deck: Deck, start: int, stop: int, passage_ids: dict[int, int], now: datetime) -> int:
    columns = (
        "deck_id",
        "passage_id",
        "kind",
        "prompt",
        "answer",
        "accepted_answers",
        "explanation",
        "tolerance",
        "position",
        "created_at",
        "updated_at",
    )
    stamp = _dt(now)
    rows = (
        (
            deck.pk,
            passage_ids[p // 4] if p % 4 < 2 else None,
            "basic",
            f"Bench question {p}: what is the *answer* to question number {p}?",
            f"Answer {p}",
            "[]",
            "",
            0,
            p,
            stamp,
            stamp,
        )
        for p in range(start, stop)
    )
    return _insert(Item, columns, rows)


_STATE_COLUMNS = (
    "learner_id",
    "item_id",
    "deck_id",
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
    "flagged",
    "buried_until",
    "version",
)
_DAY = 86_400.0


def _state_row(
    rng: random.Random,
    learner_id: int,
    deck_id: int,
    position: int,
    item_id: int,
    clock: _Clock,
    learning_due_now: list[int],
    all_new: bool = False,
) -> tuple:
    """One review state; `learning_due_now` holds how many more learning states may be due now."""
    now, fmt = clock.now, clock.fmt
    kind = 0.0 if all_new else rng.random()
    suspended = not all_new and rng.random() < 0.005
    is_leech = suspended and rng.random() < 0.5
    flagged = not all_new and rng.random() < 0.005
    if kind < 0.20:
        due = fmt(clock.added_at + timedelta(microseconds=position))
        new = CardState.NEW.value
        return (
            learner_id,
            item_id,
            deck_id,
            new,
            None,
            None,
            None,
            due,
            None,
            None,
            0,
            0,
            suspended,
            False,
            flagged,
            None,
            0,
        )
    difficulty = rng.uniform(1.0, 10.0)
    if kind < 0.90:
        state, step = CardState.REVIEW.value, None
        stability = rng.uniform(1.0, 1000.0)
        due = now + timedelta(seconds=rng.uniform(-_DAY, 1095 * _DAY))
        last_review = min(due - timedelta(days=stability * rng.uniform(0.8, 1.2)), now - timedelta(hours=1))
        reps, lapses = rng.randint(2, 30), (0 if rng.random() < 0.7 else rng.randint(1, 3))
    else:
        relearning = kind >= 0.95
        state = CardState.RELEARNING.value if relearning else CardState.LEARNING.value
        step = 0 if relearning else rng.choice((0, 1))
        stability = rng.uniform(0.5, 30.0) if relearning else rng.uniform(0.1, 3.0)
        if learning_due_now[0] > 0:
            learning_due_now[0] -= 1
            due = now - timedelta(seconds=rng.uniform(0, 600))
        else:
            due = now + timedelta(seconds=rng.uniform(3600, 7 * _DAY))
        last_review = min(due, now) - timedelta(seconds=rng.uniform(60, _DAY))
        reps, lapses = (rng.randint(3, 30), rng.randint(1, 4)) if relearning else (rng.randint(1, 2), 0)
    first_review = min(last_review, clock.before_today) - timedelta(seconds=rng.uniform(0, 500 * _DAY))
    return (
        learner_id,
        item_id,
        deck_id,
        state,
        step,
        stability,
        difficulty,
        fmt(due),
        fmt(last_review),
        fmt(first_review),
        reps,
        lapses,
        suspended,
        is_leech,
        flagged,
        None,
        0,
    )


def _history_state_row(rng: random.Random, learner_id: int, deck_id: int, item_id: int, clock: _Clock) -> tuple:
    """A reviewed state: with HISTORY_PER_DAY reviews a day, each item was last reviewed within a week.

    First reviews fall within the shorter history and before today, so "new today" counts nothing seeded.
    """
    now, fmt = clock.now, clock.fmt
    last_review = now - timedelta(seconds=rng.uniform(600, 7 * _DAY))
    relearning = rng.random() < 0.04
    if relearning:
        state, step, stability = CardState.RELEARNING.value, 0, rng.uniform(0.5, 10.0)
        due = last_review + timedelta(minutes=10)
        reps, lapses = rng.randint(5, 40), rng.randint(1, 5)
    else:
        state, step, stability = CardState.REVIEW.value, None, rng.uniform(1.0, 1000.0)
        due = last_review + timedelta(days=stability * rng.uniform(0.8, 1.2))
        reps, lapses = rng.randint(5, 40), (0 if rng.random() < 0.7 else rng.randint(1, 3))
    suspended = rng.random() < 0.005
    first_review = min(last_review, clock.before_today) - timedelta(seconds=rng.uniform(0, 25 * _DAY))
    return (
        learner_id,
        item_id,
        deck_id,
        state,
        step,
        stability,
        rng.uniform(1.0, 10.0),
        fmt(due),
        fmt(last_review),
        fmt(first_review),
        reps,
        lapses,
        suspended,
        suspended and rng.random() < 0.5,
        rng.random() < 0.005,
        None,
        0,
    )


_LOG_COLUMNS = (
    "learner_id",
    "item_id",
    "deck_id",
    "rating",
    "state",
    "reviewed_at",
    "day",
    "tests_memory",
    "duration_ms",
    "response",
    "was_correct",
    "client_uuid",
    "state_before",
    "state_after",
    "buried_siblings",
)


def _history_log_rows(
    rng: random.Random, learner_id: int, deck_id: int, item_ids: Sequence[int], rows: int, clock: _Clock
) -> Iterator[tuple]:
    """`rows` reviews, HISTORY_PER_DAY a day (the oldest day takes the rest) up to a minute ago, oldest first.

    Each item's first review is shown as new; then the items come round in turn, each review a test of
    memory, except the 8% that repeat the review just before it (a relearning step the same day).
    The learner is in UTC with the default day start, so a review's day is the date of its day's 04:00.
    """
    now, fmt = clock.now, clock.fmt
    today = now - timedelta(hours=HISTORY_DAY_STARTS_AT)
    today_start = datetime.combine(today.date(), clock_time(HISTORY_DAY_STARTS_AT), tzinfo=now.tzinfo)
    days = -(-rows // HISTORY_PER_DAY)
    first_day = rows - HISTORY_PER_DAY * (days - 1)
    new, review, relearning = CardState.NEW.value, CardState.REVIEW.value, CardState.RELEARNING.value
    count, turn, item_id = 0, 0, item_ids[0]
    for back in range(days - 1, -1, -1):
        start = today_start - timedelta(days=back)
        end = min(start + timedelta(days=1), now - timedelta(minutes=1))
        day = str(start.date())
        on_day = first_day if back == days - 1 else HISTORY_PER_DAY
        step = (end - start) / on_day
        for number in range(on_day):
            if count < len(item_ids):
                item_id, state, tests_memory = item_ids[count], new, False
                turn = count + 1
            elif rng.random() < 0.08:
                state, tests_memory = relearning, False  # the item just reviewed, again
            else:
                item_id, state, tests_memory = item_ids[turn % len(item_ids)], review, True
                turn += 1
            draw = rng.random()
            rating = 1 if draw < 0.1 else 2 if draw < 0.15 else 3 if draw < 0.9 else 4
            yield (
                learner_id,
                item_id,
                deck_id,
                rating,
                state,
                fmt(start + step * (number + 0.5)),
                day,
                tests_memory,
                int(1500 + 18500 * rng.random()),
                "",
                None,
                f"{learner_id:016x}{count:016x}",  # a UUID as SQLite stores it (32 hex digits); PostgreSQL reads it too
                "{}",
                "{}",
                "[]",
            )
            count += 1


@contextmanager
def _big_page_cache() -> Iterator[None]:
    """SQLite: a 256 MB page cache on the seeding connection while it inserts (default ~2 MB), then the default."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        default = cursor.fetchone()[0]
        cursor.execute("PRAGMA cache_size = -262144")
        try:
            yield
        finally:
            cursor.execute(f"PRAGMA cache_size = {int(default)}")


def _chunks(rows: Iterable[tuple], size: int = CHUNK) -> Iterator[list[tuple]]:
    chunk = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _insert(model, columns: Sequence[str], rows: Iterable[tuple]) -> int:
    """Insert rows into the model's table: COPY on PostgreSQL, executemany on SQLite. Returns the count."""
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    names = ", ".join(quote(column) for column in columns)
    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
            return count
        placeholders = ", ".join(["%s"] * len(columns))
        sql = f"INSERT INTO {table} ({names}) VALUES ({placeholders})"  # noqa: S608 - our table and columns
        for chunk in _chunks(rows):
            cursor.executemany(sql, chunk)
            count += len(chunk)
    return count
