from __future__ import annotations

from django.urls import path

from studyapp.classroom import views

app_name = "classroom"

urlpatterns = [
    path("classes/", views.home, name="home"),
    path("classes/new/", views.create, name="create"),
    path("classes/join/", views.join, name="join"),
    path("classes/join/<str:code>/", views.join_link, name="join_link"),
    path("classes/<id:pk>/", views.detail, name="detail"),
    path("classes/<id:pk>/leave/", views.leave, name="leave"),
    path("classes/<id:pk>/code/", views.regenerate_code, name="regenerate_code"),
    path("classes/<id:pk>/instructors/", views.add_instructor, name="add_instructor"),
    path("classes/<id:pk>/decks/", views.assign_deck, name="assign_deck"),
    path("classes/<id:pk>/decks/<id:deck_id>/unassign/", views.unassign_deck, name="unassign_deck"),
    path("classes/<id:pk>/students/<id:user_id>/", views.student, name="student"),
    path("classes/<id:pk>/students/<id:user_id>/remove/", views.remove_student, name="remove_student"),
]
