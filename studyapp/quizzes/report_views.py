"""The instructor's report on a class quiz: attempts, the score distribution and the item analysis; CSV; regrading."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseRedirect, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from studyapp.http import HtmxHttpRequest
from studyapp.progress.exports import csv_response
from studyapp.quizzes import reports, services
from studyapp.quizzes.models import Quiz

ATTEMPTS_PER_PAGE = 50
CSV_TABLES = ("attempts", "items")


def _get_quiz_for_report(user, pk: int) -> Quiz:
    """A class quiz the user runs (an instructor of its class, or a superuser), else 404.

    A practice test has no report: it belongs to the student who made it, and an instructor's view of one
    attempt-by-attempt item analysis would only tell them what their own result page does.
    """
    quizzes = Quiz.objects.run_by(user).filter(classroom__isnull=False).select_related("classroom")
    return get_object_or_404(quizzes, pk=pk)


def _close_overdue(quiz: Quiz) -> None:
    """Attempts whose time ran out count as submitted before anything is reported (one query when none are)."""
    services.close_overdue_attempts(now=timezone.now(), quiz=quiz)


@require_GET
@login_required
def report(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    quiz = _get_quiz_for_report(request.user, pk)
    _close_overdue(quiz)
    # The attempts table is paged, so the page's time doesn't grow with thousands of attempts (the CSV has them all).
    page = Paginator(reports.attempts(quiz), ATTEMPTS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "quiz": quiz,
        "page": page,
        "attempt_rows": [
            (attempt, reports.duration_text(reports.duration(attempt)), reports.score_share(attempt))
            for attempt in page
        ],
    }
    if request.htmx and "page" in request.GET:  # another page of attempts: the table alone
        return render(request, "quizzes/report.html#attempts", context)
    summary, chart = reports.score_distribution(quiz)
    context |= {
        "summary": summary,
        "chart": chart,
        "item_rows": reports.item_rows(quiz, editor=request.user),
        "weak_threshold": reports.WEAK_DISCRIMINATION,
    }
    return render(request, "quizzes/report.html", context)


@require_GET
@login_required
def report_csv(request: HtmxHttpRequest, pk: int) -> StreamingHttpResponse | HttpResponse:
    quiz = _get_quiz_for_report(request.user, pk)
    table = request.GET.get("table", "attempts")
    if table not in CSV_TABLES:
        return HttpResponseBadRequest(
            f"Unknown table “{table}”: ask for table=attempts or table=items.", content_type="text/plain; charset=utf-8"
        )
    _close_overdue(quiz)
    name = f"quiz-{quiz.pk}-{table}.csv"
    if table == "items":
        return csv_response(name, reports.ITEM_COLUMNS, reports.item_csv_rows(reports.item_rows(quiz)))
    return csv_response(name, reports.ATTEMPT_COLUMNS, reports.attempt_csv_rows(reports.attempts(quiz).iterator()))


@require_POST
@login_required
def regrade(request: HtmxHttpRequest, pk: int) -> HttpResponseRedirect:
    quiz = _get_quiz_for_report(request.user, pk)
    _close_overdue(quiz)
    count = services.regrade(quiz=quiz)
    messages.success(
        request,
        f"Regraded {count} finished attempt{'' if count == 1 else 's'} from the answers stored."
        if count
        else "No finished attempt to regrade.",
    )
    return redirect("quizzes:report", pk=quiz.pk)
