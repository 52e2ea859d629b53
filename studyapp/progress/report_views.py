"""The instructor's report on a deck they own or co-own: its students and its items, on a page and as CSV."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from studyapp.classroom import selectors as classroom_selectors
from studyapp.classroom.models import Classroom
from studyapp.http import HtmxHttpRequest
from studyapp.library.models import Deck
from studyapp.progress import reports
from studyapp.progress.exports import csv_response


def _get_deck_for_instructor(user, slug: str) -> Deck:
    """A deck the user may edit (owner, co-owner, or superuser), else 404: the report's existence isn't
    revealed to anyone else, students and other instructors alike."""
    return get_object_or_404(Deck.objects.editable_by(user).select_related("source"), slug=slug)


def _class_filter(request: HtmxHttpRequest, deck: Deck) -> tuple[list[Classroom], Classroom | None]:
    """The classes the viewer teaches that have the deck assigned, and the one `?classroom=` chose (None for
    every student of the deck). A class the viewer doesn't teach, or without this deck, is a 404."""
    classes = classroom_selectors.classes_assigning(request.user, deck)
    chosen = request.GET.get("classroom", "")
    if not chosen:
        return classes, None
    for classroom in classes:
        if str(classroom.pk) == chosen:
            return classes, classroom
    raise Http404("No class of yours has this deck assigned.")


def _among(classroom: Classroom | None):
    return None if classroom is None else classroom_selectors.member_ids(classroom)


def _file_name(deck: Deck, classroom: Classroom | None, what: str) -> str:
    return f"{deck.slug}-{what}.csv" if classroom is None else f"{deck.slug}-class-{classroom.pk}-{what}.csv"


@require_GET
@login_required
def deck_report(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    deck = _get_deck_for_instructor(request.user, slug)
    classes, classroom = _class_filter(request, deck)
    among = _among(classroom)
    now = timezone.now()
    students = reports.students_of(deck, now, among=among)
    return render(
        request,
        "progress/deck_report.html",
        {
            "deck": deck,
            "classes": classes,
            "classroom": classroom,
            "student_rows": reports.student_rows(deck, now, students=students, among=among),
            "item_rows": reports.item_rows(deck, now, students=students, among=among),
            "recent_days": reports.RECENT_REVIEW_DAYS,
            "retention_days": reports.RETENTION_DAYS,
        },
    )


@require_GET
@login_required
def deck_report_students_csv(request: HtmxHttpRequest, slug: str) -> StreamingHttpResponse:
    deck = _get_deck_for_instructor(request.user, slug)
    _, classroom = _class_filter(request, deck)
    rows = reports.student_rows(deck, timezone.now(), among=_among(classroom))
    return csv_response(
        _file_name(deck, classroom, "students"), reports.STUDENT_COLUMNS, reports.student_csv_rows(rows)
    )


@require_GET
@login_required
def deck_report_items_csv(request: HtmxHttpRequest, slug: str) -> StreamingHttpResponse:
    deck = _get_deck_for_instructor(request.user, slug)
    _, classroom = _class_filter(request, deck)
    rows = reports.item_rows(deck, timezone.now(), among=_among(classroom))
    return csv_response(_file_name(deck, classroom, "items"), reports.ITEM_COLUMNS, reports.item_csv_rows(rows))
