"""The learner's progress pages: overview, per deck, item history, and their data to download.

Every page shows only the signed-in learner's own data: another learner's deck or item is a 404.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from studyapp.classroom import selectors as classroom_selectors
from studyapp.http import HtmxHttpRequest
from studyapp.progress import charts, exports, selectors, services
from studyapp.progress.due import LearnerCalendar
from studyapp.progress.forms import ExamDateForm
from studyapp.review import scheduling
from studyapp.review import selectors as review_selectors
from studyapp.review import services as review_services
from studyapp.review.models import Rating, ReviewLog, ReviewState

RATING_NAMES = dict(Rating.choices)
# What the item history shows of each review (the snapshots before it are left in the database).
HISTORY_FIELDS = ("reviewed_at", "day", "rating", "state", "response", "was_correct", "duration_ms", "state_after")


@require_GET
@login_required
def overview(request: HtmxHttpRequest) -> HttpResponse:
    now = timezone.now()
    study_settings = review_services.settings_for(request.user)
    progress = selectors.progress(request.user, study_settings, now)
    # The classes that assign each deck, and their dates: one query for all the rows.
    assigned = classroom_selectors.assignments_by_deck(request.user)
    return render(
        request, "progress/overview.html", {"progress": progress, "charts": _charts(progress), "assigned": assigned}
    )


@require_GET
@login_required
def deck_progress(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    now = timezone.now()
    study_settings = review_services.settings_for(request.user)
    studied = review_selectors.get_studied_deck(request.user, slug)
    deck = studied.deck
    progress = selectors.progress(request.user, study_settings, now, deck)
    today = progress.today_date
    context = {
        "calendar": LearnerCalendar.at(study_settings, now),
        "studied": studied,
        "deck": deck,
        "progress": progress,
        "charts": _charts(progress),
        "hardest": selectors.hardest_items(request.user, study_settings, now, deck),
        "exam_form": ExamDateForm(initial={"exam_on": studied.exam_on}, today=today),
        "coverage": _coverage(request.user, study_settings, now, deck),
    }
    if studied.exam_on and studied.exam_on >= today:
        forecast = selectors.exam_forecast(request.user, study_settings, now, deck, studied.exam_on)
        context["exam"] = forecast
        context["at_risk"] = selectors.items_at_risk(request.user, study_settings, deck, forecast.at)
    return render(request, "progress/deck.html", context)


@require_POST
@login_required
def set_exam_date(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    study_settings = review_services.settings_for(request.user)
    studied = review_selectors.get_studied_deck(request.user, slug)
    form = ExamDateForm(request.POST, today=study_settings.day_at(timezone.now()).date)
    if not form.is_valid():
        for error in form.errors["exam_on"]:
            messages.error(request, error)
        return redirect("progress:deck", slug=slug)
    services.set_exam_date(studied=studied, exam_on=form.cleaned_data["exam_on"])
    if studied.exam_on:
        messages.success(request, f"Exam date set to {studied.exam_on:%A %-d %B %Y}.")
    else:
        messages.success(request, "Exam date removed.")
    return redirect("progress:deck", slug=slug)


@require_GET
@login_required
def item_history(request: HtmxHttpRequest, item_id: int) -> HttpResponse:
    now = timezone.now()
    study_settings = review_services.settings_for(request.user)
    state = selectors.get_item_state(request.user, item_id)
    reviews = [
        (log, _interval_after(log)) for log in selectors.item_reviews(request.user, state.item).only(*HISTORY_FIELDS)
    ]
    recall = (
        scheduling.retrievability(scheduling.scheduler_for(study_settings, fuzz=False), state, now)
        if state.stability is not None
        else None
    )
    return render(
        request,
        "progress/item.html",
        {
            "state": state,
            "item": state.item,
            "reviews": reviews,
            "recall": recall,
            "calendar": LearnerCalendar.at(study_settings, now),
        },
    )


def _interval_after(log: ReviewLog) -> str:
    due = log.state_after.get("due")
    return scheduling.format_interval(datetime.fromisoformat(due) - log.reviewed_at) if due else ""


# --- downloads ----------------------------------------------------------------------------------------

LOG_COLUMNS = (
    ("reviewed_at", "reviewed_at"),
    ("day", "day"),
    ("deck", "deck__slug"),
    ("item_id", "item_id"),
    ("item_prompt", "item__prompt"),
    ("rating", "rating"),
    ("shown_as", "state"),
    ("duration_ms", "duration_ms"),
    ("response", "response"),
    ("was_correct", "was_correct"),
    ("tests_memory", "tests_memory"),
)
STATE_COLUMNS = (
    ("deck", "deck__slug"),
    ("item_id", "item_id"),
    ("item_prompt", "item__prompt"),
    ("state", "state"),
    ("due", "due"),
    ("stability", "stability"),
    ("difficulty", "difficulty"),
    ("reps", "reps"),
    ("lapses", "lapses"),
    ("last_review", "last_review"),
    ("suspended", "suspended"),
    ("leech", "is_leech"),
    ("flagged", "flagged"),
)


def _rows(queryset, columns) -> Iterator[dict]:
    """The learner's rows as dicts named for the download, streamed from the database in chunks."""
    names = [name for name, _ in columns]
    for values in queryset.values_list(*(lookup for _, lookup in columns)).iterator(chunk_size=2000):
        row = dict(zip(names, values, strict=True))
        if "rating" in row:
            row["rating"] = RATING_NAMES[row["rating"]]
        yield row


def _log_rows(learner) -> Iterator[dict]:
    return _rows(ReviewLog.objects.filter(learner=learner).order_by("reviewed_at", "pk"), LOG_COLUMNS)


def _state_rows(learner) -> Iterator[dict]:
    return _rows(ReviewState.objects.filter(learner=learner).order_by("deck_id", "item__position"), STATE_COLUMNS)


def _export_name(request, extension: str) -> str:
    return f"study-{request.user.get_username()}-{timezone.now():%Y-%m-%d}-{extension}"


@require_GET
@login_required
def export_reviews_csv(request: HtmxHttpRequest) -> StreamingHttpResponse:
    rows = (_csv_values(row) for row in _log_rows(request.user))
    return exports.csv_response(_export_name(request, "reviews.csv"), [name for name, _ in LOG_COLUMNS], rows)


@require_GET
@login_required
def export_states_csv(request: HtmxHttpRequest) -> StreamingHttpResponse:
    rows = (_csv_values(row) for row in _state_rows(request.user))
    return exports.csv_response(_export_name(request, "items.csv"), [name for name, _ in STATE_COLUMNS], rows)


def _csv_values(row: dict) -> list:
    return [value.astimezone(UTC).isoformat() if isinstance(value, datetime) else value for value in row.values()]


@require_GET
@login_required
def export_json(request: HtmxHttpRequest) -> StreamingHttpResponse:
    """{"learner", "exported_at", "review_log": [...], "review_states": [...]}, streamed."""
    learner = request.user
    encoder = DjangoJSONEncoder()

    def chunks() -> Iterator[str]:
        yield f'{{"learner": {json.dumps(learner.get_username())}, "exported_at": {encoder.encode(timezone.now())}, '
        yield '"review_log": ['
        yield from _joined(encoder.encode(row) for row in _log_rows(learner))
        yield '], "review_states": ['
        yield from _joined(encoder.encode(row) for row in _state_rows(learner))
        yield "]}\n"

    response = StreamingHttpResponse(chunks(), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="{_export_name(request, "data.json")}"'
    return response


def _joined(items: Iterator[str]) -> Iterator[str]:
    for number, item in enumerate(items):
        yield ("," if number else "") + item


# --- figures ------------------------------------------------------------------------------------------


def _charts(progress: selectors.Progress) -> dict[str, charts.Chart]:
    forecast_labels = [f"{day:%-d %b}" for day, _ in progress.forecast]
    return {
        "forecast": charts.bar_chart(
            chart_id="due-forecast",
            title="Due in the next 30 days",
            labels=forecast_labels,
            values=[count for _, count in progress.forecast],
            x_label="Day (today includes overdue items)",
            y_label="Items due",
            tick_every=7,
            highlight=0,
        ),
        "heatmap": charts.calendar_heatmap(
            chart_id="review-calendar",
            title="Reviews over the past year",
            counts=progress.reviews_by_day,
            end=progress.today_date,
            weeks=selectors.HEATMAP_WEEKS,
        ),
        "knowledge": charts.histogram(
            chart_id="knowledge",
            title="How likely you are to recall each reviewed item now",
            buckets=[
                (f"{band * 10}–{band * 10 + 10}%", count) for band, count in enumerate(progress.knowledge.buckets)
            ],
            x_label="Probability of recall (FSRS retrievability)",
            y_label="Items",
        ),
    }


def _coverage(learner, study_settings, now, deck) -> list[list[tuple]]:
    """The deck's source as paragraphs of (passage, knowledge, tint), tint naming how well it is known."""
    knowledge = selectors.knowledge_by_passage(learner, study_settings, now, deck)
    desired = float(study_settings.desired_retention)
    paragraphs: list[list[tuple]] = []
    last_paragraph = None
    for passage in selectors.source_passages(deck):
        if passage.paragraph != last_paragraph:
            paragraphs.append([])
            last_paragraph = passage.paragraph
        known = knowledge.get(passage.pk)
        paragraphs[-1].append((passage, known, _tint(known, desired)))
    return paragraphs


def _tint(known: selectors.PassageKnowledge | None, desired: float) -> str:
    if known is None:
        return "no-items"
    if not known.reviewed:
        return "unstudied"
    if known.recall >= desired:
        return "known"
    if known.recall >= 0.7:
        return "shaky"
    return "weak"
