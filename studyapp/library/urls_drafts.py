from __future__ import annotations

from django.urls import path

from studyapp.library import draft_views as views

urlpatterns = [
    path("sources/<id:source_id>/drafts/", views.drafts, name="drafts"),
    path("sources/<id:source_id>/drafts/edit/", views.edit, name="draft_edit"),
    path("sources/<id:source_id>/drafts/accept/", views.accept, name="draft_accept"),
    path("sources/<id:source_id>/drafts/reject/", views.reject, name="draft_reject"),
    path("sources/<id:source_id>/drafts/restore/", views.restore, name="draft_restore"),
    path("sources/<id:source_id>/coverage/", views.coverage, name="coverage"),
]
