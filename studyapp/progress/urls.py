from __future__ import annotations

from django.urls import path

from studyapp.progress import report_views, views

app_name = "progress"

urlpatterns = [
    path("progress/", views.overview, name="overview"),
    path("progress/export/reviews.csv", views.export_reviews_csv, name="export_reviews_csv"),
    path("progress/export/items.csv", views.export_states_csv, name="export_states_csv"),
    path("progress/export/data.json", views.export_json, name="export_json"),
    path("progress/decks/<slug:slug>/", views.deck_progress, name="deck"),
    path("progress/decks/<slug:slug>/exam/", views.set_exam_date, name="exam_date"),
    path("progress/items/<id:item_id>/", views.item_history, name="item"),
    # The instructor's report on a deck (report_views.py).
    path("progress/decks/<slug:slug>/students/", report_views.deck_report, name="deck_report"),
    path(
        "progress/decks/<slug:slug>/students.csv",
        report_views.deck_report_students_csv,
        name="deck_report_students_csv",
    ),
    path("progress/decks/<slug:slug>/items.csv", report_views.deck_report_items_csv, name="deck_report_items_csv"),
]
