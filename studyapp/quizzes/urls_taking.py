from __future__ import annotations

from django.urls import path

from studyapp.quizzes import views

# Taking quizzes (engineer B): a quiz's page for a student, attempts, results, practice tests.
urlpatterns = [
    path("quizzes/<id:pk>/", views.quiz_detail, name="detail"),
    path("quizzes/<id:pk>/start/", views.start, name="start"),
    path("attempts/<id:pk>/", views.attempt_page, name="attempt"),
    path("attempts/<id:pk>/questions/<id:position>/", views.save, name="save"),
    path("attempts/<id:pk>/submit/", views.submit, name="submit"),
    path("attempts/<id:pk>/result/", views.result, name="result"),
    path("attempts/<id:pk>/review-missed/", views.review_missed, name="review_missed"),
    path("decks/<slug:slug>/practice/", views.practice_new, name="practice_new"),
]
