from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from studyapp.memory.models import ParameterFit


@admin.register(ParameterFit)
class ParameterFitAdmin(admin.ModelAdmin):
    """Fits are the task's record of what it measured and did: admins read them; only the task writes them."""

    list_display = ["learner", "created_at", "trigger", "status", "outcome", "review_count", "fitted_log_loss"]
    list_filter = ["status", "outcome", "trigger"]
    search_fields = ["learner__username"]
    list_select_related = ["learner"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: ParameterFit | None = None) -> bool:
        return False
