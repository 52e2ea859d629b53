from __future__ import annotations

from django.contrib import admin

from studyapp.classroom.models import Assignment, Classroom, Membership


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ["student"]
    readonly_fields = ["joined_at"]


class AssignmentInline(admin.TabularInline):
    model = Assignment
    extra = 0
    raw_id_fields = ["deck"]


@admin.register(Classroom)
class ClassroomAdmin(admin.ModelAdmin):
    list_display = ["name", "join_code", "created_by", "created_at"]
    search_fields = ["name", "join_code", "instructors__username"]
    readonly_fields = ["join_code", "created_at"]
    filter_horizontal = ["instructors"]
    raw_id_fields = ["created_by"]
    inlines = [MembershipInline, AssignmentInline]
