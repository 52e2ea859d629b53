"""Triggers that keep ReviewDay the exact sum of ReviewLog: an insert adds a review, a delete takes it away.

In the database rather than in record_review so that recording a review stays three statements,
and so that every writer (the service, the admin, bulk loads, undo, cascades) keeps the summary true.
"""

from django.db import migrations

SQLITE = [
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
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS review_reviewlog_adds_to_day",
    "DROP TRIGGER IF EXISTS review_reviewlog_leaves_day",
]

POSTGRESQL = [
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
]
POSTGRESQL_DROP = [
    "DROP TRIGGER IF EXISTS review_reviewlog_sums_into_day ON review_reviewlog",
    "DROP FUNCTION IF EXISTS review_reviewlog_sum_into_day()",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        statements = statements_by_vendor.get(schema_editor.connection.vendor)
        if statements is None:
            raise NotImplementedError(f"No ReviewDay triggers for {schema_editor.connection.vendor}.")
        for statement in statements:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("review", "0002_progress_summary")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE, "postgresql": POSTGRESQL}),
            _run({"sqlite": SQLITE_DROP, "postgresql": POSTGRESQL_DROP}),
        ),
    ]
