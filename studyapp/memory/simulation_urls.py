from __future__ import annotations

from django.urls import path

from studyapp.memory import simulation_views

urlpatterns = [
    path("study/settings/retention-forecast/", simulation_views.retention_forecast, name="retention_forecast"),
]
