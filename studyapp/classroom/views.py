"""Class pages: the list, creating a class, joining it, its page for instructors and for students.

Who may do what is decided by the selectors' one helper per case: `get_taught_classroom` (the class's
instructors and superusers), `get_visible_classroom` (those and its members), `get_joined_classroom`
(its members). Anyone else gets 404, so a class's existence isn't revealed; a student who tries to
create a class gets 403, as the page exists but isn't theirs.
"""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from studyapp.classroom import selectors, services
from studyapp.classroom.forms import AddInstructorForm, AssignDeckForm, ClassroomForm, JoinForm
from studyapp.classroom.models import Assignment, Classroom
from studyapp.http import HtmxHttpRequest


@require_GET
@login_required
def home(request: HtmxHttpRequest) -> HttpResponse:
    classes = selectors.classes_for(request.user)
    return render(
        request,
        "classroom/home.html",
        {"taught": classes.taught, "joined": classes.joined, "can_create": services.can_teach(request.user)},
    )


@require_http_methods(["GET", "POST"])
@login_required
def create(request: HtmxHttpRequest) -> HttpResponse:
    if not services.can_teach(request.user):
        raise PermissionDenied("Only instructors can create classes.")
    form = ClassroomForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        classroom = services.create_classroom(name=form.cleaned_data["name"], instructor=request.user)
        messages.success(request, f"Class “{classroom}” created. Give your students its join code or link.")
        return redirect(classroom)
    return render(request, "classroom/create.html", {"form": form}, status=422 if form.errors else 200)


# --- the class page -----------------------------------------------------------------------------------


@require_GET
@login_required
def detail(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    classroom = selectors.get_visible_classroom(request.user, pk)
    if classroom.teaches:
        return _instructor_page(request, classroom)
    return render(
        request,
        "classroom/detail_student.html",
        {
            "classroom": classroom,
            "instructors": selectors.instructors(classroom),
            "assignments": selectors.assignments(classroom),
            "quizzes": classroom.quizzes.all(),
        },
    )


def _today() -> date:
    # The site's day: an assignment's date is the class's, not one student's.
    return timezone.localdate()


def _instructor_page(
    request: HtmxHttpRequest,
    classroom: Classroom,
    *,
    assign_form: AssignDeckForm | None = None,
    instructor_form: AddInstructorForm | None = None,
    status: int = 200,
) -> HttpResponse:
    now = timezone.now()
    assignments = selectors.assignments(classroom, editor=request.user)
    context = {
        "classroom": classroom,
        "join_url": request.build_absolute_uri(reverse("classroom:join_link", args=[classroom.join_code])),
        "assignments": assignments,
        "students": selectors.class_progress(classroom, assignments, now),
        "instructors": selectors.instructors(classroom),
        "quizzes": classroom.quizzes.all(),
        "assign_form": assign_form or AssignDeckForm(today=_today()),
        "instructor_form": instructor_form or AddInstructorForm(),
        "today": _today(),
    }
    return render(request, "classroom/detail_instructor.html", context, status=status)


@require_GET
@login_required
def student(request: HtmxHttpRequest, pk: int, user_id: int) -> HttpResponse:
    classroom = selectors.get_taught_classroom(request.user, pk)
    member = selectors.get_member(classroom, user_id)
    detail = selectors.student_detail(classroom, member, timezone.now())
    return render(request, "classroom/student.html", {"classroom": classroom, "detail": detail})


# --- joining and leaving ------------------------------------------------------------------------------


def _join(request: HtmxHttpRequest, classroom: Classroom) -> HttpResponse | str:
    """Join the class; the response on success, the refusal's message otherwise."""
    try:
        services.join(classroom=classroom, student=request.user, now=timezone.now())
    except services.ClassroomError as error:
        return error.message
    messages.success(request, f"You joined “{classroom}”. Its decks are in your studies.")
    if request.htmx:
        return HttpResponseClientRedirect(classroom.get_absolute_url())
    return redirect(classroom)


@require_http_methods(["GET", "POST"])
@login_required
def join(request: HtmxHttpRequest) -> HttpResponse:
    form = JoinForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        outcome = _join(request, form.cleaned_data["code"])
        if isinstance(outcome, HttpResponse):
            return outcome
        form.add_error("code", outcome)
    template = "classroom/join.html#join-form" if request.htmx else "classroom/join.html"
    return render(request, template, {"form": form}, status=422 if form.errors else 200)


@require_http_methods(["GET", "POST"])
@login_required
def join_link(request: HtmxHttpRequest, code: str) -> HttpResponse:
    """The join link: GET shows the class and a Join button (it changes nothing); POST joins."""
    try:
        classroom = services.find_by_code(code)
    except services.NoSuchClass:
        form = JoinForm({"code": code[:40]})  # bound, so it shows the code with the form's own error
        form.is_valid()
        return render(request, "classroom/join.html", {"form": form}, status=404)
    refusal = ""
    if request.method == "POST":
        outcome = _join(request, classroom)
        if isinstance(outcome, HttpResponse):
            return outcome
        refusal = outcome
    context = {
        "classroom": classroom,
        "refusal": refusal,
        "teaches": classroom.instructors.filter(pk=request.user.pk).exists(),
        "member": classroom.memberships.filter(student=request.user).exists(),
    }
    return render(request, "classroom/join_link.html", context, status=422 if refusal else 200)


@require_POST
@login_required
def leave(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    classroom = selectors.get_joined_classroom(request.user, pk)
    services.leave(classroom=classroom, student=request.user)
    messages.success(request, f"You left “{classroom}”. Its decks stay in your studies, with your reviews.")
    return redirect("classroom:home")


# --- the instructors' actions -------------------------------------------------------------------------


@require_POST
@login_required
def remove_student(request: HtmxHttpRequest, pk: int, user_id: int) -> HttpResponse:
    classroom = selectors.get_taught_classroom(request.user, pk)
    member = selectors.get_member(classroom, user_id)
    services.remove_student(classroom=classroom, student=member)
    messages.success(request, f"{member.get_username()} is no longer in the class.")
    return redirect(classroom)


@require_POST
@login_required
def regenerate_code(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    classroom = selectors.get_taught_classroom(request.user, pk)
    try:
        code = services.regenerate_code(classroom=classroom)
    except services.ClassroomError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"The new join code is {code}; the old code and link no longer work.")
    return redirect(classroom)


@require_POST
@login_required
def add_instructor(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    classroom = selectors.get_taught_classroom(request.user, pk)
    form = AddInstructorForm(request.POST)
    if form.is_valid():
        user = form.cleaned_data["username"]
        try:
            services.add_instructor(classroom=classroom, user=user)
        except services.ClassroomError as error:
            form.add_error("username", error.message)
        else:
            messages.success(request, f"{user.get_username()} now teaches “{classroom}”.")
            return redirect(classroom)
    return _instructor_page(request, classroom, instructor_form=form, status=422)


@require_POST
@login_required
def assign_deck(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Assign a deck, or change the date of one assigned already."""
    classroom = selectors.get_taught_classroom(request.user, pk)
    form = AssignDeckForm(request.POST, today=_today())
    if not form.is_valid():
        return _instructor_page(request, classroom, assign_form=form, status=422)
    deck, due_on = form.cleaned_data["deck"], form.cleaned_data["due_on"]
    before = Assignment.objects.filter(classroom=classroom, deck=deck).first()
    services.assign_deck(classroom=classroom, deck=deck, due_on=due_on, now=timezone.now())
    when = f"to know by {due_on:%-d %B %Y}" if due_on else "with no date"
    if before is None:
        messages.success(request, f"“{deck}” assigned {when}; it is in every student's studies.")
    else:
        messages.success(request, f"“{deck}” is now {when}.")
    return redirect(classroom)


@require_POST
@login_required
def unassign_deck(request: HtmxHttpRequest, pk: int, deck_id: int) -> HttpResponse:
    classroom = selectors.get_taught_classroom(request.user, pk)
    assignment = get_object_or_404(Assignment.objects.select_related("deck"), classroom=classroom, deck_id=deck_id)
    services.unassign_deck(classroom=classroom, deck=assignment.deck)
    messages.success(request, f"“{assignment.deck}” is no longer assigned. Students keep it and their reviews.")
    return redirect(classroom)
