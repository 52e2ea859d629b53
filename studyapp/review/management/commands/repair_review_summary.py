from __future__ import annotations

from django.core.management.base import BaseCommand
from django.db import DEFAULT_DB_ALIAS

from studyapp.review import summary


class Command(BaseCommand):
    help = (
        "Reinstall the triggers that sum the review log into ReviewDay and recompute ReviewDay exactly from "
        "the log, in one transaction. Safe to run at any time; writers to the log wait until it is done."
    )
    # The system check review.E001 sends people here: it must not stop this command from running.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="The database to repair (default: default).")

    def handle(self, *args, database: str, **options):
        result = summary.repair(using=database)
        if result.was_missing:
            self.stdout.write(f"Reinstalled missing triggers: {', '.join(result.was_missing)}.")
        else:
            self.stdout.write(f"All {len(result.reinstalled)} triggers were in place (reinstalled anyway).")
        days = (
            f"{result.days_added} added, {result.days_corrected} corrected, {result.days_removed} removed, "
            f"{result.days_unchanged} already right"
        )
        if result.changed_days:
            self.stdout.write(f"ReviewDay recomputed from the review log: {days}.")
        else:
            self.stdout.write(f"ReviewDay already was the sum of the review log ({days}).")
