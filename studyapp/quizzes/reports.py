"""Reads for the instructor's report on a quiz: its attempts, their score distribution, and the item analysis.

The item analysis follows Moodle's quiz statistics (question/classes/statistics/questions/calculator.php),
per item rather than per slot, since a quiz that draws at random puts different items in each place:

- over the finished attempts that contained the item (every finished attempt of every student, not only
  the first: each is treated as an independent attempt, as Moodle does with "all attempts");
- facility: the mean fraction (0–1) the item scored;
- sd: the sample standard deviation of that fraction;
- discrimination index: Pearson's correlation of the item's score (fraction × mark) with the rest of the
  attempt's score (the attempt's score minus this item's), -1 to 1;
- discriminative efficiency: that covariance over the largest covariance the same two sets of scores could
  have, which is the covariance of the two lists each sorted (Moodle's `covariancemax`): the discrimination
  index relative to the best a question of this difficulty could reach, so a very easy or very hard
  question isn't blamed for a low index it can't help;
- None where a figure is undefined: the sd with fewer than two attempts, the index and the efficiency when
  either score doesn't vary.

A fixed number of queries, whatever the number of attempts: the graded questions of the finished attempts
come in one, grouped by the database into (item, fraction, score, rest, how many) rows, their items in another.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, timedelta
from typing import Any

from django.db.models import Avg, Count, Exists, ExpressionWrapper, F, FloatField, OuterRef, Q, QuerySet
from django.db.models.functions import NullIf

from studyapp.library.models import Deck, Item
from studyapp.progress.charts import Chart, histogram
from studyapp.quizzes.models import Attempt, AttemptQuestion, AttemptState, Quiz

# Moodle's documentation reads a discrimination index of 0.3 and above as adequate, 0.2–0.3 as weak,
# below 0.2 as very weak and below 0 as a question that is probably invalid. We flag below 0.3 as weak
# (worth a look) and below 0 as negative (the stronger students did worse on it: check the key).
WEAK_DISCRIMINATION = 0.3
SCORE_BUCKETS = 10  # the distribution's bars: 0–10 %, 10–20 %, … 90–100 % (100 % in the last)


# --- the figures, from plain numbers -------------------------------------------------------------------


@dataclass(frozen=True)
class ItemFigures:
    item_id: int
    attempts: int
    facility: float | None
    sd: float | None
    discrimination_index: float | None
    discriminative_efficiency: float | None

    @property
    def flag(self) -> str | None:
        """Negative or weak discrimination (see WEAK_DISCRIMINATION); None when fine, or too few attempts to say."""
        if self.discrimination_index is None:
            return None
        if self.discrimination_index < 0:
            return "negative"
        if self.discrimination_index < WEAK_DISCRIMINATION:
            return "weak"
        return None


def _figures(item_id: int, groups: list[tuple[float, float, float, int]]) -> ItemFigures:
    """One item's figures from its attempts, grouped: (fraction, score, rest, how many attempts had these).

    Score is the question's fraction × mark; rest, the rest of the attempt's score. Grouping changes nothing in
    the figures; it only spares reading one row per attempt when many share their values (they mostly do).
    """
    count = sum(times for *_, times in groups)
    facility = math.fsum(fraction * times for fraction, _, _, times in groups) / count
    sd = index = efficiency = None
    if count < 2:
        return ItemFigures(item_id, count, facility, sd, index, efficiency)
    sd = math.sqrt(math.fsum((fraction - facility) ** 2 * times for fraction, _, _, times in groups) / (count - 1))
    # Exact, not a tolerance: a column of equal values has no variance, whatever rounding the sums would add.
    if len({score for _, score, _, _ in groups}) > 1 and len({rest for _, _, rest, _ in groups}) > 1:
        mean_score = math.fsum(score * times for _, score, _, times in groups) / count
        mean_rest = math.fsum(rest * times for _, _, rest, times in groups) / count
        # Sums of products of deviations: the common 1 / (n - 1) cancels out of both ratios.
        covariance = math.fsum((s - mean_score) * (r - mean_rest) * times for _, s, r, times in groups)
        score_squares = math.fsum((s - mean_score) ** 2 * times for _, s, _, times in groups)
        rest_squares = math.fsum((r - mean_rest) ** 2 * times for _, _, r, times in groups)
        index = _clamp(covariance / math.sqrt(score_squares * rest_squares))
        # The largest covariance the two columns could have: each sorted, paired rank by rank (Moodle's
        # covariancemax), here run by run of equal values.
        scores = _runs((s - mean_score, times) for _, s, _, times in groups)
        rests = _runs((r - mean_rest, times) for _, _, r, times in groups)
        largest = math.fsum(_paired_products(scores, rests))
        efficiency = _clamp(covariance / largest) if largest > 0 else None
    return ItemFigures(item_id, count, facility, sd, index, efficiency)


def _runs(values: Iterable[tuple[float, int]]) -> list[list]:
    """(value, how many) sorted by value: a sorted column, in runs of equal values."""
    return [[value, times] for value, times in sorted(values)]


def _paired_products(left: list[list], right: list[list]) -> Iterator[float]:
    """The products of two sorted columns paired rank by rank, each given as runs (consumed)."""
    i = j = 0
    while i < len(left) and j < len(right):
        times = min(left[i][1], right[j][1])
        yield left[i][0] * right[j][0] * times
        left[i][1] -= times
        right[j][1] -= times
        if not left[i][1]:
            i += 1
        if not right[j][1]:
            j += 1


def item_figures(questions: Iterable[tuple[int, int, float | None, float]]) -> dict[int, ItemFigures]:
    """The figures of each item from the graded questions of finished attempts.

    `questions` are (attempt id, item id, fraction, mark), every question of each attempt counted: an
    attempt's score is the sum of its questions' fraction × mark. A question left ungraded (fraction None)
    adds nothing to its attempt's score and is not counted for its item.
    """
    questions = list(questions)
    totals: dict[int, float] = defaultdict(float)
    for attempt_id, _, fraction, mark in questions:
        totals[attempt_id] += 0.0 if fraction is None else fraction * mark
    groups: Counter = Counter()
    for attempt_id, item_id, fraction, mark in questions:
        if fraction is not None:
            groups[item_id, fraction, fraction * mark, totals[attempt_id] - fraction * mark] += 1
    return _grouped_figures((*key, times) for key, times in groups.items())


def _grouped_figures(rows: Iterable[tuple[int, float, float, float, int]]) -> dict[int, ItemFigures]:
    """(item, fraction, score, rest, how many) rows -> each item's figures."""
    by_item: dict[int, list[tuple[float, float, float, int]]] = defaultdict(list)
    for item_id, *group in rows:
        by_item[item_id].append(tuple(group))
    return {item_id: _figures(item_id, groups) for item_id, groups in by_item.items()}


def _clamp(value: float) -> float:
    """Rounding can push a correlation a hair past ±1."""
    return max(-1.0, min(1.0, value))


# --- the report, from the database ----------------------------------------------------------------------


@dataclass(frozen=True)
class ItemRow:
    item: Item  # its prompt, deck and position only
    figures: ItemFigures


def _question_groups(quiz: Quiz) -> QuerySet:
    """(item, fraction, score, rest, how many) over the quiz's finished attempts: one grouped query.

    Score is the question's fraction × mark, rest the attempt's score minus it, both worked out by the database,
    which also groups the rows: 3,000 attempts of 10 questions make 30,000 rows, but only a few hundred
    distinct ones (fractions and scores take few values), and reading rows is what costs.
    """
    points = ExpressionWrapper(F("fraction") * F("mark"), output_field=FloatField())
    return (
        AttemptQuestion.objects.filter(attempt__quiz=quiz, attempt__state=AttemptState.FINISHED, fraction__isnull=False)
        .annotate(points=points, rest=ExpressionWrapper(F("attempt__score") - points, output_field=FloatField()))
        .values_list("item_id", "fraction", "points", "rest")
        .annotate(times=Count("pk"))
        .order_by()
    )


def item_rows(quiz: Quiz, *, editor=None) -> list[ItemRow]:
    """Every item asked in a finished attempt, with its figures, in deck order. Two queries.

    With `editor`, each item says in `can_edit` whether that user may open its edit page (an instructor may run a
    quiz on a deck assigned to the class that is not theirs to change).
    """
    figures = _grouped_figures(_question_groups(quiz))
    items = Item.objects.filter(pk__in=list(figures)).only("pk", "deck_id", "position", "prompt", "kind")
    if editor is not None:
        items = items.annotate(can_edit=Exists(Deck.objects.editable_by(editor).filter(pk=OuterRef("deck_id"))))
    return [ItemRow(item, figures[item.pk]) for item in items.order_by("deck_id", "position", "pk")]


def attempts(quiz: Quiz) -> QuerySet[Attempt]:
    """The quiz's attempts, open ones too, by student and number, with the student's username (for a page of them)."""
    return (
        Attempt.objects.filter(quiz=quiz)
        .select_related("learner")
        .only(
            "pk",
            "number",
            "state",
            "started_at",
            "submitted_at",
            "submitted_automatically",
            "score",
            "max_score",
            "learner__username",
        )
        .order_by("learner__username", "learner_id", "number")
    )


def duration(attempt: Attempt) -> timedelta | None:
    """How long a finished attempt took, from its start to its submission (None while it is open)."""
    return None if attempt.submitted_at is None else attempt.submitted_at - attempt.started_at


def duration_text(took: timedelta | None) -> str:
    """7 min 30 s; 1 h 2 min; 45 s. Empty for an open attempt."""
    if took is None:
        return ""
    seconds = max(0, int(took.total_seconds()))
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    if hours:
        return f"{hours} h {minutes} min"
    return f"{minutes} min {seconds} s" if minutes else f"{seconds} s"


def score_share(attempt: Attempt) -> float | None:
    if attempt.score is None or not attempt.max_score:
        return None
    return attempt.score / attempt.max_score


@dataclass(frozen=True)
class Summary:
    attempts: int
    finished: int
    mean_share: float | None  # mean score / max score of the finished attempts


def score_distribution(quiz: Quiz) -> tuple[Summary, Chart]:
    """How many finished attempts scored 0–10 %, 10–20 %, … of their maximum, as a chart. One query (counted by
    the database, one row back whatever the number of attempts)."""
    finished = Q(state=AttemptState.FINISHED, max_score__gt=0)
    width = 100 // SCORE_BUCKETS
    bounds = [(low, low + width) for low in range(0, 100, width)]
    buckets = {
        f"bucket_{low}": Count(
            "pk",
            # The top bar takes a full score too.
            filter=finished & Q(share__gte=low / 100) & (Q(share__lt=high / 100) if high < 100 else Q()),
        )
        for low, high in bounds
    }
    figures = (
        Attempt.objects.filter(quiz=quiz)
        # NULLIF: PostgreSQL refuses to divide by zero, whatever the filter around it.
        .annotate(share=ExpressionWrapper(F("score") / NullIf(F("max_score"), 0.0), output_field=FloatField()))
        .aggregate(
            attempts=Count("pk"),
            finished=Count("pk", filter=Q(state=AttemptState.FINISHED)),
            mean_share=Avg("share", filter=finished),
            **buckets,
        )
    )
    chart = histogram(
        chart_id="quiz-scores",
        title="Scores of the finished attempts",
        buckets=[(f"{low}–{high}%", figures[f"bucket_{low}"]) for low, high in bounds],
        x_label="Score",
        y_label="Attempts",
    )
    return Summary(figures["attempts"], figures["finished"], figures["mean_share"]), chart


# --- JSON (the quiz_report command) ----------------------------------------------------------------------


def report_json(quiz: Quiz) -> dict[str, Any]:
    """The report as the quiz_report command prints it: fractions 0–1, None as null. Four queries."""
    attempt_list = list(attempts(quiz))
    questions = list(
        AttemptQuestion.objects.filter(attempt__quiz=quiz)
        .order_by("attempt_id", "position")
        .values_list("attempt_id", "item_id", "fraction", "mark")
    )
    figures = _grouped_figures(_question_groups(quiz))  # as on the page
    by_attempt: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for attempt_id, item_id, fraction, mark in questions:
        by_attempt[attempt_id].append({"item": item_id, "fraction": fraction, "mark": mark})
    order = Item.objects.filter(pk__in=list(figures)).order_by("deck_id", "position", "pk").values_list("pk", flat=True)
    return {
        "quiz": {"id": quiz.pk, "title": quiz.title},
        "attempts": [
            {
                "student": attempt.learner.username,
                "state": attempt.state,
                "score": attempt.score,
                "max_score": attempt.max_score,
                "questions": by_attempt.get(attempt.pk, []),
            }
            for attempt in attempt_list
        ],
        "items": [
            {
                "item": item_id,
                "attempts": figures[item_id].attempts,
                "facility": figures[item_id].facility,
                "sd": figures[item_id].sd,
                "discrimination_index": figures[item_id].discrimination_index,
                "discriminative_efficiency": figures[item_id].discriminative_efficiency,
            }
            for item_id in order
        ],
    }


# --- CSV --------------------------------------------------------------------------------------------------

ATTEMPT_COLUMNS = (
    "Student",
    "Attempt",
    "State",
    "Started (UTC)",
    "Submitted (UTC)",
    "Duration (s)",
    "Submitted automatically",
    "Score",
    "Maximum score",
    "Score (%)",
)
ITEM_COLUMNS = (
    "Item id",
    "Item",
    "Attempts",
    "Facility (%)",
    "Standard deviation (%)",
    "Discrimination index",
    "Discriminative efficiency",
    "Flag",
)


def _utc(value) -> str:
    return "" if value is None else value.astimezone(UTC).isoformat(timespec="seconds")


def _blank(value: Any) -> Any:
    return "" if value is None else value


def _percent(share: float | None) -> str:
    return "" if share is None else f"{share * 100:.1f}"


def _two(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}"


def attempt_csv_rows(rows: Iterable[Attempt]) -> Iterable[list[Any]]:
    for attempt in rows:
        took = duration(attempt)
        yield [
            attempt.learner.username,
            attempt.number,
            attempt.get_state_display(),
            _utc(attempt.started_at),
            _utc(attempt.submitted_at),
            "" if took is None else int(took.total_seconds()),
            "yes" if attempt.submitted_automatically else "no",
            _blank(attempt.score),
            attempt.max_score,
            _percent(score_share(attempt)),
        ]


def item_csv_rows(rows: Iterable[ItemRow]) -> Iterable[list[Any]]:
    """The item analysis as CSV cells: the prompt as plain text (it is authored, so it may start with =)."""
    for row in rows:
        yield [
            row.item.pk,
            row.item.prompt,
            row.figures.attempts,
            _percent(row.figures.facility),
            _percent(row.figures.sd),
            _two(row.figures.discrimination_index),
            _two(row.figures.discriminative_efficiency),
            _blank(row.figures.flag),
        ]
