from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from studyapp.accounts import security_admin  # noqa: F401 - axes' admin, with an unlock action
from studyapp.accounts.forms import AdminLoginForm
from studyapp.accounts.models import User

admin.site.login_form = AdminLoginForm  # the username's length checked before it reaches django-axes


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """Instructors are made here: add the user to the Instructors group."""

    list_display = ("username", "email", "first_name", "last_name", "roles", "is_staff", "last_login")
    list_filter = ("groups", "is_staff", "is_superuser", "is_active")

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    @admin.display(description="roles")
    def roles(self, user: User) -> str:
        return ", ".join(group.name for group in user.groups.all()) or "—"
