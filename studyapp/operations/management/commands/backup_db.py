"""`make backup`: the database to backups/<UTC time>.sqlite3 (SQLite) or .dump (PostgreSQL, pg_dump -Fc)."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections

from studyapp.operations.backups import BackupError, backup


class Command(BaseCommand):
    help = "Back the database up to one file in backups/ (SQLite's backup API, or pg_dump -Fc); prints its path."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--directory", type=Path, default=settings.BASE_DIR / "backups")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, directory: Path, database: str, **options) -> None:
        try:
            path = backup(connections[database], directory)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(str(path))
