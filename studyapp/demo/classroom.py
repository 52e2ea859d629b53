"""The demo class and its quiz, with finished attempts by generated students, so the report has something to show.

"Demo class" is taught by the demo instructor, with the demo students and about two dozen generated students
(unusable passwords: nobody logs in as them) enrolled and the demo deck assigned. Its quiz, "Left Opposition
check", draws 10 of the deck's items tagged "dates" (15 of them: numbers, chronologies, multiple choice, a cloze)
at random for each attempt, with 15 minutes and 2 attempts, feedback after submission. Drawing from 15 rather
than all 128 items puts each item in about 20 of the 30 attempts, enough for the item analysis to say something.

The attempts go through the quiz services (start, save each answer, submit), as a student's would. Each generated
student has an ability, each item a difficulty, both from a fixed random generator, and a student answers an item
right, partly right (where the kind gives partial credit) or wrong with odds that follow the two; one item is
"tricky" (the stronger a student, the likelier they are to get it wrong), so the analysis has a question to flag.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import transaction
from django.http import QueryDict

from studyapp.accounts.models import User
from studyapp.accounts.roles import STUDENTS
from studyapp.classroom import services as classroom_services
from studyapp.classroom.models import Classroom, Membership
from studyapp.library.grading import close_band
from studyapp.library.models import Deck, Item, ItemKind, Tag, parse_number
from studyapp.library.presentation import Showing
from studyapp.quizzes import services as quiz_services
from studyapp.quizzes.models import AttemptQuestion, FeedbackTiming, GradingMethod, Quiz, Selection
from studyapp.review import services as review_services
from studyapp.review.models import StudiedDeck

CLASS_NAME = "Demo class"
QUIZ_TITLE = "Left Opposition check"
QUIZ_TAG = "dates"
QUIZ_ITEMS = 10
QUIZ_TIME_LIMIT = timedelta(minutes=15)
QUIZ_ATTEMPTS_ALLOWED = 2
GENERATED_STUDENTS = 24
SECOND_ATTEMPTS = 6  # that many of them try again: 30 attempts in all
GENERATED_PREFIX = "demo-student-"


@dataclass(frozen=True)
class DemoClass:
    classroom: Classroom
    quiz: Quiz
    created: bool  # the class was made now
    attempts: int  # finished attempts made now


def load_demo_class(
    *, instructor, students: list, deck: Deck, now: datetime, with_attempts: bool = True, seed: int = 1927
) -> DemoClass:
    """Make the demo class and its quiz, and the generated students' attempts unless `with_attempts` is False.

    Idempotent: a class of that name taught by the instructor is kept as it is, its quiz too; the attempts are
    made only if the quiz has none (so a load without them, then one with them, ends up with them).
    """
    with transaction.atomic():
        classroom = Classroom.objects.filter(name=CLASS_NAME, instructors=instructor).first()
        created = classroom is None
        if created:
            classroom = classroom_services.create_classroom(name=CLASS_NAME, instructor=instructor)
            for student in students:
                classroom_services.join(student=student, classroom=classroom, now=now)
            classroom_services.assign_deck(classroom=classroom, deck=deck, due_on=None, now=now)
        quiz = classroom.quizzes.filter(title=QUIZ_TITLE).first() or _make_quiz(classroom, instructor, deck)
        attempts = 0
        if with_attempts and not quiz.attempts.exists():
            generated = _enrol(classroom, deck, _generated_students(GENERATED_STUDENTS), now)
            attempts = _take_quiz(quiz, generated, now, random.Random(seed))  # noqa: S311 - a simulation
    return DemoClass(classroom, quiz, created=created, attempts=attempts)


def _enrol(classroom: Classroom, deck: Deck, students: list[User], now: datetime) -> list[User]:
    """Join the students to the class in bulk, with the assigned deck in their studies, as joining gives it."""
    Membership.objects.bulk_create(
        [Membership(classroom=classroom, student=student) for student in students], ignore_conflicts=True
    )
    StudiedDeck.objects.bulk_create(
        [StudiedDeck(learner=student, deck=deck) for student in students], ignore_conflicts=True
    )
    review_services.add_new_states(learners=[student.pk for student in students], items=deck.items.all(), now=now)
    return students


def _generated_students(count: int) -> list[User]:
    """demo-student-01 … in the Students group, with unusable passwords; those already there are reused."""
    names = [f"{GENERATED_PREFIX}{number:02d}" for number in range(1, count + 1)]
    existing = {user.username for user in User.objects.filter(username__in=names)}
    unusable = make_password(None)  # one unusable hash for all: nobody can log in as them
    User.objects.bulk_create(
        [
            User(username=name, first_name=f"Student {name[-2:]}", password=unusable)
            for name in names
            if name not in existing
        ]
    )
    users = list(User.objects.filter(username__in=names).order_by("username"))
    group = Group.objects.get(name=STUDENTS)
    User.groups.through.objects.bulk_create(
        [User.groups.through(user_id=user.pk, group_id=group.pk) for user in users], ignore_conflicts=True
    )
    return users


def _make_quiz(classroom: Classroom, instructor, deck: Deck) -> Quiz:
    quiz = Quiz.objects.create(
        title=QUIZ_TITLE,
        classroom=classroom,
        owner=instructor,
        selection=Selection.RANDOM,
        item_count=QUIZ_ITEMS,
        tag=Tag.objects.filter(name=QUIZ_TAG).first(),
        time_limit=QUIZ_TIME_LIMIT,
        attempts_allowed=QUIZ_ATTEMPTS_ALLOWED,
        grading_method=GradingMethod.HIGHEST,
        feedback_timing=FeedbackTiming.SUBMISSION,
        show_correct_answers=True,
    )
    quiz.decks.add(deck)
    return quiz


# --- the attempts ----------------------------------------------------------------------------------------------


def _chance(ability: float, difficulty: float) -> float:
    """The chance of a right answer: a logistic curve in ability minus difficulty (item response theory's 2PL)."""
    return 1 / (1 + math.exp(-1.7 * (ability - difficulty)))


def _take_quiz(quiz: Quiz, students: list[User], now: datetime, rng: random.Random) -> int:
    abilities = {student.pk: rng.gauss(0, 1) for student in students}
    pool = list(
        Item.objects.filter(deck__in=quiz.decks.all(), **({"tags": quiz.tag} if quiz.tag_id else {}))
        .order_by("deck_id", "position", "pk")
        .values_list("pk", flat=True)
    )
    difficulties = {item_id: rng.uniform(-1.2, 1.2) for item_id in pool}
    tricky = pool[len(pool) // 2] if pool else None
    takers = [(student, 1) for student in students]
    takers += [(student, 2) for student in rng.sample(students, min(SECOND_ATTEMPTS, len(students)))]
    last_submitted: dict[int, datetime] = {}
    finished = 0
    for student, number in takers:
        if number == 1:  # first attempts over four days, a week ago
            started = now - timedelta(days=7) + timedelta(hours=rng.uniform(0, 96))
        else:  # a second try a few hours to a day and a half later
            started = last_submitted[student.pk] + timedelta(hours=rng.uniform(4, 36))
        attempt = quiz_services.start_attempt(quiz=quiz, learner=student, now=started)
        questions = (
            AttemptQuestion.objects.filter(attempt=attempt)
            .select_related("item")
            .prefetch_related("item__choices", "item__events")
            .order_by("position")
        )
        clock = started
        for question in questions:
            clock += timedelta(seconds=rng.uniform(20, 70))
            ability = abilities[student.pk] + 0.3 * (number - 1)  # a second try goes a little better
            chance = _chance(-ability if question.item_id == tricky else ability, difficulties[question.item_id])
            outcome = "right" if rng.random() < chance else ("partly" if rng.random() < 0.5 else "wrong")
            data = _answer(question, outcome, rng)
            if data is not None:
                quiz_services.save_answer(attempt=attempt, position=question.position, data=data, now=clock)
        last_submitted[student.pk] = clock + timedelta(seconds=rng.uniform(5, 40))
        quiz_services.submit_attempt(attempt=attempt, now=last_submitted[student.pk])
        finished += 1
    return finished


def _answer(question: AttemptQuestion, outcome: str, rng: random.Random) -> QueryDict | None:
    """A form post answering the question right, partly (where the kind gives partial credit) or wrong.

    None leaves it unanswered (a wrong text answer sometimes: students skip questions too).
    """
    item, showing = question.item, Showing(question.showing)
    data = QueryDict(mutable=True)
    if item.kind == ItemKind.MULTIPLE_CHOICE:
        choices = list(item.choices.all())
        right = [choice for choice in choices if choice.is_correct]
        wrong = [choice for choice in choices if not choice.is_correct]
        if outcome == "right" or not wrong:
            picked = right
        elif outcome == "partly" and len(right) > 1:
            picked = right[:1]
        else:
            picked = [rng.choice(wrong)]
        for choice in picked:
            data.appendlist("choice", showing.key("choice", choice.pk))
    elif item.kind == ItemKind.CHRONOLOGY:
        events = sorted(item.events.all(), key=lambda event: event.sort_key)
        if outcome == "partly" and len(events) > 2:  # two neighbours swapped: all but one in order
            swap = rng.randrange(len(events) - 1)
            events[swap], events[swap + 1] = events[swap + 1], events[swap]
        elif outcome != "right":
            events.reverse()
        for position, event in enumerate(events, start=1):
            data[f"position-{showing.key('event', event.pk)}"] = str(position)
    elif item.kind == ItemKind.NUMBER and (target := parse_number(item.answer)) is not None:
        # Just outside the tolerance earns the grader's partial credit for close numbers; far off earns nothing.
        step = close_band(target, item.tolerance)
        offsets = {"right": Decimal(0), "partly": step * rng.choice((-1, 1)), "wrong": step * rng.choice((-6, 4, 9))}
        data["response"] = str(target + offsets[outcome])
    elif item.kind == ItemKind.TRUE_FALSE:
        data["response"] = item.answer if outcome == "right" else {"True": "False"}.get(item.answer, "True")
    else:
        if outcome != "right" and rng.random() < 0.25:
            return None
        data["response"] = (item.cloze_blank or item.answer) if outcome == "right" else "I don't remember"
    return data
