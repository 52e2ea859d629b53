"""quizzes.authoring and the quiz form without the client: what a quiz may draw on, and how it is saved."""

from __future__ import annotations

import zoneinfo
from datetime import UTC, datetime, timedelta

import pytest
from django.http import QueryDict

from studyapp.quizzes import authoring
from studyapp.quizzes.forms import QuizForm
from studyapp.quizzes.models import Attempt, AttemptState, Quiz, QuizItem, Selection
from tests.factories import (
    AssignmentFactory,
    ClassroomFactory,
    DeckFactory,
    ItemFactory,
    QuizFactory,
    StudySettingsFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def classroom(instructor):
    return ClassroomFactory(created_by=instructor)


def test_deck_options_are_the_assigned_and_editable_decks_with_counts(instructor, other_instructor, classroom):
    assigned = DeckFactory(title="B assigned", owner=other_instructor)
    AssignmentFactory(classroom=classroom, deck=assigned)
    own = DeckFactory(title="A own", owner=instructor)
    ItemFactory(deck=own)
    ItemFactory(deck=own)
    DeckFactory(title="C private", owner=other_instructor)
    options = authoring.deck_options(instructor, classroom)
    assert [(deck.title, deck.n_items, deck.assigned) for deck in options] == [
        ("A own", 2, False),
        ("B assigned", 0, True),
    ]


def test_a_superuser_is_offered_every_deck(admin_user, other_instructor, classroom):
    DeckFactory(title="Anyone's", owner=other_instructor)
    assert [deck.title for deck in authoring.deck_options(admin_user, classroom)] == ["Anyone's"]


def test_tags_of_decks_count_only_the_chosen_decks_items(instructor):
    chosen, other = DeckFactory(owner=instructor), DeckFactory(owner=instructor)
    ItemFactory(deck=chosen, tags=["war", "1923"])
    ItemFactory(deck=chosen, tags=["war"])
    ItemFactory(deck=other, tags=["war", "exile"])
    assert [(tag.name, tag.n_items) for tag in authoring.tags_of_decks([chosen.pk])] == [("1923", 1), ("war", 2)]
    assert authoring.tags_of_decks([]) == []


def test_items_of_decks_come_in_the_decks_order_then_each_decks_own(instructor):
    first, second = DeckFactory(owner=instructor), DeckFactory(owner=instructor)
    b1, a1, a2 = ItemFactory(deck=second), ItemFactory(deck=first), ItemFactory(deck=first)
    assert authoring.items_of_decks([first, second]) == [a1, a2, b1]


def test_save_quiz_creates_then_replaces_the_list_as_a_whole(instructor, classroom):
    deck = DeckFactory(owner=instructor)
    one, two, three = (ItemFactory(deck=deck) for _ in range(3))
    spec = authoring.QuizSpec(title="Q", decks=[deck], selection=Selection.FIXED, items=[(two.pk, 2.0), (one.pk, 1.0)])
    quiz = authoring.save_quiz(spec=spec, classroom=classroom, owner=instructor)
    assert list(QuizItem.objects.filter(quiz=quiz).values_list("position", "item_id", "mark")) == [
        (1, two.pk, 2.0),
        (2, one.pk, 1.0),
    ]
    spec = authoring.QuizSpec(
        title="Q", decks=[deck], selection=Selection.FIXED, items=[(one.pk, 1.0), (three.pk, 5.0)]
    )
    authoring.save_quiz(spec=spec, quiz=quiz)
    assert list(QuizItem.objects.filter(quiz=quiz).values_list("position", "item_id", "mark")) == [
        (1, one.pk, 1.0),
        (2, three.pk, 5.0),
    ]
    assert Quiz.objects.get().owner == instructor  # an edit keeps the quiz's owner


def test_delete_quiz_says_how_many_attempts_went(instructor, student_a, classroom):
    quiz = QuizFactory(classroom=classroom)
    now = datetime(2030, 1, 1, tzinfo=UTC)
    Attempt.objects.create(quiz=quiz, learner=student_a, number=1, started_at=now)
    assert authoring.delete_quiz(quiz=quiz) == 1
    assert not Quiz.objects.exists()


def test_attempt_summary_counts_attempts_students_and_those_in_progress(student_a, student_b, classroom):
    quiz = QuizFactory(classroom=classroom)
    now = datetime(2030, 1, 1, tzinfo=UTC)
    finished = {"state": AttemptState.FINISHED, "submitted_at": now, "score": 1}
    Attempt.objects.create(quiz=quiz, learner=student_a, number=1, started_at=now, **finished)
    Attempt.objects.create(quiz=quiz, learner=student_a, number=2, started_at=now)
    Attempt.objects.create(quiz=quiz, learner=student_b, number=1, started_at=now, **finished)
    assert authoring.attempt_summary(quiz) == authoring.AttemptSummary(attempts=3, learners=2, in_progress=1)


def test_zone_of_is_the_study_settings_zone_or_utc(instructor, student_a):
    StudySettingsFactory(learner=instructor, timezone="Europe/Paris")
    instructor.refresh_from_db()
    assert authoring.zone_of(instructor) == zoneinfo.ZoneInfo("Europe/Paris")
    assert authoring.zone_of(student_a) == authoring.UTC


def test_the_quiet_form_shows_the_values_without_errors(instructor, classroom):
    data = QueryDict(mutable=True)
    data.update({"title": "", "selection": "fixed", "item_count": "lots"})
    form = QuizForm(data, user=instructor, classroom=classroom, quiet=True)
    assert form.errors == {}
    assert form["item_count"].value() == "lots"
    assert form.is_fixed


def test_a_saved_time_limit_of_odd_seconds_shows_as_whole_minutes_rounded_up(instructor, classroom):
    deck = DeckFactory(owner=instructor)
    quiz = QuizFactory(classroom=classroom, decks=[deck], time_limit=timedelta(minutes=10, seconds=30))
    form = QuizForm(user=instructor, classroom=classroom, quiz=quiz)
    assert form.initial["time_limit"] == 11
