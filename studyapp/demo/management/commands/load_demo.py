from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from studyapp.accounts.models import User
from studyapp.accounts.services import DEMO_ACCOUNTS, DEMO_HISTORY_STUDENT, DEMO_INSTRUCTOR, ensure_demo_accounts
from studyapp.demo.classroom import load_demo_class
from studyapp.demo.history import simulate_history
from studyapp.library.files import read_deck_file
from studyapp.library.models import Deck
from studyapp.library.services import DeckImportError, import_deck

DEMO_DECK_FILE = Path(settings.BASE_DIR) / "fixtures" / "left-opposition-1927.json"
DEMO_DECK_SLUG = "left-opposition-1927"
DEMO_HISTORY_DAYS = 60
DEMO_CLASS_STUDENTS = ("ada", "ben")


class Command(BaseCommand):
    # The demo accounts' passwords are published: they are made only when DEBUG was turned on explicitly
    # (it is off unless set; `make run` and the tests set it).
    help = (
        "Load the demo deck and, only when DEBUG is on (set explicitly, as `make run` does), the demo accounts. "
        "Idempotent: what already exists is left alone."
    )

    def add_arguments(self, parser):
        parser.add_argument("--owner", help="Owner of the demo deck when DEBUG is off (no demo accounts then).")
        parser.add_argument("--quiet-logins", action="store_true", help="Don't print the demo logins.")
        parser.add_argument(
            "--skip-history",
            action="store_true",
            help="Don't simulate history: the demo student's reviews, the demo quiz's attempts by generated students.",
        )

    def handle(self, *args, owner: str | None, quiet_logins: bool, skip_history: bool, **options):
        if settings.DEBUG:
            for account, created in ensure_demo_accounts():
                self.stdout.write(f"{'Created' if created else 'Kept'} demo account {account.username}.")
            owner = owner or DEMO_INSTRUCTOR
        elif not owner:
            raise CommandError(
                "DEBUG is off, so no demo accounts are made (they need DEBUG=True): "
                "pass --owner USERNAME for the demo deck."
            )

        deck_owner = User.objects.filter(username=owner).first()
        if deck_owner is None:
            raise CommandError(f"No user named “{owner}”.")

        deck = Deck.objects.filter(slug=DEMO_DECK_SLUG).first()
        if deck is not None:
            self.stdout.write(f"The demo deck “{DEMO_DECK_SLUG}” is already loaded.")
        else:
            try:
                deck = import_deck(read_deck_file(DEMO_DECK_FILE), owner=deck_owner)
            except DeckImportError as error:
                raise CommandError("The demo deck is invalid:\n" + "\n".join(error.errors)) from None
            self.stdout.write(f"Loaded the demo deck “{deck}” with {deck.items.count()} items.")

        student = User.objects.filter(username=DEMO_HISTORY_STUDENT).first() if settings.DEBUG else None
        if student is not None and not skip_history:
            history = simulate_history(learner=student, deck=deck, days=DEMO_HISTORY_DAYS, until=timezone.now())
            if history.reviews:
                self.stdout.write(
                    f"Gave {student} {history.reviews} reviews on {history.days_studied} of the last "
                    f"{DEMO_HISTORY_DAYS} days."
                )
            else:
                self.stdout.write(f"{student} already has review history on the demo deck.")

        if settings.DEBUG:
            self._load_demo_class(deck, with_attempts=not skip_history)

        if settings.DEBUG and not quiet_logins:
            self.stdout.write("\nDemo logins (local use only):")
            for account in DEMO_ACCOUNTS:
                self.stdout.write(f"  {account.role:<12} {account.username:<8} password: {account.password}")

    def _load_demo_class(self, deck: Deck, *, with_attempts: bool) -> None:
        """The demo class (the demo instructor teaching, the demo students enrolled) and its quiz with attempts."""
        instructor = User.objects.filter(username=DEMO_INSTRUCTOR).first()
        if instructor is None:
            return
        students = list(User.objects.filter(username__in=DEMO_CLASS_STUDENTS).order_by("username"))
        demo = load_demo_class(
            instructor=instructor, students=students, deck=deck, now=timezone.now(), with_attempts=with_attempts
        )
        if demo.created:
            self.stdout.write(f"Made the class “{demo.classroom}” taught by {instructor}, and its quiz “{demo.quiz}”.")
        else:
            self.stdout.write(f"The demo class “{demo.classroom}” is already there.")
        if demo.attempts:
            self.stdout.write(f"Generated students made {demo.attempts} finished attempts at the demo quiz.")
        self.stdout.write(
            f"The demo quiz “{demo.quiz}” is quiz {demo.quiz.pk}: "
            f"python manage.py quiz_report {demo.quiz.pk} --format json"
        )
