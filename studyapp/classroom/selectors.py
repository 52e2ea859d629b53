"""Reads of the classroom app: who may see which class, and what its pages show.

Access is decided once per object type here: `get_taught_classroom` for the instructor-only pages and
actions, `get_visible_classroom` for the class page (instructors and members). Anyone else gets 404,
so a class's existence isn't revealed.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from django.db.models import BooleanField, Count, Exists, F, OuterRef, QuerySet, Value
from django.shortcuts import get_object_or_404

from studyapp.accounts.models import User
from studyapp.classroom.models import Assignment, Classroom, Membership
from studyapp.library.models import Deck
from studyapp.progress import reports
from studyapp.progress import selectors as progress_selectors
from studyapp.review.models import ReviewLog

RECENT_REVIEWS = 20
WEAKEST_ITEMS = 10


@dataclass(frozen=True)
class ClassList:
    taught: list[Classroom]  # each with `student_count`
    joined: list[Classroom]  # each with its instructors prefetched


def classes_for(user) -> ClassList:
    """The classes the user teaches (all of them for a superuser) and those they belong to. Three queries."""
    taught = list(Classroom.objects.taught_by(user).annotate(student_count=Count("memberships", distinct=True)))
    joined = list(Classroom.objects.filter(memberships__student=user).prefetch_related("instructors"))
    return ClassList(taught=taught, joined=joined)


def _teaching(user):
    """`teaches`: True if the user runs the class (superusers run them all)."""
    if user.is_superuser:
        return Value(True, output_field=BooleanField())
    return Exists(Classroom.instructors.through.objects.filter(classroom_id=OuterRef("pk"), user_id=user.pk))


def get_visible_classroom(user, pk: int) -> Classroom:
    """A class the user teaches or belongs to, with `teaches` set; anyone else gets 404. One query."""
    return get_object_or_404(Classroom.objects.visible_to(user).annotate(teaches=_teaching(user)), pk=pk)


def get_taught_classroom(user, pk: int) -> Classroom:
    """A class the user teaches (any class for a superuser); anyone else, its students included, gets 404."""
    return get_object_or_404(Classroom.objects.taught_by(user), pk=pk)


def get_joined_classroom(user, pk: int) -> Classroom:
    """A class the user is a student of; 404 otherwise (its instructors included)."""
    return get_object_or_404(Classroom.objects.filter(memberships__student=user), pk=pk)


def classes_assigning(user, deck) -> list[Classroom]:
    """The classes the user teaches (all for a superuser) that have the deck assigned: the deck report's
    class filter. One query."""
    return list(Classroom.objects.taught_by(user).filter(assignments__deck=deck).order_by("name", "pk"))


def member_ids(classroom: Classroom) -> QuerySet:
    """The class's students' ids, as a subquery."""
    return Membership.objects.filter(classroom=classroom).values("student_id")


def get_member(classroom: Classroom, user_id: int) -> User:
    """A student of the class, with their study settings; 404 for anyone else."""
    membership = get_object_or_404(
        Membership.objects.select_related("student", "student__study_settings"),
        classroom=classroom,
        student_id=user_id,
    )
    return membership.student


def assignments(classroom: Classroom, *, editor=None) -> list[Assignment]:
    """The class's assigned decks, soonest date first (undated last), with their decks.

    With `editor`, each says in `can_report` whether that user may edit the deck, and so open its report.
    """
    found = classroom.assignments.select_related("deck").order_by(F("due_on").asc(nulls_last=True), "deck__title")
    if editor is not None:
        found = found.annotate(can_report=Exists(Deck.objects.editable_by(editor).filter(pk=OuterRef("deck_id"))))
    return list(found)


def instructors(classroom: Classroom) -> QuerySet[User]:
    return classroom.instructors.order_by("username")


def members(classroom: Classroom) -> QuerySet[User]:
    return User.objects.filter(memberships__classroom=classroom)


def assignments_by_deck(learner) -> dict[int, list[Assignment]]:
    """deck id -> the assignments of that deck in the learner's classes, with the class: for a learner's
    study and progress pages. One query."""
    found = (
        Assignment.objects.filter(classroom__memberships__student=learner)
        .select_related("classroom")
        .order_by(F("due_on").asc(nulls_last=True), "classroom__name", "pk")
    )
    by_deck: dict[int, list[Assignment]] = defaultdict(list)
    for assignment in found:
        by_deck[assignment.deck_id].append(assignment)
    return dict(by_deck)


# --- the class page for its instructors ---------------------------------------------------------------


@dataclass(frozen=True)
class StudentProgress:
    student: reports.Student
    standings: list[reports.DeckStanding | None]  # one per assigned deck, in the assignments' order


def class_progress(classroom: Classroom, decks: list[Assignment], now: datetime) -> list[StudentProgress]:
    """Each student of the class, by username, with where they stand on each assigned deck. Two queries."""
    students = reports.students_in(members(classroom), now)
    found = reports.standings([assignment.deck_id for assignment in decks], students, now)
    return [
        StudentProgress(
            student=student, standings=[found.get((student.pk, assignment.deck_id)) for assignment in decks]
        )
        for student in students
    ]


# --- one student, for the class's instructors ---------------------------------------------------------


@dataclass(frozen=True)
class StudentDetail:
    student: User
    decks: list[tuple[Assignment, reports.DeckStanding | None]]
    recent_reviews: list[ReviewLog]
    weakest: list  # ReviewState rows with `recall`, their item and deck


def student_detail(classroom: Classroom, student: User, now: datetime) -> StudentDetail:
    """A student's reviews, mastery and weakest items in the class's assigned decks only. Four queries."""
    decks = assignments(classroom)
    deck_ids = [assignment.deck_id for assignment in decks]
    as_student = reports.as_student(student, now)
    found = reports.standings(deck_ids, [as_student], now)
    recent = (
        ReviewLog.objects.filter(learner=student, deck_id__in=deck_ids)
        .select_related("item", "deck")
        .order_by("-reviewed_at", "-pk")[:RECENT_REVIEWS]
    )
    weakest = progress_selectors.hardest_items_of_decks(
        student, as_student.settings, now, deck_ids, limit=WEAKEST_ITEMS
    )
    return StudentDetail(
        student=student,
        decks=[(assignment, found.get((student.pk, assignment.deck_id))) for assignment in decks],
        recent_reviews=list(recent),
        weakest=list(weakest),
    )
