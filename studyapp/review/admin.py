from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F

from studyapp.review.models import ReviewDay, ReviewLog, ReviewState, StudiedDeck, StudySettings
from studyapp.review.services import undo_last_review


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


class DeletedOnlyInCascadeMixin:
    """Rows that go only with what they belong to: deleting a user, deck or item takes them along.

    Django's admin refuses to delete an object if the admin of a row that would cascade denies
    delete permission (get_deleted_objects' perms_needed), so the permission stays as Django grants
    it and the direct ways to use it are closed instead: the delete view, the bulk delete action
    and the change page's Delete link. (Cascades keep ReviewDay right through the log's triggers.)
    """

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def delete_view(self, request, object_id, extra_context=None):
        raise PermissionDenied

    def change_view(self, request, object_id, form_url="", extra_context=None):
        return super().change_view(request, object_id, form_url, {**(extra_context or {}), "show_delete": False})

    def delete_model(self, request, obj) -> None:
        raise PermissionDenied

    def delete_queryset(self, request, queryset) -> None:
        raise PermissionDenied


@admin.register(ReviewLog)
class ReviewLogAdmin(DeletedOnlyInCascadeMixin, admin.ModelAdmin):
    """The log is append-only: readable here, never edited; a review leaves it only through undo."""

    list_display = ("learner", "item", "rating", "state", "reviewed_at", "duration_ms", "was_correct")
    list_filter = ("rating", "state", "was_correct", "item__deck")
    search_fields = ("learner__username", "item__prompt", "response")
    list_select_related = ("learner", "item")
    date_hierarchy = "reviewed_at"
    actions = ["undo_newest_reviews"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    @admin.action(description="Undo selected reviews (each its learner's newest)", permissions=["delete"])
    def undo_newest_reviews(self, request, queryset) -> None:
        """Undo as the learner's `u` does (their state restored, the day's sums too), newest first.

        Only a learner's newest review can be undone exactly, so any other is left and named.
        """
        undone, refused = 0, []
        for log in queryset.select_related("learner").order_by("-reviewed_at", "-pk"):
            with transaction.atomic():
                removed = undo_last_review(learner=log.learner, since=None)
                # The removed log has lost its pk (deleted); its submission id is unique per learner.
                if removed is not None and removed.client_uuid == log.client_uuid:
                    undone += 1
                    continue
                transaction.set_rollback(True)  # a newer review than the one selected: keep both
            refused.append(str(log))
        if undone:
            self.message_user(request, f"Undid {undone} review{'s' if undone != 1 else ''}.")
        if refused:
            self.message_user(
                request,
                "Not undone (not the learner's newest review): " + "; ".join(refused),
                level=messages.WARNING,
            )


@admin.register(ReviewDay)
class ReviewDayAdmin(DeletedOnlyInCascadeMixin, admin.ModelAdmin):
    """The log summed per day by database triggers: readable, never edited by hand (it would drift from the log).

    `manage.py repair_review_summary` recomputes it from the log, should it ever be wrong.
    """

    list_display = ("learner", "day", "deck", "reviews", "new_items", "memory_tests", "memory_passes", "duration_ms")
    list_filter = ("deck",)
    search_fields = ("learner__username",)
    list_select_related = ("learner", "deck")
    date_hierarchy = "day"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
