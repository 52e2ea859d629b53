"""System check: the triggers that sum ReviewLog into ReviewDay are in the database.

Untagged, so it runs where people look — `manage.py check`, runserver's start-up (`make run`),
`migrate` and every other command with system checks — not only with `check --database`. It
queries the database safely: one query when healthy; nothing expected of a database whose review
migrations are not applied yet; no error while migrations are pending (a warning instead, so
`migrate` is never blocked: the pending migration may be the one that restores the triggers);
nothing at all when the database can't be reached (everything else says so).
"""

from __future__ import annotations

from django.core.checks import Error, register
from django.core.checks import Warning as CheckWarning
from django.db import DatabaseError, connections, router

from studyapp.review import summary
from studyapp.review.models import ReviewLog

_REPAIR = f"run `python manage.py {summary.REPAIR_COMMAND}` to reinstall them and sum the log again"
_WHY = (
    "Without them new reviews are left out of ReviewDay (progress pages, streaks, calendar). "
    "On SQLite a migration that rebuilds review_reviewlog (AddField with a default, AlterField) drops them: "
    "end such a migration with studyapp.review.summary.reinstall_operation()."
)


@register()
def review_summary_triggers(app_configs=None, databases=None, **kwargs) -> list:
    if app_configs is not None and not any(config.label == "review" for config in app_configs):
        return []
    # Django passes databases only to `check --database` and `migrate`; look at every one anyway.
    aliases = list(databases) if databases is not None else list(connections)
    issues = []
    for alias in aliases:
        if not router.allow_migrate_model(alias, ReviewLog):
            continue
        connection = connections[alias]
        try:
            missing = summary.missing_triggers(connection)
            pending = bool(missing) and summary.has_unapplied_migrations(connection)
        except DatabaseError:
            continue  # no server, no database: the check can't say, and every query will
        if not missing:
            continue
        message = f"ReviewDay's triggers are missing from the {alias!r} database: {', '.join(missing)}."
        if pending:
            hint = f"If they are still missing after `migrate`, {_REPAIR}. {_WHY}"
            issues.append(CheckWarning(message, hint=hint, id="review.W001"))
        else:
            issues.append(Error(message, hint=f"{_REPAIR[0].upper()}{_REPAIR[1:]}. {_WHY}", id="review.E001"))
    return issues
