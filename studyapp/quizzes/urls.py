from __future__ import annotations

from django.urls import include, path

app_name = "quizzes"

# Three groups of pages, one module each: building quizzes, taking them, and reporting on them.
urlpatterns = [
    path("", include("studyapp.quizzes.urls_authoring")),
    path("", include("studyapp.quizzes.urls_taking")),
    path("", include("studyapp.quizzes.urls_reports")),
]
