from __future__ import annotations

from django.urls import path

from studyapp.library import editor_views as views

urlpatterns = [
    path("my-decks/", views.my_decks, name="my_decks"),
    path("my-decks/new/", views.deck_new, name="deck_new"),
    path("my-decks/sources/new/", views.source_new, name="source_new"),
    path("my-decks/sources/<id:source_id>/", views.my_source, name="my_source"),
    path("decks/<slug:slug>/edit/", views.deck_edit, name="deck_edit"),
    path("decks/<slug:slug>/settings/", views.deck_settings, name="deck_settings"),
    path("decks/<slug:slug>/co-owners/", views.co_owner_add, name="co_owner_add"),
    path("decks/<slug:slug>/co-owners/<id:user_id>/remove/", views.co_owner_remove, name="co_owner_remove"),
    path("decks/<slug:slug>/archive/", views.deck_archive, name="deck_archive"),
    path("decks/<slug:slug>/items/reorder/", views.items_reorder, name="items_reorder"),
    path("decks/<slug:slug>/items/bulk/", views.items_bulk, name="items_bulk"),
    path("decks/<slug:slug>/items/new/", views.item_new, name="item_new"),
    path("decks/<slug:slug>/items/preview/", views.item_preview, name="item_preview"),
    path("items/<id:item_id>/edit/", views.item_edit, name="item_edit"),
    path("items/<id:item_id>/delete/", views.item_delete, name="item_delete"),
]
