from __future__ import annotations

from django.urls import include, path

from studyapp.library import views

app_name = "library"

urlpatterns = [
    path("", views.home, name="home"),
    path("decks/<slug:slug>/", views.deck_detail, name="deck_detail"),
    path("sources/<id:source_id>/", views.source_detail, name="source_detail"),
    # Authoring, one module of pages each: sources, decks and the item editor; drafting from a text;
    # import and export; the deck checker.
    path("", include("studyapp.library.urls_editor")),
    path("", include("studyapp.library.urls_drafts")),
    path("", include("studyapp.library.urls_transfer")),
    path("", include("studyapp.library.urls_checker")),
]
