from __future__ import annotations

from django.urls import path

from studyapp.quizzes import report_views

# The instructor's report on a class quiz (report_views.py).
urlpatterns = [
    path("quizzes/<id:pk>/report/", report_views.report, name="report"),
    path("quizzes/<id:pk>/report.csv", report_views.report_csv, name="report_csv"),
    path("quizzes/<id:pk>/regrade/", report_views.regrade, name="regrade"),
]
