from __future__ import annotations

from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo content and accounts; depends on every other app, and nothing depends on it."""

    name = "studyapp.demo"
    label = "demo"
    verbose_name = "Demo content"
