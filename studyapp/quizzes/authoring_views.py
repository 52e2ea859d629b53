"""Building quizzes: the instructor's form (new and edit) and deleting a quiz.

Only a class's instructors (and superusers) reach these pages; everyone else, the class's students included,
gets 404. The form works as a plain post; the "show items" button (or htmx, on changing the decks or the
selection) refreshes the tag list and the item checklist without saving.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from studyapp.classroom.models import Classroom
from studyapp.http import HtmxHttpRequest
from studyapp.quizzes import authoring
from studyapp.quizzes.forms import QuizForm
from studyapp.quizzes.models import Quiz


@require_http_methods(["GET", "POST"])
@login_required
def create(request: HtmxHttpRequest, classroom_pk: int) -> HttpResponse:
    classroom = authoring.get_classroom_for_author(request.user, classroom_pk)
    return _quiz_form(request, classroom, None, reverse("quizzes:create", args=[classroom.pk]))


@require_http_methods(["GET", "POST"])
@login_required
def edit(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    quiz = authoring.get_quiz_for_author(request.user, pk)
    return _quiz_form(request, quiz.classroom, quiz, reverse("quizzes:edit", args=[quiz.pk]))


def _quiz_form(request: HtmxHttpRequest, classroom: Classroom, quiz: Quiz | None, form_url: str) -> HttpResponse:
    query = request.POST if request.method == "POST" else request.GET
    refresh = "refresh" in query
    data = request.POST if request.method == "POST" else (request.GET if refresh else None)
    form = QuizForm(
        data, user=request.user, classroom=classroom, quiz=quiz, zone=authoring.zone_of(request.user), quiet=refresh
    )
    if request.method == "POST" and not refresh and form.is_valid():
        try:
            saved = authoring.save_quiz(spec=form.spec(), classroom=classroom, owner=request.user, quiz=quiz)
        except IntegrityError:
            # An item or deck went away between showing the form and saving it: nothing was saved.
            form.add_error(
                None,
                "Something on this form changed while you edited it (an item or deck was removed). "
                "Nothing was saved: check the form and save again.",
            )
        else:
            messages.success(request, f"Quiz “{saved.title}” saved.")
            return redirect(classroom)
    if refresh and request.htmx and request.method == "GET":
        return render(request, "quizzes/quiz_form.html#choices", {"form": form})
    context = {
        "form": form,
        "classroom": classroom,
        "quiz": quiz,
        "form_url": form_url,
        "zone": form.zone,
        "summary": authoring.attempt_summary(quiz) if quiz is not None else None,
    }
    return render(request, "quizzes/quiz_form.html", context, status=422 if form.errors else 200)


@require_http_methods(["GET", "POST"])
@login_required
def delete(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """GET: what deleting the quiz takes with it; POST: delete it."""
    quiz = authoring.get_quiz_for_author(request.user, pk)
    classroom = quiz.classroom
    if request.method == "POST":
        title = quiz.title
        attempts = authoring.delete_quiz(quiz=quiz)
        gone = f" and its {attempts} attempt{'s' if attempts != 1 else ''}" if attempts else ""
        messages.success(request, f"Quiz “{title}”{gone} deleted.")
        return redirect(classroom)
    context = {"quiz": quiz, "classroom": classroom, "summary": authoring.attempt_summary(quiz)}
    return render(request, "quizzes/quiz_confirm_delete.html", context)
