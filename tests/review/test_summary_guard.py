"""ReviewDay's triggers cannot vanish unnoticed: the system check names them, the repair command puts them back.

Also: the log refuses UPDATE (the sums follow inserts and deletes only), and the admin deletes log
rows and days only along with their user, deck or item, or through undo.
"""

from __future__ import annotations

from contextlib import contextmanager
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.db import IntegrityError, connection, migrations, models, transaction
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.db.utils import ConnectionHandler
from django.urls import reverse

from studyapp.accounts.models import User
from studyapp.review import summary
from studyapp.review.checks import review_summary_triggers
from studyapp.review.models import Rating, ReviewDay, ReviewLog, ReviewState
from tests.factories import ReviewDayFactory
from tests.review.conftest import NOW, answer, make_items, study
from tests.review.test_review_day import summary as review_days
from tests.review.test_review_day import summed_from_the_log

ON_SQLITE = connection.vendor == "sqlite"
TRIGGER_NAMES = [trigger.name for trigger in summary.TRIGGERS[connection.vendor]]


def check_issues() -> list:
    return review_summary_triggers(databases=["default"])


def drop_trigger(name: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TRIGGER {name}" + ("" if ON_SQLITE else f" ON {summary.LOG_TABLE}"))


def repair() -> str:
    out = StringIO()
    call_command("repair_review_summary", stdout=out)
    return out.getvalue()


def forget_review_migrations_from_0004_on() -> None:
    """Make the database look as it did before `migrate` applied review 0004 (and what follows it)."""
    recorder = MigrationRecorder(connection)
    for app, name in recorder.applied_migrations():
        if app == "review" and name >= "0004":
            recorder.record_unapplied(app, name)


@contextmanager
def log_table_given_a_field():
    """An ordinary migration applied to review_reviewlog: a BooleanField with a default (SQLite rebuilds the table).

    Undone afterwards, and the triggers put back, so the next tests find the schema they expect.
    """
    operation = migrations.AddField("reviewlog", "reviewed_twice", models.BooleanField(default=False, db_default=False))
    before = MigrationLoader(connection).project_state()
    after = before.clone()
    operation.state_forwards("review", after)
    with connection.schema_editor() as editor:
        operation.database_forwards("review", editor, before, after)
    try:
        yield
    finally:
        with connection.schema_editor() as editor:
            operation.database_backwards("review", editor, after, before)
        summary.install_triggers(connection)


# --- The check -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_check_passes_on_a_healthy_database():
    assert summary.installed_triggers(connection) == set(TRIGGER_NAMES)
    assert check_issues() == []


@pytest.mark.django_db
def test_plain_manage_py_check_fails_naming_the_missing_trigger_and_the_repair_command():
    drop_trigger(TRIGGER_NAMES[0])

    with pytest.raises(SystemCheckError) as raised:
        call_command("check")  # no --database: the check must run where runserver runs it too

    assert "review.E001" in str(raised.value)
    assert TRIGGER_NAMES[0] in str(raised.value)
    assert "repair_review_summary" in str(raised.value)


@pytest.mark.django_db
@pytest.mark.parametrize("name", TRIGGER_NAMES)
def test_a_dropped_trigger_is_reported_and_the_repair_command_restores_it(name):
    drop_trigger(name)

    (issue,) = check_issues()
    output = repair()

    assert issue.id == "review.E001"
    assert name in issue.msg
    assert f"Reinstalled missing triggers: {name}." in output
    assert summary.installed_triggers(connection) == set(TRIGGER_NAMES)
    assert check_issues() == []


@pytest.mark.django_db
@pytest.mark.skipif(ON_SQLITE, reason="PostgreSQL can disable a trigger; SQLite cannot")
def test_on_postgresql_a_disabled_trigger_counts_as_missing_until_repaired():
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE review_reviewlog DISABLE TRIGGER review_reviewlog_sums_into_day")

    (issue,) = check_issues()
    repair()

    assert "review_reviewlog_sums_into_day" in issue.msg
    assert check_issues() == []


@pytest.mark.django_db
def test_a_trigger_whose_migration_is_not_applied_yet_is_not_expected():
    forget_review_migrations_from_0004_on()
    drop_trigger("review_reviewlog_refuses_update")

    assert check_issues() == []


@pytest.mark.django_db
def test_while_migrations_are_pending_a_missing_trigger_is_only_a_warning_so_migrate_can_run():
    forget_review_migrations_from_0004_on()
    drop_trigger("review_reviewlog_refuses_update")
    drop_trigger(TRIGGER_NAMES[0])

    (issue,) = check_issues()

    assert issue.id == "review.W001"
    assert not issue.is_serious()
    assert TRIGGER_NAMES[0] in issue.msg


@pytest.mark.django_db
def test_the_check_expects_nothing_of_a_database_without_tables():
    if ON_SQLITE:
        empty = ConnectionHandler({"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}})["default"]
    else:
        # An empty schema first on the search path: no review log, no django_migrations (undone with the test).
        empty = connection
        with connection.cursor() as cursor:
            cursor.execute("CREATE SCHEMA summary_guard_empty")
            cursor.execute("SET LOCAL search_path TO summary_guard_empty")
    try:
        assert summary.installed_triggers(empty) == set()
        assert summary.missing_triggers(empty) == []
    finally:
        if empty is not connection:
            empty.close()


# --- A table rebuild, as an ordinary migration does it -------------------------------------------


# SQLite's schema editor can't run inside the test's transaction. serialized_rollback keeps the groups
# of the data migration for the next flushing test, as in test_concurrency.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.skipif(not ON_SQLITE, reason="SQLite rebuilds the table; PostgreSQL alters it in place")
def test_on_sqlite_a_table_rebuild_drops_the_triggers_the_check_says_so_and_the_repair_restores_exact_sums(
    student_a, deck
):
    make_items(deck, 2, passage_index=None)
    first, second = study(student_a, deck, now=NOW - timedelta(days=1))
    answer(student_a, first, Rating.GOOD, now=NOW - timedelta(days=1), duration_ms=1_000)

    with log_table_given_a_field():
        issues = check_issues()
        # Recorded meanwhile: one more review on a summed day, one on a new day.
        answer(student_a, second, Rating.GOOD, now=NOW - timedelta(days=1), duration_ms=2_000)
        answer(student_a, first, Rating.AGAIN, now=NOW, duration_ms=3_000)
        unsummed = review_days()
        output = repair()
        repaired, log_summed = review_days(), summed_from_the_log()
        healthy = check_issues()
        answer(student_a, second, Rating.GOOD, now=NOW, duration_ms=4_000)  # summed by the triggers again

    assert [issue.id for issue in issues] == ["review.E001"]
    assert all(name in issues[0].msg for name in TRIGGER_NAMES)
    assert [(day["reviews"], day["duration_ms"]) for day in unsummed] == [(1, 1_000)]
    assert "Reinstalled missing triggers: " + ", ".join(TRIGGER_NAMES) in output
    assert "1 added, 1 corrected, 0 removed, 0 already right" in output
    assert repaired == log_summed
    assert [(day["reviews"], day["duration_ms"]) for day in repaired] == [(2, 3_000), (1, 3_000)]
    assert healthy == []
    assert review_days() == summed_from_the_log()
    assert [day["reviews"] for day in review_days()] == [2, 2]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.skipif(ON_SQLITE, reason="PostgreSQL alters the table in place; SQLite rebuilds it")
def test_on_postgresql_the_same_migration_keeps_the_triggers_and_the_sums(student_a, deck):
    make_items(deck, 2, passage_index=None)
    first, second = study(student_a, deck, now=NOW - timedelta(days=1))
    answer(student_a, first, Rating.GOOD, now=NOW - timedelta(days=1), duration_ms=1_000)

    with log_table_given_a_field():
        issues = check_issues()
        answer(student_a, second, Rating.GOOD, now=NOW - timedelta(days=1), duration_ms=2_000)
        answer(student_a, first, Rating.AGAIN, now=NOW, duration_ms=3_000)
        days = review_days()

    assert issues == []
    assert days == summed_from_the_log()
    assert [day["reviews"] for day in days] == [2, 1]


# --- The repair ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_repair_makes_review_day_the_exact_sum_of_the_log_and_removes_days_without_reviews(student_a, deck):
    make_items(deck, 2, passage_index=None)
    first, second = study(student_a, deck)
    answer(student_a, first, Rating.GOOD, now=NOW, duration_ms=1_000)
    answer(student_a, second, Rating.HARD, now=NOW, duration_ms=2_000)
    right = review_days()
    ReviewDay.objects.update(reviews=7, duration_ms=0)
    ReviewDayFactory(learner=student_a, deck=deck, day=NOW.date() - timedelta(days=3))

    output = repair()

    assert "ReviewDay recomputed from the review log: 0 added, 1 corrected, 1 removed, 0 already right." in output
    assert review_days() == right == summed_from_the_log()


@pytest.mark.django_db
def test_the_repair_of_a_healthy_database_changes_nothing_and_says_so(student_a, deck):
    make_items(deck, 1, passage_index=None)
    (state,) = study(student_a, deck)
    answer(student_a, state, Rating.GOOD, now=NOW)

    output = repair()

    assert f"All {len(TRIGGER_NAMES)} triggers were in place" in output
    assert "already was the sum of the review log (0 added, 0 corrected, 0 removed, 1 already right)" in output


# --- The log is append-only ----------------------------------------------------------------------


@pytest.mark.django_db
def test_updating_a_review_log_row_is_refused_by_the_database(student_a, deck):
    make_items(deck, 1, passage_index=None)
    (state,) = study(student_a, deck)
    log = answer(student_a, state, Rating.GOOD, now=NOW, duration_ms=1_000).log
    before = review_days()

    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        ReviewLog.objects.filter(pk=log.pk).update(rating=Rating.AGAIN, duration_ms=9_000)
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        log.save()

    assert ReviewLog.objects.get(pk=log.pk).rating == Rating.GOOD
    assert review_days() == before


# --- The admin -----------------------------------------------------------------------------------


@pytest.fixture
def reviewed(student_a, deck) -> ReviewLog:
    """Student A's two reviews of the deck today; the newest is returned."""
    make_items(deck, 2, passage_index=None)
    first, second = study(student_a, deck)
    answer(student_a, first, Rating.GOOD, now=NOW)
    return answer(student_a, second, Rating.AGAIN, now=NOW + timedelta(minutes=1)).log


def admin_url(model, view: str, *args) -> str:
    return reverse(f"admin:review_{model._meta.model_name}_{view}", args=args)


@pytest.mark.django_db
def test_the_admin_offers_no_way_to_delete_a_log_row_or_a_day_by_itself(admin_client, reviewed):
    for model in (ReviewLog, ReviewDay):
        row = model.objects.first()

        change = admin_client.get(admin_url(model, "change", row.pk))
        changelist = admin_client.get(admin_url(model, "changelist"))
        delete_page = admin_client.get(admin_url(model, "delete", row.pk))
        delete_post = admin_client.post(admin_url(model, "delete", row.pk), {"post": "yes"})
        admin_client.post(
            admin_url(model, "changelist"), {"action": "delete_selected", "_selected_action": [row.pk], "post": "yes"}
        )

        assert change.status_code == 200, model
        assert admin_url(model, "delete", row.pk) not in change.content.decode(), model
        assert "delete_selected" not in changelist.content.decode(), model
        assert delete_page.status_code == delete_post.status_code == 403, model
        assert model.objects.filter(pk=row.pk).exists(), model


@pytest.mark.django_db
def test_an_admin_can_delete_a_learner_with_reviews_and_their_log_and_days_go_with_them(admin_client, reviewed):
    learner = reviewed.learner

    page = admin_client.get(reverse("admin:accounts_user_delete", args=[learner.pk]))
    response = admin_client.post(reverse("admin:accounts_user_delete", args=[learner.pk]), {"post": "yes"})

    assert page.status_code == 200
    assert not page.context["perms_lacking"]
    assert response.status_code == 302
    assert not User.objects.filter(pk=learner.pk).exists()
    assert not ReviewLog.objects.exists()
    assert not ReviewDay.objects.exists()


@pytest.mark.django_db
def test_an_admin_can_delete_a_deck_with_reviews(admin_client, reviewed, deck):
    response = admin_client.post(reverse("admin:library_deck_delete", args=[deck.pk]), {"post": "yes"})

    assert response.status_code == 302
    assert not ReviewLog.objects.exists()
    assert not ReviewDay.objects.exists()


@pytest.mark.django_db
def test_an_admin_can_delete_a_reviewed_item_and_the_day_loses_exactly_its_review(admin_client, reviewed):
    response = admin_client.post(reverse("admin:library_item_delete", args=[reviewed.item_id]), {"post": "yes"})

    assert response.status_code == 302
    assert review_days() == summed_from_the_log()
    assert [day["reviews"] for day in review_days()] == [1]


@pytest.mark.django_db
def test_the_admin_undo_action_undoes_a_learners_newest_review_as_undo_does(admin_client, reviewed):
    state = ReviewState.objects.get(learner=reviewed.learner, item=reviewed.item)

    response = admin_client.post(
        admin_url(ReviewLog, "changelist"),
        {"action": "undo_newest_reviews", "_selected_action": [reviewed.pk]},
        follow=True,
    )

    assert "Undid 1 review." in response.content.decode()
    assert not ReviewLog.objects.filter(pk=reviewed.pk).exists()
    state.refresh_from_db()
    assert state.reps == 0
    assert review_days() == summed_from_the_log()
    assert [day["reviews"] for day in review_days()] == [1]


@pytest.mark.django_db
def test_the_admin_undo_action_refuses_a_review_that_is_not_the_learners_newest(admin_client, reviewed):
    older = ReviewLog.objects.exclude(pk=reviewed.pk).get()

    response = admin_client.post(
        admin_url(ReviewLog, "changelist"),
        {"action": "undo_newest_reviews", "_selected_action": [older.pk]},
        follow=True,
    )

    assert "Not undone (not the learner&#x27;s newest review)" in response.content.decode()
    assert ReviewLog.objects.count() == 2
    assert [day["reviews"] for day in review_days()] == [2]
