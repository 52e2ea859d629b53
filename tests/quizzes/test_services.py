"""Starting, saving, submitting and regrading attempts: the server decides (quizzes/services.py)."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.http import QueryDict

from studyapp.library.models import ItemKind
from studyapp.quizzes import selectors, services
from studyapp.quizzes.models import Attempt, AttemptState, FeedbackTiming, GradingMethod, Selection
from tests.factories import ChoiceFactory, DeckFactory, ItemFactory, TagFactory
from tests.quizzes.taking import NOW, answer_data, class_quiz, every_kind_deck, fixed_quiz, questions_of

pytestmark = pytest.mark.django_db

MINUTE = timedelta(minutes=1)


@pytest.fixture
def deck(db):
    return every_kind_deck()


def start(quiz, learner, now=NOW):
    return services.start_attempt(quiz=quiz, learner=learner, now=now)


# --- starting ----------------------------------------------------------------------------------------------------


def test_starting_fixes_questions_marks_and_max_score(student_a, deck):
    items = list(deck.items.order_by("position"))[:3]
    quiz = fixed_quiz(student_a, items, marks=[1, 2, 0.5], shuffle_questions=False)

    attempt = start(quiz, student_a)

    questions = questions_of(attempt)
    assert [q.item for q in questions] == items
    assert [q.mark for q in questions] == [1, 2, 0.5]
    assert attempt.max_score == 3.5
    assert attempt.number == 1
    assert attempt.is_open
    assert len({q.showing for q in questions}) == 3


def test_starting_again_resumes_the_open_attempt(student_a, deck):
    quiz = class_quiz(student_a, deck)
    first = start(quiz, student_a)

    assert start(quiz, student_a, NOW + MINUTE).pk == first.pk
    assert Attempt.objects.count() == 1


def test_the_deadline_is_the_time_limit_capped_at_the_close_time(student_a, deck):
    quiz = class_quiz(student_a, deck, time_limit=timedelta(minutes=15))
    assert start(quiz, student_a).deadline == NOW + timedelta(minutes=15)

    closing = class_quiz(student_a, deck, time_limit=timedelta(minutes=15), closes_at=NOW + timedelta(minutes=5))
    assert start(closing, student_a).deadline == NOW + timedelta(minutes=5)

    untimed = class_quiz(student_a, deck)
    assert start(untimed, student_a).deadline is None


def test_it_refuses_a_quiz_not_open_yet(student_a, deck):
    quiz = class_quiz(student_a, deck, opens_at=NOW + timedelta(hours=1))
    with pytest.raises(services.AttemptRefused, match="opens on"):
        start(quiz, student_a)


def test_it_refuses_a_closed_quiz(student_a, deck):
    quiz = class_quiz(student_a, deck, closes_at=NOW)
    with pytest.raises(services.AttemptRefused, match="closed on"):
        start(quiz, student_a)


def test_it_refuses_when_no_attempts_are_left(student_a, deck):
    quiz = class_quiz(student_a, deck, attempts_allowed=2)
    for minute in range(2):
        services.submit_attempt(attempt=start(quiz, student_a, NOW + minute * MINUTE), now=NOW + minute * MINUTE)

    with pytest.raises(services.AttemptRefused, match="used your 2 attempts"):
        start(quiz, student_a, NOW + 5 * MINUTE)
    assert Attempt.objects.filter(quiz=quiz).count() == 2


def test_unlimited_attempts_are_numbered_on(student_a, deck):
    quiz = class_quiz(student_a, deck, attempts_allowed=None)
    numbers = []
    for minute in range(4):
        attempt = start(quiz, student_a, NOW + minute * MINUTE)
        numbers.append(attempt.number)
        services.submit_attempt(attempt=attempt, now=NOW + minute * MINUTE)
    assert numbers == [1, 2, 3, 4]


def test_a_quiz_with_nothing_to_draw_is_refused(student_a):
    quiz = class_quiz(student_a, DeckFactory(), item_count=3)
    with pytest.raises(services.AttemptRefused, match="no questions"):
        start(quiz, student_a)


def test_the_random_draw_is_reproducible_from_the_attempts_seed(student_a, deck):
    quiz = class_quiz(student_a, deck, item_count=4)
    attempt = start(quiz, student_a)

    drawn = [q.item_id for q in questions_of(attempt)]
    assert len(drawn) == 4
    assert [item_id for item_id, _ in services.draw(quiz, attempt.seed)] == drawn
    assert services.draw(quiz, attempt.seed) == services.draw(quiz, attempt.seed)


def test_the_random_draw_is_fair_over_many_attempts(deck):
    # 8 items, 2 drawn: each item should come up about a quarter of the time, in each place about equally.
    quiz = class_quiz(ItemFactory().deck.owner, deck, item_count=2)
    draws = [services.draw(quiz, seed) for seed in range(4000)]
    counts = Counter(item_id for draw in draws for item_id, _ in draw)
    firsts = Counter(draw[0][0] for draw in draws)
    assert len(counts) == 8
    assert all(900 <= n <= 1100 for n in counts.values()), counts  # expected 1000
    assert all(400 <= n <= 600 for n in firsts.values()), firsts  # expected 500


def test_the_draw_keeps_to_the_tag_and_the_quizs_decks(student_a, deck):
    tag = TagFactory(name="1923")
    tagged = list(deck.items.all()[:3])
    for item in tagged:
        item.tags.add(tag)
    ItemFactory(tags=["1923"])  # in another deck
    quiz = class_quiz(student_a, deck, item_count=10, tag=tag)

    attempt = start(quiz, student_a)

    assert {q.item_id for q in questions_of(attempt)} == {item.pk for item in tagged}
    assert attempt.max_score == 3


def test_without_shuffling_questions_keep_their_order(student_a, deck):
    quiz = class_quiz(student_a, deck, shuffle_questions=False)
    attempt = start(quiz, student_a)
    assert [q.item.position for q in questions_of(attempt)] == sorted(i.position for i in deck.items.all())


def test_shuffled_question_order_differs_between_attempts(student_a, deck):
    quiz = class_quiz(student_a, deck, attempts_allowed=None)
    orders = set()
    for minute in range(6):
        attempt = start(quiz, student_a, NOW + minute * MINUTE)
        orders.add(tuple(q.item_id for q in questions_of(attempt)))
        services.submit_attempt(attempt=attempt, now=NOW + minute * MINUTE)
    assert len(orders) > 1


# --- saving ------------------------------------------------------------------------------------------------------


def test_saving_keeps_the_text_and_the_graders_value_without_grading(student_a, deck):
    quiz = class_quiz(student_a, deck, shuffle_questions=False)
    attempt = start(quiz, student_a)
    for question in questions_of(attempt):
        saved = services.save_answer(attempt=attempt, position=question.position, data=answer_data(question), now=NOW)
        assert saved.answer is not None
        assert saved.response
        assert saved.fraction is None
        assert not saved.checked
        assert saved.saved_at == NOW


def test_the_later_of_two_saves_wins(student_a, deck):
    quiz = class_quiz(student_a, deck)
    attempt = start(quiz, student_a)
    typed = next(q for q in questions_of(attempt) if q.item.kind == ItemKind.TYPED)

    services.save_answer(attempt=attempt, position=typed.position, data=QueryDict("response=first"), now=NOW)
    services.save_answer(attempt=attempt, position=typed.position, data=QueryDict("response=second"), now=NOW)

    typed.refresh_from_db()
    assert typed.response == "second"


def test_an_empty_answer_clears_the_saved_one(student_a, deck):
    attempt = start(class_quiz(student_a, deck), student_a)
    mc = next(q for q in questions_of(attempt) if q.item.kind == ItemKind.MULTIPLE_CHOICE)
    services.save_answer(attempt=attempt, position=mc.position, data=answer_data(mc), now=NOW)

    services.save_answer(attempt=attempt, position=mc.position, data=QueryDict(""), now=NOW)

    mc.refresh_from_db()
    assert (mc.answer, mc.response) == (None, "")


def test_a_position_not_in_the_attempt_is_refused(student_a, deck):
    attempt = start(class_quiz(student_a, deck, item_count=2), student_a)
    with pytest.raises(services.AnswerRefused, match="not part of this attempt") as refused:
        services.save_answer(attempt=attempt, position=3, data=QueryDict("response=x"), now=NOW)
    assert refused.value.status == 404


def test_a_choice_key_of_another_showing_is_refused(student_a, deck):
    quiz = class_quiz(student_a, deck, attempts_allowed=None)
    first = start(quiz, student_a)
    old = next(q for q in questions_of(first) if q.item.kind == ItemKind.MULTIPLE_CHOICE)
    replayed = answer_data(old)
    services.submit_attempt(attempt=first, now=NOW)
    second = start(quiz, student_a, NOW + MINUTE)
    mc = next(q for q in questions_of(second) if q.item.kind == ItemKind.MULTIPLE_CHOICE)

    with pytest.raises(services.AnswerRefused, match="choices shown") as refused:
        services.save_answer(attempt=second, position=mc.position, data=replayed, now=NOW + MINUTE)
    assert refused.value.status == 422


def test_an_event_key_of_another_showing_is_refused(student_a, deck):
    quiz = class_quiz(student_a, deck, attempts_allowed=None)
    first = start(quiz, student_a)
    replayed = answer_data(next(q for q in questions_of(first) if q.item.kind == ItemKind.CHRONOLOGY))
    services.submit_attempt(attempt=first, now=NOW)
    second = start(quiz, student_a, NOW + MINUTE)
    chrono = next(q for q in questions_of(second) if q.item.kind == ItemKind.CHRONOLOGY)

    with pytest.raises(services.AnswerRefused, match="position"):
        services.save_answer(attempt=second, position=chrono.position, data=replayed, now=NOW + MINUTE)


def test_saving_after_submission_is_refused(student_a, deck):
    attempt = start(class_quiz(student_a, deck), student_a)
    question = questions_of(attempt)[0]
    services.submit_attempt(attempt=attempt, now=NOW)

    with pytest.raises(services.AnswerRefused, match="submitted") as refused:
        services.save_answer(attempt=attempt, position=question.position, data=answer_data(question), now=NOW)
    assert refused.value.status == 409


@pytest.mark.parametrize(
    ("after", "saved"),
    [
        (timedelta(minutes=9, seconds=59), True),  # before the deadline
        (timedelta(minutes=10), True),  # at it
        (timedelta(minutes=10, seconds=30), True),  # after it, within the grace
        (timedelta(minutes=10, seconds=30, microseconds=1), False),  # after the grace
    ],
)
def test_saves_are_taken_until_the_deadline_plus_grace(student_a, deck, after, saved):
    attempt = start(class_quiz(student_a, deck, time_limit=timedelta(minutes=10)), student_a)
    question = questions_of(attempt)[0]

    if saved:
        services.save_answer(attempt=attempt, position=question.position, data=answer_data(question), now=NOW + after)
        question.refresh_from_db()
        assert question.saved_at == NOW + after
    else:
        with pytest.raises(services.AnswerRefused, match="Time is up"):
            services.save_answer(
                attempt=attempt, position=question.position, data=answer_data(question), now=NOW + after
            )


def test_the_grace_is_a_setting(student_a, deck, settings):
    settings.QUIZ_GRACE_SECONDS = 0
    attempt = start(class_quiz(student_a, deck, time_limit=timedelta(minutes=10)), student_a)
    question = questions_of(attempt)[0]
    with pytest.raises(services.AnswerRefused, match="Time is up"):
        services.save_answer(
            attempt=attempt, position=question.position, data=answer_data(question), now=NOW + timedelta(seconds=601)
        )


def test_with_feedback_after_each_question_saving_checks_and_locks(student_a, deck):
    quiz = class_quiz(student_a, deck, feedback_timing=FeedbackTiming.EACH)
    attempt = start(quiz, student_a)
    question = next(q for q in questions_of(attempt) if q.item.kind == ItemKind.NUMBER)

    saved = services.save_answer(attempt=attempt, position=question.position, data=answer_data(question), now=NOW)

    assert (saved.fraction, saved.checked) == (1.0, True)
    with pytest.raises(services.AnswerRefused, match="checked"):
        services.save_answer(
            attempt=attempt, position=question.position, data=answer_data(question, right=False), now=NOW
        )


def test_checking_an_empty_answer_is_refused(student_a, deck):
    attempt = start(class_quiz(student_a, deck, feedback_timing=FeedbackTiming.EACH), student_a)
    # A text question: the attempt's own order decides which comes first, and a chronology is never blank.
    question = next(q for q in questions_of(attempt) if q.item.kind == ItemKind.TYPED)
    with pytest.raises(services.AnswerRefused, match="Answer the question"):
        services.save_answer(attempt=attempt, position=question.position, data=QueryDict(""), now=NOW)


# --- grading -----------------------------------------------------------------------------------------------------


def test_every_kind_right_scores_full_marks(student_a, deck):
    attempt = start(class_quiz(student_a, deck), student_a)
    for question in questions_of(attempt):
        services.save_answer(attempt=attempt, position=question.position, data=answer_data(question), now=NOW)

    finished = services.submit_attempt(attempt=attempt, now=NOW)

    assert finished.state == AttemptState.FINISHED
    assert finished.score == finished.max_score == 8
    assert all(q.fraction == 1 for q in questions_of(attempt))


def test_every_kind_wrong_scores_nothing(student_a, deck):
    attempt = start(class_quiz(student_a, deck), student_a)
    for question in questions_of(attempt):
        data = answer_data(question, right=False)
        services.save_answer(attempt=attempt, position=question.position, data=data, now=NOW)

    assert services.submit_attempt(attempt=attempt, now=NOW).score == 0
    assert {q.item.kind: q.fraction for q in questions_of(attempt)} == dict.fromkeys(ItemKind.values, 0)


def test_unanswered_questions_score_zero(student_a, deck):
    attempt = start(class_quiz(student_a, deck), student_a)
    finished = services.submit_attempt(attempt=attempt, now=NOW)
    assert finished.score == 0
    assert {q.fraction for q in questions_of(attempt)} == {0}


def test_the_score_is_the_sum_of_fraction_times_mark(student_a):
    mc = ItemFactory(kind=ItemKind.MULTIPLE_CHOICE)
    ChoiceFactory(item=mc, text="Karl Radek", is_correct=True)  # two right answers of four: one of them is half
    number = ItemFactory(deck=mc.deck, kind=ItemKind.NUMBER)
    quiz = fixed_quiz(student_a, [mc, number], marks=[4, 3], shuffle_questions=False)
    attempt = start(quiz, student_a)
    first, second = questions_of(attempt)
    half = QueryDict(mutable=True)
    half["choice"] = services.presentation.Showing(first.showing).key("choice", mc.choices.get(text="Karl Radek").pk)
    services.save_answer(attempt=attempt, position=1, data=half, now=NOW)
    services.save_answer(attempt=attempt, position=2, data=answer_data(second), now=NOW)

    finished = services.submit_attempt(attempt=attempt, now=NOW)

    assert finished.score == pytest.approx(0.5 * 4 + 1 * 3)
    assert finished.max_score == 7


def test_grading_ignores_what_the_browser_says_about_correctness(student_a, deck):
    attempt = start(class_quiz(student_a, deck), student_a)
    question = next(q for q in questions_of(attempt) if q.item.kind == ItemKind.TYPED)
    data = QueryDict("response=wrong&correct=1&fraction=1&score=99", mutable=True)
    services.save_answer(attempt=attempt, position=question.position, data=data, now=NOW)
    assert services.submit_attempt(attempt=attempt, now=NOW).score == 0


def test_submitting_twice_changes_nothing(student_a, deck):
    attempt = start(class_quiz(student_a, deck), student_a)
    first = services.submit_attempt(attempt=attempt, now=NOW)
    again = services.submit_attempt(attempt=attempt, now=NOW + MINUTE)
    assert again.submitted_at == first.submitted_at == NOW


def test_regrading_recomputes_finished_attempts_from_stored_answers(student_a, deck):
    quiz = class_quiz(student_a, deck)
    attempt = start(quiz, student_a)
    question = next(q for q in questions_of(attempt) if q.item.kind == ItemKind.TYPED)
    services.save_answer(attempt=attempt, position=question.position, data=QueryDict("response=Radek"), now=NOW)
    assert services.submit_attempt(attempt=attempt, now=NOW).score == 0
    question.item.accepted_answers = ["Radek"]
    question.item.save()

    assert services.regrade(quiz=quiz) == 1

    attempt.refresh_from_db()
    assert attempt.score == 1


# --- time limits -------------------------------------------------------------------------------------------------


def timed_attempt(student, deck, minutes=10):
    attempt = start(class_quiz(student, deck, time_limit=timedelta(minutes=minutes)), student)
    question = questions_of(attempt)[0]
    services.save_answer(attempt=attempt, position=question.position, data=answer_data(question), now=NOW)
    return attempt


def test_an_overdue_attempt_is_submitted_with_what_was_saved(student_a, deck):
    attempt = timed_attempt(student_a, deck)

    closed = services.close_if_overdue(attempt=attempt, now=NOW + timedelta(minutes=11))

    assert closed.state == AttemptState.FINISHED
    assert closed.submitted_automatically
    assert closed.submitted_at == NOW + timedelta(minutes=10)  # when its time ran out
    assert closed.score == 1


def test_an_attempt_within_its_grace_is_left_open(student_a, deck):
    attempt = timed_attempt(student_a, deck)
    assert services.close_if_overdue(attempt=attempt, now=NOW + timedelta(minutes=10, seconds=30)).is_open


def test_the_command_closes_overdue_attempts_and_says_how_many(student_a, student_b, deck, monkeypatch):
    overdue = timed_attempt(student_a, deck)
    running = timed_attempt(student_b, deck, minutes=60)
    untimed = start(class_quiz(student_b, deck), student_b)
    monkeypatch.setattr("django.utils.timezone.now", lambda: NOW + timedelta(minutes=20))
    out = StringIO()

    call_command("close_overdue_attempts", stdout=out)

    assert "1" in out.getvalue()
    for attempt in (overdue, running, untimed):
        attempt.refresh_from_db()
    assert overdue.state == AttemptState.FINISHED
    assert overdue.submitted_automatically
    assert running.is_open
    assert untimed.is_open


def test_starting_after_an_overdue_attempt_closes_it_first(student_a, deck):
    attempt = timed_attempt(student_a, deck)
    quiz = attempt.quiz
    quiz.attempts_allowed = 2
    quiz.save()

    second = start(quiz, student_a, NOW + timedelta(hours=1))

    attempt.refresh_from_db()
    assert attempt.state == AttemptState.FINISHED
    assert second.number == 2


def test_submitting_past_the_grace_counts_as_automatic(student_a, deck):
    attempt = timed_attempt(student_a, deck)
    finished = services.submit_attempt(attempt=attempt, now=NOW + timedelta(hours=1))
    assert finished.submitted_automatically


# --- the quiz grade ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "expected"),
    [
        (GradingMethod.HIGHEST, 3),
        (GradingMethod.FIRST, 1),
        (GradingMethod.LAST, 2),
        (GradingMethod.AVERAGE, 2),
    ],
)
def test_each_grading_method(student_a, deck, method, expected):
    items = list(deck.items.filter(kind=ItemKind.TYPED)) + list(deck.items.filter(kind=ItemKind.NUMBER))
    items += list(deck.items.filter(kind=ItemKind.TRUE_FALSE))
    quiz = fixed_quiz(student_a, items, grading_method=method, attempts_allowed=None, shuffle_questions=False)
    assert selectors.quiz_grade(quiz, student_a) is None
    for minute, right in enumerate([1, 3, 2]):
        attempt = start(quiz, student_a, NOW + minute * MINUTE)
        for question in questions_of(attempt)[:right]:
            services.save_answer(attempt=attempt, position=question.position, data=answer_data(question), now=NOW)
        services.submit_attempt(attempt=attempt, now=NOW + minute * MINUTE)
    start(quiz, student_a, NOW + 9 * MINUTE)  # an open attempt does not count

    assert selectors.quiz_grade(quiz, student_a) == expected


# --- practice tests ----------------------------------------------------------------------------------------------


def test_a_practice_test_is_the_students_own_random_quiz_with_feedback_at_once(student_a, deck):
    practice = services.start_practice_test(
        learner=student_a, deck=deck, item_count=50, time_limit=timedelta(minutes=5), now=NOW
    )

    quiz = practice.quiz
    assert quiz.is_practice
    assert quiz.owner == student_a
    assert quiz.selection == Selection.RANDOM
    assert quiz.item_count == 8
    assert quiz.feedback_timing == FeedbackTiming.EACH
    assert quiz.show_correct_answers
    assert quiz.attempts_allowed is None
    assert practice.attempt.deadline == NOW + timedelta(minutes=5)
    assert list(selectors.practice_tests(student_a, deck)) == [quiz]


def test_a_practice_test_of_an_empty_deck_is_refused(student_a):
    with pytest.raises(services.AttemptRefused, match="no items"):
        services.start_practice_test(learner=student_a, deck=DeckFactory(), item_count=10, time_limit=None, now=NOW)
