from __future__ import annotations

from django.contrib import admin

from studyapp.quizzes.models import Attempt, AttemptQuestion, Quiz, QuizItem


class QuizItemInline(admin.TabularInline):
    model = QuizItem
    extra = 0
    raw_id_fields = ["item"]


@admin.register(Quiz)
class QuizAdmin(admin.ModelAdmin):
    list_display = ["title", "classroom", "owner", "selection", "item_count", "time_limit", "opens_at", "closes_at"]
    list_filter = ["selection", "feedback_timing", "grading_method"]
    search_fields = ["title", "classroom__name", "owner__username"]
    raw_id_fields = ["classroom", "owner", "tag"]
    filter_horizontal = ["decks"]
    inlines = [QuizItemInline]


class AttemptQuestionInline(admin.TabularInline):
    """Read-only: answers and grades change only through the attempt's services (saving, submitting, regrading)."""

    model = AttemptQuestion
    extra = 0
    can_delete = False
    fields = ["position", "item", "mark", "response", "saved_at", "fraction", "checked"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Attempt)
class AttemptAdmin(admin.ModelAdmin):
    list_display = ["quiz", "learner", "number", "state", "started_at", "submitted_at", "score", "max_score"]
    list_filter = ["state", "submitted_automatically"]
    search_fields = ["quiz__title", "learner__username"]
    readonly_fields = [
        "quiz",
        "learner",
        "number",
        "state",
        "started_at",
        "deadline",
        "submitted_at",
        "submitted_automatically",
        "score",
        "max_score",
    ]
    exclude = ["seed"]
    inlines = [AttemptQuestionInline]

    def has_add_permission(self, request) -> bool:
        return False
