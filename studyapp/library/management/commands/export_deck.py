from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from studyapp.library.models import Deck
from studyapp.library.selectors import export_deck


class Command(BaseCommand):
    help = "Write a deck, its source and its items as a studyapp-deck JSON file (stdout without -o)."

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("--format", choices=["json"], default="json")
        parser.add_argument("-o", "--output", help="File to write; standard output when absent.")

    def handle(self, *args, slug: str, output: str | None, **options):
        try:
            deck = Deck.objects.select_related("source").get(slug=slug)
        except Deck.DoesNotExist:
            raise CommandError(f"No deck with slug “{slug}”.") from None
        text = json.dumps(export_deck(deck), ensure_ascii=False, indent=2) + "\n"
        if output:
            with open(output, "w", encoding="utf-8") as file:
                file.write(text)
            self.stderr.write(f"Wrote {deck.items.count()} items of “{deck}” to {output}.")
        else:
            self.stdout.write(text, ending="")
