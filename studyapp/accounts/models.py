from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower


class User(AbstractUser):
    """A learner, instructor or admin. Roles are the groups in `roles.py`; admins are staff."""

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        constraints = [
            # One account per address, whatever its case: a reset link or a confirmation goes to one account.
            # Accounts made without an address (blank) aren't compared.
            models.UniqueConstraint(
                Lower("email"),
                condition=~Q(email=""),
                name="user_unique_email_ignoring_case",
                violation_error_message="Another account already uses this email address.",
            )
        ]

    @property
    def is_instructor(self) -> bool:
        from studyapp.accounts.roles import INSTRUCTORS

        # `in_instructors` is annotated by the auth backend, saving a query on every page.
        if hasattr(self, "in_instructors"):
            return self.is_superuser or self.in_instructors
        return self.is_superuser or INSTRUCTORS in self.group_names

    @property
    def is_student(self) -> bool:
        from studyapp.accounts.roles import STUDENTS

        if hasattr(self, "in_students"):
            return self.in_students
        return STUDENTS in self.group_names

    @property
    def group_names(self) -> frozenset[str]:
        # Cached per instance: the navigation asks several times per page.
        if not hasattr(self, "_group_names"):
            self._group_names = frozenset(self.groups.values_list("name", flat=True))
        return self._group_names
