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
    path("study/<slug:slug>/suspended/<id:state_id>/unsuspend/", views.unsuspend, name="unsuspend"),
    path("study/<slug:slug>/custom/", views.custom_study, name="custom_study"),
    path("study/<slug:slug>/custom/session/", views.custom_session, name="custom_session"),
    path("study/<slug:slug>/custom/answer/", views.custom_answer, name="custom_answer"),
    path("study/<slug:slug>/custom/rate/", views.custom_rate, name="custom_rate"),
    path("study/<slug:slug>/custom/undo/", views.custom_undo, name="custom_undo"),
    path("study/<slug:slug>/custom/card/", views.custom_card_action, name="custom_card_action"),
]
