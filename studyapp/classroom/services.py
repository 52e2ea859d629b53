"""Writes of the classroom app: classes, joining and leaving, co-instructors, assigned decks.

An assigned deck's date reaches each member as the exam date of their studied deck (what the exam-date
forecast reads), but only where they have none of their own. A member's "class date" for a deck is the
earliest date any of their classes gives it; every change that moves it (join, leave, assign, change
the date, unassign) moves the exam dates that were null or still equal to the old class date, and
leaves any other date alone: that one the student chose. (A date a student chose that happens to equal
the class date can't be told apart from it, and follows the class; it was the class's date anyway.)
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Min, Q

from studyapp.classroom.models import (
    JOIN_CODE_ALPHABET,
    JOIN_CODE_LENGTH,
    Assignment,
    Classroom,
    Membership,
    new_join_code,
)
from studyapp.library.models import Deck
from studyapp.review import services as review_services
from studyapp.review.models import StudiedDeck

# A clash of two random codes is rare (31⁸ codes); a few retries make it vanishingly so.
CODE_ATTEMPTS = 5


class ClassroomError(Exception):
    """A change that can't be made, with a message for the user."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class NoSuchClass(ClassroomError):
    """No class has that join code (the one message for every bad code: it says nothing about others)."""

    def __init__(self):
        super().__init__("There is no class with that code.")


def normalize_code(code: str) -> str:
    """What the user typed as it is stored: upper case, without spaces or dashes."""
    return "".join(code.split()).replace("-", "").upper()


def find_by_code(code: str) -> Classroom:
    """The class with this join code, however it was typed; NoSuchClass otherwise."""
    code = normalize_code(code)
    if len(code) != JOIN_CODE_LENGTH or any(char not in JOIN_CODE_ALPHABET for char in code):
        raise NoSuchClass
    try:
        return Classroom.objects.get(join_code=code)
    except Classroom.DoesNotExist:
        raise NoSuchClass from None


def can_teach(user) -> bool:
    """May run a class: in the Instructors group, or a superuser."""
    return user.is_authenticated and user.is_instructor


def _save_with_a_fresh_code(classroom: Classroom, **save_kwargs) -> None:
    """Save the class, drawing another code if the one it has is taken (the unique constraint decides)."""
    for attempt in range(CODE_ATTEMPTS):
        if attempt:
            classroom.join_code = new_join_code()
        try:
            with transaction.atomic():  # a savepoint, so a clash leaves the outer transaction usable
                classroom.save(**save_kwargs)
            return
        except IntegrityError:
            if Classroom.objects.filter(join_code=classroom.join_code).exclude(pk=classroom.pk).exists():
                continue
            raise
    raise ClassroomError("Could not find a free join code; try again.")


@transaction.atomic
def create_classroom(*, name: str, instructor) -> Classroom:
    """A new class taught by its creator, who must be an instructor."""
    if not can_teach(instructor):
        raise PermissionDenied("Only instructors can create classes.")
    name = name.strip()
    if not name:
        raise ClassroomError("Give the class a name.")
    classroom = Classroom(name=name, created_by=instructor, join_code=new_join_code())
    _save_with_a_fresh_code(classroom)
    classroom.instructors.add(instructor)
    return classroom


@transaction.atomic
def regenerate_code(*, classroom: Classroom) -> str:
    """A new join code; the old one stops working (members stay)."""
    classroom.join_code = new_join_code()
    _save_with_a_fresh_code(classroom, update_fields=["join_code"])
    return classroom.join_code


def _teaches(classroom: Classroom, user) -> bool:
    return classroom.instructors.filter(pk=user.pk).exists()


@transaction.atomic
def add_instructor(*, classroom: Classroom, user) -> None:
    """Make a user a co-instructor: they must be an instructor (or staff), and not a student of the class."""
    if not (user.is_instructor or user.is_staff):
        raise ClassroomError(f"{user.get_username()} is not an instructor, so can't teach a class.")
    if Membership.objects.filter(classroom=classroom, student=user).exists():
        raise ClassroomError(f"{user.get_username()} is a student of this class; they have to leave it first.")
    if _teaches(classroom, user):
        raise ClassroomError(f"{user.get_username()} already teaches this class.")
    classroom.instructors.add(user)


# --- exam dates from assignments ----------------------------------------------------------------------


def _class_dates(learner_ids: Iterable[int], deck_ids: Iterable[int]) -> dict[tuple[int, int], date]:
    """(learner, deck) -> the earliest date any of the learner's classes gives the deck. One query."""
    rows = (
        Membership.objects.filter(
            student_id__in=list(learner_ids),
            classroom__assignments__deck_id__in=list(deck_ids),
            classroom__assignments__due_on__isnull=False,
        )
        .values("student_id", "classroom__assignments__deck_id")
        .annotate(due_on=Min("classroom__assignments__due_on"))
        .order_by()
    )
    return {(row["student_id"], row["classroom__assignments__deck_id"]): row["due_on"] for row in rows}


class _ExamDates:
    """Move members' exam dates with their class dates: note the dates before a change, apply after it."""

    def __init__(self, learner_ids: Iterable[int], deck_ids: Iterable[int]):
        self.learner_ids = list(learner_ids)
        self.deck_ids = list(deck_ids)
        self.before = _class_dates(self.learner_ids, self.deck_ids) if self.learner_ids and self.deck_ids else {}

    def apply(self) -> None:
        if not self.learner_ids or not self.deck_ids:
            return
        after = _class_dates(self.learner_ids, self.deck_ids)
        # (deck, old date, new date) -> learners, so one UPDATE serves every learner with the same change.
        moves: dict[tuple[int, date | None, date | None], list[int]] = defaultdict(list)
        for learner_id in self.learner_ids:
            for deck_id in self.deck_ids:
                old, new = self.before.get((learner_id, deck_id)), after.get((learner_id, deck_id))
                if old != new:
                    moves[(deck_id, old, new)].append(learner_id)
        for (deck_id, old, new), learners in moves.items():
            unchosen = Q(exam_on__isnull=True) | (Q(exam_on=old) if old is not None else Q())
            StudiedDeck.objects.filter(deck_id=deck_id, learner_id__in=learners).filter(unchosen).update(exam_on=new)


# --- members ------------------------------------------------------------------------------------------


@transaction.atomic
def join(*, student, now: datetime, classroom: Classroom | None = None, code: str | None = None) -> Membership:
    """Put the student in the class (by the class or its code) and every assigned deck in their studies.

    Joining twice is harmless. Raises NoSuchClass for a bad code, ClassroomError if they teach the class.
    """
    if classroom is None:
        if code is None:
            raise TypeError("join() needs a classroom or a code")
        classroom = find_by_code(code)
    if _teaches(classroom, student):
        raise ClassroomError("You teach this class, so you can't join it as a student.")
    assignments = list(classroom.assignments.select_related("deck"))
    exam_dates = _ExamDates([student.pk], [assignment.deck_id for assignment in assignments])
    membership, _ = Membership.objects.get_or_create(classroom=classroom, student=student)
    for assignment in assignments:
        review_services.study_deck(learner=student, deck=assignment.deck, now=now)
    exam_dates.apply()
    return membership


def _remove_member(classroom: Classroom, student) -> bool:
    deck_ids = list(classroom.assignments.values_list("deck_id", flat=True))
    exam_dates = _ExamDates([student.pk], deck_ids)
    deleted, _ = Membership.objects.filter(classroom=classroom, student=student).delete()
    exam_dates.apply()
    return bool(deleted)


@transaction.atomic
def leave(*, classroom: Classroom, student) -> bool:
    """The student leaves the class. Their studies and review history stay; dates from the class go.

    Returns False if they weren't in it.
    """
    return _remove_member(classroom, student)


@transaction.atomic
def remove_student(*, classroom: Classroom, student) -> bool:
    """An instructor takes a student out of the class (as if they had left it)."""
    return _remove_member(classroom, student)


# --- assigned decks -----------------------------------------------------------------------------------


@transaction.atomic
def assign_deck(*, classroom: Classroom, deck: Deck, due_on: date | None, now: datetime) -> Assignment:
    """Assign the deck to the class (or change its date, if it is assigned already).

    Every member gets the deck in their studies; their exam dates follow the class date where it is theirs.
    """
    member_ids = list(classroom.memberships.values_list("student_id", flat=True))
    exam_dates = _ExamDates(member_ids, [deck.pk])
    assignment, created = Assignment.objects.get_or_create(classroom=classroom, deck=deck, defaults={"due_on": due_on})
    if not created and assignment.due_on != due_on:
        assignment.due_on = due_on
        assignment.save(update_fields=["due_on"])
    if created and member_ids:
        # study_deck for each member, in bulk: the studied deck, then the new review states.
        StudiedDeck.objects.bulk_create(
            [StudiedDeck(learner_id=learner_id, deck=deck) for learner_id in member_ids], ignore_conflicts=True
        )
        review_services.add_new_states(learners=member_ids, items=deck.items.all(), now=now)
    exam_dates.apply()
    return assignment


@transaction.atomic
def unassign_deck(*, classroom: Classroom, deck: Deck) -> bool:
    """Take the deck off the class. Members keep it in their studies, with their review history."""
    member_ids = list(classroom.memberships.values_list("student_id", flat=True))
    exam_dates = _ExamDates(member_ids, [deck.pk])
    deleted, _ = Assignment.objects.filter(classroom=classroom, deck=deck).delete()
    exam_dates.apply()
    return bool(deleted)
