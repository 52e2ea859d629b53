from __future__ import annotations

from django.apps import AppConfig


class ReviewConfig(AppConfig):
    name = "studyapp.review"
    label = "review"
    verbose_name = "Review"

    def ready(self) -> None:
        from studyapp.review import checks, receivers  # noqa: F401 - registers the check, connects the handlers
