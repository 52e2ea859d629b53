from __future__ import annotations

from django.apps import AppConfig


class LibraryConfig(AppConfig):
    name = "studyapp.library"
    label = "library"
    verbose_name = "Library"
