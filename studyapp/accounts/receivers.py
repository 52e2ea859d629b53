"""Instructors author in the Django admin, which needs `is_staff`: it follows membership of Instructors.
The role groups are kept in step with roles.py after every migrate."""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import m2m_changed, post_migrate
from django.dispatch import receiver

from studyapp.accounts.models import User
from studyapp.accounts.roles import INSTRUCTORS, sync_roles


@receiver(m2m_changed, sender=User.groups.through, dispatch_uid="accounts_instructors_are_staff")
def groups_changed(sender, instance, action: str, reverse: bool, **kwargs) -> None:
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    users = [instance] if not reverse else list(User.objects.filter(pk__in=kwargs.get("pk_set") or ()))
    if reverse and action == "post_clear":
        return  # a group being emptied wholesale: nothing to recompute here
    for user in users:
        if user.is_superuser:
            continue
        is_instructor = user.groups.filter(name=INSTRUCTORS).exists()
        if user.is_staff != is_instructor:
            User.objects.filter(pk=user.pk).update(is_staff=is_instructor)
            user.is_staff = is_instructor


@receiver(post_migrate, dispatch_uid="accounts_sync_roles")
def roles_after_migrate(sender, **kwargs) -> None:
    # Sent once per app after `migrate`; by the last one every app's permissions exist.
    sync_roles(Group, Permission)


@receiver(user_logged_in, dispatch_uid="accounts_staff_sessions_end_at_browser_close")
def staff_sessions_end_at_browser_close(sender, request, user: User, **kwargs) -> None:
    # Staff can change other people's data: their login shouldn't outlive the browser (students keep theirs).
    if request is not None and (user.is_staff or user.is_superuser):
        request.session.set_expiry(0)
