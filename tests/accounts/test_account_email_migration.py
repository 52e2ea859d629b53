"""Migration accounts 0003: addresses shared before the one-account-per-address constraint."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [("accounts", "0002_roles")]


def migrate(targets=None):
    """Migrate to the targets (None: every app's latest migration, as the other tests expect to find it)."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    targets = targets or executor.loader.graph.leaf_nodes()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_an_address_shared_before_stays_with_the_account_that_joined_first_and_the_others_lose_it():
    old_apps = migrate(BEFORE)
    try:
        User = old_apps.get_model("accounts", "User")
        now = timezone.now()
        User.objects.create(username="later", email="Shared@Example.org", date_joined=now)
        User.objects.create(username="first", email="shared@example.org", date_joined=now - timedelta(days=3))
        User.objects.create(username="other", email="other@example.org", date_joined=now)
        User.objects.create(username="blank_a", email="", date_joined=now)
        User.objects.create(username="blank_b", email="", date_joined=now)
    finally:
        new_apps = migrate()

    emails = dict(new_apps.get_model("accounts", "User").objects.values_list("username", "email"))
    assert emails == {
        "first": "shared@example.org",
        "later": "",
        "other": "other@example.org",
        "blank_a": "",
        "blank_b": "",
    }
