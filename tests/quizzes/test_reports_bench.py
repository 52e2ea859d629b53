"""A quick run of the quiz benchmark's seeding and in-process timings (bench/quiz.py) at tiny sizes, so that
`make bench` doesn't discover a broken quiz stage after many minutes of seeding."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.utils import timezone

from bench import quiz as bench_quiz
from studyapp.quizzes.models import AttemptState
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_quiz_stage_seeds_and_times_its_pages(monkeypatch):
    monkeypatch.setattr(bench_quiz, "REPORT_SIZES", (3, 12))
    monkeypatch.setattr(bench_quiz, "REPORT_REPEATS", 1)
    monkeypatch.setattr(bench_quiz, "REPORT_WARMUP", 0)
    monkeypatch.setattr(bench_quiz, "PAGE_REPEATS", 1)
    monkeypatch.setattr(bench_quiz, "PAGE_WARMUP", 0)
    world = SimpleNamespace(owner=UserFactory(username="bench_owner"), learners=[UserFactory(), UserFactory()])

    quiz_world = bench_quiz.seed(world, timezone.now())
    pages = bench_quiz.time_pages(quiz_world, world.learners[0], world.owner)

    assert [attempt.state for attempt in quiz_world.attempts] == [AttemptState.IN_PROGRESS] * 2
    assert {
        size: quiz.attempts.filter(state=AttemptState.FINISHED).count()
        for size, quiz in quiz_world.report_quizzes.items()
    } == {3: 3, 12: 12}
    assert all(len(kinds) == bench_quiz.QUESTIONS for kinds in quiz_world.kinds.values())
    assert pages.report_queries[3] == pages.report_queries[12]  # a fixed number of queries whatever the size
    assert pages.attempt_page_ms > 0
    assert pages.report_scale_ratio > 0
