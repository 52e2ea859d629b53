from __future__ import annotations

from django.urls import path

from studyapp.review import views

app_name = "review"

urlpatterns = [
    path("study/", views.study_home, name="home"),
    path("study/settings/", views.study_settings, name="settings"),
    path("study/<slug:slug>/", views.session, name="session"),
    path("study/<slug:slug>/add/", views.add_deck, name="add_deck"),
    path("study/<slug:slug>/answer/", views.answer, name="answer"),
    path("study/<slug:slug>/rate/", views.rate, name="rate"),
    path("study/<slug:slug>/undo/", views.undo, name="undo"),
    path("study/<slug:slug>/card/", views.card_action, name="card_action"),
    path("study/<slug:slug>/suspended/", views.suspended_items, name="suspended"),
    path("study/<slug:slug>/suspended/<int:state_id>/unsuspend/", views.unsuspend, name="unsuspend"),
]
