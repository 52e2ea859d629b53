from __future__ import annotations

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from studyapp.library import formats
from studyapp.library.formats import FormatError
from studyapp.library.transfer import ImportRefused, import_parsed


class Command(BaseCommand):
    help = (
        "Import a deck file: CSV or TSV (Anki, Quizlet), Moodle GIFT, or studyapp-deck JSON. "
        "All or nothing: on any problem nothing is saved and the problems are listed by line."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--format", choices=formats.FORMATS, help="Default: guessed from the file's extension.")
        parser.add_argument(
            "--deck", help="Slug of the deck to add the items to (created if absent). Default: a new deck."
        )
        parser.add_argument("--owner", help="Username of a new deck's owner (default: the first superuser).")

    def handle(self, *args, file: str, format: str | None, deck: str | None, owner: str | None, **options):
        user_model = get_user_model()
        if owner:
            deck_owner = user_model.objects.filter(username=owner).first()
            if deck_owner is None:
                raise CommandError(f"No user named “{owner}”.")
        else:
            deck_owner = user_model.objects.filter(is_superuser=True).order_by("pk").first()
            if deck_owner is None:
                raise CommandError("No owner: pass --owner USERNAME or create a superuser first.")
        format = format or formats.guess_format(file)
        if format is None:
            raise CommandError(f"{file}: can't tell the format from the name; pass --format csv, tsv, gift or json.")
        path = Path(file)
        try:
            formats.base.check_size(path.stat().st_size)
            parsed = formats.parse(path.read_bytes(), format)
            result = import_parsed(parsed, owner=deck_owner, slug=deck, filename=path.name)
        except OSError as error:
            raise CommandError(f"Can't read the file: {error.strerror}.") from None
        except (FormatError, ImportRefused) as error:
            raise CommandError(f"{file}: nothing was imported.\n" + "\n".join(error.errors)) from None
        for warning in parsed.warnings:
            self.stderr.write(f"{file}: {warning}")
        count = len(parsed.rows)
        self.stdout.write(f"Imported “{result}” ({count} items), owned by {result.owner}.")
