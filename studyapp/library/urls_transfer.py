from __future__ import annotations

from django.urls import path

from studyapp.library import transfer_views as views

urlpatterns = [
    path("decks/<slug:slug>/import/", views.import_into, name="import"),
    path("decks/<slug:slug>/import/confirm/", views.import_into_confirm, name="import_confirm"),
    path("my-decks/import/", views.import_new, name="import_new"),
    path("my-decks/import/confirm/", views.import_new_confirm, name="import_new_confirm"),
    path("decks/<slug:slug>/export/", views.export, name="export"),
]
