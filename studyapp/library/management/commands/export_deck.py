from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from studyapp.library.models import Deck
from studyapp.library.transfer import EXPORT_FORMATS, export_file


class Command(BaseCommand):
    help = (
        "Write a deck as a studyapp-deck JSON file, CSV or TSV (Anki, Quizlet), Moodle GIFT or an Anki package "
        "(standard output without -o, except for apkg)."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("--format", choices=EXPORT_FORMATS, default="json")
        parser.add_argument("-o", "--output", help="File to write; standard output when absent.")

    def handle(self, *args, slug: str, format: str, output: str | None, **options):
        try:
            deck = Deck.objects.select_related("source").get(slug=slug)
        except Deck.DoesNotExist:
            raise CommandError(f"No deck with slug “{slug}”.") from None
        if format == "apkg" and not output:
            raise CommandError("An Anki package is a binary file: name it with -o FILE.")
        exported = export_file(deck, format)
        if output:
            try:
                with open(output, "wb") as file:
                    file.write(exported.content)
            except OSError as error:
                raise CommandError(f"Can't write {output}: {error.strerror}.") from None
            self.stderr.write(f"Wrote {deck.items.count()} items of “{deck}” to {output}.")
        else:
            self.stdout.write(exported.content.decode(), ending="")
