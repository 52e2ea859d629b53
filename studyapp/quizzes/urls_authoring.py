from __future__ import annotations

from django.urls import path

from studyapp.quizzes import authoring_views

urlpatterns: list = [
    path("classes/<id:classroom_pk>/quizzes/new/", authoring_views.create, name="create"),
    path("quizzes/<id:pk>/edit/", authoring_views.edit, name="edit"),
    path("quizzes/<id:pk>/delete/", authoring_views.delete, name="delete"),
]
