from __future__ import annotations

from django.urls import path

from studyapp.library import views

app_name = "library"

urlpatterns = [
    path("", views.home, name="home"),
    path("decks/<slug:slug>/", views.deck_detail, name="deck_detail"),
    path("sources/<int:source_id>/", views.source_detail, name="source_detail"),
]
