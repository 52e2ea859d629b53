from __future__ import annotations

from django.apps import AppConfig


class OperationsConfig(AppConfig):
    """Running the service: backup_db and restore_db (`make backup`, `make restore`). No models."""

    name = "studyapp.operations"
    label = "operations"
    verbose_name = "Operations"
