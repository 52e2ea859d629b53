"""The quiz report's reads: the item analysis against an example worked out by hand, its undefined cases,
the score distribution and the JSON shape."""

from __future__ import annotations

import statistics

import pytest

from studyapp.quizzes import reports
from studyapp.quizzes.models import AttemptState
from tests.factories import DeckFactory, ItemFactory, QuizFactory, UserFactory
from tests.quizzes.report_helpers import finished_attempt, open_attempt

# --- the figures, by hand ------------------------------------------------------------------------------------
#
# Four finished attempts at three items, each worth 1 mark:
#
#   attempt   item 1   item 2   item 3   score
#   A         1        1        0.5      2.5
#   B         1        0        1        2
#   C         0        1        0        1
#   D         0        0        0        0
#
# Item 1: scores x = 1, 1, 0, 0 (mean 0.5); rest of the attempt o = 1.5, 1, 1, 0 (mean 0.875).
#   Deviations x: .5, .5, -.5, -.5; o: .625, .125, .125, -.875.
#   Σ dx² = 1, Σ do² = .390625 + .015625 + .015625 + .765625 = 1.1875, Σ dx·do = .3125 + .0625 - .0625 + .4375 = .75.
#   facility .5; sd = √(1/3) = 0.577350; DI = .75 / √(1 × 1.1875) = 0.688247.
#   Sorted: x 0, 0, 1, 1 against o 0, 1, 1, 1.5: Σ = .4375 - .0625 + .0625 + .3125 = .75, so DE = .75 / .75 = 1.
# Item 2: x = 1, 0, 1, 0; o = 1.5, 2, 0, 0 (mean .875); do: .625, 1.125, -.875, -.875.
#   Σ dx·do = .3125 - .5625 - .4375 + .4375 = -.25; Σ do² = .390625 + 1.265625 + .765625 + .765625 = 3.1875.
#   facility .5; sd 0.577350; DI = -.25 / √3.1875 = -0.140028.
#   Sorted: o 0, 0, 1.5, 2 (do -.875, -.875, .625, 1.125) against dx -.5, -.5, .5, .5: Σ = 1.75;
#   DE = -.25 / 1.75 = -1/7.
# Item 3: x = .5, 1, 0, 0 (mean .375; dx .125, .625, -.375, -.375, Σ dx² = .6875);
#   o = 2, 1, 1, 0 (mean 1; do 1, 0, 0, -1).
#   facility .375; sd = √(.6875 / 3) = 0.478714; Σ dx·do = .125 + .375 = .5; Σ do² = 2; DI = .5 / √1.375 = 0.426401.
#   Sorted: dx -.375, -.375, .125, .625 against do -1, 0, 0, 1: Σ = .375 + .625 = 1; DE = .5.
HAND = [
    ("A", 1, 1.0),
    ("A", 2, 1.0),
    ("A", 3, 0.5),
    ("B", 1, 1.0),
    ("B", 2, 0.0),
    ("B", 3, 1.0),
    ("C", 1, 0.0),
    ("C", 2, 1.0),
    ("C", 3, 0.0),
    ("D", 1, 0.0),
    ("D", 2, 0.0),
    ("D", 3, 0.0),
]
EXPECTED = {
    1: (4, 0.5, 0.577350, 0.688247, 1.0),
    2: (4, 0.5, 0.577350, -0.140028, -0.142857),
    3: (4, 0.375, 0.478714, 0.426401, 0.5),
}


def figures_tuple(figures: reports.ItemFigures):
    return (
        figures.attempts,
        figures.facility,
        figures.sd,
        figures.discrimination_index,
        figures.discriminative_efficiency,
    )


def test_item_figures_match_the_hand_computed_example():
    figures = reports.item_figures((attempt, item, fraction, 1.0) for attempt, item, fraction in HAND)

    assert set(figures) == {1, 2, 3}
    for item_id, expected in EXPECTED.items():
        assert figures_tuple(figures[item_id]) == pytest.approx(expected, abs=1e-6), item_id


def test_the_weak_and_negative_flags_follow_the_documented_thresholds():
    figures = reports.item_figures((attempt, item, fraction, 1.0) for attempt, item, fraction in HAND)

    assert figures[1].flag is None  # 0.69
    assert figures[2].flag == "negative"  # -0.14
    assert figures[3].flag is None  # 0.43
    weak = reports.ItemFigures(9, 10, 0.5, 0.5, 0.29, 0.4)
    assert weak.flag == "weak"
    assert reports.ItemFigures(9, 10, 0.5, 0.5, reports.WEAK_DISCRIMINATION, 0.4).flag is None


def test_a_question_s_score_is_its_fraction_times_its_mark():
    # Item 3 worth 2 marks in every attempt: its scores double (1, 2, 0, 0), so the other items' rests change.
    # Item 1: o = 1 + 1, 0 + 2, 1 + 0, 0 = 2, 2, 1, 0 (mean 1.25; do .75, .75, -.25, -1.25) against dx ±.5:
    #   Σ dx·do = .375 + .375 + .125 + .625 = 1.5; Σ dx² = 1; Σ do² = .5625 + .5625 + .0625 + 1.5625 = 2.75;
    #   DI = 1.5 / √2.75 = 0.904534.
    questions = [(a, i, f, 2.0 if i == 3 else 1.0) for a, i, f in HAND]

    figures = reports.item_figures(questions)

    assert figures[1].discrimination_index == pytest.approx(0.904534, abs=1e-6)
    # The facility and sd stay in fractions, whatever the mark.
    assert figures[3].facility == pytest.approx(0.375)
    assert figures[3].sd == pytest.approx(0.478714, abs=1e-6)


# --- undefined figures ------------------------------------------------------------------------------------------


def test_one_attempt_gives_a_facility_and_nothing_else():
    figures = reports.item_figures([("A", 1, 0.5, 1.0), ("A", 2, 1.0, 1.0)])

    assert figures_tuple(figures[1]) == (1, 0.5, None, None, None)


def test_an_item_everyone_got_right_has_no_discrimination():
    questions = [("A", 1, 1.0, 1.0), ("A", 2, 1.0, 1.0), ("B", 1, 1.0, 1.0), ("B", 2, 0.0, 1.0)]

    figures = reports.item_figures(questions)

    assert figures_tuple(figures[1]) == (2, 1.0, 0.0, None, None)


def test_an_item_whose_rest_of_the_attempt_never_varies_has_no_discrimination():
    # Item 2 is answered the same way in both attempts, so item 1's rest (item 2's score) is constant.
    questions = [("A", 1, 1.0, 1.0), ("A", 2, 0.5, 1.0), ("B", 1, 0.0, 1.0), ("B", 2, 0.5, 1.0)]

    figures = reports.item_figures(questions)

    assert figures[1].sd == pytest.approx(0.707107, abs=1e-6)
    assert figures[1].discrimination_index is None
    assert figures[1].discriminative_efficiency is None


def test_equal_thirds_count_as_no_variance_despite_rounding():
    # 1/3 summed three times isn't exactly 1 in floating point: the check for no variance must not be fooled.
    questions = [(attempt, 1, 1 / 3, 1.0) for attempt in "ABC"]
    questions += [("A", 2, 0.0, 1.0), ("B", 2, 0.5, 1.0), ("C", 2, 1.0, 1.0)]

    figures = reports.item_figures(questions)

    assert figures[1].discrimination_index is None


def test_an_ungraded_question_counts_for_nothing_and_is_not_an_attempt_at_its_item():
    questions = [("A", 1, None, 1.0), ("A", 2, 1.0, 1.0), ("B", 1, 1.0, 1.0), ("B", 2, 0.0, 1.0)]

    figures = reports.item_figures(questions)

    assert figures[1].attempts == 1
    assert figures[2].attempts == 2


def test_attempts_that_share_their_values_count_each_as_in_plain_lists():
    # Eight attempts whose scores repeat, so the figures are worked out from runs of equal values that don't line
    # up between the two sorted columns. The oracle: the statistics module over the plain lists.
    scores = [1.0, 1.0, 1.0, 0.5, 0.0, 0.0, 1.0, 0.5]
    rests = [3.0, 2.0, 3.0, 2.0, 1.0, 2.0, 0.0, 3.0]
    questions = []
    for attempt, (score, rest) in enumerate(zip(scores, rests, strict=True)):
        questions += [(attempt, 1, score, 1.0), (attempt, 2, rest / 4, 4.0)]

    figures = reports.item_figures(questions)[1]

    covariance = statistics.covariance(scores, rests)
    assert figures.discrimination_index == pytest.approx(statistics.correlation(scores, rests))
    assert figures.discriminative_efficiency == pytest.approx(
        covariance / statistics.covariance(sorted(scores), sorted(rests))
    )
    assert figures.sd == pytest.approx(statistics.stdev(scores))


def test_no_attempts_no_figures():
    assert reports.item_figures([]) == {}


# --- from the database ------------------------------------------------------------------------------------------


@pytest.fixture
def quiz(instructor):
    return QuizFactory(classroom__created_by=instructor, title="Left Opposition check", decks=[DeckFactory()])


@pytest.fixture
def three_items(quiz):
    deck = quiz.decks.get()
    return [ItemFactory(deck=deck, prompt=f"Question {n}") for n in (1, 2, 3)]


def hand_attempts(quiz, items):
    """The hand-computed example's four attempts, by four students (A to D), plus an open one that must not count."""
    learners = {}
    for name in "ABCD":
        learners[name] = UserFactory(username=f"student_{name.lower()}x")
        answers = [(items[item - 1], fraction) for attempt, item, fraction in HAND if attempt == name]
        finished_attempt(quiz, learners[name], answers)
    open_attempt(quiz, learners["A"], items, number=2)
    return learners


@pytest.mark.django_db
def test_item_rows_read_the_finished_attempts_only(quiz, three_items):
    hand_attempts(quiz, three_items)

    rows = reports.item_rows(quiz)

    assert [row.item for row in rows] == three_items  # in deck order
    for row, expected in zip(rows, EXPECTED.values(), strict=True):
        assert figures_tuple(row.figures) == pytest.approx(expected, abs=1e-6)


@pytest.mark.django_db
def test_the_score_distribution_counts_finished_attempts_by_tenths(quiz, three_items):
    hand_attempts(quiz, three_items)  # 2.5, 2, 1 and 0 out of 3: 83 %, 67 %, 33 %, 0 %

    summary, chart = reports.score_distribution(quiz)

    assert (summary.attempts, summary.finished) == (5, 4)
    assert summary.mean_share == pytest.approx(5.5 / 12)
    counts = dict(chart.rows)
    assert (counts["0–10%"], counts["30–40%"], counts["60–70%"], counts["80–90%"]) == ("1", "1", "1", "1")
    assert sum(int(count) for count in counts.values()) == 4


@pytest.mark.django_db
def test_a_full_score_falls_in_the_top_bar(quiz, three_items, student_a):
    finished_attempt(quiz, student_a, [(item, 1.0) for item in three_items])

    _, chart = reports.score_distribution(quiz)

    assert dict(chart.rows)["90–100%"] == "1"


@pytest.mark.django_db
def test_the_json_report_has_the_issue_s_shape(quiz, three_items):
    hand_attempts(quiz, three_items)

    report = reports.report_json(quiz)

    assert report["quiz"] == {"id": quiz.pk, "title": "Left Opposition check"}
    assert [(a["student"], a["state"], a["score"], a["max_score"]) for a in report["attempts"]] == [
        ("student_ax", AttemptState.FINISHED, 2.5, 3.0),
        ("student_ax", AttemptState.IN_PROGRESS, None, 3.0),
        ("student_bx", AttemptState.FINISHED, 2.0, 3.0),
        ("student_cx", AttemptState.FINISHED, 1.0, 3.0),
        ("student_dx", AttemptState.FINISHED, 0.0, 3.0),
    ]
    first = report["attempts"][0]
    assert set(first) == {"student", "state", "score", "max_score", "questions"}
    assert first["questions"] == [
        {"item": three_items[0].pk, "fraction": 1.0, "mark": 1.0},
        {"item": three_items[1].pk, "fraction": 1.0, "mark": 1.0},
        {"item": three_items[2].pk, "fraction": 0.5, "mark": 1.0},
    ]
    assert report["attempts"][1]["questions"][0] == {"item": three_items[0].pk, "fraction": None, "mark": 1.0}
    assert [item["item"] for item in report["items"]] == [item.pk for item in three_items]
    for entry, expected in zip(report["items"], EXPECTED.values(), strict=True):
        assert set(entry) == {"item", "attempts", "facility", "sd", "discrimination_index", "discriminative_efficiency"}
        values = (entry["attempts"], entry["facility"], entry["sd"])
        values += (entry["discrimination_index"], entry["discriminative_efficiency"])
        assert values == pytest.approx(expected, abs=1e-6)


@pytest.mark.django_db
def test_a_quiz_without_attempts_reports_nothing(quiz):
    assert reports.report_json(quiz)["attempts"] == []
    assert reports.item_rows(quiz) == []
    summary, chart = reports.score_distribution(quiz)
    assert (summary.attempts, summary.finished, summary.mean_share) == (0, 0, None)
    assert chart.is_empty
