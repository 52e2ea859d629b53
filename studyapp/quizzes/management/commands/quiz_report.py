"""`python manage.py quiz_report QUIZ_ID --format json`: a quiz's report as one JSON object; `--list`: the quizzes."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from studyapp.converters import parse_id
from studyapp.quizzes import reports, services
from studyapp.quizzes.models import Quiz

FORMATS = ("json",)


class Command(BaseCommand):
    help = (
        "Print a quiz's report (its attempts and the item analysis, fractions 0–1) as one JSON object, "
        "or with --list the quizzes as ID<TAB>title lines."
    )

    def add_arguments(self, parser):
        parser.add_argument("quiz_id", nargs="?", help="The quiz's id (see --list).")
        parser.add_argument("--format", default="json", help="Output format: json (the only one so far).")
        parser.add_argument(
            "--list", action="store_true", dest="list_quizzes", help="List the quizzes, one ID<TAB>title line each."
        )

    def handle(self, *args, quiz_id: str | None, format: str, list_quizzes: bool, **options):
        if list_quizzes:
            if quiz_id is not None:
                raise CommandError("Give either --list or a quiz id, not both.")
            for pk, title in Quiz.objects.order_by("pk").values_list("pk", "title"):
                # One line each, whatever the title holds: a tab or line break in it would split the line.
                self.stdout.write(f"{pk}\t{' '.join(title.split())}")
            return
        if format not in FORMATS:
            raise CommandError(f"Unknown format “{format}”: the only format is json.")
        if quiz_id is None:
            raise CommandError("Give a quiz id (python manage.py quiz_report --list shows them).")
        # parse_id, not int(): int() takes " 7", "+7" and "٧", and a number of 30 digits overflows the database.
        pk = parse_id(quiz_id)
        if pk is None:
            raise CommandError(f"“{quiz_id}” is not a quiz id: ids are whole numbers.")
        quiz = Quiz.objects.filter(pk=pk).first()
        if quiz is None:
            raise CommandError(f"No quiz with id {pk} (python manage.py quiz_report --list shows them).")
        # As on the report page: attempts whose time ran out count as submitted.
        services.close_overdue_attempts(now=timezone.now(), quiz=quiz)
        self.stdout.write(json.dumps(reports.report_json(quiz), ensure_ascii=False))
