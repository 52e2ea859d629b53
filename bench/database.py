"""The benchmark's own database: a temporary SQLite file, or `<name>_bench` on the PostgreSQL server of DATABASE_URL."""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit


@dataclass(frozen=True)
class BenchDatabase:
    vendor: str  # "sqlite" or "postgresql"
    url: str  # what DATABASE_URL is for the bench settings
    label: str  # for the report (no password)
    path: Path | None = None  # SQLite file
    name: str | None = None  # PostgreSQL database
    server: dict | None = None  # PostgreSQL connection keywords, without dbname


def create() -> BenchDatabase:
    given = os.environ.get("DATABASE_URL", "").strip()
    if not given:
        fd, name = tempfile.mkstemp(prefix="studyapp-bench-", suffix=".sqlite3", dir="/tmp")
        os.close(fd)
        path = Path(name)
        return BenchDatabase("sqlite", f"sqlite:///{path}", str(path), path=path)
    parts = urlsplit(given)
    if parts.scheme.startswith("sqlite"):
        raise SystemExit("DATABASE_URL names SQLite: unset it to benchmark SQLite on a temporary file.")
    if not parts.scheme.startswith(("postgres", "pgsql")):
        raise SystemExit(f"The benchmark runs on SQLite or PostgreSQL, not {parts.scheme}.")
    import environ
    import psycopg
    from psycopg import sql

    config = environ.Env.db_url_config(given)
    name = f"{config['NAME']}_bench"
    server = {
        "host": config.get("HOST") or None,
        "port": config.get("PORT") or None,
        "user": config.get("USER") or None,
        "password": config.get("PASSWORD") or None,
    }
    server = {key: value for key, value in server.items() if value}
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    url = parts._replace(path=f"/{name}").geturl()
    label = f"{parts.scheme}://{server.get('host', '')}:{server.get('port', '')}/{name}"
    return BenchDatabase("postgresql", url, label, name=name, server=server)


def drop(database: BenchDatabase) -> None:
    if database.vendor == "sqlite":
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{database.path}{suffix}").unlink(missing_ok=True)
        return
    import psycopg
    from psycopg import sql

    with psycopg.connect(dbname="postgres", autocommit=True, **database.server) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(database.name)))
