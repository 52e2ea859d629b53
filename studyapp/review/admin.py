from __future__ import annotations

from django.contrib import admin
from django.db.models import F

from studyapp.review.models import ReviewDay, ReviewLog, ReviewState, StudiedDeck, StudySettings


@admin.register(StudySettings)
class StudySettingsAdmin(admin.ModelAdmin):
    list_display = ("learner", "desired_retention", "new_per_day", "reviews_per_day", "timezone", "day_starts_at")
    search_fields = ("learner__username",)
    list_filter = ("timezone",)
    list_select_related = ("learner",)
    raw_id_fields = ("learner",)


@admin.register(StudiedDeck)
class StudiedDeckAdmin(admin.ModelAdmin):
    list_display = ("learner", "deck", "added_at", "exam_on")
    list_filter = ("deck",)
    search_fields = ("learner__username", "deck__title")
    list_select_related = ("learner", "deck")
    raw_id_fields = ("learner", "deck")


@admin.register(ReviewState)
class ReviewStateAdmin(admin.ModelAdmin):
    list_display = ("learner", "item", "state", "due", "stability", "difficulty", "reps", "lapses", "suspended")
    list_filter = ("state", "suspended", "is_leech", "flagged", "deck")
    search_fields = ("learner__username", "item__prompt")
    list_select_related = ("learner", "item")
    raw_id_fields = ("learner", "item")
    readonly_fields = ("deck", "version")
    actions = ["suspend", "unsuspend"]

    def save_model(self, request, obj: ReviewState, form, change: bool) -> None:
        # Any change invalidates the cards already on a learner's screen (their tokens carry the version).
        if change:
            obj.version += 1
        obj.deck_id = obj.item.deck_id
        super().save_model(request, obj, form, change)

    @admin.action(description="Suspend selected review states", permissions=["change"])
    def suspend(self, request, queryset) -> None:
        count = queryset.update(suspended=True, version=F("version") + 1)
        self.message_user(request, f"Suspended {count} review states.")

    @admin.action(description="Unsuspend selected review states", permissions=["change"])
    def unsuspend(self, request, queryset) -> None:
        count = queryset.update(suspended=False, version=F("version") + 1)
        self.message_user(request, f"Unsuspended {count} review states.")


@admin.register(ReviewLog)
class ReviewLogAdmin(admin.ModelAdmin):
    """The log is append-only: readable here, never edited (undo is the learner's)."""

    list_display = ("learner", "item", "rating", "state", "reviewed_at", "duration_ms", "was_correct")
    list_filter = ("rating", "state", "was_correct", "item__deck")
    search_fields = ("learner__username", "item__prompt", "response")
    list_select_related = ("learner", "item")
    date_hierarchy = "reviewed_at"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ReviewDay)
class ReviewDayAdmin(admin.ModelAdmin):
    """The log summed per day by database triggers: readable, never edited by hand (it would drift from the log)."""

    list_display = ("learner", "day", "deck", "reviews", "new_items", "memory_tests", "memory_passes", "duration_ms")
    list_filter = ("deck",)
    search_fields = ("learner__username",)
    list_select_related = ("learner", "deck")
    date_hierarchy = "day"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
