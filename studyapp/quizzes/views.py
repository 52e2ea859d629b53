"""Taking quizzes: a quiz's page for a student, the attempt (all questions, each saved on its own), submitting,
the result, sending missed items to review, and a student's practice test of a deck.

Every view that touches an attempt first goes through `_current`, which submits an attempt whose time (plus the
grace) ran out; every page that could show grades or answers asks `selectors.feedback_policy` /
`selectors.question_policy` first. Plain posts redirect (post/redirect/get); htmx saves get a partial.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from studyapp.converters import parse_id
from studyapp.http import HtmxHttpRequest
from studyapp.library import presentation
from studyapp.library.grading import Grade
from studyapp.library.models import ItemKind
from studyapp.quizzes import selectors, services
from studyapp.quizzes.models import Attempt, AttemptQuestion, FeedbackTiming
from studyapp.quizzes.selectors import FeedbackPolicy
from studyapp.quizzes.taking_forms import PracticeTestForm
from studyapp.review import selectors as review_selectors
from studyapp.review import services as review_services


def _current(attempt: Attempt, now) -> Attempt:
    """The attempt as it stands: submitted with what was saved if its deadline plus grace has passed."""
    return services.close_if_overdue(attempt=attempt, now=now)


def _refused(request: HtmxHttpRequest, message: str, status: int, *, back: str = "") -> HttpResponse:
    """A refusal with its message: plain text for htmx (app.js shows it in the question's status), else a page."""
    if request.htmx:
        return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")
    return render(request, "quizzes/refused.html", {"message": message, "back": back}, status=status)


# --- a quiz's page -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AttemptRow:
    attempt: Attempt
    policy: FeedbackPolicy


@require_GET
@login_required
def quiz_detail(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """The rules, the student's attempts (with scores when the feedback policy allows) and Start or Continue."""
    now = timezone.now()
    quiz = selectors.get_quiz_for_user(request.user, pk)
    takes = selectors.can_take(request.user, quiz)
    if takes:
        services.close_overdue_attempts(now=now, quiz=quiz, learner=request.user)
    attempts = selectors.attempts_of(quiz, request.user) if takes else []
    for attempt in attempts:
        attempt.quiz = quiz  # the policy reads it; no query per attempt
    rows = [AttemptRow(attempt, selectors.feedback_policy(attempt, now)) for attempt in attempts]
    open_attempt = next((a for a in attempts if a.is_open), None)
    finished = [row for row in rows if not row.attempt.is_open]
    grades_shown = bool(finished) and all(row.policy.show_grades for row in finished)
    used = len(attempts)
    blocked = ""
    if open_attempt is None:
        if quiz.opens_at and now < quiz.opens_at:
            blocked = "This quiz is not open yet."
        elif quiz.closes_at and now >= quiz.closes_at:
            blocked = "This quiz has closed."
        elif quiz.attempts_allowed is not None and used >= quiz.attempts_allowed:
            blocked = "You have no attempts left."
    context = {
        "quiz": quiz,
        "takes": takes,
        "rows": rows,
        "open_attempt": open_attempt,
        "blocked": blocked,
        "used": used,
        "grade": selectors.quiz_grade(quiz, request.user) if grades_shown else None,
        "grades_shown": grades_shown,
        "feedback_note": selectors.feedback_note(quiz),
        "decks": list(quiz.decks.all()),
    }
    return render(request, "quizzes/detail.html", context)


@require_POST
@login_required
def start(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    quiz = selectors.get_quiz_to_take(request.user, pk)
    # The form names the attempt it starts, so a replay of an old Start (a resent form, the back button)
    # does not start another attempt once that one is over.
    number = request.POST.get("attempt")
    expected = parse_id(number) if number is not None else None
    if number is not None and expected is None:
        return _refused(request, "That is not an attempt number.", 400, back=quiz.get_absolute_url())
    try:
        attempt = services.start_attempt(quiz=quiz, learner=request.user, now=timezone.now(), number=expected)
    except services.AttemptRefused as refused:
        return _refused(request, str(refused), 409, back=quiz.get_absolute_url())
    return redirect("quizzes:attempt", pk=attempt.pk)


# --- the attempt -------------------------------------------------------------------------------------------------


@dataclass
class ShownQuestion:
    """One question as the page shows it: never more than its policy allows."""

    row: AttemptQuestion
    question: presentation.Question
    policy: FeedbackPolicy
    checks: bool  # feedback after each question: the form checks instead of saving
    grade: Grade | None = None
    chosen: frozenset[str] = frozenset()
    events: list[tuple[str, str, int]] | None = None  # (key, text, position) in the order to show

    @property
    def locked(self) -> bool:
        return self.row.checked or self.row.fraction is not None

    @property
    def outcome(self) -> str:
        fraction = self.row.fraction
        if fraction is None:
            return ""
        return "right" if fraction >= 1 else "partly" if fraction > 0 else "wrong"


def _shown(row: AttemptQuestion, attempt: Attempt, now) -> ShownQuestion:
    quiz = attempt.quiz
    item, showing = row.item, presentation.Showing(row.showing)
    question = presentation.question(item, showing, shuffle_choices=quiz.shuffle_choices)
    policy = selectors.question_policy(attempt, row, now)
    shown = ShownQuestion(row, question, policy, checks=quiz.feedback_timing == FeedbackTiming.EACH)
    answer = row.answer
    if item.kind == ItemKind.MULTIPLE_CHOICE and isinstance(answer, list):
        shown.chosen = frozenset(showing.key("choice", pk) for pk in answer)
    if item.kind == ItemKind.CHRONOLOGY:
        texts = dict(question.events)
        order = [key for key, _ in question.events]
        if isinstance(answer, list):
            saved = [showing.key("event", pk) for pk in answer]
            if sorted(saved) == sorted(order):
                order = saved  # the learner's own order, as they left it
        shown.events = [(key, texts[key], position) for position, key in enumerate(order, start=1)]
    if policy.show_grades:
        shown.grade = services.grade_answer(item, answer)
    return shown


@require_GET
@login_required
def attempt_page(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Every question on one page, each its own form; the deadline in text and for the countdown."""
    now = timezone.now()
    attempt = _current(selectors.get_attempt_for_learner(request.user, pk), now)
    if not attempt.is_open:
        return redirect("quizzes:result", pk=attempt.pk)
    rows = selectors.attempt_questions(attempt, with_passages=True)
    questions = [_shown(row, attempt, now) for row in rows]
    context = {
        "attempt": attempt,
        "quiz": attempt.quiz,
        "questions": questions,
        "unanswered": sum(1 for q in rows if q.answer is None),
        "now": now,  # the countdown corrects the browser's clock by the server's
    }
    return render(request, "quizzes/attempt.html", context)


def _correct_this(request: HtmxHttpRequest, attempt: Attempt, position: int, error: str, now) -> HttpResponse:
    """An answer to complete (htmx swaps 422): the status says why; a checking form gets its question back."""
    row = attempt.questions.select_related("item").get(position=position)
    if attempt.quiz.feedback_timing == FeedbackTiming.EACH:
        context = {"q": _shown(row, attempt, now), "attempt": attempt, "error": error}
        return render(request, "quizzes/_question.html", context, status=422)
    return render(request, "quizzes/_save_status.html", {"row": row, "error": error}, status=422)


@require_POST
@login_required
def save(request: HtmxHttpRequest, pk: int, position: int) -> HttpResponse:
    """Save (or, with feedback after each question, check) one answer.

    htmx gets the question's status (or, when checking, the checked question); a plain post goes back to the
    attempt page at the question.
    """
    now = timezone.now()
    attempt = selectors.get_attempt_for_learner(request.user, pk)
    back = f"{attempt.get_absolute_url()}#q-{position}"
    attempt = _current(attempt, now)
    try:
        row = services.save_answer(attempt=attempt, position=position, data=request.POST, now=now)
    except services.AnswerRefused as refused:
        if request.htmx and refused.status == 422:
            return _correct_this(request, attempt, position, str(refused), now)
        return _refused(request, str(refused), refused.status, back=back)
    if request.htmx:
        if row.checked:
            return render(
                request,
                "quizzes/_question.html",
                {"q": _shown(row, row.attempt, now), "attempt": row.attempt},
            )
        return render(request, "quizzes/_save_status.html", {"row": row})
    if row.checked:
        messages.success(request, f"Question {position} checked.")
    else:
        messages.success(request, f"Answer to question {position} saved.")
    return redirect(back)


@require_http_methods(["GET", "POST"])
@login_required
def submit(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """GET: the confirm step with the unanswered count. POST: submit and go to the result."""
    now = timezone.now()
    attempt = _current(selectors.get_attempt_for_learner(request.user, pk), now)
    if not attempt.is_open:
        if request.method == "POST":
            messages.info(request, "This attempt had already been submitted.")
        return redirect("quizzes:result", pk=attempt.pk)
    if request.method == "POST":
        services.submit_attempt(attempt=attempt, now=now)
        messages.success(request, "Attempt submitted.")
        return redirect("quizzes:result", pk=attempt.pk)
    questions = attempt.questions.all()
    context = {
        "attempt": attempt,
        "quiz": attempt.quiz,
        "total": questions.count(),
        "unanswered": questions.filter(answer__isnull=True).count(),
    }
    return render(request, "quizzes/submit.html", context)


@require_GET
@login_required
def result(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """The score and each question with the learner's answer and, as the policy allows, its feedback."""
    now = timezone.now()
    attempt = _current(selectors.get_attempt_for_learner(request.user, pk), now)
    if attempt.is_open:
        return redirect("quizzes:attempt", pk=attempt.pk)
    policy = selectors.feedback_policy(attempt, now)
    rows = selectors.attempt_questions(attempt, with_passages=policy.show_correct)
    questions = [_shown(row, attempt, now) for row in rows]
    context = {
        "attempt": attempt,
        "quiz": attempt.quiz,
        "policy": policy,
        "questions": questions,
        "missed": sum(1 for row in rows if (row.fraction or 0) < 1) if policy.show_grades else 0,
        "feedback_note": selectors.feedback_note(attempt.quiz),
    }
    return render(request, "quizzes/result.html", context)


@require_POST
@login_required
def review_missed(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Make the attempt's missed items due now in the learner's review queue (only once grades may be shown:
    which items were missed is a grade)."""
    now = timezone.now()
    attempt = _current(selectors.get_attempt_for_learner(request.user, pk), now)
    if not selectors.feedback_policy(attempt, now).show_grades:
        return _refused(
            request,
            "Which items you missed is shown with your marks, and they are not shown yet.",
            409,
            back=attempt.get_absolute_url(),
        )
    missed = [row.item for row in attempt.questions.select_related("item") if (row.fraction or 0) < 1]
    count = review_services.make_items_due(learner=request.user, items=missed, now=now)
    if count:
        messages.success(request, f"{count} missed item{'s are' if count != 1 else ' is'} due for review now.")
    else:
        messages.info(request, "Nothing was missed: there is nothing to send to review.")
    return redirect("quizzes:result", pk=attempt.pk)


# --- practice tests ----------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def practice_new(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    """A practice test of a deck the student studies: N random items, an optional time limit, feedback at once."""
    deck = review_selectors.get_studied_deck(request.user, slug).deck
    size = deck.items.count()
    form = PracticeTestForm(request.POST if request.method == "POST" else None, deck_size=size)
    if request.method == "POST" and form.is_valid():
        try:
            practice = services.start_practice_test(
                learner=request.user,
                deck=deck,
                item_count=form.cleaned_data["item_count"],
                time_limit=form.cleaned_data["time_limit"],
                now=timezone.now(),
            )
        except services.AttemptRefused as refused:
            form.add_error(None, str(refused))
        else:
            return redirect("quizzes:attempt", pk=practice.attempt.pk)
    context = {"deck": deck, "form": form, "size": size, "tests": selectors.practice_tests(request.user, deck)}
    return render(request, "quizzes/practice_form.html", context, status=422 if form.errors else 200)
