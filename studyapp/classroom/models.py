"""Classes: an instructor's group of students, joined with a code, with decks assigned to know by a date.

Who may see what is decided here, once, by the queryset methods: a class's instructors (and
superusers) run it; its members see it; everyone else gets 404.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from studyapp.library.models import Deck

# Letters and digits that can't be mistaken for each other when read aloud or off a board (no 0/O, 1/I/L).
JOIN_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
JOIN_CODE_LENGTH = 8


def new_join_code() -> str:
    """A random code (31⁸ ≈ 8.5·10¹¹ of them: guessing one is hopeless at any rate the site allows)."""
    return "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(JOIN_CODE_LENGTH))


class ClassroomQuerySet(models.QuerySet):
    def taught_by(self, user) -> ClassroomQuerySet:
        """Classes the user runs: those they teach (all of them for superusers)."""
        if user.is_superuser:
            return self.all()
        return self.filter(instructors=user)

    def visible_to(self, user) -> ClassroomQuerySet:
        """Classes the user teaches or belongs to."""
        if user.is_superuser:
            return self.all()
        return self.filter(Q(instructors=user) | Q(memberships__student=user)).distinct()


class Classroom(models.Model):
    name = models.CharField(max_length=200)
    join_code = models.CharField(max_length=JOIN_CODE_LENGTH, unique=True, default=new_join_code, editable=False)
    instructors = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="taught_classrooms")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ClassroomQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]
        constraints = [models.CheckConstraint(condition=~Q(name=""), name="classroom_name_not_empty")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("classroom:detail", args=[self.pk])


class Membership(models.Model):
    """A student in a class."""

    # Indexed by the constraint (classroom first) and by membership_student_idx.
    classroom = models.ForeignKey(Classroom, on_delete=models.CASCADE, related_name="memberships", db_index=False)
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships", db_index=False
    )
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["classroom", "student__username"]
        constraints = [
            models.UniqueConstraint(fields=["classroom", "student"], name="membership_unique_classroom_student")
        ]
        indexes = [
            # "My classes" and the visibility check: the classes a student belongs to.
            models.Index(fields=["student"], name="membership_student_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.student} in {self.classroom}"


class Assignment(models.Model):
    """A deck the class is to study, optionally to know by a date."""

    # Indexed by the constraint (classroom first) and by assignment_deck_idx.
    classroom = models.ForeignKey(Classroom, on_delete=models.CASCADE, related_name="assignments", db_index=False)
    deck = models.ForeignKey(Deck, on_delete=models.CASCADE, related_name="assignments", db_index=False)
    due_on = models.DateField(null=True, blank=True, help_text="The date to know the deck by (optional).")
    assigned_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["classroom", "due_on", "deck__title"]
        constraints = [models.UniqueConstraint(fields=["classroom", "deck"], name="assignment_unique_classroom_deck")]
        indexes = [
            # A deck's classes: the deck report's class filter and "assigned by" on a student's study page.
            models.Index(fields=["deck"], name="assignment_deck_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.deck} for {self.classroom}"
