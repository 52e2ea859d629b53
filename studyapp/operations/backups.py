"""Backing the database up to one file and restoring it, for `make backup` and `make restore FILE=...`.

SQLite: the online backup API (what the sqlite3 shell's `.backup` does), a consistent copy while the app keeps
serving; restored the same way into the live database, in one step, so readers see the old data or the new, never
a mix. PostgreSQL: `pg_dump --format=custom`, restored by `pg_restore --clean --if-exists` in a single
transaction (all or nothing). Both use the connection's own settings (in tests, the test database).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from datetime import UTC, datetime
from pathlib import Path

from django.db.backends.base.base import BaseDatabaseWrapper

SUFFIXES = {"sqlite": ".sqlite3", "postgresql": ".dump"}
# The first bytes of each kind of file, to refuse a backup of the wrong kind before touching the database.
MAGIC = {"sqlite": b"SQLite format 3\x00", "postgresql": b"PGDMP"}


class BackupError(Exception):
    """A backup or restore that could not be done; the message says why, for the operator."""


def backup(connection: BaseDatabaseWrapper, directory: Path, *, now: datetime | None = None) -> Path:
    """Write the database to `directory/<UTC time>.<sqlite3|dump>`, readable by the owner only; its path."""
    suffix = _suffix_for(connection)
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    target = directory / f"{(now or datetime.now(UTC)):%Y-%m-%dT%H%M%SZ}{suffix}"
    if target.exists():
        raise BackupError(f"{target} exists already; try again in a second.")
    # Written beside its final name and renamed when complete: a file named like a backup is a whole one.
    partial = target.with_name(target.name + ".partial")
    partial.touch(mode=0o600)
    try:
        if connection.vendor == "sqlite":
            _sqlite_backup(connection, partial)
        else:
            _run(["pg_dump", "--format=custom", "--file", str(partial)], connection)
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)
    return target


def restore(connection: BaseDatabaseWrapper, source: Path) -> None:
    """Replace the database's contents with those of the backup file `source`."""
    suffix = _suffix_for(connection)
    if not source.is_file():
        raise BackupError(f"No backup file at {source}.")
    with source.open("rb") as file:
        magic = file.read(len(MAGIC[connection.vendor]))
    if source.suffix != suffix or magic != MAGIC[connection.vendor]:
        raise BackupError(f"{source} is not a {connection.vendor} backup (a {suffix} file made by make backup).")
    if connection.vendor == "sqlite":
        _sqlite_restore(connection, source)
    else:
        name = connection.settings_dict["NAME"]
        command = ["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction", "--dbname", name]
        _run([*command, str(source)], connection)
    # Whatever this connection had cached (prepared statements, a transaction's snapshot) predates the restore.
    connection.close()


def _suffix_for(connection: BaseDatabaseWrapper) -> str:
    try:
        return SUFFIXES[connection.vendor]
    except KeyError:
        raise BackupError(f"Backups are made for SQLite and PostgreSQL, not {connection.vendor}.") from None


def _sqlite_backup(connection: BaseDatabaseWrapper, target: Path) -> None:
    connection.ensure_connection()
    destination = sqlite3.connect(target)
    try:
        connection.connection.backup(destination)
        destination.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
    finally:
        destination.close()


def _sqlite_restore(connection: BaseDatabaseWrapper, source: Path) -> None:
    connection.ensure_connection()
    backup_file = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
    try:
        backup_file.backup(connection.connection)  # all pages in one step, under the live database's write lock
    finally:
        backup_file.close()


def _run(command: list[str], connection: BaseDatabaseWrapper) -> None:
    """Run a PostgreSQL client program against the connection's database (password in the environment, not argv)."""
    if shutil.which(command[0]) is None:
        raise BackupError(f"{command[0]} is not installed (Debian: apt-get install postgresql-client).")
    settings = connection.settings_dict
    _args, client_environment = connection.client_class.settings_to_cmd_args_env(settings, [])
    libpq = {"PGHOST": settings["HOST"], "PGPORT": settings["PORT"], "PGUSER": settings["USER"]}
    libpq["PGDATABASE"] = settings["NAME"]
    environment = {**os.environ, **{key: str(value) for key, value in libpq.items() if value}}
    environment.update(client_environment or {})
    result = subprocess.run(command, env=environment, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()}")
