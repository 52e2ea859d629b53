"""Writes for accounts: sign-up, the demo cast, changing the email address, and deleting an account."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import Group
from django.core import signing
from django.core.mail import send_mail
from django.db import IntegrityError, models, transaction
from django.db.models import Count
from django.template.loader import render_to_string
from django.utils.crypto import constant_time_compare, salted_hmac

from studyapp.accounts import selectors
from studyapp.accounts.models import User
from studyapp.accounts.roles import INSTRUCTORS, STUDENTS
from studyapp.classroom.models import Classroom
from studyapp.library.models import Deck, Source
from studyapp.quizzes.models import Attempt, Quiz


@dataclass(frozen=True)
class DemoAccount:
    username: str
    password: str
    role: str
    first_name: str


# Local-development logins, printed by `make run`. Never created when DEBUG is off.
DEMO_ACCOUNTS = (
    DemoAccount("ada", "ada-studies-1927", STUDENTS, "Ada"),
    DemoAccount("ben", "ben-studies-1927", STUDENTS, "Ben"),
    DemoAccount("irene", "irene-teaches-1927", INSTRUCTORS, "Irene"),
    DemoAccount("admin", "admin-manages-1927", "Admin", "Admin"),
)
DEMO_INSTRUCTOR = "irene"
# The student who gets about 60 days of simulated review history.
DEMO_HISTORY_STUDENT = "ada"


@transaction.atomic
def sign_up_student(*, username: str, password: str, email: str = "") -> User:
    """Create a student account (the password is validated by the form before this)."""
    user = User.objects.create_user(username=username, password=password, email=email)
    user.groups.add(Group.objects.get(name=STUDENTS))
    return user


@transaction.atomic
def ensure_demo_accounts() -> list[tuple[DemoAccount, bool]]:
    """Create each demo account that is absent; existing accounts are left exactly as they are."""
    results = []
    for account in DEMO_ACCOUNTS:
        if User.objects.filter(username=account.username).exists():
            results.append((account, False))
            continue
        if account.role == "Admin":
            user = User.objects.create_superuser(username=account.username, password=account.password, email="")
        else:
            user = User.objects.create_user(username=account.username, password=account.password)
            user.groups.add(Group.objects.get(name=account.role))
        user.first_name = account.first_name
        user.save(update_fields=["first_name"])
        results.append((account, True))
    return results


# --- Changing the email address -------------------------------------------------------------------------

_EMAIL_CHANGE_SALT = "studyapp.accounts.email_change"
ADDRESS_TAKEN_MESSAGE = "Another account now uses this address, so it can't be yours too."


class EmailChangeRefused(Exception):
    """A confirmation link that can't be used, with what to tell the person and the HTTP status to say it with."""

    def __init__(self, message: str, *, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


def _account_state(user: User) -> str:
    # Changes when the address or the password does: a link mailed before either is out of date.
    return salted_hmac(_EMAIL_CHANGE_SALT, f"{user.pk}|{user.email}|{user.password}").hexdigest()[:20]


def _email_taken(email: str, *, by_other_than: User) -> bool:
    return User.objects.filter(email__iexact=email).exclude(pk=by_other_than.pk).exists()


def _mail(template: str, context: dict, to: str) -> None:
    subject = " ".join(render_to_string(f"accounts/emails/{template}_subject.txt", context).split())
    body = render_to_string(f"accounts/emails/{template}.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [to])


def request_email_change(*, user: User, new_email: str, link_for: Callable[[str], str]) -> None:
    """Mail the new address a signed, time-limited link that makes it the account's address when its owner opens it.

    If another account already uses the address, that address is told so instead of getting a link; the person
    asking sees the same page either way, so the form doesn't reveal who has an account.
    """
    context = {"user": user, "new_email": new_email, "hours": settings.EMAIL_CHANGE_TIMEOUT // 3600}
    if _email_taken(new_email, by_other_than=user):
        _mail("email_change_taken", context, new_email)
        return
    _mail("email_change_link", context | {"link": link_for(email_change_token(user, new_email))}, new_email)


def email_change_token(user: User, new_email: str) -> str:
    """Signed and timestamped: who asked, for which address, and the account as it was (see `_account_state`)."""
    return signing.dumps({"user": user.pk, "email": new_email, "state": _account_state(user)}, salt=_EMAIL_CHANGE_SALT)


def read_email_change(token: str, *, user: User) -> str:
    """The new address a confirmation link carries, if this user may use it now; else EmailChangeRefused."""
    try:
        data = signing.loads(token, salt=_EMAIL_CHANGE_SALT, max_age=settings.EMAIL_CHANGE_TIMEOUT)
    except signing.SignatureExpired:
        raise EmailChangeRefused("This link has expired. Ask for a new one on your account page.", status=410) from None
    except signing.BadSignature:
        raise EmailChangeRefused(
            "This isn't a valid confirmation link. Copy the whole link from the email, or ask for a new one."
        ) from None
    if data.get("user") != user.pk:
        raise EmailChangeRefused(
            "This link confirms an address for another account. Log in as that account to use it.", status=403
        )
    if not constant_time_compare(str(data.get("state", "")), _account_state(user)):
        raise EmailChangeRefused(
            "This link is out of date: your email address or password has changed since it was sent. "
            "Ask for a new one on your account page."
        )
    new_email = data["email"]
    if _email_taken(new_email, by_other_than=user):
        raise EmailChangeRefused(ADDRESS_TAKEN_MESSAGE, status=409)
    return new_email


@transaction.atomic
def confirm_email_change(*, user: User, token: str) -> str:
    """Make the link's address the user's (see `read_email_change`); the old address, if any, is told."""
    new_email = read_email_change(token, user=user)
    old_email = user.email
    user.email = new_email
    try:
        with transaction.atomic():
            user.save(update_fields=["email"])
    except IntegrityError:  # taken between the check and the save: the constraint is the backstop
        raise EmailChangeRefused(ADDRESS_TAKEN_MESSAGE, status=409) from None
    if old_email:
        _mail("email_changed_notice", {"user": user, "old_email": old_email, "new_email": new_email}, old_email)
    return old_email


# --- Deleting an account --------------------------------------------------------------------------------


class DeckFate(models.TextChoices):
    """What happens to the decks, classes and quizzes a leaving author made."""

    TRANSFER = "transfer", "Pass them to an admin, so those who use them keep them"
    DELETE = "delete", "Delete them"


class AccountDeletionRefused(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


LAST_SUPERUSER_MESSAGE = (
    "You are the only admin: deleting your account would leave nobody to run the site. "
    "Make another user a superuser first."
)


@transaction.atomic
def delete_account(user: User, *, decks: str) -> None:
    """Delete the account with everything of the learner's (reviews, schedules, settings, classes joined, quiz
    attempts, practice tests); the decks, classes and quizzes they made pass to an admin or go, as `decks` says.

    Everything that refers to the user is handled here or cascades, so no PROTECT stops the delete half-way.
    """
    # Lock the superusers so two admins can't each delete themselves believing the other stays.
    list(User.objects.select_for_update().filter(is_superuser=True, is_active=True).values_list("pk", flat=True))
    if selectors.is_last_superuser(user):
        raise AccountDeletionRefused(LAST_SUPERUSER_MESSAGE)
    heir = selectors.heir_admin(user)
    if decks == DeckFate.TRANSFER:
        if heir is None:
            raise AccountDeletionRefused("There is no admin to pass your decks to; they can only be deleted.")
        _pass_authored_work(user, heir)
    elif decks == DeckFate.DELETE:
        _delete_authored_work(user, heir)
    else:
        raise ValueError(f"Unknown fate for the decks: {decks!r}")
    # The user's own quiz attempts go before the user so that none of their questions holds on to an item
    # being deleted with its deck below; practice tests are theirs alone.
    Attempt.objects.filter(learner=user).delete()
    Quiz.objects.filter(owner=user, classroom__isnull=True).delete()
    _keep_classes_taught(user, heir)
    user.delete()


def _pass_authored_work(user: User, heir: User) -> None:
    Deck.co_owners.through.objects.filter(deck__owner=user, user=heir).delete()  # the owner, not also co-owner
    Deck.objects.filter(owner=user).update(owner=heir)
    Source.objects.filter(created_by=user).update(created_by=heir)
    Classroom.objects.filter(created_by=user).update(created_by=heir)
    selectors.quizzes_authored_by(user).filter(owner=user).update(owner=heir)


def _delete_authored_work(user: User, heir: User | None) -> None:
    quiz_ids = list(selectors.quizzes_authored_by(user).values_list("pk", flat=True))
    kept_results = selectors.others_results_on_decks_of(user, quiz_ids=quiz_ids)
    if heir is not None:
        # Items other people were asked in quizzes that stay can't vanish from their results: those decks
        # pass to the admin instead.
        needed = Deck.objects.filter(pk__in=kept_results.values("item__deck_id"))
        Deck.co_owners.through.objects.filter(deck__in=needed, user=heir).delete()
        needed.update(owner=heir)
    else:
        # Nobody to keep them: the attempts that asked their items go with them.
        Attempt.objects.filter(pk__in=kept_results.values("attempt_id")).delete()
    Quiz.objects.filter(pk__in=quiz_ids).delete()
    Classroom.objects.filter(created_by=user).delete()
    Deck.objects.filter(owner=user).delete()
    # Sources nothing uses any more go; those another deck or item still draws on stay (created_by empties).
    Source.objects.filter(created_by=user, decks__isnull=True).exclude(passages__items__isnull=False).delete()


def _keep_classes_taught(user: User, heir: User | None) -> None:
    """A class this user taught alone gets the admin (or, without one, its creator) as instructor."""
    # Counted before filtering by this user: filtering first would count only their own row.
    alone = (
        Classroom.objects.annotate(teachers=Count("instructors"))
        .filter(instructors=user, teachers=1)
        .select_related("created_by")
    )
    for classroom in alone:
        successor = heir or classroom.created_by
        if successor.pk != user.pk:
            classroom.instructors.add(successor)
