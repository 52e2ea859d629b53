from __future__ import annotations

from django.urls import path

from studyapp.accounts import security_views

urlpatterns = [
    path("accounts/second-factor/", security_views.verify, name="second_factor_verify"),
    path("accounts/second-factor/set-up/", security_views.setup, name="second_factor_setup"),
    path("accounts/second-factor/turn-off/", security_views.disable, name="second_factor_disable"),
]
