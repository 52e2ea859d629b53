from __future__ import annotations

from django.urls import path

from studyapp.quizzes import authoring_views

urlpatterns: list = [
    path("classes/<int:classroom_pk>/quizzes/new/", authoring_views.create, name="create"),
    path("quizzes/<int:pk>/edit/", authoring_views.edit, name="edit"),
    path("quizzes/<int:pk>/delete/", authoring_views.delete, name="delete"),
]
