from __future__ import annotations

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "studyapp.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from studyapp.accounts import receivers  # noqa: F401 - connects the signal handlers
