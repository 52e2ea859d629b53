from __future__ import annotations

from django.urls import path

from studyapp.library import checker_views as views

urlpatterns = [
    path("decks/<slug:slug>/check/", views.check_deck_page, name="check_deck"),
]
