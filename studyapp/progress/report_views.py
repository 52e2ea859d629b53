"""The instructor's report on a deck they own or co-own: its students and its items, on a page and as CSV."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from studyapp.http import HtmxHttpRequest
from studyapp.library.models import Deck
from studyapp.progress import reports
from studyapp.progress.exports import csv_response


def _get_deck_for_instructor(user, slug: str) -> Deck:
    """A deck the user may edit (owner, co-owner, or superuser), else 404: the report's existence isn't
    revealed to anyone else, students and other instructors alike."""
    return get_object_or_404(Deck.objects.editable_by(user).select_related("source"), slug=slug)


@require_GET
@login_required
def deck_report(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    deck = _get_deck_for_instructor(request.user, slug)
    now = timezone.now()
    students = reports.students_of(deck, now)
    return render(
        request,
        "progress/deck_report.html",
        {
            "deck": deck,
            "student_rows": reports.student_rows(deck, now, students=students),
            "item_rows": reports.item_rows(deck, now, students=students),
            "recent_days": reports.RECENT_REVIEW_DAYS,
            "retention_days": reports.RETENTION_DAYS,
        },
    )


@require_GET
@login_required
def deck_report_students_csv(request: HtmxHttpRequest, slug: str) -> StreamingHttpResponse:
    deck = _get_deck_for_instructor(request.user, slug)
    rows = reports.student_rows(deck, timezone.now())
    return csv_response(f"{deck.slug}-students.csv", reports.STUDENT_COLUMNS, reports.student_csv_rows(rows))


@require_GET
@login_required
def deck_report_items_csv(request: HtmxHttpRequest, slug: str) -> StreamingHttpResponse:
    deck = _get_deck_for_instructor(request.user, slug)
    rows = reports.item_rows(deck, timezone.now())
    return csv_response(f"{deck.slug}-items.csv", reports.ITEM_COLUMNS, reports.item_csv_rows(rows))
