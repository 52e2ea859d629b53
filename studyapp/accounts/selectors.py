"""Reads for the account pages: who inherits a leaving author's work, and what deleting an account takes with it."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from studyapp.accounts.models import User
from studyapp.classroom.models import Classroom
from studyapp.library.models import Deck
from studyapp.quizzes.models import Attempt, AttemptQuestion, Quiz
from studyapp.review.models import ReviewLog, ReviewState, StudiedDeck


def heir_admin(user: User) -> User | None:
    """The admin who is passed a leaving author's decks: the earliest-joined active superuser other than them."""
    others = User.objects.filter(is_superuser=True, is_active=True).exclude(pk=user.pk)
    return others.order_by("date_joined", "pk").first()


def is_last_superuser(user: User) -> bool:
    """Deleting this account would leave the site without an active superuser to run it."""
    if not user.is_superuser:
        return False
    return not User.objects.filter(is_superuser=True, is_active=True).exclude(pk=user.pk).exists()


def quizzes_authored_by(user: User):
    """Class quizzes that go or pass on with the author: those they own and those of the classes they created.

    (Their practice tests are their own study and always go with the account.)
    """
    return Quiz.objects.filter(Q(owner=user, classroom__isnull=False) | Q(classroom__created_by=user))


def others_results_on_decks_of(user: User, *, quiz_ids) -> AttemptQuestion:
    """Questions of other people's quiz attempts that asked items of the user's decks and outlive the deletion
    of these quizzes: such an item can't vanish from their results (AttemptQuestion.item is PROTECT)."""
    return (
        AttemptQuestion.objects.filter(item__deck__owner=user)
        .exclude(attempt__learner=user)
        .exclude(attempt__quiz_id__in=quiz_ids)
    )


@dataclass(frozen=True)
class DeletionSummary:
    """What deleting the account takes with it, in figures for the confirmation page."""

    reviews: int
    review_states: int
    attempts: int
    decks: int
    deck_learners: int  # other people studying those decks: their schedules of its items go if the decks do
    classes: int
    quizzes: int
    quiz_attempts_by_others: int  # in those quizzes: they go if the work is deleted
    decks_in_others_results: int  # decks other people's surviving quiz results asked from

    @property
    def has_authored_work(self) -> bool:
        return bool(self.decks or self.classes or self.quizzes)


def deletion_summary(user: User) -> DeletionSummary:
    # Nine COUNT queries; the page is visited once per account, at most.
    quiz_ids = list(quizzes_authored_by(user).values_list("pk", flat=True))
    decks = Deck.objects.filter(owner=user)
    return DeletionSummary(
        reviews=ReviewLog.objects.filter(learner=user).count(),
        review_states=ReviewState.objects.filter(learner=user).count(),
        attempts=Attempt.objects.filter(learner=user).count(),
        decks=decks.count(),
        deck_learners=StudiedDeck.objects.filter(deck__owner=user)
        .exclude(learner=user)
        .values("learner")
        .distinct()
        .count(),
        classes=Classroom.objects.filter(created_by=user).count(),
        quizzes=len(quiz_ids),
        quiz_attempts_by_others=Attempt.objects.filter(quiz_id__in=quiz_ids).exclude(learner=user).count(),
        decks_in_others_results=others_results_on_decks_of(user, quiz_ids=quiz_ids)
        .values("item__deck_id")
        .distinct()
        .count(),
    )
