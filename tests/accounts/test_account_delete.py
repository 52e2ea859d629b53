"""Deleting an account: the learner's data goes; what they authored passes to an admin or goes, as they choose."""

from __future__ import annotations

from datetime import timedelta
from html import unescape
from unittest import mock

import pytest
from django.apps import apps as django_apps
from django.contrib.auth import SESSION_KEY
from django.db import models
from django.urls import reverse
from django.utils import timezone

from studyapp.accounts import selectors, services
from studyapp.accounts.models import User
from studyapp.classroom.models import Classroom, Membership
from studyapp.library.models import Deck, Source
from studyapp.quizzes.models import Attempt, AttemptQuestion, Quiz
from studyapp.review.models import ReviewDay, ReviewLog, ReviewState, StudiedDeck, StudySettings
from tests.factories import (
    PASSWORD,
    AttemptFactory,
    ClassroomFactory,
    DeckFactory,
    ItemFactory,
    MembershipFactory,
    QuizFactory,
    ReviewLogFactory,
    ReviewStateFactory,
    StudiedDeckFactory,
    StudySettingsFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return unescape(response.content.decode())


def delete_own_account(client, user: User, **data):
    client.force_login(user)
    return client.post(reverse("account_delete"), {"password": PASSWORD} | data)


def studies(learner: User, deck: Deck) -> None:
    """The learner studies the deck: a schedule and a review of its one item, and their settings."""
    item = deck.items.first() or ItemFactory(deck=deck)
    StudiedDeckFactory(learner=learner, deck=deck)
    ReviewStateFactory(learner=learner, item=item)
    ReviewLogFactory(learner=learner, item=item)


def asked_in_quiz(learner: User, quiz: Quiz, deck: Deck) -> Attempt:
    attempt = AttemptFactory(quiz=quiz, learner=learner)
    AttemptQuestion.objects.create(attempt=attempt, item=deck.items.first() or ItemFactory(deck=deck), position=1)
    return attempt


@pytest.fixture
def author_world(instructor, student_b, other_instructor):
    """The instructor's deck (studied by student B), class (B a member) and quiz (B attempted it); a class of
    another instructor that the instructor co-teaches."""
    deck = DeckFactory(owner=instructor)
    studies(student_b, deck)
    classroom = ClassroomFactory(created_by=instructor)
    MembershipFactory(classroom=classroom, student=student_b)
    quiz = QuizFactory(classroom=classroom, decks=[deck])
    asked_in_quiz(student_b, quiz, deck)
    co_taught = ClassroomFactory(created_by=other_instructor, instructors=[instructor])
    return {"deck": deck, "classroom": classroom, "quiz": quiz, "co_taught": co_taught}


def test_deleting_a_learners_account_removes_their_reviews_states_settings_and_attempts(client, student_a):
    deck = DeckFactory()
    studies(student_a, deck)
    StudySettingsFactory(learner=student_a)
    classroom = ClassroomFactory()
    MembershipFactory(classroom=classroom, student=student_a)
    asked_in_quiz(student_a, QuizFactory(classroom=classroom, decks=[deck]), deck)
    practice = QuizFactory(classroom=None, owner=student_a, decks=[deck])
    asked_in_quiz(student_a, practice, deck)

    response = delete_own_account(client, student_a)

    assert response.status_code == 302
    assert not User.objects.filter(username="student_a").exists()
    for model in (ReviewLog, ReviewState, ReviewDay, StudiedDeck, StudySettings, Membership, Attempt):
        assert not model.objects.filter(**{"student" if model is Membership else "learner": student_a.pk}).exists()
    assert not Quiz.objects.filter(pk=practice.pk).exists()
    assert Deck.objects.filter(pk=deck.pk).exists()  # someone else's deck stays
    assert Classroom.objects.filter(pk=classroom.pk).exists()


def test_after_deleting_their_account_the_user_is_logged_out_and_told_on_the_home_page(client, student_a):
    response = delete_own_account(client, student_a)

    assert response["Location"] == reverse("library:home")
    assert SESSION_KEY not in client.session
    home = client.get(response["Location"])
    assert "The account student_a and its data are deleted. Goodbye." in text(home)


def test_a_wrong_password_is_refused_with_422_and_nothing_is_deleted(client, student_a):
    studies(student_a, DeckFactory())

    response = delete_own_account(client, student_a, password="not-my-password")

    assert response.status_code == 422
    assert "That isn't your password." in text(response)
    assert User.objects.filter(pk=student_a.pk).exists()
    assert ReviewLog.objects.filter(learner=student_a).count() == 1
    assert client.session[SESSION_KEY] == str(student_a.pk)


def test_the_last_superuser_is_refused_and_nothing_is_deleted(client, admin_user):
    shown = delete_own_account(client, admin_user)
    client.force_login(admin_user)
    page = client.get(reverse("account_delete"))

    assert shown.status_code == page.status_code == 409
    assert "You are the only admin" in text(page)
    assert 'name="password"' not in text(page)
    assert User.objects.filter(pk=admin_user.pk).exists()


def test_a_superuser_may_leave_when_another_active_one_remains(client, admin_user):
    UserFactory(username="second_admin", is_staff=True, is_superuser=True)

    response = delete_own_account(client, admin_user)

    assert response.status_code == 302
    assert not User.objects.filter(pk=admin_user.pk).exists()


def test_an_inactive_superuser_does_not_count_as_another_admin(client, admin_user):
    UserFactory(username="retired_admin", is_superuser=True, is_active=False)

    response = delete_own_account(client, admin_user)

    assert response.status_code == 409
    assert User.objects.filter(pk=admin_user.pk).exists()


def test_the_heir_is_the_earliest_joined_active_superuser(instructor):
    now = timezone.now()
    UserFactory(username="newest", is_superuser=True, date_joined=now)
    UserFactory(username="oldest_inactive", is_superuser=True, is_active=False, date_joined=now - timedelta(days=9))
    earliest = UserFactory(username="earliest", is_superuser=True, date_joined=now - timedelta(days=5))

    assert selectors.heir_admin(instructor) == earliest


def test_an_author_may_pass_decks_classes_and_quizzes_to_the_admin_and_learners_keep_their_progress(
    client, instructor, student_b, admin_user, author_world
):
    source = author_world["deck"].source
    source.created_by = instructor
    source.save()

    response = delete_own_account(client, instructor, decks="transfer")

    assert response.status_code == 302
    assert Deck.objects.get(pk=author_world["deck"].pk).owner == admin_user
    assert Classroom.objects.get(pk=author_world["classroom"].pk).created_by == admin_user
    assert Quiz.objects.get(pk=author_world["quiz"].pk).owner == admin_user
    assert Source.objects.get(pk=source.pk).created_by == admin_user
    assert ReviewState.objects.filter(learner=student_b, deck=author_world["deck"]).exists()
    assert Attempt.objects.filter(learner=student_b, quiz=author_world["quiz"]).exists()
    assert Membership.objects.filter(student=student_b, classroom=author_world["classroom"]).exists()


def test_an_author_may_delete_decks_classes_and_quizzes_with_what_hangs_on_them(
    client, instructor, student_b, admin_user, author_world
):
    source = author_world["deck"].source
    source.created_by = instructor
    source.save()

    response = delete_own_account(client, instructor, decks="delete")

    assert response.status_code == 302
    assert not Deck.objects.filter(pk=author_world["deck"].pk).exists()
    assert not Classroom.objects.filter(pk=author_world["classroom"].pk).exists()
    assert not Quiz.objects.filter(pk=author_world["quiz"].pk).exists()
    assert not Source.objects.filter(pk=source.pk).exists()  # nothing else used it
    assert not ReviewState.objects.filter(learner=student_b).exists()
    assert not Attempt.objects.filter(learner=student_b).exists()
    assert User.objects.filter(pk=student_b.pk).exists()


def test_a_class_the_leaving_instructor_taught_alone_gets_the_admin_as_instructor(
    client, instructor, other_instructor, admin_user
):
    taught_alone = ClassroomFactory(created_by=other_instructor)
    taught_alone.instructors.set([instructor])
    shared = ClassroomFactory(created_by=other_instructor, instructors=[instructor])

    delete_own_account(client, instructor)

    assert set(taught_alone.instructors.all()) == {admin_user}
    assert set(shared.instructors.all()) == {other_instructor}


def test_deleting_keeps_a_deck_that_other_quizzes_results_asked_from_and_passes_it_to_the_admin(
    client, instructor, other_instructor, student_b, admin_user
):
    deck = DeckFactory(owner=instructor)
    others_quiz = QuizFactory(classroom=ClassroomFactory(created_by=other_instructor), decks=[deck])
    attempt = asked_in_quiz(student_b, others_quiz, deck)
    client.force_login(instructor)
    page = client.get(reverse("account_delete"))
    assert "1 of your decks is in the results of quizzes you didn't make" in text(page)

    response = delete_own_account(client, instructor, decks="delete")

    assert response.status_code == 302
    assert Deck.objects.get(pk=deck.pk).owner == admin_user
    assert AttemptQuestion.objects.filter(attempt=attempt).count() == 1


def test_without_an_admin_deleting_is_the_only_choice_and_it_works_even_where_others_were_quizzed(
    client, instructor, other_instructor, student_b
):
    deck = DeckFactory(owner=instructor)
    others_quiz = QuizFactory(classroom=ClassroomFactory(created_by=other_instructor), decks=[deck])
    attempt = asked_in_quiz(student_b, others_quiz, deck)
    client.force_login(instructor)
    page = text(client.get(reverse("account_delete")))
    assert 'name="decks"' not in page
    assert "There is no admin to pass them to" in page

    response = delete_own_account(client, instructor, decks="transfer")  # no such choice: ignored

    assert response.status_code == 302
    assert not Deck.objects.filter(pk=deck.pk).exists()
    assert not Attempt.objects.filter(pk=attempt.pk).exists()
    assert Quiz.objects.filter(pk=others_quiz.pk).exists()


def test_an_author_must_choose_what_becomes_of_their_work_when_there_is_an_admin(
    client, instructor, admin_user, author_world
):
    response = delete_own_account(client, instructor)

    assert response.status_code == 422
    assert "This field is required." in text(response)
    assert User.objects.filter(pk=instructor.pk).exists()


def test_a_co_owned_deck_stays_with_its_owner(client, instructor, other_instructor):
    deck = DeckFactory(owner=other_instructor)
    deck.co_owners.add(instructor)

    delete_own_account(client, instructor)

    assert Deck.objects.get(pk=deck.pk).owner == other_instructor
    assert not deck.co_owners.exists()


def test_the_admin_inheriting_a_deck_they_co_own_becomes_its_owner_only(instructor, admin_user):
    deck = DeckFactory(owner=instructor)
    deck.co_owners.add(admin_user)

    services.delete_account(instructor, decks=services.DeckFate.TRANSFER)

    assert Deck.objects.get(pk=deck.pk).owner == admin_user
    assert not deck.co_owners.exists()


def test_passing_work_on_is_refused_when_there_is_no_admin(instructor):
    DeckFactory(owner=instructor)

    with pytest.raises(services.AccountDeletionRefused):
        services.delete_account(instructor, decks=services.DeckFate.TRANSFER)

    assert User.objects.filter(pk=instructor.pk).exists()


def test_the_confirmation_page_says_what_goes(client, instructor, admin_user, author_world, django_assert_num_queries):
    client.force_login(instructor)
    client.get(reverse("account_delete"))

    # The user (the session is cached; not a superuser, so no check for the last one); nine for the summary
    # (the quiz ids, then counts of reviews, schedules, attempts, decks, their learners, classes, others'
    # attempts, decks in others' results); the heir.
    with django_assert_num_queries(11):
        page = text(client.get(reverse("account_delete")))

    assert "<li>1 deck, studied by 1 other learner</li>" in page
    assert "<li>1 class</li>" in page
    assert "<li>1 class quiz, with 1 attempt by students</li>" in page
    assert "Pass them to an admin of the site" in page


def test_a_deletion_that_fails_half_way_leaves_everything_as_it_was(instructor, admin_user, author_world):
    with (
        mock.patch.object(User, "delete", side_effect=RuntimeError("the database went away")),
        pytest.raises(RuntimeError),
    ):
        services.delete_account(instructor, decks=services.DeckFate.TRANSFER)

    assert Deck.objects.get(pk=author_world["deck"].pk).owner == instructor
    assert Classroom.objects.get(pk=author_world["classroom"].pk).created_by == instructor


# Deleting a user must never stop half-way on a PROTECT: each reference to a user either goes with them, empties,
# or is one that delete_account hands on or deletes first.
REFERENCES_HANDLED_BY_DELETE_ACCOUNT = {"library.Deck.owner", "classroom.Classroom.created_by", "quizzes.Quiz.owner"}


def test_every_reference_to_a_user_cascades_empties_or_is_handled_by_delete_account():
    unhandled = []
    for model in django_apps.get_models():
        for field in model._meta.get_fields():
            if not (field.concrete and field.is_relation and field.related_model is User and field.remote_field):
                continue
            if field.many_to_many or field.remote_field.on_delete in (models.CASCADE, models.SET_NULL):
                continue
            name = f"{model._meta.app_label}.{model.__name__}.{field.name}"
            if name not in REFERENCES_HANDLED_BY_DELETE_ACCOUNT:
                unhandled.append(name)

    assert unhandled == []


@pytest.mark.usefixtures("shared_demo_deck")
class TestDeletingTheDemoCast:
    """The demo world: a deck with a source, a class with a quiz, students who study and were quizzed."""

    @staticmethod
    def delete(client, username: str, **data):
        password = next(account.password for account in services.DEMO_ACCOUNTS if account.username == username)
        return delete_own_account(client, User.objects.get(username=username), password=password, **data)

    @pytest.mark.parametrize("username", ["ada", "ben"])
    def test_a_demo_student_can_be_deleted(self, client, username):
        response = self.delete(client, username)

        assert response.status_code == 302
        assert not User.objects.filter(username=username).exists()

    @pytest.mark.parametrize("fate", ["transfer", "delete"])
    def test_the_demo_instructor_can_be_deleted_either_way(self, client, fate):
        irene = User.objects.get(username="irene")
        admin = User.objects.get(username="admin")
        decks = list(Deck.objects.filter(owner=irene).values_list("pk", flat=True))
        assert decks

        response = self.delete(client, "irene", decks=fate)

        assert response.status_code == 302
        remaining = Deck.objects.filter(pk__in=decks)
        assert list(remaining.values_list("owner", flat=True).distinct()) == ([admin.pk] if fate == "transfer" else [])

    def test_the_demo_admin_is_the_last_superuser_and_stays(self, client):
        response = self.delete(client, "admin")

        assert response.status_code == 409
