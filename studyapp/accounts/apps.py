from __future__ import annotations

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "studyapp.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from studyapp.accounts import receivers, second_factor  # noqa: F401 - connect the signal handlers
