"""`make restore FILE=...`: the database's contents replaced by a backup made by backup_db."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections

from studyapp.operations.backups import BackupError, restore


class Command(BaseCommand):
    help = "Replace the database's contents with a backup file made by backup_db (asks first, unless --no-input)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", type=Path, help="a backups/<time>.sqlite3 or .dump file")
        parser.add_argument("--no-input", action="store_false", dest="interactive", help="don't ask to confirm")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, file: Path, interactive: bool, database: str, **options) -> None:
        connection = connections[database]
        if interactive:
            name = connection.settings_dict["NAME"]
            question = f"Replace everything in the database {name} with {file}? Type 'yes' to go on: "
            if input(question).strip() != "yes":
                raise CommandError("Restore cancelled; nothing changed.")
        try:
            restore(connection, file)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Restored {file}.")
