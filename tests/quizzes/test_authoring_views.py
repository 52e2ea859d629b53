"""The instructor's quiz form through the test client: who may, what is refused and why, and what is saved."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime, timedelta

import pytest
from django.db import IntegrityError
from django.urls import reverse

from studyapp.quizzes import authoring
from studyapp.quizzes.models import (
    Attempt,
    AttemptQuestion,
    AttemptState,
    FeedbackTiming,
    GradingMethod,
    Quiz,
    QuizItem,
    Selection,
)
from tests.factories import (
    AssignmentFactory,
    ClassroomFactory,
    DeckFactory,
    ItemFactory,
    MembershipFactory,
    QuizFactory,
    QuizItemFactory,
    StudySettingsFactory,
    TagFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def classroom(instructor, student_a):
    """The instructor's class, student A in it; student B and the other instructor are strangers to it."""
    classroom = ClassroomFactory(name="History 101", created_by=instructor)
    MembershipFactory(classroom=classroom, student=student_a)
    ClassroomFactory(name="Other class", created_by=UserFactory(username="someone_else"))
    return classroom


@pytest.fixture
def deck(classroom, instructor):
    """A deck assigned to the class, with three items (two tagged "war")."""
    deck = DeckFactory(title="Left Opposition", slug="left-opposition", owner=instructor)
    AssignmentFactory(classroom=classroom, deck=deck)
    ItemFactory(deck=deck, prompt="Who wrote the *secret* letter?", answer="Trotsky", tags=["war"])
    ItemFactory(deck=deck, prompt="When was the platform signed?", answer="1923", tags=["war"])
    ItemFactory(deck=deck, prompt="Who led the United Opposition?", answer="Zinoviev")
    return deck


@pytest.fixture
def quiz(classroom, deck):
    return QuizFactory(classroom=classroom, title="Week one", decks=[deck], item_count=2)


def items_of(deck):
    return list(deck.items.order_by("position"))


def form_data(deck, **overrides) -> dict:
    data = {
        "title": "Week one",
        "decks": [deck.pk],
        "selection": Selection.RANDOM,
        "item_count": "2",
        "tag": "",
        "mark": "1",
        "time_limit": "",
        "opens_at": "",
        "closes_at": "",
        "attempts_allowed": "1",
        "grading_method": GradingMethod.HIGHEST,
        "shuffle_questions": "on",
        "shuffle_choices": "on",
        "feedback_timing": FeedbackTiming.SUBMISSION,
        "show_correct_answers": "on",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def errors_in(page: str) -> str:
    """The text of the page's error messages, one per line."""
    found = re.findall(r'class="(?:field-errors|form-errors)" role="alert">(.*?)</div>', page, re.DOTALL)
    return "\n".join(html.unescape(re.sub(r"<[^>]+>", " ", text)) for text in found)


# --- Who may ---------------------------------------------------------------------------------------------------


def _pages(classroom, quiz):
    return {
        "create": reverse("quizzes:create", args=[classroom.pk]),
        "edit": reverse("quizzes:edit", args=[quiz.pk]),
        "delete": reverse("quizzes:delete", args=[quiz.pk]),
    }


CAST = [("student_a", 404), ("student_b", 404), ("instructor", 200), ("other_instructor", 404), ("admin_user", 200)]


@pytest.mark.parametrize("page", ["create", "edit", "delete"])
@pytest.mark.parametrize(("who", "status"), CAST)
def test_only_the_class_instructors_and_superusers_see_the_quiz_pages(
    client, request, classroom, quiz, page, who, status
):
    client.force_login(request.getfixturevalue(who))
    assert client.get(_pages(classroom, quiz)[page]).status_code == status


@pytest.mark.parametrize(("who", "status"), CAST)
def test_only_the_class_instructors_and_superusers_can_create_a_quiz(client, request, classroom, deck, who, status):
    client.force_login(request.getfixturevalue(who))
    response = client.post(reverse("quizzes:create", args=[classroom.pk]), form_data(deck, title="Made"))
    assert response.status_code == (302 if status == 200 else 404)
    assert Quiz.objects.filter(title="Made").exists() == (status == 200)


@pytest.mark.parametrize(("who", "status"), CAST)
def test_only_the_class_instructors_and_superusers_can_change_a_quiz(client, request, quiz, deck, who, status):
    client.force_login(request.getfixturevalue(who))
    response = client.post(reverse("quizzes:edit", args=[quiz.pk]), form_data(deck, title="Changed"))
    assert response.status_code == (302 if status == 200 else 404)
    quiz.refresh_from_db()
    assert (quiz.title == "Changed") == (status == 200)


@pytest.mark.parametrize(("who", "status"), CAST)
def test_only_the_class_instructors_and_superusers_can_delete_a_quiz(client, request, quiz, who, status):
    client.force_login(request.getfixturevalue(who))
    response = client.post(reverse("quizzes:delete", args=[quiz.pk]))
    assert response.status_code == (302 if status == 200 else 404)
    assert Quiz.objects.filter(pk=quiz.pk).exists() == (status != 200)


def test_a_co_instructor_of_the_class_may_edit_its_quizzes(client, other_instructor, classroom, quiz):
    classroom.instructors.add(other_instructor)
    client.force_login(other_instructor)
    assert client.get(reverse("quizzes:edit", args=[quiz.pk])).status_code == 200


@pytest.mark.parametrize("page", ["create", "edit", "delete"])
def test_anonymous_visitors_are_sent_to_log_in(client, classroom, quiz, page):
    response = client.get(_pages(classroom, quiz)[page])
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("who", ["student_a", "admin_user"])
def test_a_practice_test_is_not_edited_here_even_by_its_owner_or_an_admin(client, request, deck, who):
    user = request.getfixturevalue(who)
    practice = QuizFactory(classroom=None, owner=user, decks=[deck])
    client.force_login(user)
    assert client.get(reverse("quizzes:edit", args=[practice.pk])).status_code == 404
    assert client.post(reverse("quizzes:delete", args=[practice.pk])).status_code == 404
    assert Quiz.objects.filter(pk=practice.pk).exists()


def test_a_missing_class_or_quiz_is_404(client, instructor):
    client.force_login(instructor)
    assert client.get(reverse("quizzes:create", args=[999999])).status_code == 404
    assert client.get(reverse("quizzes:edit", args=[999999])).status_code == 404


@pytest.mark.parametrize("method", ["put", "delete", "patch"])
def test_other_methods_are_refused(client, instructor, quiz, method):
    client.force_login(instructor)
    assert getattr(client, method)(reverse("quizzes:edit", args=[quiz.pk])).status_code == 405


# --- The form offers the right decks, tags and items ---------------------------------------------------------------


def test_the_form_offers_assigned_and_own_decks_but_not_another_instructors_private_deck(
    client, instructor, other_instructor, classroom, deck
):
    own = DeckFactory(title="My own unassigned deck", owner=instructor)
    co_owned = DeckFactory(title="A deck I co-own", owner=other_instructor)
    co_owned.co_owners.add(instructor)
    theirs_assigned = DeckFactory(title="Their deck, assigned here", owner=other_instructor)
    AssignmentFactory(classroom=classroom, deck=theirs_assigned)
    DeckFactory(title="Their private deck", owner=other_instructor)
    client.force_login(instructor)
    html = client.get(reverse("quizzes:create", args=[classroom.pk])).content.decode()
    for offered in (deck, own, co_owned, theirs_assigned):
        assert f'value="{offered.pk}"' in html
        assert offered.title in html
    assert "Their private deck" not in html
    # The class's assigned decks start ticked, so their items are listed at once.
    assert re.search(rf'name="decks" value="{deck.pk}" id="id_decks_{deck.pk}" checked', html)
    assert not re.search(rf'name="decks" value="{own.pk}" id="id_decks_{own.pk}" checked', html)
    assert "Who wrote the secret letter?" in html  # the plain prompt: Markdown stripped


def test_posting_a_deck_that_is_not_offered_is_refused(client, instructor, other_instructor, classroom, deck):
    private = DeckFactory(title="Their private deck", owner=other_instructor)
    ItemFactory(deck=private)
    client.force_login(instructor)
    response = client.post(reverse("quizzes:create", args=[classroom.pk]), form_data(deck, decks=[deck.pk, private.pk]))
    assert response.status_code == 422
    assert f"deck {private.pk} isn't one of them" in errors_in(response.content.decode())
    assert not Quiz.objects.exists()


def test_editing_keeps_offering_a_deck_the_instructor_no_longer_has(client, instructor, other_instructor, classroom):
    gone = DeckFactory(title="Once assigned", owner=other_instructor)
    ItemFactory(deck=gone, prompt="Still here?")
    quiz = QuizFactory(classroom=classroom, decks=[gone], item_count=1)
    client.force_login(instructor)
    html = client.get(reverse("quizzes:edit", args=[quiz.pk])).content.decode()
    assert re.search(rf'name="decks" value="{gone.pk}" id="id_decks_{gone.pk}" checked', html)
    assert "Still here?" in html


def test_the_tag_list_shows_only_tags_used_in_the_chosen_decks_with_their_counts(client, instructor, classroom, deck):
    TagFactory(name="unused")
    other = DeckFactory(owner=instructor)
    ItemFactory(deck=other, tags=["elsewhere"])
    client.force_login(instructor)
    html = client.get(reverse("quizzes:create", args=[classroom.pk])).content.decode()
    assert "war (2 items)" in html
    assert "unused" not in html
    assert "elsewhere" not in html


def test_the_refresh_button_lists_the_chosen_decks_items_without_saving_or_complaining(
    client, instructor, classroom, deck
):
    other = DeckFactory(title="Second deck", owner=instructor)
    ItemFactory(deck=other, prompt="Which congress expelled them?", tags=["congress"])
    client.force_login(instructor)
    data = form_data(other, title="", selection=Selection.FIXED, refresh="1")
    response = client.post(reverse("quizzes:create", args=[classroom.pk]), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Which congress expelled them?" in html
    assert "congress (1 item)" in html
    assert "Who wrote the secret letter?" not in html
    assert errors_in(html) == ""
    assert not Quiz.objects.exists()


def test_htmx_refreshes_only_the_item_checklist_and_keeps_what_was_picked(client, instructor, classroom, deck):
    first, second, _ = items_of(deck)
    client.force_login(instructor)
    query = {
        "decks": [deck.pk],
        "selection": Selection.FIXED,
        "items": [second.pk],
        f"mark_{second.pk}": "2.5",
        "refresh": "1",
    }
    response = client.get(reverse("quizzes:create", args=[classroom.pk]), query, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="quiz-choices"')
    assert "<html" not in html
    assert 'name="title"' not in html
    assert re.search(rf'value="{second.pk}" id="id_items_{second.pk}" checked', html)
    assert not re.search(rf'value="{first.pk}" id="id_items_{first.pk}" checked', html)
    assert re.search(rf'name="mark_{second.pk}" value="2.5"', html)
    assert '<details class="quiz-section" id="quiz-fixed" open>' in html


def test_the_decks_and_selection_ask_htmx_for_the_checklist_without_sending_the_csrf_token(
    client, instructor, classroom, deck
):
    client.force_login(instructor)
    html = client.get(reverse("quizzes:create", args=[classroom.pk])).content.decode()
    source = re.search(r'<div id="quiz-source"[^>]*>', html).group(0)
    assert f'hx-get="{reverse("quizzes:create", args=[classroom.pk])}"' in source
    assert ":not([name=csrfmiddlewaretoken])" in source
    assert 'name="refresh"' in html  # and the plain button for pages without JS


# --- Validation: each mistake gets its own message on its own field, never a 500 -------------------------------


def _other_deck_item(instructor):
    other = DeckFactory(title="Not chosen", owner=instructor)
    return ItemFactory(deck=other, prompt="An item of a deck *not* chosen")


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"title": ""}, "Give the quiz a title."),
        ({"decks": []}, "Choose at least one deck."),
        ({"item_count": ""}, "Say how many items to draw for each attempt."),
        ({"item_count": "4"}, "The chosen decks have only 3 items: draw at most 3."),
        ({"item_count": "3", "tag": "WAR"}, "The chosen decks have only 2 items with the tag “war”: draw at most 2."),
        ({"item_count": "0"}, "Draw at least 1 item."),
        ({"item_count": "lots"}, "The number of items is a whole number."),
        ({"mark": "0"}, "A mark must be more than 0."),
        ({"mark": "-1"}, "A mark must be more than 0."),
        ({"mark": "nan"}, "A mark is a number"),
        ({"tag": "ELSEWHERE"}, "Choose a tag used in the chosen decks."),
        ({"selection": Selection.FIXED}, "Pick at least one item for a fixed list."),
        ({"selection": Selection.FIXED, "items": "OTHER"}, "“An item of a deck not chosen” (deck “Not chosen”)"),
        ({"selection": Selection.FIXED, "items": ["FIRST", "999999"]}, "item 999999 is not in the chosen decks"),
        ({"selection": Selection.FIXED, "items": ["FIRST"], "mark_FIRST": "0"}, "A mark must be more than 0."),
        ({"selection": Selection.FIXED, "items": ["FIRST"], "mark_FIRST": "-2"}, "A mark must be more than 0."),
        ({"selection": Selection.FIXED, "items": ["FIRST"], "position_FIRST": "0"}, "Positions start at 1."),
        ({"selection": "sometimes"}, "Choose fixed or random."),
        (
            {"opens_at": "2030-01-02T10:00", "closes_at": "2030-01-01T10:00"},
            "must close after it opens (2030-01-02 10:00)",
        ),
        ({"opens_at": "2030-01-02T10:00", "closes_at": "2030-01-02T10:00"}, "must close after it opens"),
        ({"feedback_timing": FeedbackTiming.CLOSE}, "Feedback after the quiz closes needs a close time"),
        ({"opens_at": "next tuesday"}, "Enter a date and time."),
        ({"time_limit": "0"}, "A time limit is at least 1 minute"),
        ({"time_limit": "99999"}, "A time limit is at most 10,080 minutes"),
        ({"attempts_allowed": "0"}, "Allow at least 1 attempt"),
        ({"grading_method": "best"}, "Choose a grading method from the list."),
        ({"feedback_timing": "never"}, "Choose when feedback is shown."),
    ],
)
def test_a_mistake_is_refused_with_a_clear_message_and_nothing_is_saved(
    client, instructor, classroom, deck, overrides, message
):
    first = items_of(deck)[0]
    stranger = _other_deck_item(instructor)
    ElsewhereTag = ItemFactory(deck=DeckFactory(owner=instructor), tags=["elsewhere"]).tags.get()
    names = {"FIRST": str(first.pk), "OTHER": str(stranger.pk), "WAR": str(deck.items.first().tags.get().pk)}
    names["ELSEWHERE"] = str(ElsewhereTag.pk)

    def fill(value):
        if isinstance(value, list):
            return [fill(part) for part in value]
        return names.get(value, value)

    data = {key.replace("FIRST", names["FIRST"]): fill(value) for key, value in overrides.items()}
    client.force_login(instructor)
    response = client.post(reverse("quizzes:create", args=[classroom.pk]), form_data(deck, **data))
    assert response.status_code == 422
    assert message in errors_in(response.content.decode())
    assert not Quiz.objects.exists()


def test_a_time_that_a_clock_change_skips_is_refused_not_a_500(client, instructor, classroom, deck):
    StudySettingsFactory(learner=instructor, timezone="America/New_York")
    client.force_login(instructor)
    # 02:30 on 9 March 2025 never happened in New York: the clocks went from 02:00 to 03:00.
    response = client.post(reverse("quizzes:create", args=[classroom.pk]), form_data(deck, opens_at="2025-03-09T02:30"))
    assert response.status_code == 422
    assert "couldn’t be interpreted in time zone America/New_York" in response.content.decode()


def test_bad_values_on_items_not_picked_or_of_a_random_draw_are_ignored(client, instructor, classroom, deck):
    first, second, _ = items_of(deck)
    client.force_login(instructor)
    data = form_data(
        deck,
        selection=Selection.FIXED,
        items=[first.pk],
        item_count="lots",
        mark="-1",
        **{f"mark_{second.pk}": "-3", f"position_{second.pk}": "x"},
    )
    response = client.post(reverse("quizzes:create", args=[classroom.pk]), data)
    assert response.status_code == 302, errors_in(response.content.decode())
    data = form_data(deck, items=["nonsense-is-ignored-too"], **{f"mark_{first.pk}": "0"})
    response = client.post(reverse("quizzes:create", args=[classroom.pk]), data)
    assert response.status_code == 302, errors_in(response.content.decode())


# --- What is saved ---------------------------------------------------------------------------------------------


def test_a_fixed_quiz_is_saved_with_its_items_marks_and_order(client, instructor, classroom, deck):
    first, second, third = items_of(deck)
    client.force_login(instructor)
    data = form_data(
        deck,
        title="Fixed one",
        selection=Selection.FIXED,
        items=[first.pk, second.pk, third.pk],
        # Numbered items first, by their numbers; the unnumbered one follows in deck order.
        **{f"position_{first.pk}": "", f"position_{second.pk}": "2", f"position_{third.pk}": "1"},
        **{f"mark_{first.pk}": "", f"mark_{second.pk}": "2.5", f"mark_{third.pk}": "0.5"},
        item_count="lots",  # ignored for a fixed list
        time_limit="20",
        attempts_allowed="",
        grading_method=GradingMethod.AVERAGE,
        shuffle_questions=None,
        feedback_timing=FeedbackTiming.EACH,
        show_correct_answers=None,
    )
    response = client.post(reverse("quizzes:create", args=[classroom.pk]), data)
    assert response.status_code == 302
    assert response.url == classroom.get_absolute_url()
    quiz = Quiz.objects.get()
    assert (quiz.title, quiz.classroom, quiz.owner, quiz.selection) == ("Fixed one", classroom, instructor, "fixed")
    assert quiz.item_count is None
    assert quiz.tag is None
    assert list(quiz.decks.all()) == [deck]
    rows = list(quiz.quiz_items.values_list("position", "item_id", "mark"))
    assert rows == [(1, third.pk, 0.5), (2, second.pk, 2.5), (3, first.pk, 1.0)]
    assert quiz.time_limit == timedelta(minutes=20)
    assert quiz.attempts_allowed is None  # unlimited
    assert quiz.grading_method == GradingMethod.AVERAGE
    assert quiz.shuffle_questions is False
    assert quiz.shuffle_choices is True
    assert quiz.feedback_timing == FeedbackTiming.EACH
    assert quiz.show_correct_answers is False


def test_a_fixed_quiz_without_numbers_is_asked_in_deck_order(client, instructor, classroom, deck):
    first, _second, third = items_of(deck)
    client.force_login(instructor)
    data = form_data(deck, selection=Selection.FIXED, items=[third.pk, first.pk])
    assert client.post(reverse("quizzes:create", args=[classroom.pk]), data).status_code == 302
    assert list(QuizItem.objects.values_list("item_id", flat=True)) == [first.pk, third.pk]


def test_a_random_quiz_with_a_tag_is_saved(client, instructor, classroom, deck):
    war = deck.items.first().tags.get()
    client.force_login(instructor)
    data = form_data(
        deck,
        title="Drawn",
        item_count="2",
        tag=str(war.pk),
        mark="1.5",
        opens_at="2030-01-01T09:00",
        closes_at="2030-01-08T09:00",
        attempts_allowed="3",
        grading_method=GradingMethod.LAST,
        feedback_timing=FeedbackTiming.CLOSE,
    )
    assert client.post(reverse("quizzes:create", args=[classroom.pk]), data).status_code == 302
    quiz = Quiz.objects.get()
    assert (quiz.selection, quiz.item_count, quiz.tag, quiz.mark) == ("random", 2, war, 1.5)
    assert (quiz.attempts_allowed, quiz.grading_method, quiz.feedback_timing) == (3, "last", "close")
    assert quiz.opens_at == datetime(2030, 1, 1, 9, tzinfo=UTC)
    assert not quiz.quiz_items.exists()


def test_saving_is_all_or_nothing(client, instructor, classroom, deck, quiz, monkeypatch):
    first = items_of(deck)[0]

    def fail(*args, **kwargs):
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(QuizItem.objects, "bulk_create", fail)
    client.raise_request_exception = True
    client.force_login(instructor)
    data = form_data(deck, title="Renamed", selection=Selection.FIXED, items=[first.pk])
    with pytest.raises(RuntimeError):
        client.post(reverse("quizzes:edit", args=[quiz.pk]), data)
    quiz.refresh_from_db()
    assert (quiz.title, quiz.selection) == ("Week one", "random")
    with pytest.raises(RuntimeError):
        client.post(reverse("quizzes:create", args=[classroom.pk]), data)
    assert Quiz.objects.count() == 1


def test_switching_a_fixed_quiz_to_a_random_draw_drops_its_list(client, instructor, classroom, deck):
    quiz = QuizFactory(classroom=classroom, decks=[deck], selection=Selection.FIXED, item_count=None)
    QuizItemFactory(quiz=quiz, item=items_of(deck)[0], position=1)
    client.force_login(instructor)
    assert client.post(reverse("quizzes:edit", args=[quiz.pk]), form_data(deck)).status_code == 302
    quiz.refresh_from_db()
    assert (quiz.selection, quiz.item_count) == ("random", 2)
    assert not quiz.quiz_items.exists()


def test_the_edit_form_shows_the_quiz_as_saved(client, instructor, classroom, deck):
    first, second, third = items_of(deck)
    quiz = QuizFactory(
        classroom=classroom,
        title="Saved one",
        decks=[deck],
        selection=Selection.FIXED,
        item_count=None,
        time_limit=timedelta(minutes=45),
        attempts_allowed=2,
        feedback_timing=FeedbackTiming.EACH,
        shuffle_choices=False,
    )
    QuizItemFactory(quiz=quiz, item=third, position=1, mark=3)
    QuizItemFactory(quiz=quiz, item=first, position=2, mark=1)
    client.force_login(instructor)
    html = client.get(reverse("quizzes:edit", args=[quiz.pk])).content.decode()
    assert 'value="Saved one"' in html
    assert re.search(rf'value="{third.pk}" id="id_items_{third.pk}" checked', html)
    assert not re.search(rf'value="{second.pk}" id="id_items_{second.pk}" checked', html)
    assert re.search(rf'name="mark_{third.pk}" value="3.0"', html)
    assert re.search(rf'name="position_{first.pk}" value="2"', html)
    assert re.search(r'name="time_limit" value="45"', html)
    assert re.search(r'name="attempts_allowed" value="2"', html)
    assert re.search(r'name="feedback_timing" value="each"[^>]*checked', html)
    assert not re.search(r'name="shuffle_choices"[^>]*checked', html)
    # Resubmitting the form as shown changes nothing.
    data = form_data(
        deck,
        title="Saved one",
        selection=Selection.FIXED,
        items=[third.pk, first.pk],
        **{f"position_{third.pk}": "1", f"position_{first.pk}": "2", f"mark_{third.pk}": "3"},
    )
    assert client.post(reverse("quizzes:edit", args=[quiz.pk]), data).status_code == 302
    assert list(quiz.quiz_items.values_list("item_id", "mark")) == [(third.pk, 3.0), (first.pk, 1.0)]


def test_editing_a_quiz_keeps_the_attempts_as_they_were_drawn_and_says_so(
    client, instructor, student_a, classroom, deck, quiz
):
    first, second, third = items_of(deck)
    now = datetime(2030, 1, 1, 9, tzinfo=UTC)
    attempt = Attempt.objects.create(quiz=quiz, learner=student_a, number=1, started_at=now, deadline=now)
    AttemptQuestion.objects.create(attempt=attempt, item=first, position=1, mark=1, response="Trotsky")
    AttemptQuestion.objects.create(attempt=attempt, item=second, position=2, mark=1)
    client.force_login(instructor)
    html = client.get(reverse("quizzes:edit", args=[quiz.pk])).content.decode()
    assert "This quiz has 1 attempt by 1 student, 1 still in progress." in html
    assert "They keep the questions, marks and deadlines they were given" in html
    data = form_data(deck, selection=Selection.FIXED, items=[third.pk], time_limit="5", **{f"mark_{third.pk}": "4"})
    assert client.post(reverse("quizzes:edit", args=[quiz.pk]), data).status_code == 302
    attempt.refresh_from_db()
    assert (attempt.state, attempt.deadline) == (AttemptState.IN_PROGRESS, now)
    assert list(attempt.questions.values_list("item_id", "mark", "response")) == [
        (first.pk, 1.0, "Trotsky"),
        (second.pk, 1.0, ""),
    ]
    assert list(quiz.quiz_items.values_list("item_id", "mark")) == [(third.pk, 4.0)]


# --- Deleting --------------------------------------------------------------------------------------------------


def test_the_delete_page_says_how_many_attempts_go_with_the_quiz(client, instructor, student_a, student_b, quiz):
    now = datetime(2030, 1, 1, 9, tzinfo=UTC)
    for learner, number in [(student_a, 1), (student_a, 2), (student_b, 1)]:
        Attempt.objects.create(
            quiz=quiz,
            learner=learner,
            number=number,
            started_at=now,
            state=AttemptState.FINISHED,
            submitted_at=now,
            score=1,
        )
    client.force_login(instructor)
    response = client.get(reverse("quizzes:delete", args=[quiz.pk]))
    assert "Its 3 attempts by 2 students will be deleted with it" in response.content.decode()
    assert Quiz.objects.filter(pk=quiz.pk).exists()  # GET only asks
    response = client.post(reverse("quizzes:delete", args=[quiz.pk]), follow=True)
    assert response.redirect_chain[0][0] == quiz.classroom.get_absolute_url()
    assert "Quiz “Week one” and its 3 attempts deleted." in response.content.decode()
    assert not Quiz.objects.filter(pk=quiz.pk).exists()
    assert not Attempt.objects.exists()


def test_the_delete_page_of_an_unattempted_quiz_says_so(client, instructor, quiz):
    client.force_login(instructor)
    assert "No one has attempted it yet." in client.get(reverse("quizzes:delete", args=[quiz.pk])).content.decode()


# --- Time zones ------------------------------------------------------------------------------------------------


def test_opens_and_closes_are_read_and_shown_in_the_instructors_time_zone(client, instructor, classroom, deck):
    StudySettingsFactory(learner=instructor, timezone="Asia/Kolkata")  # UTC+05:30, no clock changes
    client.force_login(instructor)
    data = form_data(deck, opens_at="2030-06-01T09:00", closes_at="2030-06-01T17:30")
    assert client.post(reverse("quizzes:create", args=[classroom.pk]), data).status_code == 302
    quiz = Quiz.objects.get()
    assert quiz.opens_at == datetime(2030, 6, 1, 3, 30, tzinfo=UTC)
    assert quiz.closes_at == datetime(2030, 6, 1, 12, tzinfo=UTC)
    html = client.get(reverse("quizzes:edit", args=[quiz.pk])).content.decode()
    assert 'name="opens_at" value="2030-06-01T09:00"' in html
    assert 'name="closes_at" value="2030-06-01T17:30"' in html
    assert "Times are in your time zone, Asia/Kolkata" in html


def test_another_instructor_sees_the_same_moment_in_their_own_zone(client, other_instructor, classroom, deck):
    quiz = QuizFactory(classroom=classroom, decks=[deck], opens_at=datetime(2030, 1, 15, 14, tzinfo=UTC))
    StudySettingsFactory(learner=other_instructor, timezone="America/New_York")  # UTC-5 in January
    classroom.instructors.add(other_instructor)
    client.force_login(other_instructor)
    html = client.get(reverse("quizzes:edit", args=[quiz.pk])).content.decode()
    assert 'name="opens_at" value="2030-01-15T09:00"' in html


def test_without_study_settings_times_are_utc(client, instructor, classroom, deck):
    client.force_login(instructor)
    data = form_data(deck, opens_at="2030-06-01T09:00")
    assert client.post(reverse("quizzes:create", args=[classroom.pk]), data).status_code == 302
    assert Quiz.objects.get().opens_at == datetime(2030, 6, 1, 9, tzinfo=UTC)


# --- Queries ---------------------------------------------------------------------------------------------------


def _big_deck(classroom, instructor, size):
    deck = DeckFactory(owner=instructor, source=None)
    AssignmentFactory(classroom=classroom, deck=deck)
    for n in range(size):
        ItemFactory(deck=deck, prompt=f"Question {n}?", answer="Yes", tags=[f"tag {n % 3}"])
    return deck


@pytest.mark.parametrize("size", [3, 60])
def test_the_new_quiz_page_takes_a_fixed_number_of_queries(
    client, instructor, classroom, size, django_assert_num_queries
):
    _big_deck(classroom, instructor, size)
    DeckFactory(owner=instructor)
    client.force_login(instructor)
    url = reverse("quizzes:create", args=[classroom.pk])
    # 1. the user with roles and study settings (the session comes from the cache)
    # 2. the class, if taught by the user  3. the decks offered, with item counts and whether assigned
    # 4. the chosen decks' tags with counts  5. the chosen decks' items
    with django_assert_num_queries(5):
        response = client.get(url)
    assert response.status_code == 200


@pytest.mark.parametrize("size", [3, 60])
def test_the_edit_page_takes_a_fixed_number_of_queries(client, instructor, classroom, size, django_assert_num_queries):
    deck = _big_deck(classroom, instructor, size)
    quiz = QuizFactory(classroom=classroom, decks=[deck], selection=Selection.FIXED, item_count=None)
    for position, item in enumerate(deck.items.all()[:3], start=1):
        QuizItemFactory(quiz=quiz, item=item, position=position)
    client.force_login(instructor)
    url = reverse("quizzes:edit", args=[quiz.pk])
    # 1. the user  2. the quiz with its class, if taught by the user  3. the decks offered
    # 4. the quiz's items and marks  5. the quiz's decks  6. tags  7. items  8. the attempts' summary
    with django_assert_num_queries(8):
        response = client.get(url)
    assert response.status_code == 200


def test_the_htmx_checklist_takes_a_fixed_number_of_queries(client, instructor, classroom, django_assert_num_queries):
    deck = _big_deck(classroom, instructor, 30)
    client.force_login(instructor)
    url = reverse("quizzes:create", args=[classroom.pk])
    query = {"decks": [deck.pk], "selection": "fixed", "refresh": "1"}
    # the user, the class, the decks offered, the tags, the items
    with django_assert_num_queries(5):
        response = client.get(url, query, headers={"HX-Request": "true"})
    assert response.status_code == 200


def test_an_item_removed_while_the_form_was_open_is_a_message_not_a_500(
    client, instructor, classroom, deck, monkeypatch
):
    def vanished(**kwargs):
        raise IntegrityError("FOREIGN KEY constraint failed")

    monkeypatch.setattr(authoring, "save_quiz", vanished)
    client.force_login(instructor)
    response = client.post(reverse("quizzes:create", args=[classroom.pk]), form_data(deck))
    assert response.status_code == 422
    assert "Nothing was saved: check the form and save again." in errors_in(response.content.decode())


def test_items_given_the_same_position_keep_the_lists_order_between_them(client, instructor, classroom, deck):
    first, second, third = items_of(deck)
    client.force_login(instructor)
    positions = {f"position_{first.pk}": "2", f"position_{second.pk}": "1", f"position_{third.pk}": "1"}
    data = form_data(deck, selection=Selection.FIXED, items=[first.pk, second.pk, third.pk], **positions)
    assert client.post(reverse("quizzes:create", args=[classroom.pk]), data).status_code == 302
    assert list(QuizItem.objects.values_list("item_id", flat=True)) == [second.pk, third.pk, first.pk]
