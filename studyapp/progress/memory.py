"""FSRS's retrievability as a database expression, so knowledge is summed over items in SQL.

fsrs 6 computes R(t) = (1 + FACTOR * t / S) ** DECAY, with t the whole days since the last review
(`timedelta.days`, never below 0), DECAY = -w[20] and FACTOR = 0.9 ** (1 / DECAY) - 1
(Scheduler.get_card_retrievability). `retrievability_at` is that formula over ReviewState columns;
tests hold it to fsrs's own numbers.
"""

from __future__ import annotations

from datetime import datetime

import fsrs
from django.db.models import DateTimeField, Expression, F, FloatField, Func, Value
from django.db.models.functions import Floor, Greatest, Power

from studyapp.review.models import StudySettings


class DaysBetween(Func):
    """(later - earlier) in days, as a float, on SQLite and PostgreSQL."""

    output_field = FloatField()
    arity = 2

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, template="(julianday(%(expressions)s))", arg_joiner=") - julianday(")

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler, connection, template="(EXTRACT(EPOCH FROM (%(expressions)s)) / 86400.0)", arg_joiner=" - "
        )


def decay_and_factor(study_settings: StudySettings) -> tuple[float, float]:
    parameters = study_settings.fsrs_parameters or fsrs.scheduler.DEFAULT_PARAMETERS
    decay = -parameters[20]
    return decay, 0.9 ** (1 / decay) - 1


def retrievability_at(now: datetime, study_settings: StudySettings, *, prefix: str = "") -> Expression:
    """The probability of recall at `now` of a reviewed ReviewState (NULL for a new one).

    `prefix` reaches the state through a relation, e.g. "review_states__".
    """
    decay, factor = decay_and_factor(study_settings)
    elapsed = Greatest(
        Floor(DaysBetween(Value(now, output_field=DateTimeField()), F(f"{prefix}last_review"))),
        Value(0.0),
        output_field=FloatField(),
    )
    return Power(
        Value(1.0) + Value(factor) * elapsed / F(f"{prefix}stability"), Value(decay), output_field=FloatField()
    )
