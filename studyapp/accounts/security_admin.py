"""axes' admin pages, registered here (AXES_ENABLE_ADMIN is off) to add an unlock action to failed attempts."""

from __future__ import annotations

from axes.admin import AccessAttemptAdmin, AccessFailureLogAdmin, AccessLogAdmin
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin, messages


@admin.register(AccessAttempt)
class LoginAttemptAdmin(AccessAttemptAdmin):
    """A locked-out user and address are let in again by deleting their failed attempts."""

    actions = ["unlock", *AccessAttemptAdmin.actions]

    @admin.action(description="Unlock: forget the selected failed logins", permissions=["delete"])
    def unlock(self, request, queryset) -> None:
        unlocked = sorted({f"{attempt.username} from {attempt.ip_address}" for attempt in queryset})
        queryset.delete()
        self.message_user(
            request, f"Unlocked {', '.join(unlocked) or 'nobody'}: they may log in again.", messages.SUCCESS
        )


admin.site.register(AccessLog, AccessLogAdmin)
admin.site.register(AccessFailureLog, AccessFailureLogAdmin)
