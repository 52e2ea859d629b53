from __future__ import annotations

from django.contrib.auth.models import AbstractUser


class User(AbstractUser):
    """A learner, instructor or admin. Roles are the groups in `roles.py`; admins are staff."""

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"

    @property
    def is_instructor(self) -> bool:
        from studyapp.accounts.roles import INSTRUCTORS

        return self.is_superuser or INSTRUCTORS in self.group_names

    @property
    def is_student(self) -> bool:
        from studyapp.accounts.roles import STUDENTS

        return STUDENTS in self.group_names

    @property
    def group_names(self) -> frozenset[str]:
        # Cached per instance: the navigation asks several times per page.
        if not hasattr(self, "_group_names"):
            self._group_names = frozenset(self.groups.values_list("name", flat=True))
        return self._group_names
