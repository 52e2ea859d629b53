"""Loads the signed-in user with what every page needs in one query: roles and study settings."""

from __future__ import annotations

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group
from django.db.models import Exists, OuterRef

from studyapp.accounts.models import User
from studyapp.accounts.roles import INSTRUCTORS, STUDENTS


def _in_group(name: str) -> Exists:
    return Exists(Group.objects.filter(name=name, user=OuterRef("pk")))


class UserWithRolesBackend(ModelBackend):
    def get_user(self, user_id):
        user = (
            User.objects.select_related("study_settings")
            .annotate(in_instructors=_in_group(INSTRUCTORS), in_students=_in_group(STUDENTS))
            .filter(pk=user_id)
            .first()
        )
        return user if user is not None and self.user_can_authenticate(user) else None
