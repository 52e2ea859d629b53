"""Submit quiz attempts left open past their deadline plus grace, with what was saved (for a cron or a worker)."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.utils import timezone

from studyapp.quizzes.services import close_overdue_attempts


class Command(BaseCommand):
    help = "Submit every open quiz attempt whose deadline (plus the grace) has passed; prints how many it closed."

    def handle(self, *args, **options) -> None:
        closed = close_overdue_attempts(now=timezone.now())
        self.stdout.write(f"Closed {closed} overdue attempt{'s' if closed != 1 else ''}.")
