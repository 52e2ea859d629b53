"""Model instances from the rows of the study session's hand-written SQL, converted as the ORM converts them.

The hot path reads its rows with a cursor (see selectors and services): building instances here cost a
tenth of what a RawQuerySet or a queryset spends on compiling and mapping columns for one row.
"""

from __future__ import annotations

import functools

from django.db import connection
from django.db.models.expressions import Col


def columns(model, alias: str) -> str:
    """The model's columns, in the order `instance` takes them, of the table named `alias` in the query."""
    return ", ".join(f"{alias}.{connection.ops.quote_name(field.column)}" for field in model._meta.concrete_fields)


def instance(model, values):
    """One model instance from its columns' raw values (see `columns`); None if the primary key is NULL
    (a LEFT JOIN that found nothing)."""
    if values[0] is None:
        return None
    converted = list(values)
    for index, converters, column in _conversions(model):
        for converter in converters:
            converted[index] = converter(converted[index], column, connection)
    return model.from_db(connection.alias, _attnames(model), converted)


@functools.cache
def _attnames(model) -> list[str]:
    return [field.attname for field in model._meta.concrete_fields]


@functools.cache
def _conversions(model) -> list[tuple[int, list, Col]]:
    """Per column of the model that needs it: the database's and the field's converters (datetimes, JSON,
    decimals, booleans), with the column expression they are given."""
    conversions = []
    for index, field in enumerate(model._meta.concrete_fields):
        column = field.get_col(model._meta.db_table)
        converters = [*connection.ops.get_db_converters(column), *field.get_db_converters(connection)]
        if converters:
            conversions.append((index, converters, column))
    return conversions
