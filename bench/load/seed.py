"""The load test's world, in bulk: the demo deck, a class with its quiz, N students studying the deck, a probe account.

The demo deck comes in as `load_demo` loads it (DEBUG off: no demo accounts; an instructor of our own owns it);
the class and its quiz are the demo's (studyapp.demo.classroom, without the generated attempts). The students go
in by bulk inserts (one password hash for all of them), joined to the class as joining does: the deck in their
studies and a new review state per item (review.services.add_new_states), study settings made up front with a
day's new items above what a student rates in a run, so the queue does not run dry.
"""

from __future__ import annotations

import io
import secrets
from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import transaction

from studyapp.accounts.models import User
from studyapp.accounts.roles import INSTRUCTORS, STUDENTS
from studyapp.classroom.models import Membership
from studyapp.demo.classroom import load_demo_class
from studyapp.library.models import Deck
from studyapp.review import services as review_services
from studyapp.review.models import StudiedDeck, StudySettings

STUDENT_PREFIX = "load-student-"
PROBE = "load-probe"  # logs in beside the students and checks, after a fault, that the app answers again
INSTRUCTOR = "load-instructor"
DEMO_DECK_SLUG = "left-opposition-1927"
NEW_PER_DAY = 500


@dataclass(frozen=True)
class LoadWorld:
    deck_slug: str
    quiz_pk: int | None
    students: list[str]
    probe: str
    password: str  # the same for every account: one hash, made once (the hasher is slow on purpose)

    def accounts(self) -> dict:
        """What the locust users read (bench/load/locustfile.py)."""
        return {
            "deck": self.deck_slug,
            "quiz": self.quiz_pk,
            "learners": [{"username": name, "password": self.password} for name in self.students],
        }


def seed(count: int, now: datetime) -> LoadWorld:
    password = secrets.token_urlsafe(16)
    instructor = User.objects.create_user(username=INSTRUCTOR, password=password)
    instructor.groups.add(Group.objects.get(name=INSTRUCTORS))
    call_command("load_demo", owner=INSTRUCTOR, skip_history=True, quiet_logins=True, stdout=io.StringIO())
    deck = Deck.objects.get(slug=DEMO_DECK_SLUG)
    demo = load_demo_class(instructor=instructor, students=[], deck=deck, now=now, with_attempts=False)
    names = [f"{STUDENT_PREFIX}{number:03d}" for number in range(1, count + 1)]
    with transaction.atomic():
        hashed = make_password(password)
        User.objects.bulk_create([User(username=name, password=hashed) for name in [*names, PROBE]])
        users = list(User.objects.filter(username__in=[*names, PROBE]))
        students = Group.objects.get(name=STUDENTS)
        User.groups.through.objects.bulk_create(
            [User.groups.through(user_id=u.pk, group_id=students.pk) for u in users]
        )
        Membership.objects.bulk_create([Membership(classroom=demo.classroom, student=u) for u in users])
        StudiedDeck.objects.bulk_create([StudiedDeck(learner=u, deck=deck) for u in users])
        StudySettings.objects.bulk_create([StudySettings(learner=u, new_per_day=NEW_PER_DAY) for u in users])
        review_services.add_new_states(learners=[u.pk for u in users], items=deck.items.all(), now=now)
    return LoadWorld(deck.slug, demo.quiz.pk if demo.quiz else None, names, PROBE, password)
