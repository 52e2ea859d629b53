from __future__ import annotations

from django.urls import path

from studyapp.quizzes import views

# Taking quizzes (engineer B): a quiz's page for a student, attempts, results, practice tests.
urlpatterns = [
    path("quizzes/<int:pk>/", views.quiz_detail, name="detail"),
    path("quizzes/<int:pk>/start/", views.start, name="start"),
    path("attempts/<int:pk>/", views.attempt_page, name="attempt"),
    path("attempts/<int:pk>/questions/<int:position>/", views.save, name="save"),
    path("attempts/<int:pk>/submit/", views.submit, name="submit"),
    path("attempts/<int:pk>/result/", views.result, name="result"),
    path("attempts/<int:pk>/review-missed/", views.review_missed, name="review_missed"),
    path("decks/<slug:slug>/practice/", views.practice_new, name="practice_new"),
]
