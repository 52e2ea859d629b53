from __future__ import annotations

from django.apps import AppConfig


class MemoryConfig(AppConfig):
    """The learner's personal memory model: FSRS parameters fitted to their reviews, and what they cost."""

    name = "studyapp.memory"
    label = "memory"
    verbose_name = "Memory model"
