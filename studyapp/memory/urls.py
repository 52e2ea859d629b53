from __future__ import annotations

from django.urls import include, path

app_name = "memory"

# Two sub-modules without an app_name share this namespace: fitting (optimise, restore) and the simulator.
urlpatterns = [
    path("", include("studyapp.memory.fit_urls")),
    path("", include("studyapp.memory.simulation_urls")),
]
