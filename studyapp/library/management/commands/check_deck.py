from __future__ import annotations

import sys

from django.core.management.base import BaseCommand, CommandError

from studyapp.library.checker import check_deck
from studyapp.library.models import Deck


class Command(BaseCommand):
    help = "List what the deck checker finds in a deck; exit 1 when it finds anything, 0 when the deck is clean."

    def add_arguments(self, parser):
        parser.add_argument("slug")

    def handle(self, *args, slug: str, **options):
        try:
            deck = Deck.objects.select_related("source").get(slug=slug)
        except Deck.DoesNotExist:
            raise CommandError(f"No deck with slug “{slug}”.") from None
        report = check_deck(deck)
        if report.clean:
            self.stdout.write(f"“{deck}” is clean: the checker found nothing.")
            return
        for kind, findings in report.grouped():
            self.stdout.write(f"\n{kind.label} ({len(findings)})")
            for finding in findings:
                self.stdout.write(f"- {finding.message}")
                for line in finding.evidence:
                    self.stdout.write(f"    {line}")
        self.stdout.write(f"\n{len(report.findings)} finding{'s' if len(report.findings) != 1 else ''} in “{deck}”.")
        # A clean deck exits 0 and any finding 1, so scripts and CI can gate on the checker.
        sys.exit(1)
