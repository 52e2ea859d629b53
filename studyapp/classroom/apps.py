from __future__ import annotations

from django.apps import AppConfig


class ClassroomConfig(AppConfig):
    name = "studyapp.classroom"
    label = "classroom"
    verbose_name = "Classes"
