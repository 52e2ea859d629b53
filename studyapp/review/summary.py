"""The database triggers that keep ReviewDay the exact sum of ReviewLog, and the tools that guard them.

The one home of their SQL: migrations install it from here, the system check (checks.py) asks
`missing_triggers` whether it is still there, and `repair_review_summary` reinstalls it and sums
the log again. Triggers live in the database rather than in record_review so that every writer
(the service, undo, cascades, bulk loads) keeps the summary true at no extra query.

Why guard them: on SQLite, Django rebuilds a table for most schema changes (an AddField with a
default, any AlterField) by copying it into a new one, and the triggers of the old table go with
it — silently. PostgreSQL's ALTER TABLE keeps them, but a hand-run DROP or DISABLE does not.

Each trigger names the migration that installs it (`install_operation`), which also tells the check
which triggers a partly migrated database should have. A migration applies the SQL as it is here
today: change a trigger's SQL only together with a new migration that installs it again, and only
in ways the schema at every earlier installing migration can hold.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import DEFAULT_DB_ALIAS, connections, migrations, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.recorder import MigrationRecorder
from django.db.models import Count, Q, Sum

from studyapp.review.models import ReviewDay, ReviewLog

LOG_TABLE = "review_reviewlog"
REPAIR_COMMAND = "repair_review_summary"
# Spliced into the triggers' SQL as a literal: keep it free of quotes.
APPEND_ONLY_MESSAGE = (
    "review_reviewlog is append-only: a review is recorded (insert) or undone (delete), never changed, "
    "so that ReviewDay stays its exact sum"
)


@dataclass(frozen=True)
class Trigger:
    """One trigger on the review log: the migration that first installs it, and its SQL."""

    name: str
    installed_by: str  # a migration of the review app
    create: tuple[str, ...]  # run after `drop`, so installing twice leaves one copy
    drop: tuple[str, ...]


_SQLITE = (
    Trigger(
        name="review_reviewlog_adds_to_day",
        installed_by="0003_reviewday_triggers",
        create=(
            """
    CREATE TRIGGER review_reviewlog_adds_to_day AFTER INSERT ON review_reviewlog
    BEGIN
        INSERT INTO review_reviewday
            (learner_id, day, deck_id, reviews, new_items, memory_tests, memory_passes, duration_ms)
        VALUES (NEW.learner_id, NEW.day, NEW.deck_id, 1, NEW.state = 'new', NEW.tests_memory,
                NEW.tests_memory AND NEW.rating > 1, COALESCE(NEW.duration_ms, 0))
        ON CONFLICT (learner_id, day, deck_id) DO UPDATE SET
            reviews = reviews + 1,
            new_items = new_items + excluded.new_items,
            memory_tests = memory_tests + excluded.memory_tests,
            memory_passes = memory_passes + excluded.memory_passes,
            duration_ms = duration_ms + excluded.duration_ms;
    END
    """,
        ),
        drop=("DROP TRIGGER IF EXISTS review_reviewlog_adds_to_day",),
    ),
    Trigger(
        name="review_reviewlog_leaves_day",
        installed_by="0003_reviewday_triggers",
        create=(
            """
    CREATE TRIGGER review_reviewlog_leaves_day AFTER DELETE ON review_reviewlog
    BEGIN
        UPDATE review_reviewday SET
            reviews = reviews - 1,
            new_items = new_items - (OLD.state = 'new'),
            memory_tests = memory_tests - OLD.tests_memory,
            memory_passes = memory_passes - (OLD.tests_memory AND OLD.rating > 1),
            duration_ms = duration_ms - COALESCE(OLD.duration_ms, 0)
        WHERE learner_id = OLD.learner_id AND day = OLD.day AND deck_id = OLD.deck_id;
        DELETE FROM review_reviewday
        WHERE learner_id = OLD.learner_id AND day = OLD.day AND deck_id = OLD.deck_id AND reviews <= 0;
    END
    """,
        ),
        drop=("DROP TRIGGER IF EXISTS review_reviewlog_leaves_day",),
    ),
    Trigger(
        # The sums follow inserts and deletes only: an updated row would leave its old values summed.
        name="review_reviewlog_refuses_update",
        installed_by="0004_summary_guard",
        create=(
            f"""
    CREATE TRIGGER review_reviewlog_refuses_update BEFORE UPDATE ON review_reviewlog
    BEGIN
        SELECT RAISE(ABORT, '{APPEND_ONLY_MESSAGE}');
    END
    """,
        ),
        drop=("DROP TRIGGER IF EXISTS review_reviewlog_refuses_update",),
    ),
)

_POSTGRESQL = (
    Trigger(
        name="review_reviewlog_sums_into_day",
        installed_by="0003_reviewday_triggers",
        create=(
            """
    CREATE FUNCTION review_reviewlog_sum_into_day() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'INSERT' THEN
            INSERT INTO review_reviewday
                (learner_id, day, deck_id, reviews, new_items, memory_tests, memory_passes, duration_ms)
            VALUES (NEW.learner_id, NEW.day, NEW.deck_id, 1, (NEW.state = 'new')::int, NEW.tests_memory::int,
                    (NEW.tests_memory AND NEW.rating > 1)::int, COALESCE(NEW.duration_ms, 0))
            ON CONFLICT (learner_id, day, deck_id) DO UPDATE SET
                reviews = review_reviewday.reviews + 1,
                new_items = review_reviewday.new_items + excluded.new_items,
                memory_tests = review_reviewday.memory_tests + excluded.memory_tests,
                memory_passes = review_reviewday.memory_passes + excluded.memory_passes,
                duration_ms = review_reviewday.duration_ms + excluded.duration_ms;
            RETURN NEW;
        END IF;
        UPDATE review_reviewday SET
            reviews = reviews - 1,
            new_items = new_items - (OLD.state = 'new')::int,
            memory_tests = memory_tests - OLD.tests_memory::int,
            memory_passes = memory_passes - (OLD.tests_memory AND OLD.rating > 1)::int,
            duration_ms = duration_ms - COALESCE(OLD.duration_ms, 0)
        WHERE learner_id = OLD.learner_id AND day = OLD.day AND deck_id = OLD.deck_id;
        DELETE FROM review_reviewday
        WHERE learner_id = OLD.learner_id AND day = OLD.day AND deck_id = OLD.deck_id AND reviews <= 0;
        RETURN OLD;
    END
    $$
    """,
            """
    CREATE TRIGGER review_reviewlog_sums_into_day AFTER INSERT OR DELETE ON review_reviewlog
    FOR EACH ROW EXECUTE FUNCTION review_reviewlog_sum_into_day()
    """,
        ),
        drop=(
            "DROP TRIGGER IF EXISTS review_reviewlog_sums_into_day ON review_reviewlog",
            "DROP FUNCTION IF EXISTS review_reviewlog_sum_into_day()",
        ),
    ),
    Trigger(
        # FOR EACH ROW, as on SQLite: an UPDATE that matches no row is harmless and passes.
        name="review_reviewlog_refuses_update",
        installed_by="0004_summary_guard",
        create=(
            f"""
    CREATE FUNCTION review_reviewlog_refuse_update() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION '{APPEND_ONLY_MESSAGE}' USING ERRCODE = 'restrict_violation';
    END
    $$
    """,
            """
    CREATE TRIGGER review_reviewlog_refuses_update BEFORE UPDATE ON review_reviewlog
    FOR EACH ROW EXECUTE FUNCTION review_reviewlog_refuse_update()
    """,
        ),
        drop=(
            "DROP TRIGGER IF EXISTS review_reviewlog_refuses_update ON review_reviewlog",
            "DROP FUNCTION IF EXISTS review_reviewlog_refuse_update()",
        ),
    ),
)

TRIGGERS: dict[str, tuple[Trigger, ...]] = {"sqlite": _SQLITE, "postgresql": _POSTGRESQL}


def triggers_of(connection: BaseDatabaseWrapper, *, installed_by: str | None = None) -> list[Trigger]:
    """The triggers this database needs (only those a given review migration installs, if named)."""
    try:
        triggers = TRIGGERS[connection.vendor]
    except KeyError:
        raise NotImplementedError(f"No review-log triggers for {connection.vendor}.") from None
    return [trigger for trigger in triggers if installed_by in (None, trigger.installed_by)]


def installed_triggers(connection: BaseDatabaseWrapper) -> set[str]:
    """Names of the working triggers on the review log; empty when the table doesn't exist (yet)."""
    if connection.vendor == "sqlite":
        sql = "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s"
    else:
        # A disabled trigger ('D') or one that fires only on replicas ('R') counts as missing.
        sql = (
            "SELECT tgname FROM pg_trigger WHERE tgrelid = to_regclass(%s) "
            "AND NOT tgisinternal AND tgenabled IN ('O', 'A')"
        )
    with connection.cursor() as cursor:
        cursor.execute(sql, [LOG_TABLE])
        return {name for (name,) in cursor.fetchall()}


def absent_triggers(connection: BaseDatabaseWrapper) -> list[Trigger]:
    """Every trigger of this database that isn't there (or is disabled), whatever migrations are applied."""
    present = installed_triggers(connection)
    return [trigger for trigger in triggers_of(connection) if trigger.name not in present]


def missing_triggers(connection: BaseDatabaseWrapper) -> list[str]:
    """The triggers that applied review migrations installed and that are no longer there (or are disabled).

    A database without tables, or with review migrations still to apply, expects only what is
    applied. The migration record is read only when a trigger is absent: a healthy database costs
    one query.
    """
    if connection.vendor not in TRIGGERS:
        return []
    absent = absent_triggers(connection)
    if not absent:
        return []
    applied = {name for app, name in MigrationRecorder(connection).applied_migrations() if app == "review"}
    return [trigger.name for trigger in absent if trigger.installed_by in applied]


def has_unapplied_migrations(connection: BaseDatabaseWrapper) -> bool:
    """Whether `migrate` has work to do here (asked as runserver asks it)."""
    executor = MigrationExecutor(connection)
    return bool(executor.migration_plan(executor.loader.graph.leaf_nodes()))


def install_triggers(connection: BaseDatabaseWrapper, *, installed_by: str | None = None) -> list[str]:
    """Drop and create the triggers (all, or one migration's) in one transaction; returns their names.

    Idempotent: installing a trigger that is there replaces it with the SQL above.
    """
    triggers = triggers_of(connection, installed_by=installed_by)
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        for trigger in triggers:
            for statement in (*trigger.drop, *trigger.create):
                cursor.execute(statement)
    return [trigger.name for trigger in triggers]


def remove_triggers(connection: BaseDatabaseWrapper, *, installed_by: str) -> None:
    """Drop one migration's triggers (what that migration does when it is reversed)."""
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        for trigger in triggers_of(connection, installed_by=installed_by):
            for statement in trigger.drop:
                cursor.execute(statement)


def install_operation(migration_name: str) -> migrations.RunPython:
    """The operation of the review migration `migration_name`: install its triggers, drop them when reversed."""

    def forwards(apps, schema_editor) -> None:
        install_triggers(schema_editor.connection, installed_by=migration_name)

    def backwards(apps, schema_editor) -> None:
        remove_triggers(schema_editor.connection, installed_by=migration_name)

    return migrations.RunPython(forwards, backwards)


def reinstall_operation() -> migrations.RunPython:
    """Put every trigger back: the last operation of any migration that rebuilds review_reviewlog on SQLite.

    Nothing can be recorded while a migration runs, so the sums need no repair afterwards.
    """

    def forwards(apps, schema_editor) -> None:
        install_triggers(schema_editor.connection)

    return migrations.RunPython(forwards, migrations.RunPython.noop)


@dataclass(frozen=True)
class Repair:
    """What `repair` changed: the triggers that had been missing, and the ReviewDay rows it corrected."""

    reinstalled: list[str]
    was_missing: list[str]
    days_added: int
    days_corrected: int
    days_removed: int
    days_unchanged: int

    @property
    def changed_days(self) -> bool:
        return bool(self.days_added or self.days_corrected or self.days_removed)


_SUMS = ("reviews", "new_items", "memory_tests", "memory_passes", "duration_ms")


def log_summed_by_day(using: str = DEFAULT_DB_ALIAS):
    """ReviewLog summed per learner, day and deck: what ReviewDay must hold (the triggers' work, redone at once)."""
    return (
        ReviewLog.objects.using(using)
        .values("learner_id", "day", "deck_id")
        .annotate(
            reviews=Count("pk"),
            new_items=Count("pk", filter=Q(state="new")),
            memory_tests=Count("pk", filter=Q(tests_memory=True)),
            memory_passes=Count("pk", filter=Q(tests_memory=True, rating__gt=1)),
            duration_ms=Sum("duration_ms", default=0),
        )
        .order_by()
    )


def repair(using: str = DEFAULT_DB_ALIAS) -> Repair:
    """Reinstall every trigger and make ReviewDay the exact sum of ReviewLog, all or nothing.

    Writers to the log wait until it is done (PostgreSQL: the lock below; SQLite: the settings'
    IMMEDIATE transactions take the write lock up front), so no review lands between summing and
    writing. Reads the whole log once and keeps one row per day in memory.
    """
    connection = connections[using]
    with transaction.atomic(using=using):
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                # Blocks inserts and deletes on the log (and other repairs), lets reads through.
                cursor.execute(f"LOCK TABLE {LOG_TABLE} IN SHARE ROW EXCLUSIVE MODE")
        was_missing = [trigger.name for trigger in absent_triggers(connection)]
        reinstalled = install_triggers(connection)
        should_be = {(row["learner_id"], row["day"], row["deck_id"]): row for row in log_summed_by_day(using)}
        corrected: list[ReviewDay] = []
        removed: list[int] = []
        unchanged = 0
        for day in ReviewDay.objects.using(using).all():
            row = should_be.pop((day.learner_id, day.day, day.deck_id), None)
            if row is None:
                removed.append(day.pk)
            elif any(getattr(day, field) != row[field] for field in _SUMS):
                for field in _SUMS:
                    setattr(day, field, row[field])
                corrected.append(day)
            else:
                unchanged += 1
        added = [ReviewDay(**row) for row in should_be.values()]
        for start in range(0, len(removed), 500):  # under SQLite's limit of query parameters
            ReviewDay.objects.using(using).filter(pk__in=removed[start : start + 500]).delete()
        ReviewDay.objects.using(using).bulk_update(corrected, _SUMS, batch_size=1000)
        ReviewDay.objects.using(using).bulk_create(added, batch_size=1000)
    return Repair(reinstalled, was_missing, len(added), len(corrected), len(removed), unchanged)
