"""Backups (studyapp/operations): `make backup` then `make restore FILE=...` give back every review.

Run on whichever database the suite runs on (SQLite, PostgreSQL in CI): the commands use the connection's own
settings, here the test database. Transactional tests: pg_dump reads from its own session, which sees only
committed rows.
"""

from __future__ import annotations

import re
import stat
import subprocess
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from studyapp.review import summary
from studyapp.review.models import ReviewDay, ReviewLog
from tests.factories import ItemFactory, ReviewLogFactory

ROOT = Path(__file__).resolve().parent.parent
SUFFIX = {"sqlite": ".sqlite3", "postgresql": ".dump"}[connection.vendor]


def reviews() -> set[tuple]:
    return set(ReviewLog.objects.values_list("learner_id", "item_id", "client_uuid", "rating", "reviewed_at"))


def review_days() -> set[tuple]:
    return set(ReviewDay.objects.values_list("learner_id", "deck_id", "day", "reviews"))


def back_up(directory: Path) -> Path:
    out = StringIO()
    call_command("backup_db", directory=directory, stdout=out)
    return Path(out.getvalue().strip())


@pytest.fixture
def logged_reviews(student_a, student_b) -> set[tuple]:
    items = [ItemFactory() for _ in range(3)]
    for learner in (student_a, student_b):
        for item in items:
            ReviewLogFactory(learner=learner, item=item)
    return reviews()


@pytest.mark.django_db(transaction=True)
def test_a_restore_gives_back_every_review_deleted_after_the_backup(tmp_path, logged_reviews):
    days = review_days()
    backup_file = back_up(tmp_path)
    ReviewLog.objects.all().delete()
    assert reviews() == set()
    assert review_days() != days  # the triggers took the deleted reviews out of the daily sums

    call_command("restore_db", backup_file, interactive=False, stdout=StringIO())

    assert len(logged_reviews) == 6
    assert reviews() == logged_reviews
    assert review_days() == days
    assert summary.missing_triggers(connection) == []  # the summary's triggers came back with the tables


@pytest.mark.django_db(transaction=True)
def test_a_backup_is_one_file_named_by_its_utc_time_and_readable_by_its_owner_only(tmp_path, logged_reviews):
    backup_file = back_up(tmp_path / "backups")

    assert backup_file.parent == tmp_path / "backups"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d{6}Z" + re.escape(SUFFIX), backup_file.name)
    assert stat.S_IMODE(backup_file.stat().st_mode) == 0o600
    assert [path.name for path in backup_file.parent.iterdir()] == [backup_file.name]  # no partial file left


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_file_that_is_not_a_backup_and_changes_nothing(tmp_path, logged_reviews):
    impostor = tmp_path / f"notes{SUFFIX}"
    impostor.write_text("DROP TABLE review_reviewlog;")

    with pytest.raises(CommandError, match=r"is not a \w+ backup"):
        call_command("restore_db", impostor, interactive=False)
    with pytest.raises(CommandError, match="No backup file"):
        call_command("restore_db", tmp_path / f"missing{SUFFIX}", interactive=False)

    assert reviews() == logged_reviews


@pytest.mark.django_db(transaction=True)
def test_restore_asks_first_and_an_answer_other_than_yes_changes_nothing(tmp_path, logged_reviews, monkeypatch):
    backup_file = back_up(tmp_path)
    ReviewLog.objects.filter(learner__username="student_b").delete()
    remaining = reviews()
    monkeypatch.setattr("builtins.input", lambda question: "y")

    with pytest.raises(CommandError, match="cancelled"):
        call_command("restore_db", backup_file)

    assert reviews() == remaining
    assert len(remaining) == 3


def test_make_restore_without_a_file_refuses_and_says_how():
    result = subprocess.run(
        ["make", "--no-print-directory", "restore"],  # noqa: S607 - make from PATH, as a user runs it
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert result.returncode != 0
    assert "FILE=" in result.stderr.splitlines()[0]
