from __future__ import annotations

from django.urls import path

from studyapp.memory import fit_views

urlpatterns = [
    path("study/settings/optimise/", fit_views.optimise, name="optimise"),
    path("study/settings/optimise/status/", fit_views.fit_status, name="fit_status"),
    path("study/settings/optimise/<id:fit_id>/restore/", fit_views.restore, name="restore_parameters"),
]
