from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from studyapp.library.files import DeckFileError, read_deck_file
from studyapp.library.services import DeckImportError, import_deck


class Command(BaseCommand):
    help = "Import a studyapp-deck JSON file. All or nothing: on any error nothing is saved."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--owner", help="Username of the deck's owner (default: the first superuser).")

    def handle(self, *args, file: str, owner: str | None, **options):
        user_model = get_user_model()
        if owner:
            deck_owner = user_model.objects.filter(username=owner).first()
            if deck_owner is None:
                raise CommandError(f"No user named “{owner}”.")
        else:
            deck_owner = user_model.objects.filter(is_superuser=True).order_by("pk").first()
            if deck_owner is None:
                raise CommandError("No owner: pass --owner USERNAME or create a superuser first.")
        try:
            deck = import_deck(read_deck_file(file), owner=deck_owner)
        except (DeckFileError, DeckImportError) as error:
            raise CommandError(f"{file}: nothing was imported.\n" + "\n".join(error.errors)) from None
        self.stdout.write(f"Imported “{deck}” ({deck.items.count()} items), owned by {deck_owner}.")
