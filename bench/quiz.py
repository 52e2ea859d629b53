"""Quiz benchmarks: an answer save against the floor, the attempt page, the quiz report at 30 and 3,000 attempts.

- quiz_save_floor_ratio (target >= 0.7): answer saves per second through gunicorn (an htmx POST of one answer
  to an open attempt, as the attempt page sends it on change) divided by the floor's requests per second
  (bench/urls.py), the two loads in alternating slices of the same run, so that load from elsewhere on the
  machine weighs on both alike. Each client thread is one learner with an open attempt of 10 questions, saving
  its questions in turn; the quiz has no time limit, so no save is refused.
- the attempt page: GET /attempts/<pk>/ as its learner, through the test client (median ms, queries);
- quiz_report_scale_ratio (target <= 3): the instructor's report page (GET /quizzes/<pk>/report/, test client)
  of a quiz with 3,000 finished attempts over the same page of a quiz with 30, the two timed in turn. Both
  quizzes draw 10 of the same 20 items; their attempts (10 questions each, fractions from a simple model of
  ability and difficulty) go in by bulk inserts, a thousand learners making three attempts each.
"""

from __future__ import annotations

import random
import statistics
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from studyapp.accounts.models import User
from studyapp.classroom.models import Classroom, Membership
from studyapp.library.models import Deck, Item, ItemKind
from studyapp.quizzes import services
from studyapp.quizzes.models import Attempt, AttemptQuestion, AttemptState, FeedbackTiming, Quiz, Selection

QUIZ_DECK = "bench-quiz"
QUIZ_ITEMS = 20
QUESTIONS = 10
REPORT_SIZES = (30, 3_000)
ATTEMPTS_PER_LEARNER = 3
REPORT_WARMUP = 3
REPORT_REPEATS = 11
PAGE_WARMUP = 5
PAGE_REPEATS = 31
TARGET_SAVE_FLOOR_RATIO = 0.7
TARGET_REPORT_SCALE_RATIO = 3
# The answers the client threads save in turn: the text of a typed answer, a number, true or false.
ANSWERS = {
    ItemKind.TYPED: ("Trotsky", "Zinoviev"),
    ItemKind.NUMBER: ("1927", "1928"),
    ItemKind.TRUE_FALSE: ("True", "False"),
}
KINDS = tuple(ANSWERS)


@dataclass
class QuizWorld:
    deck: Deck
    classroom: Classroom
    quiz: Quiz  # the one the client threads answer
    attempts: list[Attempt]  # one open attempt per client learner, in the order of world.learners
    kinds: dict[int, list[str]]  # attempt pk -> the kind of each question, by position - 1
    report_quizzes: dict[int, Quiz] = field(default_factory=dict)  # by number of finished attempts
    seed_seconds: float = 0.0


def seed(world, now: datetime) -> QuizWorld:
    """The quiz deck, a class of the client learners taught by the deck's owner, its quizzes and their attempts."""
    started = time.perf_counter()
    with transaction.atomic():
        deck = Deck.objects.create(title="Bench quiz deck", slug=QUIZ_DECK, owner=world.owner)
        Item.objects.bulk_create(
            [
                Item(
                    deck=deck,
                    kind=KINDS[position % len(KINDS)],
                    prompt=f"Bench question {position}",
                    answer=ANSWERS[KINDS[position % len(KINDS)]][0],
                    position=position,
                )
                for position in range(QUIZ_ITEMS)
            ]
        )
        classroom = Classroom.objects.create(name="Bench class", created_by=world.owner)
        classroom.instructors.add(world.owner)
        Membership.objects.bulk_create([Membership(classroom=classroom, student=learner) for learner in world.learners])
        quiz = _quiz(classroom, world.owner, deck, "Bench quiz")
    attempts = [services.start_attempt(quiz=quiz, learner=learner, now=now) for learner in world.learners]
    kinds = {
        attempt.pk: list(attempt.questions.order_by("position").values_list("item__kind", flat=True))
        for attempt in attempts
    }
    quiz_world = QuizWorld(deck, classroom, quiz, attempts, kinds)
    _seed_reports(quiz_world, world.owner, now)
    quiz_world.seed_seconds = time.perf_counter() - started
    return quiz_world


def _quiz(classroom: Classroom, owner, deck: Deck, title: str) -> Quiz:
    quiz = Quiz.objects.create(
        title=title,
        classroom=classroom,
        owner=owner,
        selection=Selection.RANDOM,
        item_count=QUESTIONS,
        feedback_timing=FeedbackTiming.SUBMISSION,
    )
    quiz.decks.add(deck)
    return quiz


def _seed_reports(quiz_world: QuizWorld, owner, now: datetime) -> None:
    """A quiz per report size, with that many finished attempts, in bulk: users, attempts, then their questions."""
    rng = random.Random(1927)  # noqa: S311 - synthetic data, reproducible
    item_ids = list(quiz_world.deck.items.order_by("position").values_list("pk", flat=True))
    difficulty = {item_id: rng.uniform(-1.5, 1.5) for item_id in item_ids}
    learner_count = -(-max(REPORT_SIZES) // ATTEMPTS_PER_LEARNER)
    unusable = make_password(None)
    with transaction.atomic():
        User.objects.bulk_create(
            [User(username=f"bench_q{number:05d}", password=unusable) for number in range(learner_count)],
            batch_size=1_000,
        )
        learners = list(User.objects.filter(username__startswith="bench_q").order_by("username"))
        ability = {learner.pk: rng.gauss(0, 1) for learner in learners}
        for size in REPORT_SIZES:
            quiz = _quiz(quiz_world.classroom, owner, quiz_world.deck, f"Bench report, {size:,} attempts")
            attempts = []
            for index in range(size):
                learner = learners[index // ATTEMPTS_PER_LEARNER]
                started = now - timedelta(days=3, minutes=index)
                attempts.append(
                    Attempt(
                        quiz=quiz,
                        learner=learner,
                        number=index % ATTEMPTS_PER_LEARNER + 1,
                        state=AttemptState.FINISHED,
                        started_at=started,
                        submitted_at=started + timedelta(minutes=rng.uniform(3, 14)),
                        score=0.0,
                        max_score=float(QUESTIONS),
                    )
                )
            Attempt.objects.bulk_create(attempts, batch_size=1_000)
            questions = []
            for attempt in attempts:
                score = 0.0
                for position, item_id in enumerate(rng.sample(item_ids, QUESTIONS), start=1):
                    chance = 1 / (1 + 2.718281828 ** (-1.7 * (ability[attempt.learner_id] - difficulty[item_id])))
                    fraction = 1.0 if rng.random() < chance else rng.choice((0.0, 0.0, 0.5))
                    score += fraction
                    questions.append(
                        AttemptQuestion(
                            attempt=attempt,
                            item_id=item_id,
                            position=position,
                            showing=uuid.UUID(int=rng.getrandbits(128)),
                            response="answer",
                            answer="answer",
                            saved_at=attempt.started_at,
                            fraction=fraction,
                        )
                    )
                attempt.score = score
            AttemptQuestion.objects.bulk_create(questions, batch_size=5_000)
            Attempt.objects.bulk_update(attempts, ["score"], batch_size=1_000)
            quiz_world.report_quizzes[size] = quiz


# --- the answer save against the floor (through gunicorn) -----------------------------------------------------


def save_action(browser, attempt: Attempt, kinds: list[str], offset: int):
    """One answer save a call, the attempt's questions in turn, each answer different from the one before it."""
    calls = [offset]

    def action() -> dict:
        number = calls[0]
        calls[0] += 1
        position = number % len(kinds) + 1
        answer = ANSWERS[kinds[position - 1]][(number // len(kinds)) % 2]
        status, body = browser.htmx("POST", f"/attempts/{attempt.pk}/questions/{position}/", {"response": answer})
        if status != 200:
            raise RuntimeError(f"answer save: HTTP {status}: {body[:200]}")
        return {"request": browser.last}

    return action


# --- in-process timings -----------------------------------------------------------------------------------------


@dataclass
class PageTimes:
    attempt_page_ms: float
    attempt_page_queries: int
    report_ms: dict[int, float]  # by number of attempts
    report_samples_ms: dict[int, list[float]]
    report_queries: dict[int, int]

    @property
    def report_scale_ratio(self) -> float:
        small, large = min(self.report_ms), max(self.report_ms)
        return self.report_ms[large] / self.report_ms[small]


def _timed_get(client: Client, path: str) -> float:
    started = time.perf_counter()
    response = client.get(path)
    elapsed = (time.perf_counter() - started) * 1000
    if response.status_code != 200:
        raise RuntimeError(f"GET {path}: HTTP {response.status_code}")
    return elapsed


def _queries(client: Client, path: str) -> int:
    with CaptureQueriesContext(connection) as context:
        client.get(path)
    return len(context.captured_queries)


def time_pages(quiz_world: QuizWorld, learner, instructor) -> PageTimes:
    """The attempt page as its learner, then the report pages of each size in turn (alternating order)."""
    student = Client()
    student.force_login(learner)
    attempt_path = f"/attempts/{quiz_world.attempts[0].pk}/"
    for _ in range(PAGE_WARMUP):
        _timed_get(student, attempt_path)
    attempt_ms = statistics.median(_timed_get(student, attempt_path) for _ in range(PAGE_REPEATS))

    teacher = Client()
    teacher.force_login(instructor)
    paths = {size: f"/quizzes/{quiz.pk}/report/" for size, quiz in quiz_world.report_quizzes.items()}
    for _ in range(REPORT_WARMUP):
        for path in paths.values():
            _timed_get(teacher, path)
    samples: dict[int, list[float]] = {size: [] for size in paths}
    order = list(paths)
    for number in range(REPORT_REPEATS):
        for size in order if number % 2 == 0 else reversed(order):
            samples[size].append(_timed_get(teacher, paths[size]))
    return PageTimes(
        attempt_page_ms=attempt_ms,
        attempt_page_queries=_queries(student, attempt_path),
        report_ms={size: statistics.median(values) for size, values in samples.items()},
        report_samples_ms=samples,
        report_queries={size: _queries(teacher, path) for size, path in paths.items()},
    )
