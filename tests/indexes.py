"""What the database says a table is indexed by (unique constraints included, primary key left out)."""

from __future__ import annotations

from django.db import connection


def index_columns(model) -> list[tuple[str, ...]]:
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, model._meta.db_table)
    indexed = (c for c in constraints.values() if (c["index"] or c["unique"]) and not c["primary_key"])
    return sorted({tuple(c["columns"]) for c in indexed})
